"""Figures of the realism benchmark: the curves over training of each run in benchmarks/results/realism.jsonl (guide hit
rate, oracle agreement, fooling gap, oracle FD to real images of the target, each run its colour) and the grids of
generated images next to real ones. Usage: python benchmarks/realism_plot.py [--names a,b,c] [--out nbs/images/realism_curves.png]
"""
import argparse, json
from pathlib import Path
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
from PIL import Image

p = argparse.ArgumentParser()
p.add_argument('--results', default='benchmarks/results/realism.jsonl')
p.add_argument('--names', default=None, help='comma-separated run names (default: every run, the last line of each)')
p.add_argument('--out', default='nbs/images/realism_curves.png')
p.add_argument('--grids', default=None, help='also a figure of the runs\' grids beside real images, to this path')
p.add_argument('--title', default=None)
a = p.parse_args()
runs = {}
for line in open(a.results):
    r = json.loads(line)
    if r.get('benchmark') == 'realism' and r.get('step') == 'run': runs[r['name']] = r      # the last line of each name
names = a.names.split(',') if a.names else list(runs)
fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
panels = [('guide_hit_rate', 'guide hit rate (p >= 0.9)'), ('oracle_agreement', "oracle agrees with the guide's hits"),
          ('fooling_gap', 'fooling gap'), ('fd_class', 'oracle FD to real images of the target')]
for n in names:
    c = runs[n]['curve']
    x = [pt['generator_steps'] for pt in c]
    for ax, (k, t) in zip(axes, panels):
        ax.plot(x, [pt.get(k) if pt.get(k) is not None else float('nan') for pt in c], marker='o', ms=3, label=n)
        ax.set_title(t, fontsize=10); ax.set_xlabel('generator steps')
fl = runs[names[0]]['curve'][-1].get('fd_class_floor')
if fl is not None: axes[3].axhline(fl, color='gray', ls=':', label='real-vs-real floor')
axes[3].set_yscale('log')
for ax in axes[:3]: ax.set_ylim(-0.02, 1.02)
axes[3].legend(fontsize=7)
if a.title: fig.suptitle(a.title)
fig.tight_layout(); Path(a.out).parent.mkdir(parents=True, exist_ok=True); fig.savefig(a.out, dpi=100)
print('wrote', a.out)
if a.grids:
    ims = [('real', Image.open(Path(runs[names[0]]['run_dir'])/'grid_real.png'))] + [(n, Image.open(runs[n]['grid'])) for n in names]
    fig, axes = plt.subplots(1, len(ims), figsize=(2.6 * len(ims), 3))
    for ax, (n, im) in zip(axes, ims):
        ax.imshow(im, cmap='gray'); ax.set_title(n, fontsize=9); ax.axis('off')
    fig.tight_layout(); fig.savefig(a.grids, dpi=100); print('wrote', a.grids)
