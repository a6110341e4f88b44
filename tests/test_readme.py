"README.md is what tools/make_readme.py makes of index.ipynb, and it gives the commands CI runs."
import importlib.util, json, os, re, subprocess, sys
from conftest import ROOT

TEST_CMD = 'pip install -e ".[dev]" && nbdev_test --n_workers 2 && pytest tests'   # chosen by the lead
DEMO_CMD = 'pip install -e ".[dev]" && synthview demo'

def _tool():
    spec = importlib.util.spec_from_file_location('make_readme', ROOT/'tools'/'make_readme.py')
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    return m

def test_readme_is_made_from_index():
    p = subprocess.run([sys.executable, str(ROOT/'tools'/'make_readme.py'), '--check'], capture_output=True, text=True)
    assert p.returncode == 0, f"README.md drifted from index.ipynb:\n{p.stdout[-6000:]}{p.stderr}"

def test_index_symlink():
    "nbs/index.ipynb is a relative symlink to the top-level index.ipynb, so nbdev and Quarto see the landing page."
    link = ROOT/'nbs'/'index.ipynb'
    assert link.is_symlink(), "nbs/index.ipynb must be a symlink to ../index.ipynb"
    assert os.readlink(link) == '../index.ipynb'
    assert link.resolve() == (ROOT/'index.ipynb').resolve()

def _sh_lines(md):
    "Non-empty lines of the ```sh blocks of markdown `md`."
    return [l.strip() for b in re.findall(r'^```(?:sh|bash|shell)\n(.*?)^```', md, re.M | re.S) for l in b.splitlines() if l.strip()]

def test_readme_gives_the_two_commands():
    lines = _sh_lines((ROOT/'README.md').read_text(encoding='utf-8'))
    assert DEMO_CMD in lines, f"README.md must give the demo command `{DEMO_CMD}` in a ```sh block"
    test_cmds = [l for l in lines if 'pytest' in l or 'nbdev_test' in l]
    assert test_cmds == [TEST_CMD], f"README.md must give exactly one test command, `{TEST_CMD}`; found {test_cmds}"

def test_ci_runs_the_readme_test_command():
    "`.ci/run` is strict bash whose last command is the README's test command, verbatim (so a failure ends CI red)."
    ci = ROOT/'.ci'/'run'
    assert os.access(ci, os.X_OK), ".ci/run must be executable"
    text = ci.read_text(encoding='utf-8')
    assert text.startswith('#!/usr/bin/env bash\n') and re.search(r'^set -euo pipefail$', text, re.M)
    [readme_cmd] = [l for l in _sh_lines((ROOT/'README.md').read_text(encoding='utf-8')) if 'pytest' in l]
    code = [l.strip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith('#')]
    assert readme_cmd in code, f".ci/run does not run the README's test command verbatim: {readme_cmd}"
    # under `set -e`, a failure inside `a && b && c` does not stop the script; only the script's last status counts
    assert code[-1] == readme_cmd, f".ci/run must end with the test command, found after it: {code[code.index(readme_cmd)+1:]}"

def test_render_rules():
    "The conversion rules, on a notebook that has one of each kind of cell."
    def code(src, *outs): return dict(cell_type='code', source=src, outputs=list(outs), metadata={}, execution_count=None)
    nb = dict(cells=[
        dict(cell_type='markdown', source=['# title\n', '\n', '> summary'], metadata={}),
        dict(cell_type='raw', source='---\ntitle: x\n---', metadata={}),
        code('#| hide\nsecret = 1'), code('#|hide\nsecret = 2'),
        code('show_doc(f)', dict(output_type='display_data', data={'text/markdown': 'doc'})),
        code('#| export\ndef f(): return "```"\nf()',
             dict(output_type='stream', name='stdout', text=['a\n']),
             dict(output_type='execute_result', data={'text/plain': ["'```'"]}, execution_count=3, metadata={}),
             dict(output_type='display_data', data={'image/png': 'iVBOR', 'text/plain': '<Figure>'}),
             dict(output_type='error', ename='E', evalue='x', traceback=[])),
        code('#| eval: false\nx = 1'),
    ], metadata={}, nbformat=4, nbformat_minor=5)
    want = (f"{_tool().HEADER}\n\n# title\n\n> summary\n\n"
            '````python\ndef f(): return "```"\nf()\n````\n\n'
            "````\na\n'```'\n````\n\n"
            "```python\nx = 1\n```\n")
    assert _tool().render(nb) == want

def test_check_fails_on_drift(tmp_path):
    "`--check` exits 1 and prints a diff when the README differs; without it the README is (re)written."
    nb = dict(cells=[dict(cell_type='markdown', source='# t\n\n> s', metadata={})], metadata={}, nbformat=4, nbformat_minor=5)
    (tmp_path/'i.ipynb').write_text(json.dumps(nb)); out = tmp_path/'R.md'
    tool = [sys.executable, str(ROOT/'tools'/'make_readme.py'), '--nb', str(tmp_path/'i.ipynb'), '--out', str(out)]
    assert subprocess.run(tool + ['--check'], capture_output=True).returncode == 1   # no README yet
    assert subprocess.run(tool).returncode == 0 and out.read_text().endswith('# t\n\n> s\n')
    assert subprocess.run(tool + ['--check']).returncode == 0
    out.write_text(out.read_text() + 'edited by hand\n')
    p = subprocess.run(tool + ['--check'], capture_output=True, text=True)
    assert p.returncode == 1 and '-edited by hand' in p.stdout
