"""Benchmark: guided-training throughput of `WGANGP` with a large classifier (ResNet-50 architecture, 224 x 224 x 3,
random weights: `keras.applications.ResNet50(weights=None)` downloads nothing) against the small built-in classifier
(`build_classifier` at the generator's size), through the `Classifier` adapter.

Same generator and critic (the defaults of `build_generator`/`build_critic` at `--size`, one channel), same batch, same
n_critic, same seed; the guide differs. The adapter resizes the generator's 28 x 28 x 1 images to 224 x 224 (bilinear,
antialiased) and repeats the channel to 3 for ResNet-50, inside the compiled train step, and the guidance gradient flows
back through the resize. Each block is `--steps` timed guided generator steps (each with its n_critic critic steps)
after one untimed step, in one `fit()` call (compiled; tracing done by a warm-up fit before the first block); the two
classifiers alternate block by block, `--repeats` times, and the medians are reported, with the ratio median over the
repeats of the ratio within one repeat. Throughput is generated images per second: batch x generator steps / seconds.

Prints one JSON line (command, machine, git commit, date) and appends it to benchmarks/results/large_classifier.jsonl.
Usage: nice -n 15 python benchmarks/large_classifier.py [--batch-size 16] [--steps 4] [--repeats 5] [--size 28]
"""
import argparse, json, os, platform, shlex, subprocess, sys, time
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import tensorflow as tf
import keras
from synthview.gan import build_generator, build_critic, WGANGP
from synthview.classifier import Classifier, build_classifier

ROOT = Path(__file__).resolve().parent.parent
p = argparse.ArgumentParser()
p.add_argument('--batch-size', type=int, default=16)
p.add_argument('--steps', type=int, default=4, help='timed generator steps per block')
p.add_argument('--repeats', type=int, default=5, help='blocks per classifier (median reported)')
p.add_argument('--size', type=int, default=28, help="the generator's image size (one channel)")
p.add_argument('--large-size', type=int, default=224, help="the large classifier's input size")
p.add_argument('--n-critic', type=int, default=5)
p.add_argument('--classes', type=int, default=10)
p.add_argument('--no-write', action='store_true', help='print the line without appending it to the results file')
a = p.parse_args()
shape, B, K = (a.size, a.size, 1), a.batch_size, a.classes

keras_home = Path(os.environ.get('KERAS_HOME', Path.home()/'.keras'))
def _model_files(): return sorted(str(f) for f in (keras_home/'models').rglob('*') if f.is_file()) if (keras_home/'models').is_dir() else []
before = _model_files()
keras.utils.set_random_seed(0)
small = Classifier(build_classifier(shape, K), output='logits', name='built-in CNN')
resnet = keras.applications.ResNet50(weights=None, classes=K, input_shape=(a.large_size, a.large_size, 3), classifier_activation=None)
large = Classifier(resnet, output='logits', name='ResNet-50 (random weights)')
downloaded = sorted(set(_model_files()) - set(before))
if downloaded: sys.exit(f"ResNet50(weights=None) downloaded files: {downloaded}")

real = np.random.default_rng(0).uniform(-1, 1, (B * 8, *shape)).astype('float32')
ds = tf.data.Dataset.from_tensor_slices(real).batch(B, drop_remainder=True).repeat().prefetch(2)

def make_gan(clf):
    keras.utils.set_random_seed(0)
    gan = WGANGP(build_generator(shape), build_critic(shape), classifier=clf, target=3, n_critic=a.n_critic, seed=0)
    gan.compile()
    return gan

from _timing import StepClock   # steady-state step timing, shared by the throughput benchmarks

def images_per_s(gan):
    clock = StepClock(); gan.fit(ds, steps_per_epoch=a.steps + 1, epochs=1, verbose=0, callbacks=[clock])
    return B * clock.n / (clock.t1 - clock.t0)

gans = dict(small=make_gan(small), large=make_gan(large))
warm = {}
for k, g in gans.items():                                # warm-up: tracing and the first steps
    t = time.perf_counter(); g.fit(ds, steps_per_epoch=2, epochs=1, verbose=0); warm[k] = round(time.perf_counter() - t, 1)
res = {k: [] for k in gans}
for r in range(a.repeats):
    for k, g in gans.items(): res[k].append(images_per_s(g)); print(k, r, round(res[k][-1], 2), file=sys.stderr, flush=True)
med = {k: float(np.median(v)) for k, v in res.items()}
ratio = float(np.median(np.array(res['small']) / np.array(res['large'])))

def _git(*args):
    try: return subprocess.run(['git', *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except Exception: return None
line = dict(
    benchmark='large_classifier', command='python ' + shlex.join(['benchmarks/large_classifier.py'] + sys.argv[1:]),
    niceness=os.nice(0), git_commit=_git('rev-parse', 'HEAD'), git_dirty=bool(_git('status', '--porcelain', '--untracked-files=no', '--', 'synthview')),
    date=time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
    machine=dict(node=platform.node(), cpus=os.cpu_count(), processor=platform.processor() or platform.machine(), platform=platform.platform(),
                 load_average_1min=round(os.getloadavg()[0], 2), gpus=len(tf.config.list_physical_devices('GPU'))),
    tensorflow=tf.__version__, keras=keras.__version__,
    generator_image_shape=list(shape), batch_size=B, n_critic=a.n_critic, steps_per_block=a.steps, repeats=a.repeats, target_class=3,
    classifiers=dict(small=dict(name=small.name, input=list(small.input_size) + [small.channels], params=int(small.model.count_params())),
                     large=dict(name=large.name, input=list(large.input_size) + [large.channels], params=int(resnet.count_params()),
                                weights=None, files_downloaded=downloaded)),
    warmup_seconds=warm,
    guided_images_per_s={k: round(v, 3) for k, v in med.items()},
    ratio_small_over_large=round(ratio, 2),
    all_blocks={k: [round(x, 3) for x in v] for k, v in res.items()})
print(json.dumps(line))
if not a.no_write:
    with open(ROOT/'benchmarks'/'results'/'large_classifier.jsonl', 'a') as f: f.write(json.dumps(line) + '\n')
