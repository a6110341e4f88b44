"Shared paths and parametrisation for synthview's pytest suite (run from anywhere: `pytest tests`)."
import configparser, os, subprocess
from pathlib import Path
import pytest
from fastcore.xtras import globtastic

ROOT = Path(__file__).resolve().parent.parent

def settings() -> dict:
    "settings.ini's [DEFAULT] section, interpolated."
    cp = configparser.ConfigParser(delimiters=['='])
    cp.read(ROOT/'settings.ini', encoding='utf-8')
    return dict(cp['DEFAULT'])

def notebooks() -> list:
    "The notebooks nbdev works on (as `nbglob` finds them: nbs/ recursively, skipping names starting with _ or .)."
    return sorted(globtastic(ROOT/'nbs', file_glob='*.ipynb', skip_file_re='^[_.]', skip_folder_re='^[_.]',
                             recursive=True, func=lambda root, name: Path(root)/name))

def run(cmd, cwd, timeout=900, **kw) -> subprocess.CompletedProcess:
    "Run `cmd` without nbdev's IN_TEST (which turns nbdev_export into a no-op), capturing its output."
    env = {k: v for k, v in os.environ.items() if k != 'IN_TEST'}
    env.setdefault('TF_CPP_MIN_LOG_LEVEL', '2'); env.setdefault('MPLBACKEND', 'Agg')
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, **kw)

def tail(p: subprocess.CompletedProcess, n=4000) -> str:
    return f"exit {p.returncode}\n--- stdout ---\n{p.stdout[-n:]}\n--- stderr ---\n{p.stderr[-n:]}"

@pytest.fixture(scope='session')
def root(): return ROOT

def pytest_generate_tests(metafunc):
    "A test taking `notebook` runs once per notebook, named by its path under the repo."
    if 'notebook' in metafunc.fixturenames:
        nbs = notebooks()
        metafunc.parametrize('notebook', nbs, ids=[str(p.relative_to(ROOT)) for p in nbs])
