#!/usr/bin/env python3
"""Make README.md from the top-level index.ipynb, without Quarto (which `nbdev_readme` needs).

    python tools/make_readme.py          # (re)write README.md, atomically
    python tools/make_readme.py --check  # exit 1 and print a diff if README.md is not what index.ipynb makes

Markdown cells are copied verbatim. Code cells become ```python blocks followed by their saved text outputs
(stream, text/plain) in plain fenced blocks; outputs carrying an image, and error outputs, are left out.
Cells marked `#| hide` and `show_doc` cells are dropped, nbdev directive lines (`#| ...`) are stripped,
raw cells (frontmatter) are skipped.
"""
import argparse, difflib, json, os, re, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = '<!-- Generated from index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->'
_directive = re.compile(r'^\s*#\s*\|')
_hide = re.compile(r'^\s*#\s*\|\s*hide\s*$', re.M)

def _text(x): return ''.join(x) if isinstance(x, list) else (x or '')

def _fenced(text, lang=''):
    "`text` in a code fence longer than any run of backticks inside it."
    ticks = '`' * max(3, max((len(m) for m in re.findall(r'`+', text)), default=0) + 1)
    return f"{ticks}{lang}\n{text}\n{ticks}"

def _output_text(o):
    "The text a reader should see for output `o`, or '' for images, errors and rich-only outputs."
    if o.get('output_type') == 'stream': return _text(o.get('text'))
    data = o.get('data', {})
    if o.get('output_type') in ('execute_result', 'display_data') and not any(k.startswith('image/') for k in data):
        return _text(data.get('text/plain'))
    return ''

def render_cell(cell):
    "Markdown for one cell ('' when the cell is not shown)."
    src = _text(cell.get('source'))
    if cell['cell_type'] == 'markdown': return src.strip('\n')
    if cell['cell_type'] != 'code' or _hide.search(src) or 'show_doc(' in src: return ''
    code = '\n'.join(l for l in src.splitlines() if not _directive.match(l)).strip('\n')
    out = ''.join(_output_text(o) for o in cell.get('outputs', [])).strip('\n')
    return '\n\n'.join(_fenced(t, lang) for t, lang in ((code, 'python'), (out, '')) if t)

def render(nb):
    "README.md text for notebook `nb` (a dict as read from JSON)."
    parts = [HEADER] + [p for p in map(render_cell, nb['cells']) if p]
    return '\n\n'.join(parts) + '\n'

def write_atomic(path, text):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', newline='\n') as f: f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True); raise

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help='exit 1 with a diff if README.md differs; write nothing')
    p.add_argument('--nb', type=Path, default=ROOT/'index.ipynb', help='source notebook')
    p.add_argument('--out', type=Path, default=ROOT/'README.md', help='README to write or check')
    a = p.parse_args(argv)
    new = render(json.loads(a.nb.read_text(encoding='utf-8')))
    if not a.check:
        write_atomic(a.out, new); return 0
    old = a.out.read_text(encoding='utf-8') if a.out.exists() else ''
    if old == new: return 0
    sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                               f'{a.out.name} (on disk)', f'{a.out.name} (from {a.nb.name})'))
    print(f'\n{a.out} is out of date: run `python tools/make_readme.py`.', file=sys.stderr)
    return 1

if __name__ == '__main__': sys.exit(main())
