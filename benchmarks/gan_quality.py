"""Benchmark: quality of the classifier-guided WGAN-GP on Fashion-MNIST after a fixed CPU budget.

Protocol (all in one process, one seed):
1. the built-in classifier, `train_classifier` on the 60,000 training images for --classifier-epochs epochs;
2. two WGAN-GPs with the same networks, data, seed and budget (--epochs over --per-class images per class):
   *guided* toward --target (guidance_weight --guidance-weight) and *unguided* (guidance_weight 0, target only watched);
3. an independent oracle (synthview.metrics.train_oracle: another architecture and seed, trained on the same real
   images; or --oracle PATH) judges the same images: its agreement with the guide's hits, the fooling gap, and the
   Fréchet distance in the oracle's feature space with its real-vs-real floor (a hit rate is never reported alone);
4. --n-eval images from fresh seeds of each, measured with the classifier:
   hit rate for the target at p >= --threshold (floor: real test images of the target),
   Fréchet distance in the classifier's feature space (guided vs real test images of the target; unguided vs all
   real test images, and its images the classifier assigns to the target vs real ones of the target), each with its
   real-vs-real floor; kernel distance and precision/recall alongside.
Optionally (--conditional) a conditional GAN with the same budget, per-class hit rates.

Prints one JSON line. Usage: python benchmarks/gan_quality.py [--epochs 10] [--per-class 1000] [--run-dir DIR]
"""
import argparse, json, os, platform, tempfile, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import keras
from synthview.data import load_fashion_mnist
from synthview.classifier import train_classifier, evaluate_classifier, load_classifier
from synthview.gan import train_gan
from synthview.gallery import load_gallery
from synthview.metrics import calc_metrics, train_oracle, oracle_report

p = argparse.ArgumentParser()
p.add_argument('--classifier-epochs', type=int, default=3)
p.add_argument('--per-class', type=int, default=1000)
p.add_argument('--epochs', type=int, default=10)
p.add_argument('--batch-size', type=int, default=64)
p.add_argument('--target', default='Sneaker')
p.add_argument('--guidance-weight', type=float, default=30.0)
p.add_argument('--generator-widths', default='64,32')
p.add_argument('--critic-widths', default='32,64')
p.add_argument('--n-eval', type=int, default=2000)
p.add_argument('--threshold', type=float, default=0.9)
p.add_argument('--conditional', action='store_true')
p.add_argument('--run-dir', default=None)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--classifier', default=None, help='a .keras classifier to reuse (skips step 1)')
p.add_argument('--oracle', default=None, help='a .keras oracle to reuse (default: train one, --oracle-epochs)')
p.add_argument('--oracle-epochs', type=int, default=3)
a = p.parse_args()
widths = lambda s: tuple(int(v) for v in s.split(',')) if s else None
run = a.run_dir or tempfile.mkdtemp(prefix='gan_quality_')
os.makedirs(run, exist_ok=True)
T0 = time.perf_counter()

train, test = load_fashion_mnist()
t = time.perf_counter()
if a.classifier: clf = load_classifier(a.classifier)
else:
    clf, _ = train_classifier(train, epochs=a.classifier_epochs, batch_size=128, val_fraction=0, verbose=2, seed=a.seed)
    clf.save(f"{run}/classifier.keras")
clf_s = time.perf_counter() - t
acc = evaluate_classifier(clf, test)['accuracy']
oracle = load_classifier(a.oracle) if a.oracle else train_oracle(train, epochs=a.oracle_epochs, run_dir=run, verbose=2, seed=a.seed + 1)
oracle_acc = evaluate_classifier(oracle, test)['accuracy']
tgt = train.class_index(a.target)
subset = train.take_per_class(a.per_class, seed=a.seed)
common = dict(epochs=a.epochs, batch_size=a.batch_size, seed=a.seed, generator_widths=widths(a.generator_widths),
              critic_widths=widths(a.critic_widths), gallery_seeds=64, verbose=2)

def timed(**kw):
    t = time.perf_counter(); gan, hist = train_gan(subset, clf, **common, **kw); return gan, hist, time.perf_counter() - t

guided, hg, g_s = timed(target=tgt, guidance_weight=a.guidance_weight, run_dir=f"{run}/guided")
unguided, hu, u_s = timed(target=tgt, guidance_weight=0.0, run_dir=f"{run}/unguided")
seeds = np.arange(1_000_000, 1_000_000 + a.n_eval)
real_t = test.where_class(tgt)
r3 = lambda v: None if v is None else round(float(v), 4)

def measure(gan):
    x = gan.generate(seeds)
    m = calc_metrics(['hit_rate', 'frechet_distance', 'kernel_distance', 'precision_recall'], clf, x, real_t, labels=tgt,
                     threshold=a.threshold, per_class=False, n_subsets=50, seed=a.seed)
    whole = calc_metrics(['frechet_distance'], clf, x, test, seed=a.seed)['frechet_distance']   # grouped by the classifier's verdict
    pc = whole['per_class'].get(a.target, {})
    o = oracle_report(clf, oracle, x, test, labels=tgt, threshold=a.threshold, per_class=False, seed=a.seed, n_subsets=50)
    return dict(hit_rate=r3(m['hit_rate']['hit_rate']), hit_rate_floor_real=r3(m['hit_rate']['hit_rate_floor']),
                share_assigned_to_target=r3((clf.predict(x) == tgt).mean()),
                fd_vs_real_target=r3(m['frechet_distance']['fd']), fd_floor_target=r3(m['frechet_distance']['fd_floor']),
                kid_vs_real_target=r3(m['kernel_distance']['kid']), kid_floor_target=r3(m['kernel_distance']['kid_floor']),
                precision_target=r3(m['precision_recall']['precision']), recall_target=r3(m['precision_recall']['recall']),
                precision_floor_target=r3(m['precision_recall']['precision_floor']), recall_floor_target=r3(m['precision_recall']['recall_floor']),
                fd_vs_real_all=r3(whole['fd']), fd_floor_all=r3(whole['fd_floor']),
                fd_assigned_target_vs_real_target=r3(pc.get('fd')), n_assigned_target=pc.get('n_generated'),
                oracle_agreement=r3(o['oracle_agreement']), oracle_agreement_at_threshold=r3(o['oracle_agreement_at_threshold']),
                fooling_gap=r3(o['fooling_gap']), oracle_hit_rate=r3(o['oracle_hit_rate']),
                oracle_fd_vs_real_target=r3(o['fd_class']), oracle_fd_floor_target=r3(o['fd_class_floor']),
                oracle_fd_vs_real_all=r3(o['fd_all']), oracle_fd_floor_all=r3(o['fd_all_floor']))

res = dict(guided=measure(guided), unguided=measure(unguided))
gal = load_gallery(f"{run}/guided")
res['guided']['gallery_acceptance_per_epoch'] = [round(v, 3) for v in gal.acceptance()]
res['unguided']['gallery_acceptance_per_epoch'] = [round(v, 3) for v in load_gallery(f"{run}/unguided").acceptance()]
if a.conditional:
    cond, hc, c_s = timed(conditional=True, run_dir=f"{run}/conditional")
    y = np.arange(a.n_eval) % 10
    xc = cond.generate(seeds, labels=y)
    m = calc_metrics(['hit_rate', 'frechet_distance'], clf, xc, test, labels=y, threshold=a.threshold, seed=a.seed)
    oc = calc_metrics(['oracle_agreement'], clf, xc, test, labels=y, oracle=oracle, threshold=a.threshold)['oracle_agreement']
    res['conditional'] = dict(hit_rate=r3(m['hit_rate']['hit_rate']), hit_rate_floor_real=r3(m['hit_rate']['hit_rate_floor']),
                              hit_rate_per_class={k: r3(v['hit_rate']) for k, v in m['hit_rate']['per_class'].items()},
                              oracle_agreement=r3(oc['oracle_agreement']), fooling_gap=r3(oc['fooling_gap']),
                              oracle_agreement_per_class={k: r3(v['oracle_agreement']) for k, v in oc['per_class'].items()},
                              fd_vs_real_all=r3(m['frechet_distance']['fd']), fd_floor_all=r3(m['frechet_distance']['fd_floor']),
                              train_seconds=round(c_s, 1))
steps = a.epochs * (len(subset) // a.batch_size)
print(json.dumps(dict(
    benchmark='gan_quality', target=a.target, threshold=a.threshold, n_eval=a.n_eval,
    budget=dict(classifier_epochs=a.classifier_epochs, classifier_file=a.classifier, classifier_images=len(train), gan_epochs=a.epochs, gan_images=len(subset),
                batch_size=a.batch_size, generator_steps=steps, n_critic=5, generator_widths=common['generator_widths'],
                critic_widths=common['critic_widths'], guidance_weight=a.guidance_weight, learning_rate=1e-4),
    classifier_test_accuracy=round(acc, 4), oracle_test_accuracy=round(oracle_acc, 4), **res,
    seconds=dict(classifier=round(clf_s, 1), guided=round(g_s, 1), unguided=round(u_s, 1), total=round(time.perf_counter() - T0, 1)),
    run_dir=run, cpus=os.cpu_count(), machine=platform.processor() or platform.machine(), keras=keras.__version__)))
