"""Benchmark: peak memory (RSS) of training from an image folder streamed from disk (`load_image_folder(...,
stream=True)`) against loading it into memory (`load_image_folder(...)`), on a folder of `--n` generated PNG files.

Each measurement runs in a fresh Python process (peak RSS is the process's `ru_maxrss`), so one cannot inflate the next:
- `baseline`: TensorFlow, Keras and synthview imported and a one-image pipeline run (the floor every mode pays);
- `memory` / `stream`: the folder loaded (or indexed: headers only), then one full epoch of `to_tf(batch_size=256,
  shuffle=True)` consumed, as `fit()` consumes it; with `--train`, also one epoch of `train_classifier` on it (a small
  CNN), the same for both.
Reported per mode: peak RSS after loading, after the epoch and at the end (after training with `--train`), seconds to
load/index, seconds and images per second for the epoch (and training).

The folder (`--folder`, made once when missing, outside the repository): `--n` RGB PNGs of `--size` pixels a side in 10
class folders, smooth colour gradients with noise (about 4-13 KB each at 64 px).

Prints one JSON line and appends it to benchmarks/results/stream_rss.jsonl. Usage:
    nice -n 15 python benchmarks/stream_rss.py --folder /tmp/reach/folder50k [--n 50000] [--size 64] [--train]
"""
import argparse, json, os, platform, resource, subprocess, sys, time
from pathlib import Path

p = argparse.ArgumentParser()
p.add_argument('--folder', required=True, help='where the generated folder is (made when missing; not inside the repository)')
p.add_argument('--n', type=int, default=50_000)
p.add_argument('--size', type=int, default=64)
p.add_argument('--train', action='store_true', help='also one epoch of train_classifier in each mode')
p.add_argument('--batch-size', type=int, default=256)
p.add_argument('--mode', default=None, help=argparse.SUPPRESS)      # a child process: baseline, memory or stream
p.add_argument('--no-write', action='store_true', help="print the line without appending it to the results file")
a = p.parse_args()
ROOT = Path(__file__).resolve().parent.parent


def make_folder(folder, n, size):
    "n PNGs in 10 class folders: a smooth gradient whose direction and colour depend on the class, plus noise."
    import numpy as np
    from PIL import Image
    folder = Path(folder)
    if folder.is_dir() and sum(1 for _ in folder.rglob('*.png')) == n: return 0.0
    t = time.perf_counter()
    r = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    for c in range(10):
        d = folder/f"class_{c}"; d.mkdir(parents=True, exist_ok=True)
        ang, col = 2 * np.pi * c / 10, np.array([(c * 37) % 256, (c * 91) % 256, (c * 53) % 256], float)
        g = (np.cos(ang) * xx + np.sin(ang) * yy)[..., None]
        for i in range(c, n, 10):
            x = np.clip(col * (0.4 + 0.6 * g) + r.normal(0, 12, (size, size, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(x).save(d/f"{i:06d}.png")
    return time.perf_counter() - t


def child(mode):
    "One measurement in this process; prints a JSON dict."
    import numpy as np
    import tensorflow as tf
    from synthview.data import load_image_folder, ImageDataset
    out = dict(mode=mode)
    if mode == 'baseline':
        for _ in ImageDataset(np.zeros((1, a.size, a.size, 3), np.uint8), [0], ['a']).to_tf(1): pass
    else:
        t = time.perf_counter()
        d = load_image_folder(a.folder, stream=(mode == 'stream'))
        out.update(load_seconds=round(time.perf_counter() - t, 2), n_images=len(d), image_shape=list(d.shape), rss_after_load_mb=round(rss_now_mb(), 1),
                   peak_rss_after_load_mb=peak_mb())
        t, n = time.perf_counter(), 0
        for x, y in d.to_tf(a.batch_size, shuffle=True, seed=0): n += int(x.shape[0])
        s = time.perf_counter() - t
        assert n == len(d), (n, len(d))
        out.update(epoch_seconds=round(s, 2), epoch_images_per_second=round(n / s, 1), peak_rss_after_epoch_mb=peak_mb())
        if a.train:
            from synthview.classifier import train_classifier
            t = time.perf_counter()
            _, h = train_classifier(d, epochs=1, batch_size=a.batch_size, build=dict(widths=(16, 32), dense=32), val_fraction=0.05, verbose=0)
            s = time.perf_counter() - t
            out.update(train_seconds=round(s, 2), train_images_per_second=round(0.95 * len(d) / s, 1), train_accuracy=round(float(h['accuracy'][-1]), 4))
    out['peak_rss_mb'] = peak_mb()
    print(json.dumps(out))


def peak_mb(): return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)   # the process's peak so far (Linux: KiB)


def rss_now_mb():
    with open('/proc/self/status') as f:
        return next(int(l.split()[1]) for l in f if l.startswith('VmRSS:')) / 1024


if a.mode:
    child(a.mode); sys.exit(0)

gen_s = make_folder(a.folder, a.n, a.size)
png_bytes = sum(f.stat().st_size for f in Path(a.folder).rglob('*.png'))
env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3')
runs = {}
for mode in ('baseline', 'memory', 'stream'):
    cmd = [sys.executable, __file__, '--folder', a.folder, '--n', str(a.n), '--size', str(a.size), '--batch-size', str(a.batch_size), '--mode', mode] + (['--train'] if a.train else [])
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode: sys.exit(f"{mode} failed:\n{r.stderr[-3000:]}")
    runs[mode] = json.loads(r.stdout.strip().splitlines()[-1])
    print(mode, runs[mode], file=sys.stderr)
base, mem, st = (runs[m]['peak_rss_mb'] for m in ('baseline', 'memory', 'stream'))
line = dict(benchmark='stream_rss', command=' '.join(['python', 'benchmarks/stream_rss.py'] + sys.argv[1:]),
            git_head=subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
            machine=dict(node=platform.node(), cpus=os.cpu_count(), platform=platform.platform(), python=platform.python_version(),
                         mem_total_gb=round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30, 1)),
            folder=dict(path=a.folder, files=a.n, size=[a.size, a.size, 3], png_mb=round(png_bytes / 2**20, 1),
                        uint8_array_mb=round(a.n * a.size * a.size * 3 / 2**20, 1), generated_seconds=round(gen_s, 1)),
            batch_size=a.batch_size, train=a.train, runs=runs,
            peak_rss_mb=dict(baseline=base, memory=mem, stream=st),
            above_baseline_mb=dict(memory=round(mem - base, 1), stream=round(st - base, 1)),
            memory_over_stream=round((mem - base) / max(st - base, 1e-9), 1),
            date=time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()))
print(json.dumps(line))
if not a.no_write:
    with open(ROOT/'benchmarks'/'results'/'stream_rss.jsonl', 'a') as f: f.write(json.dumps(line) + '\n')
