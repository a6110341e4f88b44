"""Kill tests for every trainer (train_gan, train_progan, train_classifier, train_vae) and their run folders.

Each trainer's tiny run is killed with SIGKILL at two random moments (seeded), resumed each time, and finished. A
moment is drawn as (epoch e, delay d): the kill comes d seconds after the process logged the end of epoch e, with d
uniform in [0, one epoch's duration), so kills land in the end-of-epoch writes (CSV log, checkpoint, gallery, backup)
or in the next epoch's steps. After each kill the next process must resume at the epoch its backup holds, having lost
at most one epoch; at the end no temporary file is left, the CSV log has one row per epoch, every file in the run folder
opens, and TensorBoard's image grids sit at the steps of Keras' own scalars.

Importing TensorFlow costs seconds of CPU, and the test starts twelve training processes; so one helper process imports
TensorFlow and synthview once and forks a fresh process for each run (before any TensorFlow op has run, so the forks
are clean), and the four trainers' runs go side by side.

Also here: a run folder that is a file, lies under a file, is read-only, or is not a path is refused by every trainer
with a SynthviewError before anything is built or written."""
import csv, json, os, signal, subprocess, sys, textwrap, threading, time, zipfile
from contextlib import contextmanager
from pathlib import Path
import numpy as np
import pytest

HERE = Path(__file__).parent
EPOCHS = dict(gan=7, progan=6, classifier=7, vae=7)      # ProGAN: 2 phases x (2 x 2 - 1) x epochs_per_phase 2
SEEDS = dict(gan=1, progan=2, classifier=3, vae=4)       # of the kill moments

ZYGOTE = textwrap.dedent('''
    import json, os, select, sys, time, traceback
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    sys.path.insert(0, sys.argv[1])
    import numpy as np
    import keras
    from _gan_helpers import toy_data, toy_classifier, TINY
    from synthview.gan import train_gan
    from synthview.progan import train_progan
    from synthview.classifier import train_classifier
    from synthview.vae import train_vae
    EPOCHS = json.loads(sys.argv[2])

    class Marker(keras.callbacks.Callback):
        "Logs the start of training and each epoch's begin and end (at the end: before the backup is written); waits for the gate file before the last epoch."
        def __init__(self, events, gate, last): super().__init__(); self.events, self.gate, self.last = events, gate, last
        def log(self, **kw):
            c = os.times()
            with open(self.events, 'a') as f: f.write(json.dumps(dict(pid=os.getpid(), t=time.time(), cpu=c.user + c.system, **kw)) + '\\n')
        def on_train_begin(self, logs=None): self.log(event='train_begin')
        def on_epoch_begin(self, epoch, logs=None):
            self.log(event='begin', epoch=epoch)
            while epoch == self.last and not os.path.exists(self.gate): time.sleep(0.01)   # a run to be killed never finishes first
        def on_epoch_end(self, epoch, logs=None): self.log(event='end', epoch=epoch)

    def train(trainer, run, cbs):
        if trainer == 'gan':
            train_gan(toy_data(64), toy_classifier(), target='right', epochs=EPOCHS['gan'], batch_size=32, run_dir=run, n_critic=1,
                      guidance_augment=False, gallery_seeds=8, callbacks=cbs, verbose=0, **TINY)
        elif trainer == 'progan':
            train_progan(toy_data(32, size=8), toy_classifier(8), target='right', images_per_phase=32, epochs_per_phase=2, batch_size=16,
                         run_dir=run, latent_dim=8, widths=(16, 8), gallery_seeds=8, callbacks=cbs, verbose=0)
        elif trainer == 'classifier':
            train_classifier(toy_data(64), epochs=EPOCHS['classifier'], batch_size=32, val_fraction=0, run_dir=run,
                             build=dict(widths=(4,), dense=8), callbacks=cbs, verbose=0)
        else:
            x = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype(np.float32)
            train_vae(x, latent_dim=2, widths=(4,), hidden=8, batch_size=16, epochs=EPOCHS['vae'], run_dir=run, callbacks=cbs, verbose=0)

    from tensorflow.python.eager import context
    print(json.dumps(dict(ready=True, tf_runtime_started=context.context()._context_handle is not None)), flush=True)   # forks are clean only before
    buf = b''
    while True:
        r, _, _ = select.select([0], [], [], 0.02)
        while True:                                           # reap finished or killed runs
            try: pid, st = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError: break
            if pid == 0: break
            print(json.dumps(dict(exit=pid, code=os.waitstatus_to_exitcode(st))), flush=True)
        if not r: continue
        data = os.read(0, 65536)
        if not data: break                                    # the test is done
        buf += data
        while b'\\n' in buf:
            line, buf = buf.split(b'\\n', 1)
            job = json.loads(line)
            pid = os.fork()
            if pid == 0:                                      # a fresh training process
                code = 1
                try:
                    fd = os.open(job['log'], os.O_WRONLY | os.O_CREAT | os.O_APPEND); os.dup2(fd, 1); os.dup2(fd, 2); os.close(0)
                    m = Marker(job['events'], job['gate'], EPOCHS[job['trainer']] - 1)
                    train(job['trainer'], job['run'], [m])
                    m.log(event='done'); code = 0
                except BaseException: traceback.print_exc()
                finally:
                    sys.stdout.flush(); sys.stderr.flush(); os._exit(code)
            print(json.dumps(dict(started=pid, id=job['id'])), flush=True)
''')


class Forker:
    "The helper process: imports TensorFlow and synthview once, forks a training process per request, reports exits."
    def __init__(self, tmp):
        self.tmp, self.msgs, self.lock, self.n = Path(tmp), {}, threading.Condition(), 0
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3')
        self.err = open(self.tmp/'zygote.log', 'w')
        self.p = subprocess.Popen([sys.executable, '-c', ZYGOTE, str(HERE), json.dumps(EPOCHS)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.err, env=env, cwd=self.tmp)
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._wait(lambda: self.msgs.get('ready'), 120, 'the helper process did not start')
        assert not ready['tf_runtime_started'], 'TensorFlow ran before forking: forked processes could hang'
        self.pids = []

    def _read(self):
        for line in self.p.stdout:
            m = json.loads(line)
            with self.lock:
                if 'exit' in m: self.msgs[('exit', m['exit'])] = m['code']
                elif 'started' in m: self.msgs[('started', m['id'])] = m['started']
                else: self.msgs['ready'] = m
                self.lock.notify_all()

    def _wait(self, cond, timeout, what):
        with self.lock:
            if not self.lock.wait_for(cond, timeout):
                raise AssertionError(f"{what} (helper log: {(self.tmp/'zygote.log').read_text()[-2000:]})")
            return cond()

    def start(self, trainer, run, events, log, gate) -> int:
        with self.lock: self.n += 1; i = self.n
        job = dict(id=i, trainer=trainer, run=str(run), events=str(events), log=str(log), gate=str(gate))
        self.p.stdin.write((json.dumps(job) + '\n').encode())
        self.p.stdin.flush()
        pid = self._wait(lambda: self.msgs.get(('started', i)), 60, f'{trainer}: no process started')
        self.pids.append(pid)
        return pid

    def exit_code(self, pid, timeout=None):
        "The exit code of a training process (negative: killed by that signal); None while it runs (timeout None: no wait)."
        if timeout is None:
            with self.lock: return self.msgs.get(('exit', pid))
        self._wait(lambda: ('exit', pid) in self.msgs, timeout, f'process {pid} did not end')
        return self.msgs[('exit', pid)]

    def close(self):
        "Kill what a failed pipeline left running (e.g. waiting at its gate), then let the helper end."
        for pid in self.pids:
            if self.exit_code(pid) is None:
                os.kill(pid, signal.SIGKILL); self.exit_code(pid, 30)
        self.p.stdin.close(); self.p.wait(30); self.err.close()


def _events(path, pid=None):
    ev = [json.loads(l) for l in path.read_text().splitlines() if l.endswith('}')] if path.exists() else []
    return [e for e in ev if pid is None or e['pid'] == pid]


def _cycle(ev):
    "One epoch's duration (its steps and writes): the shortest time between consecutive epoch ends seen so far."
    d = []
    for pid in {e['pid'] for e in ev}:
        ends = [e['t'] for e in ev if e['pid'] == pid and e['event'] == 'end']
        d += list(np.diff(ends))
    return float(min(d)) if d else None


def _kill_at(forker, pid, events, epoch, u, log, anchor='end', timeout=120):
    "SIGKILL the process u x one epoch's duration after it logged the end (or begin) of `epoch`; returns the delay used."
    t0 = time.time()
    while True:
        ev = _events(events)
        end = [e for e in ev if e['pid'] == pid and e['event'] == anchor and e['epoch'] == epoch]
        if end and _cycle(ev) is not None: break
        code = forker.exit_code(pid)
        assert code is None, f"the process ended ({code}) before epoch {epoch} ended:\n{log.read_text()[-3000:]}"
        assert time.time() - t0 < timeout, f'the training process did not reach the end of epoch {epoch}'
        time.sleep(0.005)
    delay = u * _cycle(ev)
    time.sleep(max(0.0, end[0]['t'] + delay - time.time()))
    assert forker.exit_code(pid) is None, f'the process finished before its kill moment (epoch {epoch} + {delay:.3f} s)'
    os.kill(pid, signal.SIGKILL)
    assert forker.exit_code(pid, 60) == -signal.SIGKILL
    return delay


def _opens(f: Path):
    "Read a file of a run folder the way its readers do; raises if it cannot be read."
    n = f.name
    if n.endswith('.json'): json.loads(f.read_text())
    elif n.endswith('.csv'): list(csv.reader(f.open(newline='')))
    elif n.endswith('.npz'):
        with np.load(f, allow_pickle=False) as z: [z[k] for k in z.files]
    elif n.endswith('.png'):
        from PIL import Image
        with Image.open(f) as im: im.load()
    elif n.endswith('.h5'):
        import h5py
        with h5py.File(f, 'r') as h: h.visit(lambda name: None)
    elif n.endswith('.keras'):
        with zipfile.ZipFile(f) as z: assert z.testzip() is None and 'config.json' in z.namelist()
    elif 'tfevents' in n:
        from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
        assert list(EventFileLoader(str(f)).Load())
    else: f.read_bytes()


def _tb_steps(folder, tag):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    ea = EventAccumulator(str(folder), size_guidance={'tensors': 0}); ea.Reload()
    return {e.step for e in ea.Tensors(tag)} if tag in ea.Tags()['tensors'] else set()


def _pipeline(forker, trainer, tmp):
    "Start, kill at two seeded moments, resume each time, finish; the record of what happened."
    run, events, log, gate = tmp/trainer/'run', tmp/trainer/'events.jsonl', tmp/trainer/'train.log', tmp/trainer/'gate'
    run.parent.mkdir(parents=True)
    rng, E = np.random.default_rng(SEEDS[trainer]), EPOCHS[trainer]
    kills, pids = [], []
    for k in range(2):
        pid = forker.start(trainer, run, events, log, gate); pids.append(pid)
        if k == 0: first = 0
        else:
            t0 = time.time()
            while not any(e['event'] == 'begin' for e in _events(events, pid)):
                assert forker.exit_code(pid) is None, log.read_text()[-3000:]
                assert time.time() - t0 < 120; time.sleep(0.005)
            first = next(e['epoch'] for e in _events(events, pid) if e['event'] == 'begin')
        # the first process: after its second epoch at the earliest (one epoch's duration is known then) and early enough to
        # leave the second at least one epoch before the last; the second: any epoch but the last, which waits for the gate
        lo, hi = (1, E - 4) if k == 0 else (first, E - 2)
        epoch, u = int(rng.integers(lo, max(lo, hi) + 1)), float(rng.uniform())
        anchor = 'end' if epoch <= E - 2 else 'begin'     # resumed at the last epoch: the kill comes while it waits at its start
        delay = _kill_at(forker, pid, events, epoch, u, log, anchor)
        meta = run/'backup'/'training_metadata.json'
        kills.append(dict(epoch=epoch, anchor=anchor, delay=round(delay, 3), backup=json.loads(meta.read_text())['epoch'] if meta.is_file() else 0,
                          completed=max([first] + [e['epoch'] + 1 for e in _events(events, pid) if e['event'] == 'end'])))   # epochs done when killed
    gate.touch()                                         # the last process may finish
    pid = forker.start(trainer, run, events, log, gate); pids.append(pid)
    assert forker.exit_code(pid, 240) == 0, log.read_text()[-4000:]
    for k, kill in enumerate(kills):
        kill['resumed'] = next(e['epoch'] for e in _events(events, pids[k + 1]) if e['event'] == 'begin')
        kill['lost'] = kill['completed'] - kill['resumed']
    ev = _events(events)
    cpu = sum(max(e['cpu'] for e in ev if e['pid'] == p) for p in pids)     # CPU seconds of the runs (up to their last event)
    return dict(trainer=trainer, run=run, kills=kills, epochs=E, events=ev, cpu=cpu)


@pytest.fixture(scope='module')
def killed(tmp_path_factory):
    "The four trainers' kill pipelines, run side by side; trainer -> record (or the exception it raised)."
    tmp = tmp_path_factory.mktemp('kill')
    t0 = time.time()
    forker = Forker(tmp)
    out = {}
    def go(t):
        try: out[t] = _pipeline(forker, t, tmp)
        except BaseException as e: out[t] = e
    threads = [threading.Thread(target=go, args=(t,)) for t in EPOCHS]
    try:
        for th in threads: th.start()
        for th in threads: th.join()
    finally: forker.close()
    print(f"\nkill tests: {time.time() - t0:.1f} s for the four trainers")
    return out


@pytest.mark.parametrize('trainer', list(EPOCHS))
def test_kill_and_resume(killed, trainer):
    r = killed[trainer]
    if isinstance(r, BaseException): raise r
    run, E = r['run'], r['epochs']
    for k in r['kills']:
        assert k['resumed'] == k['backup'], k                  # resumed at the epoch its backup holds ...
        assert 0 <= k['lost'] <= 1, k                          # ... having lost at most one epoch
    leftovers = [str(p.relative_to(run)) for p in run.rglob('*') if '.tmp' in p.name]
    assert not leftovers, leftovers
    rows = list(csv.reader((run/'log.csv').open(newline='')))
    assert rows[0][0] == 'epoch' and [int(x[0]) for x in rows[1:]] == list(range(E)), [x[0] for x in rows]   # one row per epoch
    unreadable = []
    for f in sorted(p for p in run.rglob('*') if p.is_file()):
        try: _opens(f)
        except Exception as e: unreadable.append(f"{f.relative_to(run)}: {type(e).__name__}: {e}")
    assert not unreadable, unreadable
    if trainer in ('gan', 'progan'):
        from synthview.gallery import load_gallery
        assert load_gallery(run).epochs == list(range(1, E + 1))
        assert _tb_steps(run/'tensorboard'/'images', 'generated') == _tb_steps(run/'tensorboard'/'train', 'epoch_critic_loss') == set(range(E))
    print(f"\n{trainer}: {len(r['kills'])} kills at (epoch end, +s) {[(k['epoch'], k['delay']) for k in r['kills']]}, "
          f"resumed at {[k['resumed'] for k in r['kills']]}, epochs lost {[k['lost'] for k in r['kills']]}, leftovers {len(leftovers)}, "
          f"{r['cpu']:.1f} CPU s in 3 processes")


# ---- run folders that cannot be used: refused by every trainer before anything is built or written ---------------

def _trainers():
    from _gan_helpers import toy_data, TINY
    from synthview.gan import train_gan
    from synthview.progan import train_progan
    from synthview.classifier import train_classifier
    from synthview.vae import train_vae
    d16, d8 = toy_data(32), toy_data(32, size=8)
    return dict(gan=lambda run, cbs: train_gan(d16, epochs=1, batch_size=16, run_dir=run, callbacks=cbs, verbose=0, **TINY),
                progan=lambda run, cbs: train_progan(d8, images_per_phase=32, epochs_per_phase=1, batch_size=16, run_dir=run,
                                                     latent_dim=8, widths=(16, 8), callbacks=cbs, verbose=0),
                classifier=lambda run, cbs: train_classifier(d16, epochs=1, batch_size=16, run_dir=run, callbacks=cbs, verbose=0),
                vae=lambda run, cbs: train_vae(d16, latent_dim=2, epochs=1, batch_size=16, run_dir=run, callbacks=cbs, verbose=0))


@contextmanager
def _unprivileged():
    "Run the block as a user without root's power to write anywhere (as root: effective uid nobody), so permissions hold."
    if os.geteuid() != 0: yield; return
    os.seteuid(65534)
    try: yield
    finally: os.seteuid(0)


def _tree(d: Path) -> dict:
    return {str(p.relative_to(d)): (p.read_bytes() if p.is_file() else None) for p in sorted(d.rglob('*'))}


BAD = ['existing file', 'under a file', 'read-only folder', 'new folder in a read-only folder', 'not a path']

@pytest.mark.parametrize('trainer', ['gan', 'progan', 'classifier', 'vae'])
def test_unusable_run_folder_is_refused_before_training(trainer):
    import shutil, tempfile, keras
    from synthview.core import SynthviewError
    train = _trainers()[trainer]
    base = Path(tempfile.mkdtemp(prefix='synthview-run-folder-')); base.chmod(0o755)   # in /tmp: reachable by the unprivileged user
    (base/'notes.txt').write_text('mine')
    ro = base/'readonly'; ro.mkdir(); (ro/'kept.txt').write_text('kept'); ro.chmod(0o555)
    runs = dict(zip(BAD, [base/'notes.txt', base/'notes.txt'/'run', ro, ro/'run', 42]))
    class Began(keras.callbacks.Callback):
        def on_train_begin(self, logs=None): raise AssertionError('training started')
    before, clear = _tree(base), []
    try:
        for what, run in runs.items():
            with _unprivileged():
                try: train(run, [Began()]); raise AssertionError(f'{trainer}: {what}: no error')
                except SynthviewError as e: msg = str(e)
            assert msg.startswith('run_dir: expected'), (what, msg)
            assert _tree(base) == before, f'{trainer}: {what}: files changed'            # nothing partial left
            clear.append(what)
    finally: ro.chmod(0o755); shutil.rmtree(base)
    assert clear == BAD
