"""Resume after a real crash: a training process is killed with SIGKILL in the middle of a run, then started again.
It must continue from the last backup (not from scratch), and the epoch gallery must come out complete: every epoch
once, every file whole, no temporary files left behind."""
import json, os, signal, subprocess, sys, textwrap, time
from pathlib import Path
import numpy as np

HERE = Path(__file__).parent
EPOCHS, STEPS = 5, 2          # 128 images / (batch 32 x 2 critic steps, each on a fresh batch: train_gan's recipe)

SCRIPT = textwrap.dedent('''
    import json, os, sys, time
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    sys.path.insert(0, sys.argv[4])
    from pathlib import Path
    import keras
    from _gan_helpers import toy_data, toy_classifier, TINY
    from synthview.gan import train_gan
    run, epochs, pause = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    events = run.parent/'events.txt'
    class Marker(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            with open(events, 'a') as f: f.write(f"{os.getpid()} begin {epoch}\\n")
            time.sleep(pause)
    gan, hist = train_gan(toy_data(), toy_classifier(), target='right', epochs=epochs, batch_size=32, run_dir=run,   # every image:
                          critic_sees='all', callbacks=[Marker()], gallery_seeds=16, verbose=0, **TINY)            # 2 steps an epoch
    print(json.dumps(dict(epochs_run=len(hist['critic_loss']), generator_steps=int(gan.generator_optimizer.iterations),
                          critic_steps=int(gan.critic_optimizer.iterations))))
''')


def _events(path):
    return [l.split() for l in path.read_text().splitlines()] if path.exists() else []


def test_resume_after_sigkill(tmp_path):
    script = tmp_path/'train.py'; script.write_text(SCRIPT)
    run, events = tmp_path/'run', tmp_path/'events.txt'
    env = dict(os.environ, KERAS_HOME=os.environ.get('KERAS_HOME', '/tmp/kh'))
    cmd = [sys.executable, str(script), str(run), str(EPOCHS)]
    # first process: slow epochs, killed while it waits at the start of epoch 3 (index 2): epochs 1-2 are done and backed up
    p = subprocess.Popen(cmd + ['3.0', str(HERE)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t0 = time.time()
    while not any(e[0] == str(p.pid) and e[2] == '2' for e in _events(events)):
        assert p.poll() is None, p.stderr.read().decode()[-3000:]
        assert time.time() - t0 < 120, 'the training process did not reach epoch 3'
        time.sleep(0.1)
    p.send_signal(signal.SIGKILL); p.wait()
    assert p.returncode == -signal.SIGKILL
    index = json.loads((run/'gallery'/'index.json').read_text())
    assert [e['epoch'] for e in index['epochs']] == [1, 2]
    assert json.loads((run/'backup'/'training_metadata.json').read_text())['epoch'] == 2

    # second process: same command; it must start at epoch index 2 and run the 3 remaining epochs
    out = subprocess.run(cmd + ['0', str(HERE)], env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-3000:]
    res = json.loads(out.stdout.strip().splitlines()[-1])
    second = [int(e[2]) for e in _events(events) if e[0] != str(p.pid)]
    assert second == [2, 3, 4], second                                    # continued, did not restart
    assert res['epochs_run'] == EPOCHS - 2
    assert res['generator_steps'] == EPOCHS * STEPS                        # optimiser state restored, not reset
    assert res['critic_steps'] == 2 * EPOCHS * STEPS

    # the gallery: every epoch once, all files whole, nothing temporary left
    from synthview.gallery import load_gallery
    g = load_gallery(run)
    assert g.epochs == list(range(1, EPOCHS + 1))
    for e in g.epochs:
        a = g.arrays(e)
        assert a['images'].dtype == np.uint8 and len(a['images']) == g.record(e)['accepted'][0]
        assert (run/'gallery'/g.record(e)['png']).read_bytes()[:4] == b'\x89PNG'
    names = sorted(p.name for p in (run/'gallery').iterdir())
    assert names == sorted(['index.json'] + [f"epoch_{e:04d}.{x}" for e in g.epochs for x in ('npz', 'png')]), names
    assert not [p for p in run.rglob('*') if '.tmp' in p.name]
    log = (run/'log.csv').read_text().splitlines()
    assert [int(l.split(',')[0]) for l in log[1:]] == [0, 1, 2, 3, 4]      # CSV log continued, no repeated epoch
