"""train_vae resumes from its backup after an interruption, and a torn newest backup (cut mid-file) falls back to the
previous good one with a warning instead of dying with a raw OSError, keeping one CSV log row per epoch although an
epoch ran twice; when no backup can be read the error is a SynthviewError that says what to do."""
import os, warnings
import numpy as np
import pytest

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')

X = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype(np.float32)


def _kw(run):
    return dict(latent_dim=2, widths=(4,), hidden=8, batch_size=16, run_dir=run, verbose=0)


def _interrupted(run, at=2):
    "train_vae stopped when epoch `at` begins (epochs 1 .. at backed up), as a kill would leave it."
    import keras
    from synthview.vae import train_vae
    class Stop(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == at: raise RuntimeError('killed')
    with pytest.raises(RuntimeError, match='killed'): train_vae(X, epochs=4, callbacks=[Stop()], **_kw(run))
    return run/'backup'


def _cut(f): f.write_bytes(f.read_bytes()[:f.stat().st_size // 2])


def test_torn_backup_falls_back_to_the_previous_one(tmp_path):
    from synthview.vae import train_vae
    backup = _interrupted(tmp_path/'run')
    _cut(max(backup.glob('*.weights.h5'), key=lambda p: p.stat().st_mtime_ns))   # the newest backup, torn
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        vae, hist = train_vae(X, epochs=4, **_kw(tmp_path/'run'))
    assert len(hist['loss']) == 3                                  # epochs 2 to 4: one epoch lost, not the run
    assert any('resuming from the backup of epoch 1 instead' in str(m.message) for m in w)
    assert np.isfinite(vae.decode(np.zeros((2, 2), np.float32))).all()
    assert sorted(p.name for p in (tmp_path/'run').iterdir()) == ['config.json', 'log.csv', 'tensorboard', 'vae.keras']
    log = (tmp_path/'run'/'log.csv').read_text().splitlines()
    assert [int(l.split(',')[0]) for l in log[1:]] == [0, 1, 2, 3]      # epoch 2 (index 1) ran twice, its row is there once


def test_no_readable_backup_is_a_clear_error(tmp_path):
    from synthview.core import DataError
    from synthview.vae import train_vae
    backup = _interrupted(tmp_path/'run')
    for f in backup.glob('*.weights.h5'): _cut(f)
    with pytest.raises(DataError, match='expected a readable backup to resume from'):
        train_vae(X, epochs=4, **_kw(tmp_path/'run'))
