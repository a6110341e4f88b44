"""Benchmark for issue 15 (explanation fidelity) on the procedural trains: part interventions (flip rate per rule part,
kind and class, beside the rules' flips), every attribution method scored against the rule boxes (mass, pointing game)
and against the interventions (Spearman rank correlation of region mass with the drop, mass in the flipping parts), and
counterfactuals by optimisation (found, composite found, oracle-valid when an oracle is given, L1, sparsity) per type.

Reads the classifier and VAE that benchmarks/fidelity_train.py saved. Writes nbs/figures/fidelity_scores.csv,
nbs/figures/fidelity_flips.csv, nbs/figures/fidelity_counterfactuals.csv, nbs/images/explain_trains_<type>.png (the maps of one
train per type) and nbs/images/explain_trains_cf_<type>.png (its counterfactuals) and appends one
JSON line to benchmarks/results/fidelity.jsonl.

Usage: nice -n 15 python benchmarks/fidelity.py --models /tmp/fid/models [--n 90] [--oracle PATH] [--steps 120]
       nice -n 15 python benchmarks/fidelity.py --classifier trains-classifier --vae trains-vae --oracle trains-oracle
(--classifier, --vae, --oracle: zoo names or .keras paths; --cf JSON: keyword arguments of optimize_counterfactuals)
"""
import argparse, csv, io, json, os, platform, subprocess, sys, time
from pathlib import Path
import numpy as np
from synthview.core import atomic_write_text
from synthview.trains import make_trains
from synthview.classifier import load_classifier, evaluate_classifier, save_figure
from synthview.vae import load_vae
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fidelity_models import add_model_args, load_models
from synthview.latent import optimize_counterfactuals, plot_optimized_counterfactuals
from synthview.attribution import (explain, counterfactual_attribution, target_counterfactuals, part_interventions, flip_rates,
                                   flip_table, intervention_scores, score_attributions, scores_table, plot_explanations, rule_boxes)

p = argparse.ArgumentParser()
add_model_args(p)
p.add_argument('--n', type=int, default=90, help='test trains drawn (balanced); those the classifier gets right are explained')
p.add_argument('--steps', type=int, default=120, help='optimisation steps of the counterfactuals')
p.add_argument('--figures', default='nbs/figures')
p.add_argument('--cf', default='{}', help='a JSON dict of keyword arguments for optimize_counterfactuals (besides steps)')
p.add_argument('--smooth-n', type=int, default=8)
p.add_argument('--images', default='nbs/images', help='where the example pictures go')
p.add_argument('--prefix', default='explain_trains', help='their file names start with this')
p.add_argument('--results', default='benchmarks/results/fidelity.jsonl')
a = p.parse_args()
root = Path(__file__).resolve().parent.parent
figs = root/a.figures; figs.mkdir(parents=True, exist_ok=True)
T = {}
def tick(k, t0): T[k] = round(time.perf_counter() - t0, 1); print(f"{k}: {T[k]} s", flush=True)

clf, vae, oracle = load_models(a)
test = make_trains(a.n, size=76, seed=2)
ev = evaluate_classifier(clf, test)
right = np.flatnonzero(clf.predict(test.canonical()) == test.labels)
sel = test.subset(right); x = sel.canonical()
print(f"classifier accuracy {ev['accuracy']:.3f}; explaining {len(sel)} trains it gets right", flush=True)

t0 = time.perf_counter(); iv = part_interventions(clf, sel); tick('interventions', t0)
fr = flip_rates(iv)
print(iv); print('rule wagons:'); print(flip_table(fr, 'rule')); print('other wagons:'); print(flip_table(fr, 'other'), flush=True)

t0 = time.perf_counter()
ex = explain(clf, x, sel.labels, methods=['saliency', 'smoothgrad', 'integrated_gradients', 'grad_cam', 'occlusion'],
             baselines=['black', 'blur'], n=a.smooth_n, steps=16, max_steps=64, patch=10, stride=6, batch_size=64)
tick('gradient_and_perturbation_maps', t0)
t0 = time.perf_counter(); cf_path = target_counterfactuals(vae, clf, x, sel.labels, data=make_trains(600, size=76, seed=0)); tick('path_counterfactuals', t0)
ex['counterfactual (path)'] = counterfactual_attribution(cf_path)
ex['frontier (path)'] = counterfactual_attribution(cf_path, which='frontier')
t0 = time.perf_counter(); cf_opt = target_counterfactuals(vae, clf, x, sel.labels, how='optimize', oracle=oracle, **{'steps': a.steps, **json.loads(a.cf)}); tick('optimized_counterfactuals', t0)
ex['counterfactual (optimised, composite)'] = counterfactual_attribution(cf_opt)
ex['counterfactual (optimised, decoded change)'] = counterfactual_attribution(cf_opt, which='change')
ex['edges (no model)'] = (np.abs(np.gradient(x.astype(np.float64), axis=1)) + np.abs(np.gradient(x.astype(np.float64), axis=2))).sum(-1)

box_rows = {(r['method'], r['class']): r for r in score_attributions(ex, sel)}
iv_rows = {(r['method'], r['class']): r for r in intervention_scores(ex, iv)}
fields = ['method', 'class', 'n', 'mass_in_boxes', 'pointing_game', 'n_intervened', 'rank_correlation', 'n_flipping', 'mass_in_flipping']
rows = []
for k, b in box_rows.items():
    v = iv_rows.get(k, {})
    rows.append({'method': k[0], 'class': k[1], 'n': b['n'], 'mass_in_boxes': b['mass_in_boxes'], 'pointing_game': b['pointing_game'],
                 'n_intervened': v.get('n', ''), 'rank_correlation': v.get('rank_correlation', ''), 'n_flipping': v.get('n_flipping', ''),
                 'mass_in_flipping': v.get('mass_in_flipping', '')})
def write_csv(path, rows, fields):
    buf = io.StringIO(); w = csv.DictWriter(buf, fields, lineterminator='\n'); w.writeheader()
    for r in rows: w.writerow({f: (f"{r[f]:.4g}" if isinstance(r[f], float) else r[f]) for f in fields})
    atomic_write_text(path, buf.getvalue())
write_csv(figs/'fidelity_scores.csv', rows, fields)
write_csv(figs/'fidelity_flips.csv', fr, list(fr[0]))
print(scores_table(list(box_rows.values()))); print(scores_table(list(box_rows.values()), 'pointing_game'))

cf_rows = []
names = clf.class_names
for c, name in list(enumerate(names)) + [(None, 'all')]:
    s = np.ones(len(sel), bool) if c is None else sel.labels == c
    ok = cf_opt.composite_found & s
    med = lambda v: float(np.median(v[ok])) if ok.any() else float('nan')
    rate = lambda v: float(v[s].mean()) if s.any() else float('nan')
    cf_rows.append({'class': name, 'n': int(s.sum()), 'path_found': rate(cf_path.found), 'found': rate(cf_opt.found),
                    'composite_found': rate(cf_opt.composite_found),
                    'oracle_valid': float(np.nanmean(cf_opt.valid[ok])) if ok.any() and np.isfinite(cf_opt.valid[ok]).any() else float('nan'),
                    'median_l1_pixels': med(cf_opt.l1_pixels), 'median_l1_latent': med(cf_opt.l1_latent), 'median_sparsity': med(cf_opt.sparsity)})
write_csv(figs/'fidelity_counterfactuals.csv', cf_rows, list(cf_rows[0]))
for r in cf_rows: print(r)

boxes = rule_boxes(sel)
show = {k: ex[k] for k in ('saliency', 'smoothgrad', 'ig:blur', 'grad_cam', 'occlusion', 'counterfactual (optimised, composite)')}
imgs = root/a.images; imgs.mkdir(parents=True, exist_ok=True)
for c in range(len(names)):                                   # one train per type with a counterfactual, and up to 3 counterfactuals
    cand = np.flatnonzero((sel.labels == c) & cf_opt.composite_found)
    if not len(cand): cand = np.flatnonzero(sel.labels == c)
    if not len(cand): continue
    i = int(cand[0])
    save_figure(plot_explanations(show, x, i, boxes=boxes[i], title=f"{names[c]}: rule parts in cyan; counterfactual toward {names[cf_opt.target[i]]}"),
                imgs/f'{a.prefix}_{names[c]}.png', dpi=80)
    save_figure(plot_optimized_counterfactuals(cf_opt, idx=cand[:3]), imgs/f'{a.prefix}_cf_{names[c]}.png', dpi=80)

def pick(method, cls='all'):
    r = next(r for r in rows if r['method'] == method and r['class'] == cls)
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items() if k not in ('method', 'class')}
line = dict(benchmark='fidelity', command=' '.join(['python'] + sys.argv), git=subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True, cwd=root).stdout.strip(),
            machine=f"{platform.machine()}, {os.cpu_count()} CPUs (shared, nice 15)", classifier_accuracy=round(ev['accuracy'], 4),
            per_class_accuracy=ev['per_class_accuracy'], explained=len(sel), interventions=len(iv),
            flip_rate_rule_wagons=round(float(iv.flip[iv.rule_wagon].mean()), 4), rule_flip_rate_rule_wagons=round(float(iv.rule_flip[iv.rule_wagon].mean()), 4),
            flip_rate_other_wagons=round(float(iv.flip[~iv.rule_wagon].mean()), 4), agreement_with_rules=round(float((iv.flip == iv.rule_flip).mean()), 4),
            methods={m: pick(m) for m in dict.fromkeys(r['method'] for r in rows)},
            methods_per_class={m: {c: pick(m, c) for c in names} for m in dict.fromkeys(r['method'] for r in rows)},
            flips=fr, counterfactuals=cf_rows, seconds=T,
            oracle=a.oracle or 'none (validity not measured)', classifier=a.classifier or a.models, vae=a.vae or a.models,
            test_images=len(test), cf_settings={'steps': a.steps, **json.loads(a.cf)})
print(json.dumps(line), flush=True)
with open(root/a.results, 'a') as f: f.write(json.dumps(line) + '\n')
