"""Figure: generated trains per type from several benchmarks/trains_gan.py run folders side by side (the first 24 seeds of
each run's 8 x 8 grid per type, written by its `report` step), optionally with real trains of the type.
Usage (the zoo page's figure nbs/images/trains_gan_cpu_76_cbn.jpg, exactly):
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_cpu_76_cbn.jpg \
      --column 'the entry: label joined to the latent, no EMA (658,944 images)=cond76_late/grid_generated_{t}.png' \
      --column 'class-conditional batch norm, wider, its EMA (658,944 images)=cbn76_e22/grid_generated_{t}.png' \
      --column 'the same, the generator training updates=cbn76_e22/grid_generated_{t}_raw.png' \
      --column 'real test trains of the type=cond76_late/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_g01.jpg (the zoo entry before and after 2026-12-01):
  git show 5433c70:synthview/models/trains-conditional-gan/generator.keras > /tmp/entry_cond76_late.keras
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_g01.jpg \
      --column 'the earlier entry: WGAN-GP (658,944 images)=gen:/tmp/entry_cond76_late.keras' \
      --column 'the entry now: ns76_g01, logistic (838,656 images)=ns76_g01/grid_generated_{t}.png' \
      --column 'real test trains of the type=ns76_g01/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_wide.jpg (the zoo entry before and after the wider generator;
ns76_wg's grids as its run of --images 650000 wrote them, before the run was continued to 1,000,000 images):
  git show 1b866e6:synthview/models/trains-conditional-gan/generator.keras > /tmp/lead/entry_ns76_g01.keras
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_wide.jpg \
      --column 'before: ns76_g01 (838,656 images)=gen:/tmp/lead/entry_ns76_g01.keras' \
      --column 'now: ns76_wg, wider generator (699,776 images)=ns76_wg/grid_generated_{t}.png' \
      --column 'real test trains of the type=ns76_wg/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_lr.jpg (the zoo entry, then the second phase at Adam 5e-5):
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_lr.jpg \
      --column 'the zoo entry: ns76_wg (699,776 images)=gen:synthview/models/trains-conditional-gan/generator.keras' \
      --column 'then Adam 5e-5 (ns76_wg_lr: 999,680 + 599,808)=ns76_wg_lr/grid_generated_{t}.png' \
      --column 'real test trains of the type=ns76_wg_lr/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_wgc.jpg (the zoo entry, then its recipe with the critic widened):
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_wgc.jpg \
      --column 'the zoo entry: ns76_wg (699,776 images)=gen:synthview/models/trains-conditional-gan/generator.keras' \
      --column 'the critic widened too: ns76_wgc (699,776 images)=ns76_wgc/grid_generated_{t}.png' \
      --column 'real test trains of the type=ns76_wgc/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_wgr.jpg (ns76_wgc, then its recipe with upsample='resize'):
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_wgr.jpg \
      --column 'ns76_wgc, transposed convolutions (699,776 images)=ns76_wgc/grid_generated_{t}.png' \
      --column 'ns76_wgr, resize then convolve (499,840 images)=ns76_wgr/grid_generated_{t}.png' \
      --column 'real test trains of the type=ns76_wgr/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_raw.jpg (ns76_wgc's EMA, then its training generator, after
python benchmarks/trains_gan.py report --name ns76_wgc --generator raw):
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_raw.jpg \
      --column 'ns76_wgc, its EMA (beta 0.999; 699,776 images)=ns76_wgc/grid_generated_{t}.png' \
      --column 'ns76_wgc, the generator training updates=ns76_wgc/grid_generated_{t}_raw.png' \
      --column 'real test trains of the type=ns76_wgc/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_wgc_lr.jpg (ns76_wgc's EMA, then its second phase at Adam 5e-5):
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_wgc_lr.jpg \
      --column 'ns76_wgc, its EMA (699,776 images)=ns76_wgc/grid_generated_{t}.png' \
      --column 'then Adam 5e-5, its EMA (ns76_wgc_lr: + 299,904)=ns76_wgc_lr/grid_generated_{t}.png' \
      --column 'real test trains of the type=ns76_wgc_lr/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_wgc_u.jpg (second phases from ns76_wgc with and without guidance):
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_wgc_u.jpg \
      --column 'guided, weight 3 (ns76_wgc_lr: + 299,904)=ns76_wgc_lr/grid_generated_{t}.png' \
      --column 'no guidance (ns76_wgc_u: + 199,936)=ns76_wgc_u/grid_generated_{t}.png' \
      --column 'real test trains of the type=ns76_wgc_u/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_wgc_sc.jpg (second phases from ns76_wgc, the critic slowed):
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_wgc_sc.jpg \
      --column 'Adam 5e-5 for both (ns76_wgc_lr: + 299,904)=ns76_wgc_lr/grid_generated_{t}.png' \
      --column 'critic at 2e-5, generator 5e-5 (ns76_wgc_sc: + 199,936)=ns76_wgc_sc/grid_generated_{t}.png' \
      --column 'real test trains of the type=ns76_wgc_sc/grid_real_{t}.png'
The 10_gan page's figure nbs/images/trains_gan_logistic_wgc_rec.jpg (second phases from ns76_wgc, with reconstruction):
  python benchmarks/trains_gan_figure.py --out nbs/images/trains_gan_logistic_wgc_rec.jpg \
      --column 'guided, Adam 5e-5 (ns76_wgc_lr: + 299,904)=ns76_wgc_lr/grid_generated_{t}.png' \
      --column 'with reconstruction (ns76_wgc_rec2: + 199,936)=ns76_wgc_rec2/grid_generated_{t}.png' \
      --column 'its reconstructions of the real trains at right=ns76_wgc_rec2/grid_reconstructed_{t}.png' \
      --column 'real test trains of the type=ns76_wgc_rec2/grid_real_{t}.png'
"""
import argparse
from pathlib import Path
import numpy as np
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from PIL import Image
from synthview.trains import TRAIN_CLASSES

p = argparse.ArgumentParser()
p.add_argument('--root', default='runs/trains_gan')
p.add_argument('--column', action='append', required=True, help="'TITLE=PATH' under --root, {t} standing for the type; "
               "'TITLE=gen:FILE.keras' draws a conditional generator's grid per type instead (seeds 0-63, as trains_gan.py's report)")
p.add_argument('--rows', type=int, default=3, help='rows of 8 seeds per type taken from each grid')
p.add_argument('--out', required=True)
a = p.parse_args()
cols = [c.split('=', 1) for c in a.column]

def drawn(f, k):
    "The 8 x 8 grid of type k from a generator .keras file (e.g. an earlier zoo entry: git show REV:synthview/models/...)."
    import keras
    from synthview.core import image_grid
    from synthview.gan import GeneratorDecoder
    return image_grid(GeneratorDecoder(keras.saving.load_model(f, safe_mode=True, compile=False)).generate(np.arange(64), labels=k), ncols=8)
fig, axes = plt.subplots(len(TRAIN_CLASSES), len(cols), figsize=(4.2 * len(cols), (4.2 * a.rows / 8 + 0.35) * len(TRAIN_CLASSES)), squeeze=False)
for i, t in enumerate(TRAIN_CLASSES):
    for j, (title, path) in enumerate(cols):
        g = drawn(path[4:], i) if path.startswith('gen:') else np.array(Image.open(Path(a.root)/path.format(t=t)).convert('RGB'))
        ax = axes[i, j]; ax.imshow(g[:g.shape[0] * a.rows // 8]); ax.set_xticks([]); ax.set_yticks([])
        if i == 0: ax.set_title(title, fontsize=9, loc='left')
        if j == 0: ax.set_ylabel(t, fontsize=10)
fig.tight_layout()
fig.savefig(a.out, dpi=110, pil_kwargs=dict(quality=85))
print(a.out, Path(a.out).stat().st_size, 'bytes')
