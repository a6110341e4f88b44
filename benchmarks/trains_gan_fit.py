"""Benchmark: can a GAN generator's architecture draw trains at all? Fit it directly to real trains, without a critic.

Each configuration is `build_generator` at 76 x 76, conditional on the three types, with the given arguments. It is
trained by plain regression (L1, Adam 1e-3, batches of 32) to map --n fixed latents (seeds 0..n-1, the type of the
train as its label) to --n real trains (make_trains, seed 12345), for --steps steps. A generator that cannot reproduce
trains it is shown directly cannot draw them in a GAN either; one that can, can at least represent them. Reported per
configuration: parameters, the mean absolute error of the fit, the speckle ratio (mean difference between neighbouring
pixels, fit over real: below 1 is blurred, above 1 is noisier than the trains), seconds, and an image (real trains over
their fits) under benchmarks/results/trains_gan_fit/. Prints one JSON line and appends it to
benchmarks/results/trains_gan_fit.jsonl (`--no-write`: print only).

Usage (the 10_gan page's figure nbs/images/trains_gan_fit.png is the first configuration's image, copied):
  python benchmarks/trains_gan_fit.py --configs '{"block_convs_1": {"block_convs": 1}, "block_convs_2": {"block_convs": 2}}'
  cp benchmarks/results/trains_gan_fit/block_convs_1_1500.png nbs/images/trains_gan_fit.png
"""
import os
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, json, time
from pathlib import Path
import numpy as np
import tensorflow as tf
import keras
from PIL import Image
from _results import write_line, ROOT
from _pixels import busy
from synthview.core import image_grid
from synthview.gan import build_generator, latents_from_seeds
from synthview.trains import make_trains

p = argparse.ArgumentParser()
p.add_argument('--configs', required=True, help='JSON: {name: build_generator arguments}')
p.add_argument('--base', default='{"widths": [256, 128, 64, 32]}', help='JSON: the build_generator arguments every configuration shares')
p.add_argument('--n', type=int, default=128, help='real trains to fit')
p.add_argument('--steps', type=int, default=1500)
p.add_argument('--no-write', action='store_true')
a = p.parse_args()

test = make_trains(a.n, size=76, seed=12345)
real = test.canonical().astype(np.float32)
z = latents_from_seeds(np.arange(a.n), 128)
y = np.eye(3, dtype=np.float32)[np.asarray(test.labels)]

out_dir = ROOT/'benchmarks'/'results'/'trains_gan_fit'
out_dir.mkdir(parents=True, exist_ok=True)
res = {}
for name, over in json.loads(a.configs).items():
    keras.utils.set_random_seed(0)
    g = build_generator((76, 76, 3), latent_dim=128, n_classes=3, **{**json.loads(a.base), **over})
    opt = keras.optimizers.Adam(1e-3)
    @tf.function
    def step(zb, yb, xb):
        with tf.GradientTape() as t: loss = tf.reduce_mean(tf.abs(g([zb, yb], training=True) - xb))
        opt.apply_gradients(zip(t.gradient(loss, g.trainable_variables), g.trainable_variables))
        return loss
    rng, t0 = np.random.default_rng(0), time.perf_counter()
    for _ in range(a.steps):
        i = rng.choice(a.n, 32, replace=False)
        step(tf.constant(z[i]), tf.constant(y[i]), tf.constant(real[i]))
    fit = np.asarray(g([tf.constant(z), tf.constant(y)], training=False))
    f = out_dir/f'{name}_{a.steps}.png'
    Image.fromarray(image_grid(np.concatenate([real[:8], fit[:8], real[8:16], fit[8:16]]), ncols=8)).save(f)
    res[name] = dict(params=int(g.count_params()), l1=round(float(np.abs(fit - real).mean()), 4),
                     speckle=round(busy(fit) / busy(real), 3), seconds=round(time.perf_counter() - t0, 1), image=str(f.relative_to(ROOT)))
    print(name, json.dumps(res[name]), flush=True)
write_line(dict(n=a.n, steps=a.steps, batch=32, base=json.loads(a.base), configs=json.loads(a.configs), results=res), 'trains_gan_fit', write=not a.no_write)
