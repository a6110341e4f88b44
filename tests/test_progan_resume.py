"""ProGAN resume after a real crash, across a phase boundary and in the middle of a fade: a `train_progan` process is
killed with SIGKILL at the start of the first epoch of a new phase, started again, killed again at the start of the
second epoch of that phase's fade (alpha = 0.5), and started a third time. Every step of the whole schedule must be
run exactly once, each at the phase and alpha the schedule gives for the images shown before it, with the optimisers
reset only where a new phase begins (not at a resume); the gallery must hold every epoch once."""
import json, os, signal, subprocess, sys, textwrap, time
from pathlib import Path

HERE = Path(__file__).parent
# 8 x 8 gray toy images: ladder 4, 8 (2 phases). 64 images per phase, 2 epochs of 2 steps (batch 16) per fade or
# stabilisation: 2 x (2 x 2 - 1) = 6 epochs, 12 steps.
IMAGES_PER_PHASE, EPOCHS_PER_PHASE, BATCH, EPOCHS = 64, 2, 16, 6
STEPS = EPOCHS * IMAGES_PER_PHASE // (EPOCHS_PER_PHASE * BATCH)      # 12

SCRIPT = textwrap.dedent('''
    import json, os, sys, time
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    sys.path.insert(0, sys.argv[3])
    from pathlib import Path
    import keras
    from _gan_helpers import toy_data, toy_classifier
    from synthview.progan import train_progan
    run, stop_at = Path(sys.argv[1]), int(sys.argv[2])
    events = run.parent/'events.jsonl'
    def log(**kw):
        with open(events, 'a') as f: f.write(json.dumps(dict(pid=os.getpid(), **kw)) + '\\n')
    class Marker(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            m = self.model
            log(event='begin', epoch=epoch, images=int(m.images_shown.numpy()), schedule=list(m.schedule()))
            if epoch == stop_at: time.sleep(600)            # wait here to be killed (the epoch before is backed up)
        def on_train_batch_end(self, batch, logs=None):
            log(event='step', kimg=float(logs['kimg']), phase=float(logs['phase']), alpha=float(logs['alpha']),
                its=int(self.model.generator_optimizer.iterations))
    gan, hist = train_progan(toy_data(64, size=8), toy_classifier(8), target='right', images_per_phase=%d, epochs_per_phase=%d,
                             batch_size=%d, run_dir=run, callbacks=[Marker()], latent_dim=8, widths=(16, 8),
                             gallery_seeds=8, image_summaries=False, verbose=0)
    log(event='done', epochs_run=len(hist['critic_loss']), phase=gan.phase, alpha=gan.alpha)
''' % (IMAGES_PER_PHASE, EPOCHS_PER_PHASE, BATCH))


def _events(path):
    return [json.loads(l) for l in path.read_text().splitlines()] if path.exists() else []


def _expected(images_before):
    "(phase, alpha after the step, optimiser steps since the phase began) for the step starting at images_before."
    from synthview.progan import progan_schedule
    n, b = IMAGES_PER_PHASE, BATCH
    phase = progan_schedule(images_before, 2, n)[0]
    start = 0 if phase == 0 else n + (phase - 1) * 2 * n
    alpha = 1.0 if phase == 0 else min(1.0, (images_before + b - start) / n)
    return phase, alpha, (images_before + b - start) // b


def _run_until(cmd, env, events, stop_at, timeout=120):
    "Start the process; kill it with SIGKILL once it waits at the start of epoch index stop_at."
    p = subprocess.Popen(cmd + [str(stop_at), str(HERE)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t0 = time.time()
    while not any(e['pid'] == p.pid and e['event'] == 'begin' and e['epoch'] == stop_at for e in _events(events)):
        assert p.poll() is None, p.stderr.read().decode()[-3000:]
        assert time.time() - t0 < timeout, f'the training process did not reach epoch {stop_at + 1}'
        time.sleep(0.1)
    p.send_signal(signal.SIGKILL); p.wait()
    assert p.returncode == -signal.SIGKILL
    return p.pid


def test_progan_resume_across_phases(tmp_path):
    script = tmp_path/'train.py'; script.write_text(SCRIPT)
    run, events = tmp_path/'run', tmp_path/'events.jsonl'
    env = dict(os.environ, KERAS_HOME=os.environ.get('KERAS_HOME', '/tmp/kh'))
    cmd = [sys.executable, str(script), str(run)]

    # 1: killed at the start of epoch index 2, the first of phase 1 (its fade): a phase boundary
    pid1 = _run_until(cmd, env, events, 2)
    assert json.loads((run/'backup'/'training_metadata.json').read_text())['epoch'] == 2
    # 2: must begin epoch index 2 in phase 1 at alpha 0; killed at the start of index 3, halfway through the fade
    pid2 = _run_until(cmd, env, events, 3)
    first2 = next(e for e in _events(events) if e['pid'] == pid2 and e['event'] == 'begin')
    assert (first2['epoch'], first2['images'], first2['schedule']) == (2, IMAGES_PER_PHASE, [1, 0.0])
    # 3: must begin epoch index 3 in phase 1 at alpha 0.5, and finish the schedule
    out = subprocess.run(cmd + ['-1', str(HERE)], env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-3000:]
    ev = _events(events)
    pid3 = next(e['pid'] for e in ev if e['pid'] not in (pid1, pid2))
    first3 = next(e for e in ev if e['pid'] == pid3 and e['event'] == 'begin')
    assert (first3['epoch'], first3['images'], first3['schedule']) == (3, 96, [1, 0.5])
    done = next(e for e in ev if e['event'] == 'done')
    assert (done['epochs_run'], done['phase'], done['alpha']) == (EPOCHS - 3, 1, 1.0)

    # every step of the schedule ran exactly once, at the phase and alpha of the schedule; the optimisers restarted
    # at each new phase and continued across both resumes
    steps = [e for e in ev if e['event'] == 'step']
    kimg = [round(e['kimg'] * 1000) for e in steps]
    assert kimg == list(range(BATCH, STEPS * BATCH + 1, BATCH)), kimg
    for e, k in zip(steps, kimg):
        phase, alpha, its = _expected(k - BATCH)
        assert (e['phase'], round(e['alpha'], 6), e['its']) == (phase, round(alpha, 6), its), (k, e)

    # the gallery: every epoch once, with the phase recorded; nothing temporary left behind
    from synthview.gallery import load_gallery
    from synthview.progan import phase_epochs
    g = load_gallery(run)
    assert g.epochs == list(range(1, EPOCHS + 1))
    assert phase_epochs(run) == {0: [1, 2], 1: [3, 4, 5, 6]}
    assert [r['logs']['alpha'] for r in g.records] == [1.0, 1.0, 0.5, 1.0, 1.0, 1.0]
    assert not [p for p in run.rglob('*') if '.tmp' in p.name]
    log = (run/'log.csv').read_text().splitlines()
    assert [int(l.split(',')[0]) for l in log[1:]] == list(range(EPOCHS))
