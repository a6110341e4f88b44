"""Model options shared by the fidelity benchmarks (issue 15): the classifier, the oracle and the VAE by zoo name or path,
or the folder benchmarks/fidelity_train.py writes (--models, classifier.keras and vae.keras in it)."""
from pathlib import Path
from synthview.classifier import load_classifier
from synthview.vae import load_vae

def add_model_args(p):
    "--models DIR, or --classifier / --vae / --oracle, each a zoo name or a .keras path."
    p.add_argument('--models', default=None, help='a folder with classifier.keras and vae.keras (benchmarks/fidelity_train.py)')
    p.add_argument('--classifier', default=None, help="zoo name (e.g. trains-classifier) or path of a saved Classifier")
    p.add_argument('--vae', default=None, help="zoo name (e.g. trains-vae) or path of a saved VAE")
    p.add_argument('--oracle', default=None, help='zoo name or path of an independent classifier judging the counterfactuals')

def _load(ref, kind):
    from synthview import zoo
    if ref in zoo.ENTRIES: ref = zoo.path(ref)                  # the checked file of the zoo entry
    elif not Path(ref).exists(): raise SystemExit(f"--{kind}: {ref!r} is neither a zoo entry ({', '.join(zoo.ENTRIES)}) nor a file")
    return load_vae(ref) if kind == 'vae' else load_classifier(ref)

def load_models(a):
    "(classifier, vae, oracle or None) from the parsed options; --classifier/--vae override --models."
    m = Path(a.models) if a.models else None
    c = a.classifier or (m and str(m/'classifier.keras')); v = a.vae or (m and str(m/'vae.keras'))
    if not c or not v: raise SystemExit('give --models DIR, or both --classifier and --vae')
    return _load(c, 'classifier'), _load(v, 'vae'), (_load(a.oracle, 'oracle') if a.oracle else None)
