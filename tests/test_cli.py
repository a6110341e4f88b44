"The README's main-job command (`synthview demo`) and the CLI's handling of bad input, run as real processes."
import json, os, subprocess, sys, time
from pathlib import Path
import pytest

def run(*args, timeout=600):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', MPLBACKEND='Agg')
    return subprocess.run(['synthview', *args], capture_output=True, text=True, timeout=timeout, env=env)

def test_help_is_quick_and_lists_subcommands():
    t = time.time(); r = run('--help')
    assert r.returncode == 0 and 'demo' in r.stdout and 'train-classifier' in r.stdout
    assert time.time() - t < 5, 'synthview --help must not import TensorFlow'
    for sub in ('demo', 'train-classifier'):
        r = run(sub, '--help'); assert r.returncode == 0 and '--data' in r.stdout, r.stderr

def test_demo_tiny(tmp_path):
    "The main job at tiny settings: procedural trains -> classifier -> accuracy printed, model, metrics and confusion PNG written."
    out = tmp_path/'demo'
    r = run('demo', '--n', '240', '--size', '32', '--epochs', '2', '--out', str(out), '--quiet')
    assert r.returncode == 0, r.stderr[-2000:]
    assert 'test accuracy:' in r.stdout
    m = json.loads((out/'metrics.json').read_text())
    assert 0 <= m['test_accuracy'] <= 1 and len(m['confusion']) == len(m['class_names']) == 3
    assert sum(map(sum, m['confusion'])) == 48          # 20 % of 240 held out for the test
    assert (out/'confusion.png').read_bytes()[:4] == b'\x89PNG'
    assert (out/'classifier.keras').stat().st_size > 1000

@pytest.mark.parametrize('args,msg', [
    (('demo', '--n', '2'), 'expected an integer in [6, inf], got 2'),
    (('demo', '--epochs', 'many'), "invalid int value: 'many'"),
    (('train-classifier', '--data', 'fashion-mnst'), "did you mean 'fashion-mnist'"),
    (('train-classifier', '--data', 'fashion-mnist', '--data-path', '/nonexistent'), "without train-images-idx3-ubyte.gz"),
    (('dmeo',), "invalid choice: 'dmeo'"),
])
def test_bad_arguments_give_one_line_errors(args, msg, tmp_path):
    r = run(*args, '--out', str(tmp_path/'x')) if args[0] != 'dmeo' else run(*args)
    assert r.returncode == 2, (r.returncode, r.stderr[-1000:])
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith('synthview: error:') and msg in lines[0], r.stderr[-1000:]
