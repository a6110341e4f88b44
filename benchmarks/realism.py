"""Benchmark: realism of classifier-guided WGAN-GP runs on Fashion-MNIST, judged by an independent oracle.

Steps (each resumable; run folders under --root):
  models   train the guide (built-in classifier) and the oracle (another architecture and seed) on the 60,000 real
           training images; report each one's test accuracy and their agreement on the 10,000 test images.
  run      train one WGAN-GP configuration (--name, --config as JSON of train_gan arguments) for --images real images,
           evaluating every epoch (--per-class images per class per epoch) on --n-eval generated images: the guide's
           hit rate for the target at p >= 0.9, the oracle's agreement with it and the fooling gap, the oracle's Fréchet
           distance to real test images of the target and to all of them, each with its real-vs-real floor. The curve is
           written to RUN/curve.jsonl; the last point, the grid and the exact command go to --results as one JSON line.
Usage:
  python benchmarks/realism.py models
  python benchmarks/realism.py run --name balanced1 --config '{"guidance_mode": "balanced", "guidance_weight": 1}' --images 150000
Set TF_ENABLE_ONEDNN_OPTS=1 (done here, before TensorFlow is imported) for the faster CPU kernels.
"""
import os, sys
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, json, platform, shlex, time
from pathlib import Path
import numpy as np
import keras
from synthview.core import image_grid, atomic_write_json
from synthview.data import load_fashion_mnist
from synthview.classifier import train_classifier, evaluate_classifier, load_classifier
from synthview.metrics import train_oracle, oracle_report
from synthview.gan import train_gan

p = argparse.ArgumentParser()
p.add_argument('step', choices=['models', 'run'])
p.add_argument('--root', default='runs/realism')
p.add_argument('--results', default='benchmarks/results/realism.jsonl')
p.add_argument('--classifier-epochs', type=int, default=10)
p.add_argument('--oracle-epochs', type=int, default=5)
p.add_argument('--oracle-width', type=int, default=24)
p.add_argument('--name', default=None)
p.add_argument('--config', default='{}', help='train_gan arguments as JSON')
p.add_argument('--images', type=int, default=150_000, help='real images the critic sees in all')
p.add_argument('--per-class', type=int, default=2500, help='images per class in one epoch')
p.add_argument('--target', default='Sneaker')
p.add_argument('--n-eval', type=int, default=1000)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--subset', action='store_true', help="the critic sees only the real images the guide assigns to the target(s) (gan.guide_subset)")
p.add_argument('--projection', action='store_true', help="conditional GAN with a projection critic on the guide's labels of the real images (--subset implied): train_gan(conditional=True, critic_sees='guide')")
p.add_argument('--eval-every', type=int, default=0, help='evaluate when this many more real images were seen (0: every epoch)')
a = p.parse_args()
root = Path(a.root); root.mkdir(parents=True, exist_ok=True)
machine = dict(cpus=os.cpu_count(), machine=platform.processor() or platform.machine(), keras=keras.__version__,
               onednn=os.environ.get('TF_ENABLE_ONEDNN_OPTS'), synthview_commit=os.environ.get('SYNTHVIEW_COMMIT'))
train, test = load_fashion_mnist()

def models():
    out = {}
    if not (root/'guide'/'classifier.keras').is_file():
        t = time.perf_counter()
        train_classifier(train, epochs=a.classifier_epochs, val_fraction=0, run_dir=root/'guide', verbose=2, seed=0)
        out['guide_seconds'] = round(time.perf_counter() - t, 1)
    if not (root/'oracle'/'classifier.keras').is_file():
        t = time.perf_counter()
        train_oracle(train, epochs=a.oracle_epochs, run_dir=root, verbose=2, seed=1, build=dict(width=a.oracle_width))
        out['oracle_seconds'] = round(time.perf_counter() - t, 1)
    guide, oracle = load_classifier(root/'guide'/'classifier.keras'), load_classifier(root/'oracle'/'classifier.keras')
    pg, po = guide.predict(test.canonical()), oracle.predict(test.canonical())
    out.update(guide_test_accuracy=round(float((pg == test.labels).mean()), 4), oracle_test_accuracy=round(float((po == test.labels).mean()), 4),
               agreement_on_real_test=round(float((pg == po).mean()), 4))
    atomic_write_json(root/'models.json', out)
    return out

class Curve(keras.callbacks.Callback):
    "Every epoch: oracle figures on fresh seeds, one line of RUN/curve.jsonl."
    def __init__(self, run, guide, oracle, tgt, images_per_epoch, t0):
        super().__init__(); self.run, self.guide, self.oracle, self.tgt, self.ipe, self.t0 = run, guide, oracle, tgt, images_per_epoch, t0
        self.c0 = time.process_time()          # CPU seconds of this process (all threads), for equal-CPU comparisons
        f = run/'curve.jsonl'                  # a resumed run continues its clocks
        last = json.loads(f.read_text().splitlines()[-1]) if f.is_file() and f.read_text().strip() else {}
        self.t0 -= last.get('seconds', 0); self.c0 -= last.get('cpu_seconds', 0)
    def on_epoch_end(self, epoch, logs=None):
        every = a.eval_every or self.ipe
        if (epoch + 1) * self.ipe // every == epoch * self.ipe // every and epoch + 1 < self.params.get('epochs', 0): return
        x = self.model.generate(np.arange(10**6, 10**6 + a.n_eval), labels=self.tgt if self.model.conditional else None)
        r = oracle_report(self.guide, self.oracle, x, test, labels=self.tgt, per_class=False, seed=a.seed)
        line = dict(epoch=epoch + 1, images=(epoch + 1) * self.ipe, seconds=round(time.perf_counter() - self.t0, 1),
                    cpu_seconds=round(time.process_time() - self.c0, 1), generator_steps=int(self.model.generator_optimizer.iterations),
                    **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items() if not isinstance(v, dict)})
        with open(self.run/'curve.jsonl', 'a') as f: f.write(json.dumps(line) + '\n')
        print('curve', json.dumps(line), flush=True)

def run():
    guide, oracle = load_classifier(root/'guide'/'classifier.keras'), load_classifier(root/'oracle'/'classifier.keras')
    cfg = json.loads(a.config)
    tgt = train.class_index(a.target)
    data = train.take_per_class(a.per_class, seed=a.seed)
    if a.projection: a.subset = True; cfg['conditional'] = True
    if a.subset:                      # the guide's own target class(es) among the real images
        from synthview.gan import guide_subset
        data = guide_subset(data, guide, list(range(guide.n_classes)) if cfg.get('conditional') else tgt)
    kw = dict(target=tgt, batch_size=64, seed=a.seed, generator_widths=(64, 32), critic_widths=(32, 64), verbose=2, gallery_seeds=64,
              critic_sees='guide' if a.subset else 'all')   # the subset above is the guide's already; train_gan keeps it (conditional: its labels)
    kw.update(cfg)
    per_step = kw['batch_size'] * (kw.get('n_critic', 5) if kw.get('fresh_real') else 1)
    ipe = len(data) // per_step * per_step                      # real images per epoch: whole steps only
    epochs = kw['epochs'] = max(1, round(a.images / ipe))
    run_dir = root/'runs'/a.name
    if kw.get('conditional'): kw.pop('target')
    kw['oracle'] = oracle             # the gallery records the oracle's verdict too
    t0 = time.perf_counter()
    gan, hist = train_gan(data, guide, run_dir=run_dir, callbacks=[Curve(run_dir, guide, oracle, tgt, ipe, t0)], **kw)   # --projection: critic_sees='guide', conditional
    wall = time.perf_counter() - t0
    x = gan.generate(np.arange(64), labels=tgt if gan.conditional else None)
    real = test.where_class(tgt).canonical()[:64]
    from PIL import Image
    Image.fromarray(image_grid(x, ncols=8).squeeze()).save(run_dir/'grid_generated.png')
    Image.fromarray(image_grid(real, ncols=8).squeeze()).save(run_dir/'grid_real.png')
    curve = [json.loads(l) for l in open(run_dir/'curve.jsonl')]
    return dict(name=a.name, config=cfg, subset=a.subset, projection=a.projection, real_images_available=len(data), target=a.target, images=epochs * ipe, epochs=epochs, images_per_epoch=ipe,
                wall_seconds_this_call=round(wall, 1), last=curve[-1], curve=curve, run_dir=str(run_dir),
                grid=str(run_dir/'grid_generated.png'),
                models=json.loads((root/'models.json').read_text()) if (root/'models.json').is_file() else None)

res = models() if a.step == 'models' else run()
line = dict(benchmark='realism', step=a.step, command='python ' + shlex.join(sys.argv), **res, **machine,
            date=time.strftime('%Y-%m-%d %H:%M'))
Path(a.results).parent.mkdir(parents=True, exist_ok=True)
with open(a.results, 'a') as f: f.write(json.dumps(line) + '\n')
print(json.dumps(line))
