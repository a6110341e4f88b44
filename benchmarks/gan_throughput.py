"""Benchmark: generator steps per second of `WGANGP` (fit, one compiled train_step with all critic steps) against a
plain reference WGAN-GP with the same networks, batch and n_critic, in the same process. The headline ratio
(`ratio_vs_compiled_steps`) is against the reference with each critic and generator step compiled as its own
tf.function -- the fair comparison; the ratio against the same reference run eagerly (a Python loop over critic
steps, GradientTape, no tf.function) is kept for context only: it measures compilation, not WGANGP. Also: the
overhead of classifier guidance.

Methods run in interleaved blocks (each block `--steps` timed generator steps after one untimed step, so fit()'s
set-up is not counted); ratios are medians over
`--repeats` of the ratio within one repeat (blocks close in time share the machine's load).
Prints one JSON line (with the command and the process's niceness); `--results FILE` also appends it there.
Usage: python benchmarks/gan_throughput.py [--batch-size 64] [--steps 20] [--repeats 5] [--size 28] [--results FILE]
"""
import argparse, json, os, platform, shlex, subprocess, sys, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import tensorflow as tf
import keras
from synthview.gan import build_generator, build_critic, WGANGP
from synthview.classifier import Classifier, build_classifier

p = argparse.ArgumentParser()
p.add_argument('--batch-size', type=int, default=64)
p.add_argument('--steps', type=int, default=20)
p.add_argument('--repeats', type=int, default=5)
p.add_argument('--size', type=int, default=28)
p.add_argument('--channels', type=int, default=1)
p.add_argument('--n-critic', type=int, default=5)
p.add_argument('--methods', default='wgangp,wgangp_guided,reference_eager,reference_tf_function', help='comma-separated subset')
p.add_argument('--results', default=None, help='append the JSON line to this file too (e.g. benchmarks/results/gan_throughput.jsonl)')
a = p.parse_args()
shape, B, NC = (a.size, a.size, a.channels), a.batch_size, a.n_critic

keras.utils.set_random_seed(0)
real_all = np.random.default_rng(0).uniform(-1, 1, (B * 16, *shape)).astype('float32')
ds = tf.data.Dataset.from_tensor_slices(real_all).batch(B, drop_remainder=True).repeat().prefetch(4)
clf = Classifier(build_classifier(shape, 10), output='logits')

def make_gan(guided):
    keras.utils.set_random_seed(0)
    g, c = build_generator(shape), build_critic(shape)
    kw = dict(classifier=clf, target=7) if guided else {}
    gan = WGANGP(g, c, n_critic=NC, seed=0, **kw); gan.compile()
    return gan

# ---- reference: the straightforward eager WGAN-GP (as in most tutorials) ----
class Reference:
    def __init__(self, compiled=False):
        keras.utils.set_random_seed(0)
        self.g, self.c = build_generator(shape), build_critic(shape)
        self.d = self.g.inputs[0].shape[-1]
        self.go = keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9)
        self.co = keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9)
        self.cstep = tf.function(self.critic_step) if compiled else self.critic_step
        self.gstep = tf.function(self.generator_step) if compiled else self.generator_step

    def critic_step(self, real):
        b = tf.shape(real)[0]
        z = tf.random.normal((b, self.d))
        with tf.GradientTape() as tape:
            fake = self.g(z, training=True)
            real_s, fake_s = self.c(real, training=True), self.c(fake, training=True)
            alpha = tf.random.uniform((b, 1, 1, 1))
            x_hat = real + alpha * (fake - real)
            with tf.GradientTape() as t2:
                t2.watch(x_hat); s = self.c(x_hat, training=True)
            gr = t2.gradient(s, x_hat)
            gp = tf.reduce_mean((tf.sqrt(tf.reduce_sum(tf.square(gr), [1, 2, 3]) + 1e-10) - 1.0) ** 2)
            loss = tf.reduce_mean(fake_s) - tf.reduce_mean(real_s) + 10.0 * gp
        grads = tape.gradient(loss, self.c.trainable_variables)
        self.co.apply_gradients(zip(grads, self.c.trainable_variables))
        return loss

    def generator_step(self, b):
        z = tf.random.normal((b, self.d))
        with tf.GradientTape() as tape:
            loss = -tf.reduce_mean(self.c(self.g(z, training=True), training=True))
        grads = tape.gradient(loss, self.g.trainable_variables)
        self.go.apply_gradients(zip(grads, self.g.trainable_variables))
        return loss

    def run(self, it, steps):
        for _ in range(steps):
            real = next(it)
            for _ in range(NC): c_loss = self.cstep(real)
            g_loss = self.gstep(B)
        float(g_loss)   # wait for the last step

from _timing import StepClock   # steady-state step timing, shared by the throughput benchmarks

def time_fit(gan, steps):
    clock = StepClock(); gan.fit(ds, steps_per_epoch=steps + 1, epochs=1, verbose=0, callbacks=[clock])
    return clock.n / (clock.t1 - clock.t0)

def time_ref(ref, it, steps):
    ref.run(it, 1); t = time.perf_counter(); ref.run(it, steps); return steps / (time.perf_counter() - t)

ours, guided = make_gan(False), make_gan(True)
eager, fn = Reference(False), Reference(True)
it = iter(ds)
for m in (ours, guided): m.fit(ds, steps_per_epoch=3, epochs=1, verbose=0)      # warm-up: tracing
eager.run(it, 2); fn.run(it, 3)
run = dict(wgangp=lambda: time_fit(ours, a.steps), wgangp_guided=lambda: time_fit(guided, a.steps),
           reference_eager=lambda: time_ref(eager, it, a.steps), reference_tf_function=lambda: time_ref(fn, it, a.steps))
res = {k: [] for k in a.methods.split(',')}
for r in range(a.repeats):
    for k in res: res[k].append(run[k]())
med = {k: float(np.median(v)) for k, v in res.items()}
r2 = lambda v: None if v is None else round(v, 2)
def pair(a_, b_):   # median over repeats of the ratio within a repeat (blocks close in time share the machine's load)
    return float(np.median(np.array(res[a_]) / np.array(res[b_]))) if a_ in res and b_ in res else None
def _commit():
    try: return subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True, check=True).stdout.strip()
    except Exception: return None
line = json.dumps(dict(
    benchmark='gan_throughput', command='python ' + shlex.join(sys.argv), niceness=os.nice(0), synthview_commit=_commit(),
    image_shape=list(shape), batch_size=B, n_critic=NC, steps_per_block=a.steps, repeats=a.repeats,
    generator_steps_per_s={k: round(v, 2) for k, v in med.items()},
    ratio_vs_compiled_steps=r2(pair('wgangp', 'reference_tf_function')),    # the headline: same networks, each step a tf.function
    ratio_vs_reference_eager=r2(pair('wgangp', 'reference_eager')),          # context only: an uncompiled loop
    ratio_vs_reference_tf_function=r2(pair('wgangp', 'reference_tf_function')),
    guidance_overhead=None if pair('wgangp', 'wgangp_guided') is None else round(pair('wgangp', 'wgangp_guided') - 1, 3),
    all_blocks={k: [round(x, 2) for x in v] for k, v in res.items()},
    cpus=os.cpu_count(), machine=platform.processor() or platform.machine(), tensorflow=tf.__version__, keras=keras.__version__))
print(line)
if a.results:
    os.makedirs(os.path.dirname(a.results) or '.', exist_ok=True)
    with open(a.results, 'a') as f: f.write(line + '\n')
