"""The docs build without Quarto: every notebook has nbdev's skeleton, nbdev's docs processors (which run the
exported and show_doc cells) go through it, and nbconvert renders the result to HTML."""
import json, re, shutil, sys
from pathlib import Path
import pytest
from conftest import ROOT, notebooks, run, tail

NO_EXPORT = {'index.ipynb', '23_explain_trains.ipynb', '24_progan_trains.ipynb'}   # notebooks that export no module

def _cells(path): return json.loads(Path(path).read_text(encoding='utf-8'))['cells']
def _src(c): return ''.join(c['source']) if isinstance(c['source'], list) else c['source']

def _title_summary(path):
    "The `# Title` and `> summary` of the notebook's first markdown cell that has a title."
    for c in _cells(path):
        m = re.match(r'\s*#\s+(.+?)\s*\n(?:\s*\n)*>\s*(.+?)\s*$', _src(c), re.M) if c['cell_type'] == 'markdown' else None
        if m: return m.group(1), m.group(2)
    return None, None

def test_notebook_skeleton(notebook):
    "`#| default_exp` (except the index), a `# Title` markdown cell and a `> summary` line right below it."
    code = [_src(c) for c in _cells(notebook) if c['cell_type'] == 'code']
    if notebook.name not in NO_EXPORT:
        assert any(re.search(r'^#\s*\|\s*default_exp\s+\S+', s, re.M) for s in code), f"{notebook.name}: no `#| default_exp`"
    title, summary = _title_summary(notebook)
    assert title and summary, f"{notebook.name}: no markdown cell with `# Title` followed by a `> summary` line"

def test_there_are_notebooks():
    names = [p.name for p in notebooks()]
    assert 'index.ipynb' in names and '00_core.ipynb' in names, names

@pytest.fixture(scope='module')
def proc_dir(tmp_path_factory):
    """What `nbdev_proc_nbs` makes, without installing Quarto: `nbdev.serve.proc_nbs` on a copy of the project.
    proc_nbs always writes to `_proc/` beside settings.ini, caches by mtime (hence force=True) and runs its
    workers with multiprocessing spawn, so it runs in a subprocess whose cwd is the copy."""
    d = tmp_path_factory.mktemp('docs')
    for f in ('settings.ini', 'index.ipynb'): shutil.copy2(ROOT/f, d/f)
    shutil.copytree(ROOT/'nbs', d/'nbs', symlinks=True, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
    p = run([sys.executable, '-c', 'from nbdev.serve import proc_nbs; proc_nbs(force=True, n_workers=2)'], cwd=d, timeout=1200)
    assert p.returncode == 0, f"nbdev's docs processing failed:\n{tail(p, 8000)}"
    return d/'_proc'

def test_docs_render(notebook, proc_dir):
    import nbformat, yaml
    from nbconvert import HTMLExporter
    rel = notebook.relative_to(ROOT/'nbs')
    f = proc_dir/rel
    assert f.exists(), f"proc_nbs made no {rel} (it skips paths with a part starting with '.', or named _proc/_docs)"
    nb = nbformat.read(f, as_version=4)
    errors = [c.source[:200] for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', []) if o.output_type == 'error']
    assert not errors, f"{rel}: the docs would show error outputs, in cells:\n" + '\n---\n'.join(errors)

    # nbdev's FrontmatterProc turns `# Title` / `> summary` into a YAML raw cell; Quarto takes the page title from it.
    raw = [c.source for c in nb.cells if c.cell_type == 'raw' and c.source.startswith('---')]
    assert raw, f"{rel}: no frontmatter after processing"
    fm = yaml.safe_load(raw[0].strip().strip('-'))
    title, summary = _title_summary(notebook)
    assert fm.get('title') == title, f"{rel}: frontmatter title {fm.get('title')!r}, notebook title {title!r}"
    assert fm.get('description') == summary, f"{rel}: frontmatter description {fm.get('description')!r}, summary {summary!r}"
    nb.metadata['title'] = fm['title']

    html, _ = HTMLExporter().from_notebook_node(nb)
    assert f"<title>{fm['title']}</title>" in html, f"{rel}: the page title is not the notebook's title"
    shown = [c for c in nb.cells if c.cell_type != 'raw']
    n_html = html.count('class="jp-Cell ')
    assert len(shown) >= 2, f"{rel}: almost nothing left after processing"
    assert n_html == len(shown), f"{rel}: {len(shown)} cells to show, {n_html} rendered"
