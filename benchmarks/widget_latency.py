"""Benchmark: latency of one slider move of `LatentInterpolator`, driven from Python, on CPU.

One move = setting the t slider's value from Python, which renders synchronously: the codes on the path
(`latent_path`), one call of the compiled decode + classify (`LatentProbe`), the PNG of the 28x28 image (upscaled 6x),
the probability bars (10 FloatProgress + Label), the marker on the path overview (a PNG of the pre-rendered figure)
and the status line. Measured with `time.perf_counter` around the assignment, over `--moves` moves to random
positions after `--warmup` moves; p50 and p95 in milliseconds. The same numbers for the model call alone
(`interpolate_at`) show what the redraw costs.

Models of the real size, Fashion-MNIST shaped: the built-in CNN classifier (`build_classifier()`: 2 conv blocks of
32/64, dense 128, 10 classes) and a VAE with a 16-dimensional latent space (`build_vae()`). Latency does not depend on
the weights, so they are untrained unless `--train-epochs` > 0 (then both are trained on 6,000 images first).

Prints one JSON line (with the command, niceness, machine and load, git commit and date) and appends it to
benchmarks/results/widget_latency.jsonl (`--no-write`: print only). Usage:  python benchmarks/widget_latency.py [--moves 200] [--threads N]
"""
import argparse, os, platform, time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument('--moves', type=int, default=200)
p.add_argument('--warmup', type=int, default=20)
p.add_argument('--train-epochs', type=int, default=0)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--no-write', action='store_true', help='print the line without appending it to benchmarks/results/')
a = p.parse_args()
from _results import write_line   # the one JSON line every benchmark writes

import keras
from synthview.data import FASHION_MNIST_CLASSES
from synthview.classifier import Classifier, build_classifier, train_classifier
from synthview.vae import build_vae, train_vae
from synthview.widgets import LatentInterpolator
from synthview.latent import interpolate_at

keras.utils.set_random_seed(a.seed)
if a.train_epochs:
    from synthview.data import load_fashion_mnist
    train = load_fashion_mnist()[0].take_per_class(600, seed=0)
    clf, _ = train_classifier(train, epochs=a.train_epochs, verbose=0)
    vae, _ = train_vae(train, latent_dim=16, epochs=a.train_epochs, verbose=0)
else:
    clf = Classifier(build_classifier((28, 28, 1), 10), FASHION_MNIST_CLASSES)
    vae = build_vae((28, 28, 1), latent_dim=16)

R = np.random.default_rng(a.seed)
z0, z1 = R.standard_normal((2, 16)).astype(np.float32)
t_build = time.perf_counter()
w = LatentInterpolator(vae, clf, z0, z1)
build_s = time.perf_counter() - t_build
slider = w.controls['t']
ts = R.uniform(0, 1, a.warmup + a.moves)
ms = []
for i, t in enumerate(ts):
    t1 = time.perf_counter()
    slider.value = float(t)
    if i >= a.warmup: ms.append(1000 * (time.perf_counter() - t1))
    assert w.error is None and abs(w.value['t'] - t) < 1e-12
model_ms = []
for t in ts[:a.moves]:
    t1 = time.perf_counter(); interpolate_at(w.probe, None, z0, z1, float(t)); model_ms.append(1000 * (time.perf_counter() - t1))
traces = w.probe._both_fn.experimental_get_tracing_count()
assert traces == 1, f"the compiled decode + classify was traced {traces} times"
pct = lambda v, q: round(float(np.percentile(v, q)), 2)
write_line(dict(
    benchmark='widget_latency', what='LatentInterpolator: one t-slider move set from Python (decode + classify + redraw)',
    moves=a.moves, p50_ms=pct(ms, 50), p95_ms=pct(ms, 95), max_ms=round(max(ms), 2), budget_p95_ms=50, within_budget=pct(ms, 95) <= 50,
    model_only_p50_ms=pct(model_ms, 50), model_only_p95_ms=pct(model_ms, 95), traces=int(traces), widget_build_s=round(build_s, 2),
    image_png_bytes=len(w._image.value), overview_png_bytes=len(w._track.value),
    models=dict(classifier=f"build_classifier() {clf.model.count_params()} params", decoder=f"build_vae(latent_dim=16) decoder {vae.decoder.count_params()} params",
                trained_epochs=a.train_epochs),
    cpu=dict(count=os.cpu_count(), machine=platform.machine(), loadavg_1m=round(os.getloadavg()[0], 2)),
    versions=dict(keras=keras.__version__, python=platform.python_version())), 'widget_latency', not a.no_write)
