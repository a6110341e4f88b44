"""Benchmark: test negative ELBO of synthview's VAE on Fashion-MNIST against a Keras-example-style VAE, same budget.

Both models train on the 60k training images for the same number of epochs with the same batch size, optimiser
(Adam, learning rate 1e-3), latent size and likelihood: pixel intensities x in [0, 1] modelled as independent
Bernoulli variables (the Keras example's binary cross-entropy). The reference is the VAE of
https://keras.io/examples/generative/vae/ (conv 32-64 stride 2, Dense(16) bottleneck, sigmoid output, BCE on
probabilities), with its latent size set to the same value. Both are evaluated the same way: -ELBO per test image
in nats (reconstruction NLL + KL), averaged over `--samples` draws of z per image from a fixed seed.

Prints one JSON line (with the command, machine, git commit and date) and appends it to benchmarks/results/vae_elbo.jsonl
(`--no-write`: print only). Usage:
    python benchmarks/vae_elbo.py [--epochs 8] [--latent-dim 16] [--save DIR] [--limit N]
"""
import argparse, time
from pathlib import Path
import numpy as np
import tensorflow as tf
import keras
from synthview.data import load_fashion_mnist
from synthview.vae import train_vae, save_vae, kl_divergence

p = argparse.ArgumentParser()
p.add_argument('--epochs', type=int, default=8)
p.add_argument('--latent-dim', type=int, default=16)
p.add_argument('--batch-size', type=int, default=128)
p.add_argument('--samples', type=int, default=4, help='draws of z per test image for the ELBO')
p.add_argument('--limit', type=int, default=None, help='use only this many training images (smoke tests)')
p.add_argument('--save', default=None, help='folder to save synthview\'s VAE to (vae.keras), for frontier_speed.py')
p.add_argument('--path', default=None, help='folder with the four Fashion-MNIST .gz files (default: Keras cache)')
p.add_argument('--no-write', action='store_true', help='print the line without appending it to benchmarks/results/')
a = p.parse_args()
from _results import write_line   # the one JSON line every benchmark writes


train, test = load_fashion_mnist(a.path)
if a.limit: train = train.subset(np.arange(a.limit))
x_test = test.canonical()

class Timer(keras.callbacks.Callback):
    def __init__(self): super().__init__(); self.times = []
    def on_epoch_begin(self, epoch, logs=None): self.t = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None): self.times.append(time.perf_counter() - self.t)

# ---- synthview's VAE ---------------------------------------------------------------------------------------------
t0 = time.perf_counter()
tm = Timer()
vae, hist = train_vae(train, latent_dim=a.latent_dim, epochs=a.epochs, batch_size=a.batch_size, lr=1e-3, callbacks=[tm], verbose=2, seed=0)
ours = vae.neg_elbo(x_test, n_samples=a.samples, seed=0)
ours_s = time.perf_counter() - t0
if a.save: save_vae(vae, Path(a.save)/'vae.keras')

# ---- the Keras example's VAE (keras.io/examples/generative/vae), latent size as above ---------------------------
keras.utils.set_random_seed(0)
class Sampling(keras.layers.Layer):
    def __init__(self, **kw): super().__init__(**kw); self.seed_generator = keras.random.SeedGenerator(1337)
    def call(self, inputs):
        m, lv = inputs
        return m + keras.ops.exp(0.5 * lv) * keras.random.normal(keras.ops.shape(m), seed=self.seed_generator)

d = a.latent_dim
inp = keras.Input((28, 28, 1))
h = keras.layers.Conv2D(32, 3, activation='relu', strides=2, padding='same')(inp)
h = keras.layers.Conv2D(64, 3, activation='relu', strides=2, padding='same')(h)
h = keras.layers.Dense(16, activation='relu')(keras.layers.Flatten()(h))
zm, zlv = keras.layers.Dense(d, name='z_mean')(h), keras.layers.Dense(d, name='z_log_var')(h)
encoder = keras.Model(inp, [zm, zlv, Sampling()([zm, zlv])])
zin = keras.Input((d,))
h = keras.layers.Reshape((7, 7, 64))(keras.layers.Dense(7 * 7 * 64, activation='relu')(zin))
h = keras.layers.Conv2DTranspose(64, 3, activation='relu', strides=2, padding='same')(h)
h = keras.layers.Conv2DTranspose(32, 3, activation='relu', strides=2, padding='same')(h)
decoder = keras.Model(zin, keras.layers.Conv2DTranspose(1, 3, activation='sigmoid', padding='same')(h))

class KerasExampleVAE(keras.Model):
    def __init__(self, encoder, decoder, **kw):
        super().__init__(**kw); self.encoder, self.decoder = encoder, decoder
        self.total_loss_tracker = keras.metrics.Mean(name='total_loss')
    @property
    def metrics(self): return [self.total_loss_tracker]
    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            rec = self.decoder(z)
            rec_loss = keras.ops.mean(keras.ops.sum(keras.losses.binary_crossentropy(data, rec), axis=(1, 2)))
            kl = keras.ops.mean(keras.ops.sum(-0.5 * (1 + z_log_var - keras.ops.square(z_mean) - keras.ops.exp(z_log_var)), axis=1))
            total = rec_loss + kl
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total)
        return {'loss': self.total_loss_tracker.result()}

t0 = time.perf_counter()
ref = KerasExampleVAE(encoder, decoder)
ref.compile(optimizer=keras.optimizers.Adam())                          # the example's optimiser: Adam, lr 1e-3
tr = Timer()
x01 = (train.images.astype(np.float32) / 255.0)
ref.fit(x01, epochs=a.epochs, batch_size=a.batch_size, callbacks=[tr], verbose=2)

@tf.function(input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32), tf.TensorSpec([None, d], tf.float32)])
def ref_neg_elbo(x, eps):
    m, lv, _ = encoder(x, training=False)
    pr = tf.clip_by_value(decoder(m + tf.exp(0.5 * lv) * eps, training=False), 1e-7, 1 - 1e-7)   # as Keras' BCE clips
    nll = -tf.reduce_sum(x * tf.math.log(pr) + (1 - x) * tf.math.log(1 - pr), axis=[1, 2, 3])
    return nll + kl_divergence(m, lv)

r = np.random.default_rng(0)
x01_test = (x_test + 1) / 2
ref_ne = np.zeros(len(x_test))
for _ in range(a.samples):
    eps = r.standard_normal((len(x_test), d)).astype(np.float32)
    ref_ne += np.concatenate([ref_neg_elbo(x01_test[i:i + 1000], eps[i:i + 1000]).numpy() for i in range(0, len(x_test), 1000)])
ref_ne /= a.samples
ref_s = time.perf_counter() - t0

write_line(dict(
    benchmark='vae_elbo', dataset='fashion-mnist', train_images=len(train), test_images=len(test),
    budget=f"{a.epochs} epochs x {len(train)} images, batch {a.batch_size}, Adam 1e-3 (both models)",
    likelihood='Bernoulli on pixel intensities in [0,1], nats per image; -ELBO = reconstruction NLL + KL, '
               f"{a.samples} draws of z per test image", latent_dim=d,
    ours_test_neg_elbo=round(float(ours.mean()), 2), reference_test_neg_elbo=round(float(ref_ne.mean()), 2),
    ratio_ours_over_reference=round(float(ours.mean() / ref_ne.mean()), 4),
    ours_train_neg_elbo_last_epoch=round(float(hist['neg_elbo'][-1]), 2),
    ours_seconds_per_epoch_median=round(float(np.median(tm.times)), 1), reference_seconds_per_epoch_median=round(float(np.median(tr.times)), 1),
    ours_params=int(vae.count_params()), reference_params=int(encoder.count_params() + decoder.count_params()),
    total_seconds=round(ours_s + ref_s, 1)), 'vae_elbo', not a.no_write)
