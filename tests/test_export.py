"synthview/ is exactly what nbdev_export makes of nbs/: nobody edited it by hand, nobody forgot to export."
import filecmp, shutil, sys
from pathlib import Path
from conftest import ROOT, run, tail

def _files(d: Path) -> set:
    return {p.relative_to(d).as_posix() for p in d.rglob('*')
            if p.is_file() and '__pycache__' not in p.parts and '.ipynb_checkpoints' not in p.parts}

def test_export_leaves_no_diff(tmp_path):
    # A copy of what nbdev_export reads. synthview/ starts from its hand-kept parts only (the top __init__.py, which
    # carries __version__, and any non-.py package data), so a module with no notebook behind it shows up as removed.
    for f in ('settings.ini', 'pyproject.toml', 'index.ipynb'):
        if (ROOT/f).exists(): shutil.copy2(ROOT/f, tmp_path/f)
    shutil.copytree(ROOT/'nbs', tmp_path/'nbs', symlinks=True, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
    lib = tmp_path/'synthview'; lib.mkdir()
    for rel in _files(ROOT/'synthview'):
        if rel == '__init__.py' or not rel.endswith('.py'):
            (lib/rel).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(ROOT/'synthview'/rel, lib/rel)

    exe = Path(sys.executable).with_name('nbdev_export')
    p = run([str(exe)], cwd=tmp_path, timeout=300)
    assert p.returncode == 0, f"nbdev_export failed:\n{tail(p)}"

    repo, fresh = _files(ROOT/'synthview'), _files(lib)
    problems = [f"synthview/{f}: nbdev_export makes it, the repo lacks it" for f in sorted(fresh - repo)]
    problems += [f"synthview/{f}: in the repo, nbdev_export does not make it (no notebook exports it)" for f in sorted(repo - fresh)]
    problems += [f"synthview/{f}: differs from what nbdev_export makes of the notebooks" for f in sorted(repo & fresh)
                 if not filecmp.cmp(ROOT/'synthview'/f, lib/f, shallow=False)]
    assert not problems, ("synthview/ is not what nbdev_export makes of nbs/ (edit the notebooks, then run "
                          "nbdev_export):\n  " + "\n  ".join(problems))


def test_keras_internals_only_in_compat():
    "Keras internals (keras.src) are touched in one module, synthview.compat, whose notebook tests them."
    import re
    from conftest import ROOT
    bad = []
    for f in sorted((ROOT/'synthview').glob('*.py')):
        if f.name in ('compat.py', '_modidx.py'): continue
        for i, line in enumerate(f.read_text(encoding='utf-8').splitlines(), 1):
            if re.search(r'\bkeras\.src\b', line) and not line.lstrip().startswith('#'): bad.append(f"{f.name}:{i}: {line.strip()}")
    assert not bad, "keras.src outside synthview/compat.py:\n" + "\n".join(bad)
