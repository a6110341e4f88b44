"Each concept once (issue 17): methods attached under their real names, one PNG writer, the run-folder names from core's layout,\none training driver, and imports that flow one way."
import ast, inspect, re
from pathlib import Path
import pytest

PKG = Path(__file__).resolve().parents[1]/'synthview'
# the modules these rules are enforced on so far (the others are listed in issue 17 as still to convert)
OWNED = ('core', 'data', 'train', 'classifier', 'gan', 'progan', 'vae', 'metrics', 'gallery', 'callbacks', 'widgets', 'generate', 'report', 'cli', 'latent')
_ASSIGN = re.compile(r"^[A-Z]\w*\.\w+(\s*,\s*[A-Z]\w*\.\w+)*\s*=[^=]", re.M)


@pytest.mark.parametrize('mod', OWNED)
def test_no_method_attached_by_assignment(mod):
    src = (PKG/f'{mod}.py').read_text()
    assert not [m.group(0) for m in _ASSIGN.finditer(src)], f"{mod}: attach methods with @patch / @patch_to, under their real names"


def test_patched_methods_keep_their_names():
    from synthview.progan import ProGAN
    from synthview.data import ImageDataset
    from synthview.vae import VAE
    from synthview.gan import WGANGP
    from synthview.classifier import Classifier
    for cls, name in [(ProGAN, 'train_step'), (ProGAN, 'generate'), (ProGAN, 'decode'), (ProGAN, 'test_step'), (ProGAN, 'get_config')]:
        f = getattr(cls, name)
        assert (f.__name__, f.__qualname__) == (name, f'{cls.__name__}.{name}')
        assert f'def {name}(' in inspect.getsource(f)
    assert isinstance(ProGAN.__dict__['total_images'], property) and isinstance(ProGAN.__dict__['phase'], property)
    assert isinstance(Classifier.__dict__['has_features'], property)
    assert isinstance(ImageDataset.__dict__['load'], staticmethod) and ImageDataset.load.__qualname__ == 'ImageDataset.load'
    for cls in (VAE, WGANGP, ProGAN):
        assert isinstance(cls.__dict__['from_config'], classmethod) and cls.from_config.__qualname__ == f'{cls.__name__}.from_config'


@pytest.mark.parametrize('mod', [m for m in OWNED if m != 'core'])
def test_png_written_by_core_only(mod):
    src = (PKG/f'{mod}.py').read_text()
    assert not re.search(r"format=['\"]PNG['\"]|Image\.fromarray\(", src), f"{mod}: encode PNGs with core.png_bytes / save_png"
    calls = [n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Call) and getattr(n.func, 'attr', None) == 'savefig']
    assert len(calls) <= (1 if mod == 'classifier' else 0), f"{mod}: figures go through core.save_png (save_figure keeps savefig for pdf/svg only)"


_NAMES = ('config.json', 'log.csv', 'backup', 'tensorboard', 'checkpoints', 'gallery', 'generator.keras', 'classifier.keras', 'vae.keras',
          'summary.json', 'metrics.json', 'report.html', 'analysis.npz', 'scores.csv', 'manifest.json', 'oracle')

# generate writes a dataset folder of its own (manifest.json at its top), a layout core does not define yet
@pytest.mark.parametrize('mod', [m for m in OWNED if m not in ('core', 'generate')])
def test_run_folder_names_from_core(mod):
    from synthview.core import RUN_FILES, EXPERIMENT_FILES
    names = sorted(set(_NAMES) | set(RUN_FILES.names().values()) | set(EXPERIMENT_FILES.names().values()), key=len, reverse=True)
    src = (PKG/f'{mod}.py').read_text()
    found = [m.group(0) for m in re.finditer(r"/\s*'(%s)'" % '|'.join(map(re.escape, names)), src)]
    assert not found, f"{mod}: use core.RUN_FILES / EXPERIMENT_FILES, not {found}"


def test_layout_matches_what_trainers_write():
    from synthview.core import RUN_FILES, EXPERIMENT_FILES
    assert (RUN_FILES.config, RUN_FILES.log, RUN_FILES.backup, RUN_FILES.tensorboard) == ('config.json', 'log.csv', 'backup', 'tensorboard')
    assert EXPERIMENT_FILES.analysis.startswith(EXPERIMENT_FILES.frontier + '/') and EXPERIMENT_FILES.manifest.startswith(EXPERIMENT_FILES.dataset + '/')


# ---- one training driver (issue 17, item 2): every trainer goes through train.fit_run, which alone wires the run folder
TRAINERS = [('classifier', 'train_classifier'), ('vae', 'train_vae'), ('gan', 'train_gan'), ('progan', 'train_progan')]

@pytest.mark.parametrize('mod,name', TRAINERS)
def test_trainer_calls_fit_run(mod, name):
    import importlib
    f = getattr(importlib.import_module(f'synthview.{mod}'), name)
    calls = {n.func.id if isinstance(n.func, ast.Name) else n.func.attr for n in ast.walk(ast.parse(inspect.getsource(f))) if isinstance(n, ast.Call)
             and isinstance(n.func, (ast.Name, ast.Attribute))}
    assert 'fit_run' in calls, f"{mod}.{name}: train through train.fit_run"
    wired = calls & {'fit', 'TensorBoard', 'EpochCSVLogger', 'AtomicBackupAndRestore', 'BackupAndRestore', 'LastGoodCheckpoint', 'DivergenceGuard', 'atomic_write_json'}
    assert not wired, f"{mod}.{name} wires {sorted(wired)} itself: fit_run does"

def _classes_of_callbacks(src):
    return [n.name for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ClassDef)
            and any((getattr(b, 'attr', None) or getattr(b, 'id', None)) == 'Callback' for b in n.bases)]

def test_guard_backup_and_logs_only_in_train():
    "Keras callbacks are defined in train (run folder, guard, backup, log) and gallery (what a GAN run records), nowhere else."
    found = {f.stem: _classes_of_callbacks(f.read_text()) for f in PKG.glob('*.py') if f.stem not in ('train', 'gallery', '_modidx')}
    assert not {k: v for k, v in found.items() if v}, f"callbacks defined outside train/gallery: {found}"
    for mod in ('classifier', 'vae', 'gan', 'progan'):
        src = (PKG/f'{mod}.py').read_text()
        assert not re.search(r"BackupAndRestore\(|on_train_batch_end|stop_training", src), f"{mod}: the backup and the divergence guard are train's"

def test_callbacks_is_an_alias():
    "synthview.callbacks only re-exports what moved to train, gallery, gan and progan (for code written before the split)."
    import synthview.callbacks as old, synthview.train as t, synthview.gallery as g, synthview.gan as gn, synthview.progan as pg
    for name in old.__all__:
        assert getattr(old, name) is next(getattr(m, name) for m in (t, g, gn, pg) if hasattr(m, name)), name
    assert not [n for n in ast.walk(ast.parse((PKG/'callbacks.py').read_text())) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


# ---- imports flow one way (DESIGN/STYLE "Layout and flow"), floor by floor; a module imports only from its floor or below.
# The gallery sits below the GANs that record it (it duck-types them), so the metrics it scores with sit below it too.
FLOORS = [('core', 'compat'), ('data', 'losses', 'train'), ('classifier', 'trains'), ('metrics',), ('gallery',), ('gan', 'progan', 'vae'),
          ('latent', 'attribution'), ('generate', 'zoo'), ('widgets', 'report', 'cli', 'callbacks')]

def _imports():
    "{module: set of synthview modules it imports}, counting imports inside functions."
    out = {}
    for f in PKG.glob('*.py'):
        if f.stem in ('__init__', '_modidx'): continue
        deps = set()
        for n in ast.walk(ast.parse(f.read_text())):
            if isinstance(n, ast.ImportFrom) and n.level == 1: deps |= {n.module.split('.')[0]} if n.module else {a.name for a in n.names}
            elif isinstance(n, ast.ImportFrom) and (n.module or '').startswith('synthview.'): deps.add(n.module.split('.')[1])
            elif isinstance(n, ast.Import): deps |= {a.name.split('.')[1] for a in n.names if a.name.startswith('synthview.')}
        out[f.stem] = deps - {f.stem}
    return out

def test_every_module_has_a_floor():
    floors = [m for fl in FLOORS for m in fl]
    assert sorted(floors) == sorted(_imports()), f"place each module on a floor: {sorted(set(_imports()) ^ set(floors))}"

def test_no_upward_import():
    floor = {m: i for i, fl in enumerate(FLOORS) for m in fl}
    up = [f"{m} (floor {floor[m]}) imports {d} (floor {floor[d]})" for m, ds in _imports().items() for d in ds if d in floor and floor[d] > floor[m]]
    assert not up, "upward imports:\n  " + "\n  ".join(up)

def test_no_import_cycle():
    graph, state, cycles = _imports(), {}, []
    def visit(m, path):
        state[m] = 'open'
        for d in graph.get(m, ()):
            if state.get(d) == 'open': cycles.append(path[path.index(d):] + [d])
            elif d not in state: visit(d, path + [d])
        state[m] = 'done'
    for m in graph:
        if m not in state: visit(m, [m])
    assert not cycles, f"import cycles: {cycles}"
