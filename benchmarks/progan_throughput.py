"""Benchmark: images per second of `ProGAN` training, per phase of its resolution ladder, on this machine.

Each phase is timed in the middle of its fade-in (alpha = 0.5: both the new block and the previous resolution's
to-RGB / from-RGB run, the costliest point of a phase), with one critic step per generator step (the paper's), one
compiled step per phase (as `fit()` runs it). Unguided and classifier-guided (the built-in classifier at the full
size, untrained: only its cost matters) are measured in interleaved blocks of `--steps` timed steps after an untimed
one, so a phase's compilation is not counted; the figure per phase is the median over `--repeats` blocks.
"Images" are real images shown to the critic (the batch size per step), the paper's unit.
Prints one JSON line (with the command, niceness, machine and load, git commit and date) and appends it to
benchmarks/results/progan_throughput.jsonl (`--no-write`: print only).
Usage: python benchmarks/progan_throughput.py [--size 76] [--widths 64,32,16] [--batch-size 16] [--steps 10] [--repeats 3]
       [--precision mixed_bfloat16] [--jit]
"""
import argparse, os, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import tensorflow as tf
import keras
from synthview.progan import ProGAN, ProgressiveGenerator, ProgressiveCritic, resolution_ladder
from synthview.classifier import Classifier, build_classifier

p = argparse.ArgumentParser()
p.add_argument('--size', type=int, default=76)
p.add_argument('--channels', type=int, default=3)
p.add_argument('--widths', default='64,32,16', help='feature maps per resolution of the ladder (default for 76: 19, 38, 76 px)')
p.add_argument('--latent-dim', type=int, default=64)
p.add_argument('--batch-size', type=int, default=16)
p.add_argument('--steps', type=int, default=10)
p.add_argument('--repeats', type=int, default=3)
p.add_argument('--precision', default=None, help="None, 'float32', 'mixed_bfloat16', 'mixed_float16'")
p.add_argument('--jit', action='store_true', help='compile the steps with XLA')
p.add_argument('--variants', default='unguided,guided')
p.add_argument('--no-write', action='store_true', help='print the line without appending it to benchmarks/results/')
a = p.parse_args()
from _results import write_line   # the one JSON line every benchmark writes
shape, B = (a.size, a.size, a.channels), a.batch_size
ladder = resolution_ladder(a.size)
widths = tuple(int(w) for w in a.widths.split(','))

keras.utils.set_random_seed(0)
real = np.random.default_rng(0).uniform(-1, 1, (B * 8, *shape)).astype('float32')
ds = tf.data.Dataset.from_tensor_slices(real).batch(B, drop_remainder=True).repeat().prefetch(4)
clf = Classifier(build_classifier(shape, 3), output='logits')
BIG = 10 ** 9                                             # images per phase: no phase change while timing

def make(variant):
    keras.utils.set_random_seed(0)
    g = ProgressiveGenerator(shape, a.latent_dim, widths=widths, precision=a.precision)
    c = ProgressiveCritic(shape, widths=widths, precision=a.precision)
    kw = dict(classifier=clf, target=0) if variant == 'guided' else {}
    gan = ProGAN(g, c, images_per_phase=BIG, seed=0, **kw); gan.compile(jit_compile=a.jit)
    return gan

from _timing import StepClock   # steady-state step timing, shared by the throughput benchmarks

def time_phase(gan, phase, steps):
    gan.images_shown.assign(gan.fade_start(phase) + (BIG // 2 if phase else 0))    # the middle of the phase's fade
    clock = StepClock(); gan.fit(ds, steps_per_epoch=steps + 1, epochs=1, verbose=0, callbacks=[clock])
    assert gan.phase == phase
    return clock.n * B / (clock.t1 - clock.t0)

variants = a.variants.split(',')
models = {v: make(v) for v in variants}
t_compile = {}
for v, m in models.items():                               # warm-up: compile every phase's step
    for ph in range(len(ladder)):
        t = time.perf_counter(); time_phase(m, ph, 1); t_compile[f'{v}_{ladder[ph]}'] = round(time.perf_counter() - t, 1)
res = {v: {r: [] for r in ladder} for v in variants}
for _ in range(a.repeats):
    for ph, r in enumerate(ladder):
        for v in variants: res[v][r].append(time_phase(models[v], ph, a.steps))
med = {v: {str(r): round(float(np.median(x)), 1) for r, x in d.items()} for v, d in res.items()}
write_line(dict(
    benchmark='progan_throughput', device='CPU', image_shape=list(shape), ladder=ladder, widths=list(widths), latent_dim=a.latent_dim,
    batch_size=B, n_critic=1, precision=a.precision or keras.mixed_precision.global_policy().name, jit_compile=a.jit,
    steps_per_block=a.steps, repeats=a.repeats, images_per_s=med,
    guidance_overhead={str(r): round(float(np.median(np.array(res['unguided'][r]) / np.array(res['guided'][r]))) - 1, 3) for r in ladder}
    if {'guided', 'unguided'} <= set(variants) else None,
    all_blocks={v: {str(r): [round(x, 1) for x in xs] for r, xs in d.items()} for v, d in res.items()},
    first_call_seconds=t_compile, gpu='none available: the full 152 x 152 figures (images/s with mixed precision, hit rate per type) were not measured',
    tensorflow=tf.__version__, keras=keras.__version__), 'progan_throughput', not a.no_write)
