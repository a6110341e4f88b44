"""Reach (issue 18): the GitHub workflow runs the README's test command through .ci/run with every action pinned to a
commit; folders stream from disk into the trainers without being held in memory."""
import re
import numpy as np
import pytest
import yaml
from conftest import ROOT, settings

WORKFLOWS = ROOT/'.github'/'workflows'
PINNED = re.compile(r'^\s*(?:-\s*|steps:\s*\[\s*)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s*\]?\s*#\s*(\S.*)$')


def _uses_lines(f):
    return [l for l in f.read_text(encoding='utf-8').splitlines() if re.search(r'\buses:', l.split('#', 1)[0])]


def _steps(doc):
    return [s for job in doc['jobs'].values() for s in job.get('steps', [])]


@pytest.mark.parametrize('name', ['test.yaml', 'deploy.yaml'])
def test_every_action_is_pinned_to_a_commit(name):
    "A tag or a branch (`@master`, `@v4`) can be moved under us; a full commit SHA cannot. The comment says which release it is."
    f = WORKFLOWS/name
    lines = _uses_lines(f)
    assert lines, f"{name} uses no action"
    for l in lines:
        assert PINNED.match(l), f"{name}: not pinned to a 40-hex commit with the tag in a comment: {l.strip()}"
    uses = [s['uses'] for s in _steps(yaml.safe_load(f.read_text(encoding='utf-8'))) if 'uses' in s]
    assert len(uses) == len(lines) and all(re.fullmatch(r'[\w.-]+/[\w./-]+@[0-9a-f]{40}', u) for u in uses), uses


def test_ci_workflow_runs_the_readme_test_command():
    "The workflow sets up Python, checks out, and runs .ci/run, whose last command is the README's test command (tests/test_readme.py)."
    doc = yaml.safe_load((WORKFLOWS/'test.yaml').read_text(encoding='utf-8'))
    on = doc.get('on', doc.get(True))                              # YAML 1.1 reads a bare `on` key as True
    assert {'push', 'pull_request'} <= set(on if isinstance(on, (list, dict)) else [on])
    steps = _steps(doc)
    names = [s.get('uses', '').split('@')[0] for s in steps]
    assert names[:2] == ['actions/checkout', 'actions/setup-python'], names
    py = steps[1]['with']['python-version']
    assert tuple(map(int, str(py).split('.'))) >= tuple(map(int, settings()['min_python'].split('.'))), py
    runs = [s['run'].strip() for s in steps if 'run' in s]
    assert runs and runs[-1] in ('.ci/run', 'bash .ci/run'), runs          # the script itself, so the two never drift apart
    assert not any('nbdev-ci' in n or 'nbdev_test' in r for n in names for r in runs), 'CI must run the whole test command, not nbdev_test alone'
    assert 'pip install -e ".[dev]" && nbdev_test --n_workers 2 && pytest tests' in (ROOT/'.ci'/'run').read_text(encoding='utf-8')
    assert 'apt-get install -y -qq chromium' in (ROOT/'.ci'/'run').read_text(encoding='utf-8')   # the browser test's Chromium, where missing


def _folder(root, n=24, size=8):
    "Two classes of tiny grey PNGs: dark and bright squares with noise."
    from PIL import Image
    r = np.random.default_rng(0)
    for c, base in (('bright', 180), ('dark', 60)):
        (root/c).mkdir(parents=True)
        for i in range(n):
            Image.fromarray(np.clip(base + r.normal(0, 30, (size, size)), 0, 255).astype(np.uint8)).save(root/c/f"{i:03d}.png")
    return root


def test_trainers_take_a_streamed_folder(tmp_path):
    "train_classifier trains from a folder streamed from disk exactly as from the same folder in memory; train_gan takes it too."
    import keras
    from synthview.data import load_image_folder, ImageFolderStream
    from synthview.classifier import train_classifier
    from synthview.gan import train_gan
    root = _folder(tmp_path/'folder', n=16)
    s, m = load_image_folder(root, stream=True), load_image_folder(root)
    assert isinstance(s, ImageFolderStream) and not isinstance(m, ImageFolderStream)
    kw = dict(epochs=1, batch_size=8, build=dict(widths=(4,), dense=8), seed=3, verbose=0)
    (cs, hs), (cm, hm) = train_classifier(s, **kw), train_classifier(m, **kw)
    assert hs['loss'] == pytest.approx(hm['loss'], rel=1e-5) and hs['val_loss'] == pytest.approx(hm['val_loss'], rel=1e-5)
    for a, b in zip(cs.model.get_weights(), cm.model.get_weights()): np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    assert cs.class_names == ['bright', 'dark']
    gkw = dict(epochs=1, batch_size=8, latent_dim=4, generator_widths=(8, 4), critic_widths=(4, 8), n_critic=1, gallery_seeds=0,
               image_summaries=False, seed=1, verbose=0)
    gan, ghs = train_gan(s, **gkw)          # its pipeline (labels=False, drop_remainder=True) is the in-memory one: nbs/01_data.ipynb
    assert len(ghs['critic_loss']) == 1 and np.isfinite(ghs['critic_loss']).all() and gan.generator.output.shape[1:] == s.shape
    assert not hasattr(s, '_images') and 'images' not in vars(s)          # the stream holds no pixels
