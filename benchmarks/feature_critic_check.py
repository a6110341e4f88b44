"""Check (not a timed test): does a critic that sees the trains guide's frozen features (train_gan's critic_features)
keep the generator's images varied in the first 150 generator steps, against the pixel critic?  Usage:
  python benchmarks/feature_critic_check.py pixels 'r11+r21' r11 r21
Prints, every 50 generator steps, the spread of 32 generated TypeA images across images, their mean, and the critic's
figures."""
import os
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')
import time, sys, numpy as np, keras, tensorflow as tf
from synthview import zoo
from synthview.gan import build_generator, build_critic, classifier_features, WGANGP
from synthview.trains import make_trains
clf = zoo.load('trains-classifier')
d = make_trains(6400, size=76, seed=7)
x = d.canonical().astype('float32'); y = np.eye(3, dtype='float32')[clf.predict(x)]
ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(128, drop_remainder=True)   # 50 generator steps of 2 x 64
cfgs = {'pixels': None, 'r11+r21': ['relu1_1', 'relu2_1'], 'r11': ['relu1_1'], 'r21': ['relu2_1']}
for name in sys.argv[1:]:
    feats = cfgs[name]
    keras.utils.set_random_seed(0)
    g = build_generator((76,76,3), 128, n_classes=3, widths=(128,64,32,16))
    c = build_critic((76,76,3), widths=(16,32,64,128), n_classes=3, features=None if feats is None else classifier_features(clf, feats))
    gan = WGANGP(g, c, classifier=clf, conditional=True, n_critic=2, fresh_real=True, guidance_weight=3.0, guidance_mode='balanced', guidance_cap=0.9, guidance_augment=True, guidance_warmup=3000)
    gan.compile(learning_rate=3e-4, generator_learning_rate=1e-4)
    t = time.perf_counter()
    for ep in range(3):
        h = gan.fit(ds, epochs=1, verbose=0).history
        z = gan.generate(np.arange(32), labels=0); z = np.asarray(z)
        print(name, 'steps', 50 * (ep + 1), f'{time.perf_counter()-t:.0f}s', 'std across images %.3f' % z.std(0).mean(), 'mean %.3f' % z.mean(),
              {k: round(float(v[-1]), 2) for k, v in h.items() if k in ('w_distance', 'gp', 'generator_loss')}, flush=True)
