"""`--strategy multiworker`: two local worker processes, with TF_CONFIG describing a two-worker cluster over loopback,
run the same CLI training step in lock-step (MultiWorkerMirroredStrategy) and finish with the same learned weights
(batch-norm statistics are per worker); only the chief writes the run folder."""
import json, os, re, socket, subprocess, sys, time
from pathlib import Path


def _free_ports(n):
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(); s.bind(('127.0.0.1', 0)); socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks: s.close()


def test_two_workers_train_the_same_classifier(tmp_path):
    ports = _free_ports(2)
    cluster = {'worker': [f'127.0.0.1:{p}' for p in ports]}
    procs = []
    try:
        for i in range(2):
            env = dict(os.environ, TF_CONFIG=json.dumps({'cluster': cluster, 'task': {'type': 'worker', 'index': i}}),
                       TF_CPP_MIN_LOG_LEVEL='2', MPLBACKEND='Agg', CUDA_VISIBLE_DEVICES='')
            cmd = ['synthview', 'train-classifier', '--data', 'trains', '--n', '160', '--size', '32', '--epochs', '2', '--batch-size', '32',
                   '--strategy', 'multiworker', '--out', str(tmp_path/'run')]
            procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path))
        outs = []
        deadline = time.time() + 150
        for p in procs:
            out, err = p.communicate(timeout=max(1, deadline - time.time()))
            outs.append((p.returncode, out, err))
    finally:
        for p in procs:                                           # never leave a worker behind
            if p.poll() is None: p.kill(); p.wait(timeout=30)
    for rc, out, err in outs: assert rc == 0, f"exit {rc}\n{out[-2000:]}\n{err[-3000:]}"
    digests = [re.search(r'weights sha256 ([0-9a-f]{16})', out).group(1) for _, out, _ in outs]
    assert all(re.search(r'test accuracy: [0-9.]+', out) for _, out, _ in outs)
    assert digests[0] == digests[1], digests                     # the same learned weights after training in lock-step
    assert digests[0] != 'e3b0c44298fc1c14'                      # (the hash of nothing: no weights were fingerprinted)
    m = json.loads((tmp_path/'run'/'classifier'/'metrics.json').read_text())   # the chief's run folder
    assert m['weights_sha256'].startswith(digests[0]) and m['epochs'] == 2
    assert 'not the chief' in outs[1][1] and 'not the chief' not in outs[0][1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ['run']   # the other worker's folder is gone
