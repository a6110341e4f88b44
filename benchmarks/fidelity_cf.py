"""Benchmark for issue 15: counterfactuals by optimisation on the trains under several settings (margin, lambda,
objective), on the test trains the classifier gets right, moved away from their class toward its runner-up. Per
setting and type: found rate, composite found rate, oracle validity (when --oracle is given), median L1 and sparsity,
median p(target) reached. Appends one JSON line to benchmarks/results/fidelity.jsonl.

Usage: nice -n 15 python benchmarks/fidelity_cf.py --models /tmp/fid/models [--n 90] [--steps 120] [--oracle PATH]
       nice -n 15 python benchmarks/fidelity_cf.py --classifier trains-classifier --vae trains-vae --oracle trains-oracle [--settings JSON] [--pictures DIR]
(--classifier, --vae, --oracle: zoo names or .keras paths)
"""
import argparse, json, os, platform, subprocess, sys, time
from pathlib import Path
import numpy as np
from synthview.trains import make_trains
from synthview.classifier import load_classifier
from synthview.vae import load_vae
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fidelity_models import add_model_args, load_models
from synthview.attribution import target_counterfactuals

p = argparse.ArgumentParser()
add_model_args(p)
p.add_argument('--n', type=int, default=90)
p.add_argument('--steps', type=int, default=120)
p.add_argument('--results', default='benchmarks/results/fidelity.jsonl')
p.add_argument('--settings', default=None, help='a JSON list of keyword dicts for optimize_counterfactuals (default: four settings)')
p.add_argument('--pictures', default=None, help='a folder: one figure of counterfactuals per setting and type (plot_optimized_counterfactuals)')
a = p.parse_args()
root = Path(__file__).resolve().parent.parent
clf, vae, oracle = load_models(a)
test = make_trains(a.n, size=76, seed=2)
right = np.flatnonzero(clf.predict(test.canonical()) == test.labels)
sel = test.subset(right); x = sel.canonical()
settings = json.loads(a.settings) if a.settings else [dict(margin=0.2), dict(margin=0.0), dict(margin=0.0, lam=0.01, prior=0.0), dict(margin=0.0, on='decoded')]
if a.pictures: Path(a.pictures).mkdir(parents=True, exist_ok=True)
med_of = lambda v, m: round(float(np.median(v[m])), 4) if m.any() else None
agree = {}
if oracle is not None:                                         # the two models on real trains and on what the VAE draws
    rec = vae.decode(vae.encode(x)); zs = np.random.default_rng(0).normal(size=(len(x), vae.latent_dim)).astype(np.float32); smp = vae.decode(zs)
    agree = dict(real=round(float((clf.predict(x) == oracle.predict(x)).mean()), 4), reconstructions=round(float((clf.predict(rec) == oracle.predict(rec)).mean()), 4),
                 prior_samples=round(float((clf.predict(smp) == oracle.predict(smp)).mean()), 4),
                 classifier_on_reconstructions=round(float((clf.predict(rec) == sel.labels).mean()), 4))
    print('classifier-oracle agreement', agree, flush=True)
out = []
for kw in settings:
    t0 = time.perf_counter()
    kw = {'steps': a.steps, **kw}
    cf = target_counterfactuals(vae, clf, x, sel.labels, how='optimize', oracle=oracle, **kw)
    if a.pictures:
        from synthview.latent import plot_optimized_counterfactuals
        from synthview.classifier import save_figure
        for c, name in enumerate(clf.class_names):
            i = np.flatnonzero(sel.labels == c)[:4]
            if len(i): save_figure(plot_optimized_counterfactuals(cf, idx=i), Path(a.pictures)/f"cf_{len(out)}_{name}.png", dpi=70)
    per = {}
    for c, name in list(enumerate(clf.class_names)) + [(None, 'all')]:
        s = np.ones(len(sel), bool) if c is None else sel.labels == c
        if not s.any(): continue
        ok = cf.composite_found & s
        med = lambda v: round(float(np.median(v[ok])), 4) if ok.any() else None
        pt = cf.composite_probs[np.arange(len(cf.target)), cf.target]
        per[name] = dict(n=int(s.sum()), found=round(float(cf.found[s].mean()), 4), composite_found=round(float(ok.sum() / s.sum()), 4),
                         oracle_valid=round(float(np.nanmean(cf.valid[ok])), 4) if ok.any() and np.isfinite(cf.valid[ok]).any() else None,
                         median_l1_pixels=med(cf.l1_pixels), median_l1_latent=med(cf.l1_latent), median_sparsity=med(cf.sparsity),
                         median_p_target_composite=round(float(np.nanmedian(pt[s])), 4),
                         oracle_valid_of_all=round(float(np.nansum(cf.valid[ok]) / s.sum()), 4) if oracle is not None else None)
        if oracle is not None and ok.any():                    # what the oracle sees where it disagrees: still the source, or a third class
            ov = cf.oracle_probs.argmax(1)
            per[name].update(oracle_says_source=int((ok & (ov == cf.source)).sum()), oracle_says_third=int((ok & (ov != cf.source) & (ov != cf.target)).sum()),
                             median_p_target_valid=med_of(pt, ok & (ov == cf.target)), median_p_target_invalid=med_of(pt, ok & (ov != cf.target)))
    out.append(dict(settings=kw, seconds=round(time.perf_counter() - t0, 1), per_class=per))
    print(json.dumps(out[-1]), flush=True)
line = dict(benchmark='fidelity_counterfactuals', command=' '.join(['python'] + sys.argv),
            git=subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True, cwd=root).stdout.strip(),
            machine=f"{platform.machine()}, {os.cpu_count()} CPUs (shared, nice 15)", test_images=len(test), explained=len(sel), explained_per_class=dict(zip(clf.class_names, np.bincount(sel.labels, minlength=len(clf.class_names)).tolist())),
            classifier=a.classifier or a.models, vae=a.vae or a.models,
            oracle=a.oracle or 'none (validity not measured)', classifier_oracle_agreement=agree, runs=out)
print(json.dumps(line), flush=True)
with open(root/a.results, 'a') as f: f.write(json.dumps(line) + '\n')
