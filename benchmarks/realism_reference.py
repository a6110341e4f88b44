"""Benchmark reference: a plain keras.io-style WGAN-GP on Fashion-MNIST, written here on purpose (not with synthview's
WGANGP), trained for a given CPU time and judged by the same oracle as benchmarks/realism.py.

Networks as the keras.io WGAN-GP example: critic on images padded to 32 x 32, conv 5 x 5 stride 2 with 64-128-256-512
channels, LeakyReLU 0.2 (dropout 0.3 after the 128 and 256 blocks, 0.2 before the score), about 4.3 M parameters;
generator dense 4 x 4 x 256 + three upsampling blocks (128, 64, 1; upsample, conv 3 x 3, batch norm, LeakyReLU; tanh),
cropped to 28 x 28. Adam 1e-4 (0.5, 0.9), n_critic 5 on one real batch (as keras.io), gradient penalty 10, batch 64.
One compiled tf.function per generator step holding its critic steps (compiled against compiled).
Every --eval-every real images: the oracle's Fréchet distance of --n-eval samples to all real test images, with its
real-vs-real floor. Stops once the process has used --cpu-seconds of CPU time. One JSON line to --results.
Usage: python benchmarks/realism_reference.py --cpu-seconds 2400
"""
import os, sys
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, json, platform, shlex, time
from pathlib import Path
import numpy as np
import tensorflow as tf
import keras
from keras import layers as L
from synthview.core import image_grid
from synthview.data import load_fashion_mnist
from synthview.classifier import load_classifier
from synthview.metrics import frechet_distance

p = argparse.ArgumentParser()
p.add_argument('--root', default='runs/realism')
p.add_argument('--results', default='benchmarks/results/realism.jsonl')
p.add_argument('--cpu-seconds', type=float, default=2400)
p.add_argument('--eval-every', type=int, default=25_000)
p.add_argument('--n-eval', type=int, default=1000)
p.add_argument('--batch-size', type=int, default=64)
p.add_argument('--seed', type=int, default=0)
a = p.parse_args()
keras.utils.set_random_seed(a.seed)
root = Path(a.root); out = root/'runs'/'keras_io_reference'; out.mkdir(parents=True, exist_ok=True)
train, test = load_fashion_mnist()
oracle = load_classifier(root/'oracle'/'classifier.keras')
x_train = train.canonical()

def critic():
    x = inp = keras.Input((28, 28, 1)); x = L.ZeroPadding2D(2)(x)
    for ch, drop in ((64, 0), (128, 0.3), (256, 0.3), (512, 0)):
        x = L.LeakyReLU(0.2)(L.Conv2D(ch, 5, strides=2, padding='same')(x))
        if drop: x = L.Dropout(drop)(x)
    return keras.Model(inp, L.Dense(1)(L.Dropout(0.2)(L.Flatten()(x))))

def generator(latent=128):
    z = keras.Input((latent,)); x = L.Reshape((4, 4, 256))(L.LeakyReLU(0.2)(L.BatchNormalization()(L.Dense(4 * 4 * 256, use_bias=False)(z))))
    for ch in (128, 64):
        x = L.LeakyReLU(0.2)(L.BatchNormalization()(L.Conv2D(ch, 3, padding='same', use_bias=False)(L.UpSampling2D()(x))))
    x = L.Activation('tanh')(L.BatchNormalization()(L.Conv2D(1, 3, padding='same', use_bias=False)(L.UpSampling2D()(x))))
    return keras.Model(z, L.Cropping2D(2)(x))

D, G = critic(), generator()
d_opt, g_opt = keras.optimizers.Adam(1e-4, 0.5, 0.9), keras.optimizers.Adam(1e-4, 0.5, 0.9)
B = a.batch_size

@tf.function
def step(real):
    for _ in range(5):
        z = tf.random.normal((B, 128))
        with tf.GradientTape() as t:
            fake = G(z, training=True)
            eps = tf.random.uniform((B, 1, 1, 1))
            mix = real + eps * (fake - real)
            with tf.GradientTape() as t2:
                t2.watch(mix); s = D(mix, training=True)
            g = t2.gradient(s, mix)
            gp = tf.reduce_mean((tf.sqrt(tf.reduce_sum(g ** 2, [1, 2, 3]) + 1e-10) - 1) ** 2)
            d_loss = tf.reduce_mean(D(fake, training=True)) - tf.reduce_mean(D(real, training=True)) + 10 * gp
        d_opt.apply_gradients(zip(t.gradient(d_loss, D.trainable_variables), D.trainable_variables))
    with tf.GradientTape() as t:
        g_loss = -tf.reduce_mean(D(G(tf.random.normal((B, 128)), training=True), training=True))
    g_opt.apply_gradients(zip(t.gradient(g_loss, G.trainable_variables), G.trainable_variables))
    return d_loss, g_loss

ds = iter(tf.data.Dataset.from_tensor_slices(x_train).shuffle(60_000, seed=a.seed).repeat().batch(B, drop_remainder=True).prefetch(2))
rz = np.random.default_rng(10**6).standard_normal((a.n_eval, 128)).astype(np.float32)
curve, seen, next_eval, c0, t0 = [], 0, a.eval_every, time.process_time(), time.perf_counter()
while True:
    step(next(ds)); seen += B
    done = time.process_time() - c0 >= a.cpu_seconds
    if seen >= next_eval or done:
        x = G.predict(rz, batch_size=256, verbose=0)
        fd = frechet_distance(oracle, x, test, per_class=False, seed=a.seed)
        line = dict(images=seen, generator_steps=seen // B, cpu_seconds=round(time.process_time() - c0, 1),
                    seconds=round(time.perf_counter() - t0, 1), fd_all=round(fd['fd'], 3), fd_all_floor=round(fd['fd_floor'], 3))
        curve.append(line); print('curve', json.dumps(line), flush=True)
        next_eval += a.eval_every
    if done: break
from PIL import Image
Image.fromarray(image_grid(G.predict(rz[:64], verbose=0), ncols=8).squeeze()).save(out/'grid_generated.png')
res = dict(benchmark='realism_reference', command='python ' + shlex.join(sys.argv), critic_parameters=int(D.count_params()),
           generator_parameters=int(G.count_params()), last=curve[-1], curve=curve, grid=str(out/'grid_generated.png'),
           cpus=os.cpu_count(), machine=platform.processor() or platform.machine(), keras=keras.__version__,
           onednn=os.environ.get('TF_ENABLE_ONEDNN_OPTS'), synthview_commit=os.environ.get('SYNTHVIEW_COMMIT'), date=time.strftime('%Y-%m-%d %H:%M'))
with open(a.results, 'a') as f: f.write(json.dumps(res) + '\n')
print(json.dumps(res))
