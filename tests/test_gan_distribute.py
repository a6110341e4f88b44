"""WGANGP under tf.distribute: a few steps under MirroredStrategy over two logical CPU devices give finite losses,
close to the single-device run with the same seed and weights (same latents: each replica takes its slice of the
global draw; losses are scaled by the number of replicas; batch norm synchronised)."""
import json, os, subprocess, sys, textwrap
from pathlib import Path

HERE = Path(__file__).parent

SCRIPT = textwrap.dedent('''
    import json, os, sys
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    sys.path.insert(0, sys.argv[1])
    from synthview.core import split_cpu
    split_cpu(2)                                     # before TensorFlow initialises its devices
    import numpy as np, tensorflow as tf, keras
    from _gan_helpers import toy_data, toy_classifier
    from synthview.gan import WGANGP, build_generator, build_critic
    data, clf = toy_data(64), toy_classifier()
    ds = data.to_tf(32, shuffle=False, labels=False, drop_remainder=True)

    def make(strategy, weights=None):
        with strategy.scope():
            keras.utils.set_random_seed(0)
            g = build_generator((16, 16, 1), 8, widths=(16, 8))
            gan = WGANGP(g, build_critic((16, 16, 1), widths=(8, 16)), classifier=clf, target='right', seed=0)
            gan.compile()
            if weights is not None: gan.set_weights(weights)
        return gan

    class Log(keras.callbacks.Callback):
        def __init__(self): super().__init__(); self.rows = []
        def on_train_batch_end(self, batch, logs=None): self.rows.append({k: float(v) for k, v in logs.items()})

    out = {}
    single = make(tf.distribute.get_strategy())
    w0 = single.get_weights()
    mirrored = tf.distribute.MirroredStrategy(['/cpu:0', '/cpu:1'])
    multi = make(mirrored, w0)
    for name, gan in (('single', single), ('mirrored', multi)):
        log = Log(); gan.fit(ds, epochs=2, verbose=0, shuffle=False, callbacks=[log])
        out[name] = dict(rows=log.rows, weights=[float(np.abs(w).sum()) for w in gan.generator.get_weights()],
                         replicas=gan.distribute_strategy.num_replicas_in_sync)
    print(json.dumps(out))
''')


def test_mirrored_matches_single_device(tmp_path):
    script = tmp_path/'dist.py'; script.write_text(SCRIPT)
    r = subprocess.run([sys.executable, str(script), str(HERE)], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, KERAS_HOME=os.environ.get('KERAS_HOME', '/tmp/kh')))
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    s, m = out['single'], out['mirrored']
    assert (s['replicas'], m['replicas']) == (1, 2)
    assert len(s['rows']) == len(m['rows']) == 4
    for rs, rm in zip(s['rows'], m['rows']):
        assert sorted(rs) == sorted(rm)
        for k in rs:
            assert abs(rs[k]) < 1e6 and abs(rm[k]) < 1e6 and rm[k] == rm[k], (k, rs[k], rm[k])      # finite
            assert abs(rs[k] - rm[k]) <= 1e-3 + 1e-3 * abs(rs[k]), (k, rs[k], rm[k])              # same run
    for a, b in zip(s['weights'], m['weights']):
        assert abs(a - b) <= 1e-3 * max(1.0, abs(a)), (a, b)
