"""What the oracle calls the images a trains generator makes for each type: of the guide's hits (guide p >= 0.9 for
the type asked), the share the oracle assigns to each type, beside the same on real test trains (the floor), and a grid
per type of the hits the oracle rejects next to those it accepts, to look at. It says toward which type a generator's
misses go, which the agreement alone (one number per type) does not.

  python benchmarks/trains_gan_calls.py --generator zoo:trains-conditional-gan --tag zoo_entry
  python benchmarks/trains_gan_calls.py --generator runs/trains_gan/ns76_wgc/report_generator.keras --tag ns76_wgc

The seeds are those of trains_gan.py's final judgement (10**6 onward, --n per type), so the agreement printed here is
that line's. Grids: RUN-ROOT/calls/TAG_TYPE_rejected.png and _accepted.png (8 x 4, the first 32 of each).
"""
import os
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse
from pathlib import Path
import numpy as np
from PIL import Image
from _results import write_line
from synthview import zoo
from synthview.core import image_grid
from synthview.gan import GeneratorDecoder
from synthview.trains import make_trains, TRAIN_CLASSES

p = argparse.ArgumentParser()
p.add_argument('--generator', required=True, help="zoo:NAME, or a conditional generator's .keras file (loaded in safe mode)")
p.add_argument('--tag', required=True, help='name of this judgement in the line and the grids')
p.add_argument('--n', type=int, default=300, help='seeds per type (trains_gan.py --n-eval)')
p.add_argument('--n-real', type=int, default=3000, help='real test trains (make_trains, seed 12345)')
p.add_argument('--out', default='runs/trains_gan/calls')
a = p.parse_args()

guide, oracle = zoo.load('trains-classifier'), zoo.load('trains-oracle')
if a.generator.startswith('zoo:'): dec = zoo.load(a.generator[4:])
else:
    import keras
    dec = GeneratorDecoder(keras.saving.load_model(a.generator, safe_mode=True, compile=False))
K = len(TRAIN_CLASSES)
seeds, labels = np.arange(10**6, 10**6 + a.n * K), np.repeat(np.arange(K), a.n)
x = dec.generate(seeds, labels=labels)
test = make_trains(a.n_real, size=76, seed=12345)
xr, yr = test.canonical(), np.asarray(test.labels)
out = Path(a.out); out.mkdir(parents=True, exist_ok=True)

def calls(gp, op, t):
    "The guide's hits for class t (a mask), the oracle's class for each hit, and the share of the hits it calls each class."
    hit = (gp.argmax(1) == t) & (gp[:, t] >= 0.9)
    said = op[hit].argmax(1)
    return hit, said, {TRAIN_CLASSES[k]: round(float((said == k).mean()), 4) if hit.any() else None for k in range(K)}

gp, op = guide.probs(x), oracle.probs(x)
gpr, opr = guide.probs(xr), oracle.probs(xr)
per_type = {}
for t, name in enumerate(TRAIN_CLASSES):
    m = labels == t
    hit, said, share = calls(gp[m], op[m], t)
    floor = calls(gpr[yr == t], opr[yr == t], t)[2]
    xt, agree = x[m][hit], said == t
    grids = {}
    for what, sel in (('rejected', ~agree), ('accepted', agree)):
        if sel.any():
            f = out/f'{a.tag}_{name}_{what}.png'
            Image.fromarray(image_grid(xt[sel][:32], ncols=8)).save(f)
            grids[what] = str(f)
    per_type[name] = dict(n=int(m.sum()), guide_hits=int(hit.sum()), oracle_calls_on_hits=share, oracle_calls_on_real_hits=floor, grids=grids)
    print(name, per_type[name], flush=True)
write_line(dict(tag=a.tag, generator=a.generator, n_per_type=a.n, n_real=a.n_real, guide='zoo:trains-classifier',
                oracle='zoo:trains-oracle', per_type=per_type), 'trains_gan_calls')
