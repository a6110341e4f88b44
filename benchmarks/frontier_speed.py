"""Benchmark: frontier search on Fashion-MNIST (VAE + classifier) on this machine's CPU, against a dense scan.

For each class pair of Experiment 2 ((T-shirt/top, Shirt), (Pullover, Coat), (Sneaker, Ankle boot), (Sandal, Sneaker))
`frontier_from_data` draws `--pairs` pairs of encoded test images and finds the point where p_A = p_B on the path
between them (tolerance `--tol` on |p_A - p_B|). Reported: classifier evaluations per frontier point (all evaluations
of the search, those spent on pairs without a frontier point included, divided by the points found) and frontier points
per second (wall time of the search, decoding the frontier images included), medians over `--repeats` runs.

The reference is a dense scan of the same paths: N equally spaced points per path, the frontier estimate being the
better of the two grid points around the first sign change of p_A - p_B. N doubles from 16 until at least 95 % of the
pairs our search found have their dense estimate within the same tolerance ("equal accuracy"); its evaluations and
time per point are compared with the search's on the same pairs.

Also measured: seconds per counterfactual (`counterfactual`, T-shirt/top -> Shirt; anchor: alibi's CounterfactualProto
reports 6-9 s per counterfactual on MNIST) and the latency of one `interpolate` call of 11 steps (a widget's slider move).

Prints one JSON line (with the command, niceness, machine and load, git commit and date) and appends it to
benchmarks/results/frontier_speed.jsonl (`--no-write`: print only). Usage:
    python benchmarks/frontier_speed.py --vae RUN/vae.keras [--classifier RUN/classifier.keras | --clf-epochs 3]
                                        [--pairs 1000] [--figures DIR]
"""
import argparse, time
from pathlib import Path
import numpy as np
import keras
from synthview.core import to_canonical
from synthview.data import load_fashion_mnist
from synthview.classifier import train_classifier, load_classifier, evaluate_classifier, save_figure
from synthview.vae import load_vae, train_vae
from synthview.latent import *

p = argparse.ArgumentParser()
p.add_argument('--vae', default=None, help='a VAE saved by benchmarks/vae_elbo.py --save (default: train one, --vae-epochs)')
p.add_argument('--vae-epochs', type=int, default=3)
p.add_argument('--classifier', default=None, help='a .keras classifier (default: train the built-in CNN, --clf-epochs)')
p.add_argument('--clf-epochs', type=int, default=3)
p.add_argument('--pairs', type=int, default=1000, help='pairs per class pair')
p.add_argument('--dense-pairs', type=int, default=25, help='pairs per class pair for the dense-scan reference')
p.add_argument('--repeats', type=int, default=3)
p.add_argument('--tol', type=float, default=0.01)
p.add_argument('--save', default=None, help='folder to save the trained classifier to')
p.add_argument('--figures', default=None, help='folder for the figures of the issue')
p.add_argument('--limit', type=int, default=None, help='train the classifier on this many images only (smoke tests)')
p.add_argument('--path', default=None)
p.add_argument('--no-write', action='store_true', help='print the line without appending it to benchmarks/results/')
a = p.parse_args()
from _results import write_line   # the one JSON line every benchmark writes

train, test = load_fashion_mnist(a.path)
clf_train = train.subset(np.arange(a.limit)) if a.limit else train
t0 = time.perf_counter()
if a.classifier: clf = load_classifier(a.classifier); clf_note = f"loaded {a.classifier}"
else:
    clf, _ = train_classifier(clf_train, epochs=a.clf_epochs, val_fraction=0, verbose=2, run_dir=a.save)
    clf_note = f"built-in CNN, {a.clf_epochs} epochs on {len(clf_train)} training images"
clf_acc = evaluate_classifier(clf, test)['accuracy']
if a.vae: vae = load_vae(a.vae); vae_note = f"loaded {a.vae}"
else: vae, _ = train_vae(train, latent_dim=16, epochs=a.vae_epochs, verbose=2); vae_note = f"{a.vae_epochs} epochs, latent 16"
setup_s = time.perf_counter() - t0

PAIRS = [('T-shirt/top', 'Shirt'), ('Pullover', 'Coat'), ('Sneaker', 'Ankle boot'), ('Sandal', 'Sneaker')]
probe = latent_probe(vae, clf)
frontier_from_data(vae, clf, test, *PAIRS[0], n_pairs=64, tol=a.tol)          # warm-up: trace the compiled functions

# ---- our search -------------------------------------------------------------------------------------------------
runs, per_pair = [], {}
for rep in range(a.repeats):
    found = evals = 0; secs = 0.0
    for ca, cb in PAIRS:
        fr = frontier_from_data(vae, clf, test, ca, cb, n_pairs=a.pairs, tol=a.tol, seed=rep)
        assert (fr.gap[fr.found] <= a.tol + 1e-9).all()
        found += fr.n_found; evals += int(fr.evals.sum()); secs += fr.seconds
        if rep == 0: per_pair[f"{ca}|{cb}"] = dict(fr.counts(), evals_per_point=round(fr.evals_per_point, 2),
                                                   median_t=round(float(np.nanmedian(fr.t)), 3), frontier=fr)
    runs.append(dict(found=found, evals=evals, seconds=secs, points_per_s=found / secs, evals_per_point=evals / max(found, 1),
                     evals_per_s=evals / secs))
med = lambda k: float(np.median([r[k] for r in runs]))
# the same search without the interior scan (ends + refinement only: cheaper, blind to third classes between the ends)
f0 = [frontier_from_data(vae, clf, test, ca, cb, n_pairs=a.pairs, tol=a.tol, seed=0, scan=0) for ca, cb in PAIRS]
scan0 = dict(evals_per_point=round(sum(int(f.evals.sum()) for f in f0) / max(sum(f.n_found for f in f0), 1), 2),
             points_per_s=round(sum(f.n_found for f in f0) / sum(f.seconds for f in f0), 1),
             third_class=sum(f.counts()['third_class'] for f in f0), found=sum(f.n_found for f in f0))

# ---- dense-scan reference on a subset of the same pairs ----------------------------------------------------------
def dense(za, zb, ca, cb, n):
    t = np.linspace(0, 1, n)
    _, lp = probe.evaluate(latent_path(za, zb, t).reshape(-1, za.shape[1]))
    pr = np.exp(lp).reshape(len(za), n, -1)
    f = pr[:, :, ca] - pr[:, :, cb]
    neg = f <= 0
    j = np.where(neg.any(1), neg.argmax(1), -1)
    ok = j > 0
    best = np.full(len(za), np.inf)
    r = np.flatnonzero(ok)
    best[r] = np.minimum(np.abs(f[r, j[r]]), np.abs(f[r, j[r] - 1]))
    return best

sub = []
for k, v in per_pair.items():
    fr = v['frontier']; i = np.flatnonzero(fr.found)[:a.dense_pairs]
    sub.append((fr.z_a[i], fr.z_b[i], int(fr.class_a[0]), int(fr.class_b[0]), int(fr.evals[i].sum()), len(i)))
# our search on exactly these pairs, timed
ours_sub = []
for rep in range(a.repeats):
    t1 = time.perf_counter(); ev = n = 0
    for za, zb, ca, cb, _, m in sub:
        f = find_frontier(probe, None, za, zb, ca, cb, tol=a.tol); ev += int(f.evals.sum()); n += f.n_found
    ours_sub.append((time.perf_counter() - t1, ev, n))
ours_sub_s = float(np.median([o[0] for o in ours_sub])); ours_sub_ev, ours_sub_n = ours_sub[0][1], ours_sub[0][2]
scan_log, N_eq = {}, None
n_total = sum(s[5] for s in sub)
for n in [16, 32, 64, 128, 256, 512, 1024, 2048]:
    t1 = time.perf_counter()
    within = sum(int((dense(za, zb, ca, cb, n) <= a.tol).sum()) for za, zb, ca, cb, _, _ in sub)
    el = time.perf_counter() - t1
    scan_log[n] = dict(share_within_tol=round(within / n_total, 3), seconds=round(el, 2))
    if within >= 0.95 * n_total: N_eq, dense_s = n, el; break
if N_eq is None: dense_s = el; N_eq = n

# ---- counterfactuals and the widget's latency ----------------------------------------------------------------------
cen = class_centroids(vae, train.take_per_class(500, seed=0))
xs = test.where_class('T-shirt/top').canonical()
xs = xs[clf.predict(vae.reconstruct(xs)) == 0][:200]
pool = train.take_per_class(500, seed=0)                                         # exemplars: nearest encoded training image
counterfactual(vae, clf, xs[:4], 'Shirt', data=pool)                             # warm-up
t1 = time.perf_counter(); cf = counterfactual(vae, clf, xs, 'Shirt', data=pool); cf_s = time.perf_counter() - t1
t1 = time.perf_counter(); cf1 = counterfactual(vae, clf, xs[0], 'Shirt', data=pool); cf1_s = time.perf_counter() - t1
fr0 = per_pair['Sneaker|Ankle boot']['frontier']; i0 = int(np.flatnonzero(fr0.found)[0])
lat = []
for _ in range(30):
    t1 = time.perf_counter(); interpolate(vae, clf, fr0.z_a[i0], fr0.z_b[i0], steps=11); lat.append(time.perf_counter() - t1)

# ---- figures ------------------------------------------------------------------------------------------------------
if a.figures:
    d = Path(a.figures); d.mkdir(parents=True, exist_ok=True)
    for k, v in per_pair.items():
        save_figure(plot_frontier(v['frontier'], n=16), d/f"frontier_{k.replace('/', '_').replace('|', '__').replace(' ', '_')}.png")
    for k in per_pair:
        fr = per_pair[k]['frontier']; i = int(np.flatnonzero(fr.found)[0])
        ip = interpolate(vae, clf, fr.z_a[i], fr.z_b[i], steps=11)
        save_figure(plot_interpolation(ip, title=f"{k.replace('|', ' -> ')}: frontier at t = {fr.t[i]:.2f}"), d/f"interpolation_{k.replace('/', '_').replace('|', '__').replace(' ', '_')}.png")
    sample = test.take_per_class(200, seed=3)
    save_figure(plot_class_map(class_map(vae, clf, plane_pca(vae.encode(sample.canonical())), resolution=96, thumbnails=10)), d/'class_map_pca.png')
    zs = [vae.encode(test.where_class(c).canonical()[:1])[0] for c in ('T-shirt/top', 'Shirt', 'Pullover')]
    save_figure(plot_class_map(class_map(vae, clf, plane_through(*zs, margin=0.6), resolution=96, thumbnails=10),
                               title='plane through encoded T-shirt/top, Shirt, Pullover; lines: 50/50'), d/'class_map_tshirt_shirt_pullover.png')
    for src, tgt in [('T-shirt/top', 'Shirt'), ('Pullover', 'Coat'), ('Sneaker', 'Ankle boot'), ('Sandal', 'Sneaker')]:
        x = test.where_class(src).canonical()
        x = x[clf.predict(vae.reconstruct(x)) == test.class_index(src)][:3]
        c = counterfactual(vae, clf, x, tgt, data=pool)
        for j in np.flatnonzero(c.found)[:2]:
            save_figure(plot_counterfactual(c, int(j)), d/f"counterfactual_{src.replace('/', '_')}_to_{tgt.replace(' ', '_')}_{j}.png")
    zs0 = vae.encode(test.where_class('Sneaker').canonical()[:1])[0]
    w = walk_to_boundary(vae, clf, zs0, 'centroid', centroids=cen, max_distance=12)
    fig = plot_walk(w, start_image=vae.decode(zs0)[0], title='walks from an encoded Sneaker toward each class centroid: first crossings (class, distance)')
    save_figure(fig, d/'walk_sneaker.png')

write_line(dict(
    benchmark='frontier_speed', dataset='fashion-mnist (test images)', classifier=clf_note, classifier_test_accuracy=round(clf_acc, 4),
    vae=vae_note, latent_dim=vae.latent_dim, tol=a.tol, pairs_searched_per_run=a.pairs * len(PAIRS), repeats=a.repeats,
    frontier_points_per_run=runs[0]['found'],
    evals_per_frontier_point_median=round(med('evals_per_point'), 2), frontier_points_per_s_median=round(med('points_per_s'), 1),
    classifier_evals_per_s_median=round(med('evals_per_s'), 1), probe_batch_size=probe.batch_size, without_interior_scan=scan0,
    per_class_pair={k: {kk: vv for kk, vv in v.items() if kk != 'frontier'} for k, v in per_pair.items()},
    dense_reference=dict(pairs=n_total, points_per_path_at_equal_accuracy=N_eq, share_within_tol_by_points=scan_log,
                         evals_per_point=N_eq, seconds_per_point=round(dense_s / n_total, 5)),
    ours_on_same_pairs=dict(evals_per_point=round(ours_sub_ev / max(ours_sub_n, 1), 2), seconds_per_point=round(ours_sub_s / max(ours_sub_n, 1), 5)),
    ratio_dense_over_ours_evals=round(N_eq / (ours_sub_ev / max(ours_sub_n, 1)), 1),
    ratio_dense_over_ours_seconds=round((dense_s / n_total) / (ours_sub_s / max(ours_sub_n, 1)), 1),
    counterfactual_seconds_each_in_a_batch_of_200=round(cf_s / len(xs), 4), counterfactual_seconds_single=round(cf1_s, 3),
    counterfactual_status={k: int(v) for k, v in zip(*np.unique(cf.status, return_counts=True))}, counterfactual_target='nearest exemplar (encoded training image the classifier assigns to Shirt once decoded), 500 training images per class, pool encoding included in the time', counterfactual_anchor='alibi CounterfactualProto: 6-9 s per counterfactual (MNIST)',
    interpolate_11_steps_ms_median=round(1000 * float(np.median(lat)), 2),
    setup_seconds=round(setup_s, 1)), 'frontier_speed', not a.no_write)
