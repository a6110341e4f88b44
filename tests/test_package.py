"""Package-level smoke test: every module of the *installed* synthview imports in a fresh interpreter, and no function
of it reads a global the module does not define (the mark of code leaning on an unexported notebook cell)."""
import importlib.util, json, pkgutil, re, sys
import pytest
from conftest import ROOT, notebooks, run, settings

def _modules():
    "Every module of the installed package, found without importing it (pkgutil imports subpackages only)."
    spec = importlib.util.find_spec('synthview')
    if spec is None or not spec.submodule_search_locations: return []
    return ['synthview'] + sorted(m.name for m in pkgutil.walk_packages(spec.submodule_search_locations, 'synthview.'))

# Runs in the fresh interpreter: import the module, then list the globals its functions and classes read
# (symtable's implicit globals) that are neither in the imported module nor builtins.
_CHECK = r'''
import builtins, importlib, json, symtable, sys
m = importlib.import_module(sys.argv[1])
src = open(m.__file__, encoding='utf-8').read() if m.__file__ and m.__file__.endswith('.py') else ''
assigned, reads = set(), []
def walk(t):
    for ch in t.get_children():
        for s in ch.get_symbols():
            if s.is_declared_global() and s.is_assigned(): assigned.add(s.get_name())
            elif s.is_global() and s.is_referenced(): reads.append((s.get_name(), ch.get_name(), ch.get_lineno()))
        walk(ch)
walk(symtable.symtable(src, m.__file__ or '?', 'exec'))
missing = sorted({r for r in reads if r[0] not in vars(m) and not hasattr(builtins, r[0]) and r[0] not in assigned})
print(json.dumps(dict(file=m.__file__, version=getattr(m, '__version__', None), missing=missing)))
'''

def _check(name, tmp_path):
    # cwd is an empty folder, so the import resolves through the installed distribution, not the working directory
    p = run([sys.executable, '-c', _CHECK, name], cwd=tmp_path, timeout=600)
    assert p.returncode == 0, f"`import {name}` fails in a fresh interpreter:\n{p.stderr[-6000:]}"
    return json.loads(p.stdout.strip().splitlines()[-1])

def test_installed_package_has_every_exported_module():
    mods = _modules()
    assert mods, "synthview is not installed in this environment: run `pip install -e \".[dev]\"`"
    exported = set()
    for nb in notebooks():
        for c in json.loads(nb.read_text(encoding='utf-8'))['cells']:
            if c['cell_type'] == 'code': exported |= set(re.findall(r'^#\s*\|\s*default_exp\s+(\S+)', ''.join(c['source']), re.M))
    lacking = sorted(f'synthview.{m}' for m in exported if f'synthview.{m}' not in mods)
    assert not lacking, f"the installed synthview lacks {lacking}: a stale install, or nbdev_export not run"

@pytest.mark.parametrize('name', _modules())
def test_module_imports_alone(name, tmp_path):
    r = _check(name, tmp_path)
    bad = [f"{fn}() (line {ln}) reads `{g}`" for g, fn, ln in r['missing']]
    assert not bad, (f"{name} ({r['file']}) reads globals it never defines - defined only in an unexported "
                     "notebook cell?\n  " + "\n  ".join(bad))

def test_version_matches_settings(tmp_path):
    r = _check('synthview', tmp_path)
    assert r['version'] == settings()['version'], f"synthview.__version__ {r['version']!r} != settings.ini {settings()['version']!r}"
