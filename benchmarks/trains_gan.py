"""Benchmark: a conditional, classifier-guided WGAN-GP on synthview's trains at 76 x 76, judged per type by the zoo's
independent oracle (realism issue, item 5).

Steps (each resumable; the run folder is --root/--name):
  run     train_gan(conditional=True, critic_sees='guide') on --n-train fresh trains (make_trains, seed 7) for --images
          real images, guided by the zoo's trains-classifier; every --eval-every images, on --n-eval fresh seeds per type:
          the guide's hit rate at p >= 0.9, the oracle's (trains-oracle) agreement and the fooling gap, and the oracle's
          Fréchet distance to real test trains of the type and to all, each with its real-vs-real floor (RUN/curve.jsonl).
          At the end: an 8 x 8 grid per type next to real trains of the type, and one JSON line in
          benchmarks/results/trains_gan.jsonl.
          --init-run RUN starts from the generator and critic of an earlier run (train_gan's init=): a second phase
          with other settings (a phase's real images are counted from 0 in its own curve); report such a run with the
          same --init-run (its networks' layout is that run's).
  report  the same final evaluation, grids and line for a run stopped early (rebuilt from RUN/config.json and its last
          good weights); --generator raw judges the generator training updates instead of its EMA (a run with
          ema_beta), saved as RUN/report_generator_raw.keras, its grids as grid_generated_TYPE_raw.png.
Both save the generator they judged as RUN/report_generator.keras (benchmarks/zoo_build.py --source takes it).
Every evaluation also gives the label effect: how much an image changes when only the type asked for changes, against
when only the seed does (0: the generator ignores the type); a run with an encoder (reconstruction_weight) also gives
the mean absolute error of 300 real test trains per type drawn back from their codes, and a grid of them per type
(grid_reconstructed_TYPE.png).
Usage:
  python benchmarks/trains_gan.py run --name cond76 --images 400000
  python benchmarks/trains_gan.py report --name cond76
Set TF_ENABLE_ONEDNN_OPTS=1 (done here, before TensorFlow is imported) for the faster CPU kernels.
"""
import os
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, json, time
from pathlib import Path
import numpy as np
import keras
from PIL import Image
from _results import write_line
from _gan_runs import rebuild_run
from synthview import zoo
from synthview.core import image_grid
from synthview.trains import make_trains, TRAIN_CLASSES
from synthview.gan import guide_subset, load_gan_run, train_gan, INIT_BRINGS
from synthview.metrics import oracle_report

p = argparse.ArgumentParser()
p.add_argument('step', choices=['run', 'report'])
p.add_argument('--root', default='runs/trains_gan')
p.add_argument('--name', default='cond76')
p.add_argument('--size', type=int, default=76)
p.add_argument('--n-train', type=int, default=30000, help='fresh training trains (make_trains, seed 7)')
p.add_argument('--images', type=int, default=400_000, help='real images the critic sees in all')
p.add_argument('--eval-every', type=int, default=50_000, help='evaluate when this many more real images were seen')
p.add_argument('--n-eval', type=int, default=300, help='generated images per type at each evaluation')
p.add_argument('--n-real', type=int, default=3000, help='real test trains (make_trains, seed 12345)')
p.add_argument('--config', default='{}', help='more train_gan arguments as JSON')
p.add_argument('--init-run', default=None, help="run: start from the generator and critic of this earlier run folder (its last weights; train_gan's init=), e.g. to go on with other guidance settings")
p.add_argument('--generator', choices=['shown', 'raw'], default='shown',
               help="report: judge the run's shown generator (its EMA where it keeps one) or the raw one (the last training step's)")
a = p.parse_args()
RAW = a.generator == 'raw'   # judge the generator training updates, not its EMA
run_dir = Path(a.root)/a.name
guide, oracle = zoo.load('trains-classifier'), zoo.load('trains-oracle')
test = make_trains(a.n_real, size=a.size, seed=12345)
K = len(TRAIN_CLASSES)
SEEDS = np.arange(10**6, 10**6 + a.n_eval * K)
LABELS = np.repeat(np.arange(K), a.n_eval)

def decoder(gan, label=None):
    "The generator judged: the run's shown one (its EMA if kept), or with --generator raw the one training updates."
    return gan.decoder(label, ema=False if RAW else None)

def label_effect(gan, n=100) -> float:
    """How much a conditional generator's image depends on the class asked for: the mean absolute pixel difference between
    the images of one seed asked as two different types, over that between two different seeds asked as one type (0: the
    label is ignored; about 1: changing the type changes the image as much as changing the seed)."""
    x = np.stack([decoder(gan).generate(SEEDS[:n], labels=k) for k in range(K)])          # (K, n, H, W, C)
    within = np.mean([np.abs(x[i] - x[j]).mean() for i in range(K) for j in range(i + 1, K)])
    across = np.mean([np.abs(x[k] - np.roll(x[k], 1, axis=0)).mean() for k in range(K)])
    return float(within / across)

def judge(gan) -> dict:
    "Per type and over all types: guide hit rate, oracle agreement, fooling gap, oracle FD with floors; the label effect."
    x = decoder(gan).generate(SEEDS, labels=LABELS)
    r = oracle_report(guide, oracle, x, test, labels=LABELS, per_class=True, seed=0)
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items() if not isinstance(v, dict)}
    out['label_effect'] = round(label_effect(gan), 4)
    if gan.encoder is not None:                         # mean absolute error of real test trains drawn back from their codes
        out['reconstruction_l1'] = round(float(np.mean([np.abs(reconstruct(gan, xk, k) - xk).mean()
                                                        for k in range(K) for xk in [test.where_class(k).canonical()[:300]]])), 4)
    out['per_type'] = {n: {k: (round(v, 4) if isinstance(v, float) else v) for k, v in d.items()} for n, d in r['per_class'].items()}
    return out

class Curve(keras.callbacks.Callback):
    "Every --eval-every real images: the judge's figures, one line of RUN/curve.jsonl (clocks continue on resume)."
    def __init__(self, images_per_epoch):
        super().__init__(); self.ipe, self.t0, self.c0 = images_per_epoch, time.perf_counter(), time.process_time()
        f = run_dir/'curve.jsonl'
        last = json.loads(f.read_text().splitlines()[-1]) if f.is_file() and f.read_text().strip() else {}
        self.t0 -= last.get('seconds', 0); self.c0 -= last.get('cpu_seconds', 0)
    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) * self.ipe // a.eval_every == epoch * self.ipe // a.eval_every and epoch + 1 < self.params.get('epochs', 0): return
        line = dict(epoch=epoch + 1, images=(epoch + 1) * self.ipe, seconds=round(time.perf_counter() - self.t0, 1),
                    cpu_seconds=round(time.process_time() - self.c0, 1), generator_steps=int(self.model.generator_optimizer.iterations),
                    **judge(self.model))
        with open(run_dir/'curve.jsonl', 'a') as f: f.write(json.dumps(line) + '\n')
        print('curve', json.dumps({k: v for k, v in line.items() if k != 'per_class'}), flush=True)

def grids(gan) -> dict:
    "An 8 x 8 grid per type (generated, fixed seeds) and the same of real test trains of the type."
    out = {}
    for k, name in enumerate(TRAIN_CLASSES):
        x = decoder(gan).generate(np.arange(64), labels=k)
        for what, imgs in (('generated', x), ('real', test.where_class(k).canonical()[:64])):
            f = run_dir/f"grid_{what}_{name}{'_raw' if what == 'generated' and RAW else ''}.png"
            Image.fromarray(image_grid(imgs, ncols=8)).save(f)
            out[f'{what}_{name}'] = str(f)
        if gan.encoder is not None:                     # a run with reconstruction_weight: the same real trains drawn back from their codes
            f = run_dir/f"grid_reconstructed_{name}{'_raw' if RAW else ''}.png"
            Image.fromarray(image_grid(reconstruct(gan, test.where_class(k).canonical()[:64], k), ncols=8)).save(f)
            out[f'reconstructed_{name}'] = str(f)
    return out

def reconstruct(gan, x, k):
    "Real images of type k drawn back by the judged generator from the encoder's posterior means."
    g = gan.generator if RAW else gan.shown_generator()
    z = gan.encoder.predict(x, batch_size=100, verbose=0)[0]
    return g.predict([z, np.eye(K, dtype=np.float32)[np.full(len(x), k)]], batch_size=100, verbose=0)

def run():
    data = guide_subset(make_trains(a.n_train, size=a.size, seed=7), guide, list(range(K)))   # the guide's verdicts: a projection critic's labels
    kw = dict(conditional=True, critic_sees='guide', batch_size=64, seed=0, generator_widths=(128, 64, 32, 16),
              critic_widths=(16, 32, 64, 128), latent_dim=128, gallery_seeds=24, oracle=oracle, verbose=2)
    kw.update(json.loads(a.config))
    if a.init_run:                               # the earlier run's networks (its training generator, not its EMA), copied
        prev = load_gan_run(a.init_run, guide)
        kw['init'] = (prev.generator, prev.critic)
        for k in INIT_BRINGS: kw.pop(k, None)   # init= brings the networks, and with them these settings
    per_step = kw['batch_size'] * kw.get('n_critic', 2)
    ipe = len(data) // per_step * per_step
    kw['epochs'] = max(1, round(a.images / ipe))
    t0 = time.perf_counter()
    gan, _ = train_gan(data, guide, run_dir=run_dir, callbacks=[Curve(ipe)], **kw)
    return gan, dict(config=json.loads(a.config), init_run=a.init_run, images_per_epoch=ipe, epochs=kw['epochs'], real_images_available=len(data),
                     wall_seconds_this_call=round(time.perf_counter() - t0, 1))

def rebuild():
    cfg = json.loads((run_dir/'config.json').read_text())
    if cfg.get('init') and not a.init_run: p.error(f"{run_dir} started from init= networks: give --init-run, the run they came from")
    gan, w = rebuild_run(run_dir, guide, a.init_run if cfg.get('init') else None)
    info = dict(config=cfg, stopped_early=True, weights=str(w))
    if w.parent.name == 'checkpoints':        # the epoch of those weights, and the real images seen by then
        ep = json.loads((w.parent/'last_good.json').read_text())['epoch']
        curve = [json.loads(l) for l in open(run_dir/'curve.jsonl')]
        info.update(weights_epoch=ep, weights_images=ep * curve[-1]['images'] // curve[-1]['epoch'])
    return gan, dict(info, init_run=a.init_run)

gan, info = run() if a.step == 'run' else rebuild()
shown = run_dir/('report_generator_raw.keras' if RAW else 'report_generator.keras')   # the generator judged below, for zoo_build.py
(gan.generator if RAW else gan.shown_generator()).save(str(shown))
curve = [json.loads(l) for l in open(run_dir/'curve.jsonl')] if (run_dir/'curve.jsonl').is_file() else []
final = judge(gan)
write_line(dict(step=a.step, name=a.name, generator=a.generator, size=a.size, guide='zoo:trains-classifier', oracle='zoo:trains-oracle', n_eval_per_type=a.n_eval,
                generator_steps=int(gan.generator_optimizer.iterations), images=curve[-1]['images'] if curve else None,
                cpu_seconds=curve[-1]['cpu_seconds'] if curve else None, seconds=curve[-1]['seconds'] if curve else None,
                final=final, judged_generator=str(shown), curve=[{k: v for k, v in c.items() if k != 'per_class'} for c in curve], grids=grids(gan),
                synthview_commit=os.environ.get('SYNTHVIEW_COMMIT'), **info), 'trains_gan')
