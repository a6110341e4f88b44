"""Notebooks are saved the way `nbdev_clean` leaves them: no execution counts, no metadata beyond what settings.ini
allows, nbdev's JSON layout. Checked in memory with nbdev's own clean function; no file is rewritten."""
import difflib, json
from execnb.nbio import nb2str
from nbdev.clean import clean_nb
from conftest import ROOT, settings

def _cleaned(text):
    cfg = settings()
    nb = json.loads(text)
    clean_nb(nb, clear_all=cfg.get('clear_all', 'False').lower() in ('1', 'true', 'yes'),
             allowed_metadata_keys=cfg.get('allowed_metadata_keys', '').split(),
             allowed_cell_metadata_keys=cfg.get('allowed_cell_metadata_keys', '').split(),
             clean_ids=cfg.get('clean_ids', 'True').lower() in ('1', 'true', 'yes'))
    return nb2str(nb)

def test_notebook_is_clean(notebook):
    text = notebook.read_text(encoding='utf-8')
    want = _cleaned(text)
    if text != want:
        diff = ''.join(list(difflib.unified_diff(text.splitlines(True), want.splitlines(True), 'saved', 'nbdev_clean'))[:60])
        raise AssertionError(f"{notebook.relative_to(ROOT)} is not clean: run `nbdev_clean`, then commit.\n{diff}")

def test_index_is_checked():
    "The top-level index.ipynb is covered through its symlink in nbs/ (see test_readme.py::test_index_symlink)."
    assert (ROOT/'nbs'/'index.ipynb').resolve() == (ROOT/'index.ipynb').resolve()

def test_imports_sit_in_cells_of_their_own(notebook):
    """STYLE.md: imports sit in cells of their own. nbdev's docs build executes every cell that contains an import,
    so a cell mixing an import with other code would run (and fail, or train a model) while the docs are built."""
    import re
    bad = []
    for i, c in enumerate(json.loads(notebook.read_text(encoding='utf-8'))['cells']):
        if c['cell_type'] != 'code': continue
        src = ''.join(c['source'])
        if re.search(r'^#\|\s*(export|exporti|hide)\b', src, re.M) and not re.search(r'^#\|\s*hide\s*$', src, re.M) or 'show_doc' in src: continue
        lines = [l for l in src.splitlines() if l.strip() and not l.lstrip().startswith('#')]
        imports = [l for l in lines if re.match(r'\s*(from\s+\S+\s+import\b|import\s)', l)]
        if imports and len(imports) < len(lines): bad.append(f"cell {i}: {imports[0].strip()!r} beside other code")
    assert not bad, f"{notebook.relative_to(ROOT)}: " + '; '.join(bad)
