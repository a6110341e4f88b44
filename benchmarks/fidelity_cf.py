"""Benchmark for issue 15: counterfactuals by optimisation on the trains under several settings (margin, lambda,
objective), on the test trains the classifier gets right, moved away from their class toward its runner-up. Per
setting and type: found rate, composite found rate, oracle validity (when --oracle is given), median L1 and sparsity,
median p(target) reached. Appends one JSON line to benchmarks/results/fidelity.jsonl.

Usage: nice -n 15 python benchmarks/fidelity_cf.py --models /tmp/fid/models [--n 90] [--steps 120] [--oracle PATH]
       nice -n 15 python benchmarks/fidelity_cf.py --classifier trains-classifier --vae trains-vae --oracle trains-oracle [--settings JSON] [--pictures DIR]
       nice -n 15 python benchmarks/fidelity_cf.py --parts --classifier trains-classifier --oracle trains-oracle [--n 120] [--max-edits 2] [--margin 0] [--pictures DIR]
(--classifier, --vae, --oracle: zoo names or .keras paths)
--parts: counterfactuals by the renderer's own part edits (synthview.trains.part_counterfactuals) instead of the VAE:
found rate, oracle validity, median pixel L1 and the share the rules agree with, per type; --pictures writes
explain_trains_partcf_<type>.png (original, counterfactual, difference, the edit named) into DIR.
"""
import argparse, json, os, platform, subprocess, sys, time
from pathlib import Path
import numpy as np
from synthview.trains import make_trains
from synthview.core import to_canonical
from synthview.classifier import load_classifier
from synthview.vae import load_vae
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fidelity_models import add_model_args, load_models, _load
from synthview.attribution import target_counterfactuals

p = argparse.ArgumentParser()
add_model_args(p)
p.add_argument('--n', type=int, default=90)
p.add_argument('--steps', type=int, default=120)
p.add_argument('--results', default='benchmarks/results/fidelity.jsonl')
p.add_argument('--settings', default=None, help='a JSON list of keyword dicts for optimize_counterfactuals (default: four settings)')
p.add_argument('--pictures', default=None, help='a folder: one figure of counterfactuals per setting and type (plot_optimized_counterfactuals)')
p.add_argument('--parts', action='store_true', help='part-edit counterfactuals on the renderer (no VAE)')
p.add_argument('--max-edits', type=int, default=2)
p.add_argument('--margin', type=float, default=0.0)
p.add_argument('--beam', type=int, default=None, help='--parts: edited trains kept per train from 2 edits on')
a = p.parse_args()
root = Path(__file__).resolve().parent.parent

def _git(): return subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True, cwd=root).stdout.strip()

def _part_pictures(res, sel, names, folder, per=3):
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    from synthview.classifier import save_figure
    for c, name in enumerate(names):
        idx = [i for i in np.flatnonzero(sel.labels == c) if res[i]['found']][:per]
        if not idx: continue
        fig, axs = plt.subplots(len(idx), 3, figsize=(7.2, 2.55 * len(idx)), squeeze=False)
        for row, i in zip(axs, idx):
            r = res[i]; d = np.abs(r['image'].astype(float) - r['original'].astype(float)).sum(-1)
            row[0].imshow(r['original']); row[0].set_title(f"original: {names[r['source']]} (p={r['p_source']:.2f})", fontsize=8)
            row[1].imshow(r['image']); row[1].set_title(f"{names[r['target']]} p={r['p_target']:.2f}; rules: {names[r['rule_after']] if r['rule_after'] >= 0 else 'no type'}", fontsize=8)
            row[2].imshow(d, cmap='magma'); row[2].set_title(f"{'; '.join(r['edit_names'])}\nL1 {r['l1']:.3f}", fontsize=8)
            for ax in row: ax.set_xticks([]); ax.set_yticks([])
        fig.tight_layout(); save_figure(fig, Path(folder)/f"explain_trains_partcf_{name}.png", dpi=80)

if a.parts:                                                    # the renderer's own edits: no VAE
    from synthview.trains import part_counterfactuals
    if not a.classifier: raise SystemExit('--parts needs --classifier')
    clf = _load(a.classifier, 'classifier'); oracle = _load(a.oracle, 'oracle') if a.oracle else None
    test = make_trains(a.n, size=76, seed=2)
    right = np.flatnonzero(clf.predict(test.canonical()) == test.labels)
    sel = test.subset(right)
    t0 = time.perf_counter()
    res = part_counterfactuals(clf, list(sel.attributes), max_edits=a.max_edits, size=76, margin=a.margin, beam=a.beam)
    secs = time.perf_counter() - t0
    found = np.array([r['found'] for r in res])
    ims = np.stack([r['image'] if r['found'] else r['original'] for r in res])
    target = np.array([r['target'] for r in res])
    valid = (oracle.predict(to_canonical(ims)) == target) if oracle is not None else np.full(len(res), np.nan)
    l1 = np.array([r['l1'] if r['found'] else np.nan for r in res]); agree = np.array([bool(r['rules_agree']) for r in res])
    nedit = np.array([len(r['edits']) for r in res]); tried = np.array([r['tried'] for r in res])
    per = {}
    for c, name in list(enumerate(clf.class_names)) + [(None, 'all')]:
        s = np.ones(len(res), bool) if c is None else sel.labels == c
        if not s.any(): continue
        ok = found & s
        kinds = {}
        for i in np.flatnonzero(ok): k = '+'.join(e[1] for e in res[i]['edits']); kinds[k] = kinds.get(k, 0) + 1
        per[name] = dict(n=int(s.sum()), found=round(float(ok.sum() / s.sum()), 4),
                         oracle_valid=round(float(valid[ok].mean()), 4) if ok.any() and oracle is not None else None,
                         rules_agree=round(float(agree[ok].mean()), 4) if ok.any() else None,
                         oracle_valid_where_rules_agree=round(float(valid[ok & agree].mean()), 4) if (ok & agree).any() and oracle is not None else None,
                         median_l1_pixels=round(float(np.median(l1[ok])), 4) if ok.any() else None,
                         one_edit=int((ok & (nedit == 1)).sum()), two_edits=int((ok & (nedit == 2)).sum()), three_or_more=int((ok & (nedit >= 3)).sum()),
                         median_candidates_tried=int(np.median(tried[s])), edits=dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
                         targets={clf.class_names[t]: int((ok & (target == t)).sum()) for t in np.unique(target[s])})
    print(json.dumps(per), flush=True)
    if a.pictures: Path(a.pictures).mkdir(parents=True, exist_ok=True); _part_pictures(res, sel, clf.class_names, a.pictures)
    line = dict(benchmark='fidelity_part_counterfactuals', command=' '.join(['python'] + sys.argv), git=_git(),
                machine=f"{platform.machine()}, {os.cpu_count()} CPUs (shared, nice 15)", test_images=len(test), explained=len(sel),
                classifier=a.classifier, oracle=a.oracle or 'none (validity not measured)',
                settings=dict(max_edits=a.max_edits, beam=a.beam, margin=a.margin, threshold=0.5, target="the classifier's runner-up", size=76),
                seconds=round(secs, 1), per_class=per)
    print(json.dumps(line), flush=True)
    with open(root/a.results, 'a') as f: f.write(json.dumps(line) + '\n')
    sys.exit(0)
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
