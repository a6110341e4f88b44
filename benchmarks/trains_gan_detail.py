"""Benchmark: where a trains GAN's fine detail stands, and what pushes it: speckle, the critic's margin, and the
high-frequency share of the critic's and the guide's pushes on the images.

For a run of `benchmarks/trains_gan.py` (rebuilt as its `report` step does; give --init-run for a second phase), on
--n fixed seeds per type (consecutive blocks from 10**6, where trains_gan's evaluation seeds start) and as many real test trains of the type (make_trains,
seed 12345):
  speckle      the mean absolute difference between neighbouring pixels (right and down), generated over real: 1 when
               the generated images are as busy as real ones; above 1: colour noise that real trains do not have
  hf_share     the share of an image's energy (its 2-D spectrum, mean removed) above half the Nyquist frequency
  critic       the critic's mean score on real and on generated images of the type (logistic loss: a logit), and the gap
  gradients    on the generated images (the training generator's), d/dx of the generator's adversarial loss and of the
               guidance term -log p_guide(type) (no augmentation, no cap): their norms, their ratio, and the
               high-frequency share of each (what each term pushes the pixels toward)
for the shown generator (its EMA) and the training one. Prints one JSON line and appends it to
benchmarks/results/trains_gan_detail.jsonl (`--no-write`: print only).

Usage:
  python benchmarks/trains_gan_detail.py --name ns76_wgc_lr --init-run runs/trains_gan/ns76_wgc
"""
import os
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, json
from pathlib import Path
import numpy as np
import tensorflow as tf
from _results import write_line
from _pixels import busy, hf_share
from _gan_runs import rebuild_run
from synthview import zoo
from synthview.gan import latents_from_seeds
from synthview.trains import make_trains, TRAIN_CLASSES

p = argparse.ArgumentParser()
p.add_argument('--root', default='runs/trains_gan')
p.add_argument('--name', required=True)
p.add_argument('--init-run', default=None, help='the run a second phase started from (as for trains_gan.py report)')
p.add_argument('--n', type=int, default=200, help='generated and real images per type')
p.add_argument('--no-write', action='store_true')
a = p.parse_args()

run_dir = Path(a.root)/a.name
guide = zoo.load('trains-classifier')
gan, w = rebuild_run(run_dir, guide, a.init_run)     # a second phase: the first run's networks, then this run's weights
K = len(TRAIN_CLASSES)
test = make_trains(3000, size=76, seed=12345)
SEEDS = np.arange(10**6, 10**6 + a.n * K)           # from trains_gan.py's evaluation range; type k takes the k-th block of --n

def scores(x, k):
    y = tf.one_hot(np.full(len(x), k), K)
    return np.concatenate([np.asarray(gan.critic([tf.constant(x[i:i + 100]), y[i:i + 100]], training=False)).ravel() for i in range(0, len(x), 100)])

out = {}
for which, g in (('shown', gan.shown_generator()), ('raw', gan.generator)):
    per = {}
    for k, name in enumerate(TRAIN_CLASSES):
        z = tf.constant(latents_from_seeds(SEEDS[k * a.n:(k + 1) * a.n], gan.latent_dim))
        y = tf.one_hot(np.full(a.n, k), K)
        fake = np.asarray(g([z, y], training=False))
        real = test.where_class(k).canonical()[:a.n].astype(np.float32)
        sf, sr = scores(fake, k), scores(real, k)
        d = dict(speckle=round(busy(fake) / busy(real), 3), busy_generated=round(busy(fake), 4), busy_real=round(busy(real), 4),
                 hf_share_generated=round(hf_share(fake), 3), hf_share_real=round(hf_share(real), 3),
                 critic_real=round(float(sr.mean()), 2), critic_generated=round(float(sf.mean()), 2), critic_gap=round(float(sr.mean() - sf.mean()), 2))
        if which == 'raw':                           # the pushes training applies to these images
            x = tf.Variable(fake)
            with tf.GradientTape(persistent=True) as t:
                adv = tf.reduce_mean(tf.nn.softplus(-gan.critic([x, y], training=False))) if gan.adversarial_loss == 'logistic' \
                      else -tf.reduce_mean(gan.critic([x, y], training=False))
                nll = -tf.reduce_mean(tf.reduce_sum(tf.cast(guide.log_probs(x), tf.float32) * y, -1))
            gc, gg = np.asarray(t.gradient(adv, x)), np.asarray(t.gradient(nll, x))
            d.update(grad_norm_critic=float(np.linalg.norm(gc)), grad_norm_guide=float(np.linalg.norm(gg)),
                     guide_over_critic=round(float(np.linalg.norm(gg) / np.linalg.norm(gc)), 3),
                     grad_hf_share_critic=round(hf_share(gc), 3), grad_hf_share_guide=round(hf_share(gg), 3))
        per[name] = d
    out[which] = dict(per_type=per, speckle=round(float(np.mean([v['speckle'] for v in per.values()])), 3),
                      critic_gap=round(float(np.mean([v['critic_gap'] for v in per.values()])), 2))
    print(which, json.dumps(out[which]), flush=True)
write_line(dict(run=str(run_dir), init_run=a.init_run, weights=str(w), n_per_type=a.n,
                config={k: v for k, v in json.loads((run_dir/'config.json').read_text()).items() if k in
                        ('loss', 'guidance_weight', 'guidance_mode', 'learning_rate', 'ema_beta', 'generator_widths', 'critic_widths', 'generator_block_convs')},
                **out), 'trains_gan_detail', write=not a.no_write)
