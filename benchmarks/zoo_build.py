"""Build one entry of synthview's model zoo from a trained model: copy it under synthview/models/NAME/, measure its
card's figures on Fashion-MNIST's test images, write card.json (with the SHA-256 that synthview/zoo.py must list) and
append one JSON line to benchmarks/results/zoo.jsonl.

  classifier entries: test accuracy (and per class) on the 10,000 test images; with --guide, the agreement with it.
  vae entries (--data trains): negative ELBO, reconstruction L1, and the classifier's (--guide) and oracle's accuracy on
      the reconstructions of the test images (how much of the class survives the VAE).
  --data trains: the test images are 10,000 fresh trains (make_trains, seed 12345) at the model's size.
  generator entries: 1,000 images (a conditional one: --n of every class) from seeds 10**6.., judged by --guide and --oracle (zoo entries or .keras files):
      the guide's hit rate (p >= 0.9), the oracle's agreement on the hits, the fooling gap, and the Fréchet distance
      in the oracle's features to real test images of the target and to all of them, with their real-vs-real floors.
The model itself was trained by the command given as --trained-by (written on the card), e.g.
  python benchmarks/zoo_build.py --name fashion-mnist-sneaker-gan --kind generator --source runs/realism/runs/subset_sneaker_w3/generator.keras \
      --target Sneaker --guide fashion-mnist-classifier --oracle fashion-mnist-oracle --trained-by "python benchmarks/realism.py run ..."
"""
import os, sys
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, hashlib, json, platform, shlex, shutil, subprocess, time
from pathlib import Path
import numpy as np
import keras
from synthview.core import atomic_write_json
from synthview.data import load_fashion_mnist
from synthview.classifier import load_classifier
from synthview.gan import GeneratorDecoder
from synthview.trains import make_trains
from synthview.vae import load_vae
from synthview.metrics import oracle_report
from synthview import zoo

p = argparse.ArgumentParser()
p.add_argument('--name', required=True)
p.add_argument('--kind', choices=['classifier', 'generator', 'vae'], required=True)
p.add_argument('--data', choices=['fashion-mnist', 'trains'], default='fashion-mnist')
p.add_argument('--n-test', type=int, default=10000, help='test images (trains: fresh ones; Fashion-MNIST: all 10,000)')
p.add_argument('--source', required=True, help='the trained .keras file (a classifier brings its .keras.json sidecar)')
p.add_argument('--trained-by', required=True, help='the exact command that trained it')
p.add_argument('--training', default='{}', help='JSON: budget, wall time, machine of the training (e.g. from its benchmark line)')
p.add_argument('--target', default=None, help="a generator's class")
p.add_argument('--guide', default=None, help='zoo entry or .keras file')
p.add_argument('--oracle', default=None, help='zoo entry or .keras file')
p.add_argument('--n', type=int, default=1000)
p.add_argument('--results', default='benchmarks/results/zoo.jsonl')
a = p.parse_args()

def clf(ref): return zoo.load(ref) if ref in zoo.ENTRIES else load_classifier(ref)
sha = lambda f: hashlib.sha256(Path(f).read_bytes()).hexdigest()
src = Path(a.source)
out = Path('synthview/models')/a.name
out.mkdir(parents=True, exist_ok=True)
dest = out/src.name
shutil.copyfile(src, dest)
if src.with_name(src.name + '.json').is_file(): shutil.copyfile(src.with_name(src.name + '.json'), dest.with_name(dest.name + '.json'))
DATA = {'fashion-mnist': 'Fashion-MNIST (Zalando Research, MIT licence): 60,000 training and 10,000 test images, 28 x 28 gray',
        'trains': "synthview's procedural trains (synthview.trains: TypeA/TypeB/TypeC defined by explicit rules), fresh images "
                  "from make_trains; test images: seed 12345"}
if a.data == 'trains':
    size = (load_vae(dest).image_shape if a.kind == 'vae' else load_classifier(dest).input_size if a.kind == 'classifier'
            else GeneratorDecoder(keras.saving.load_model(dest, safe_mode=True, compile=False)).image_shape)[0]
    test = make_trains(a.n_test, size=size, seed=12345)
else: train, test = load_fashion_mnist()
figures = {'test_images': len(test)}
if a.kind == 'vae':
    v, x = load_vae(dest), test.canonical()
    rec = v.reconstruct(x)
    figures['test_neg_elbo'] = round(float(np.mean(v.neg_elbo(x))), 2)
    figures['test_reconstruction_l1'] = round(float(np.abs(rec - x).mean()), 4)
    for role, ref in (('guide', a.guide), ('oracle', a.oracle)):
        if ref: figures[f'{role}_accuracy_on_reconstructions'] = round(float((clf(ref).predict(rec) == test.labels).mean()), 4)
elif a.kind == 'classifier':
    c = load_classifier(dest)
    pred = c.predict(test.canonical())
    figures['test_accuracy'] = round(float((pred == test.labels).mean()), 4)
    figures['per_class_accuracy'] = {n: round(float((pred[test.labels == i] == i).mean()), 4) for i, n in enumerate(test.class_names)}
    if a.guide: figures['agreement_with_guide_on_test'] = round(float((clf(a.guide).predict(test.canonical()) == pred).mean()), 4)
else:
    g = GeneratorDecoder(keras.saving.load_model(dest, safe_mode=True, compile=False))
    seeds = np.arange(10**6, 10**6 + a.n)
    if g.n_classes:      # conditional: a.n images of every class (the same seeds), judged per class
        t = np.repeat(np.arange(g.n_classes), a.n)
        x = np.concatenate([g.generate(seeds, labels=np.full(a.n, c)) for c in range(g.n_classes)])
    else: t, x = test.class_index(a.target), g.generate(seeds)
    r = oracle_report(clf(a.guide), clf(a.oracle), x, test, labels=t, per_class=bool(g.n_classes))
    rnd = lambda v: round(v, 4) if isinstance(v, float) else {k: rnd(u) for k, u in v.items()} if isinstance(v, dict) else v
    figures = {k: rnd(v) for k, v in r.items() if g.n_classes or not isinstance(v, dict)}
    figures['n_generated'] = a.n * (g.n_classes or 1)
card = dict(name=a.name, kind=a.kind, file=dest.name, sha256=sha(dest), bytes=dest.stat().st_size,
            data=DATA[a.data],
            target=a.target, guide=a.guide, oracle=a.oracle, trained_by=a.trained_by, training=json.loads(a.training),
            figures=figures, measured_by='python ' + shlex.join(sys.argv),
            machine=dict(cpus=os.cpu_count(), machine=platform.processor() or platform.machine(), keras=keras.__version__),
            synthview_commit=subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip(),
            date=time.strftime('%Y-%m-%d %H:%M'))
atomic_write_json(out/'card.json', card)
with open(a.results, 'a') as f: f.write(json.dumps(dict(benchmark='zoo', command=card['measured_by'], **card)) + '\n')
print(json.dumps(card, indent=1))
