"""Benchmark step: judge a finished realism run's generator again, the raw one or its EMA, on fresh seeds, with the
guide and the oracle of benchmarks/realism.py (guide hit rate, oracle agreement, fooling gap, oracle FD with floors).
Why: an EMA of decay 0.999 averages the last ~1,000 generator steps, so in runs of ~1,000-2,000 steps it still shows
early generators; the raw generator shows where training is. Appends one JSON line to --results.
Usage: python benchmarks/realism_eval.py --name combo10 [--ema false] [--target Sneaker]
"""
import os, sys
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, json, platform, shlex, time
from pathlib import Path
import numpy as np
import keras
from synthview.core import RUN_FILES
from synthview.data import load_fashion_mnist
from synthview.classifier import load_classifier
from synthview.gan import load_gan_run
from synthview.metrics import oracle_report

p = argparse.ArgumentParser()
p.add_argument('--root', default='runs/realism')
p.add_argument('--results', default='benchmarks/results/realism.jsonl')
p.add_argument('--name', required=True)
p.add_argument('--ema', default='false', choices=['true', 'false'])
p.add_argument('--target', default='Sneaker')
p.add_argument('--n-eval', type=int, default=1000)
a = p.parse_args()
root = Path(a.root); run = root/'runs'/a.name
cfg = json.loads((run/'config.json').read_text())
train, test = load_fashion_mnist()
guide, oracle = load_classifier(root/'guide'/'classifier.keras'), load_classifier(root/'oracle'/'classifier.keras')
tgt = train.class_index(a.target)
gan = load_gan_run(run, guide, weights=RUN_FILES.path(run, 'gan_weights'))   # the finished run's whole GAN
use_ema = a.ema == 'true'
x = gan.decoder(tgt if cfg['conditional'] else None, ema=use_ema if gan.generator_ema is not None else None).generate(np.arange(10**6, 10**6 + a.n_eval))
r = oracle_report(guide, oracle, x, test, labels=tgt, per_class=False)
last = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items() if not isinstance(v, dict)}
from PIL import Image
from synthview.core import image_grid
grid = run/f"grid_generated_{'ema' if use_ema else 'raw'}.png"
Image.fromarray(image_grid(x[:64], ncols=8).squeeze()).save(grid)
line = dict(benchmark='realism_eval', command='python ' + shlex.join(sys.argv), name=a.name, ema=use_ema, target=a.target,
            generator_steps=int(gan.generator_optimizer.iterations), last=last, grid=str(grid), cpus=os.cpu_count(),
            machine=platform.processor() or platform.machine(), keras=keras.__version__, synthview_commit=os.environ.get('SYNTHVIEW_COMMIT'),
            date=time.strftime('%Y-%m-%d %H:%M'))
with open(a.results, 'a') as f: f.write(json.dumps(line) + '\n')
print(json.dumps(line))
