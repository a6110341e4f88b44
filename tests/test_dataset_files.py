"""What generate_dataset writes agrees with its readers: Keras' image_dataset_from_directory with its defaults (no
class_names) gives the manifest's labels, also when only some classes were generated; keras_dataset() reads a subset
of classes; a dataset with no image at all still writes its .npz (no raw numpy error, no .partial folder left); and
the TFRecord file is byte-identical between two processes with the same seed (protobuf map order)."""
import os, subprocess, sys, textwrap, warnings
from pathlib import Path
import numpy as np
import pytest

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')

# 8x8 grey images of brightness tanh(z0), and a classifier calling them dark / mid / bright, in an order that is not
# alphabetical (so that Keras' alphabetical numbering of plain name folders would disagree with the classifier)
HELPERS = textwrap.dedent('''
    import numpy as np, tensorflow as tf, keras
    from synthview.classifier import Classifier

    class ToyDecoder:
        latent_dim, name = 2, 'toy_decoder'
        def decode(self, z):
            z = np.asarray(z, np.float32)
            return np.tanh(np.broadcast_to(z[:, :1, None, None], (len(z), 8, 8, 1)) + 0.05 * z[:, 1:2, None, None]).astype(np.float32)

    def toy_classifier(names=('dark', 'mid', 'bright')):
        inp = keras.Input((8, 8, 1))
        m = keras.layers.GlobalAveragePooling2D()(inp)
        out = keras.layers.Lambda(lambda m: tf.concat([-20 * m - 4, 4 - 40 * m ** 2, 20 * m - 4], -1))(m)
        return Classifier(keras.Model(inp, out), list(names), output='logits')
''')
exec(HELPERS)

from synthview.generate import generate_dataset   # noqa: E402


def _keras_labels(ds, root) -> dict:
    ys = np.concatenate([y.numpy() for _, y in ds])
    return {Path(f).relative_to(root).as_posix(): int(y) for f, y in zip(ds.file_paths, ys)}


@pytest.mark.parametrize('classes', [None, ['dark', 'bright']])
def test_keras_defaults_read_the_manifest_labels(classes, tmp_path):
    import keras
    g = generate_dataset(ToyDecoder(), tmp_path/'ds', toy_classifier(), n_per_class=4, classes=classes, verbose=0)
    want = {r['file']: r['label'] for r in g.rows}
    assert _keras_labels(g.keras_dataset(), tmp_path/'ds') == want      # the documented loader, also for a subset of the classes
    plain = keras.utils.image_dataset_from_directory(str(tmp_path/'ds'/'images'), color_mode='grayscale', image_size=(8, 8),
                                                     shuffle=False, verbose=False)   # labels='inferred' with no class_names: Keras' defaults
    assert _keras_labels(plain, tmp_path/'ds') == want                  # Keras' alphabetical order is the classifier's


def test_no_image_at_all_still_writes_an_empty_npz(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')                             # 'got fewer for mid (0 of 3)'
        g = generate_dataset(ToyDecoder(), tmp_path/'ds', toy_classifier(), n_per_class=3, classes=['mid'], min_confidence=0.99999,
                             max_tries=2, npz=True, tfrecord=True, verbose=0)
    assert g.counts == {'mid': 0} and len(g) == 0
    with np.load(tmp_path/'ds'/'dataset.npz', allow_pickle=False) as f:
        assert f['images'].shape == (0, 8, 8, 1) and f['probs'].shape == (0, 3) and f['labels'].shape == (0,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ['ds']     # no .ds.partial left beside it


SCRIPT = HELPERS + textwrap.dedent('''
    import sys
    from synthview.generate import generate_dataset
    generate_dataset(ToyDecoder(), sys.argv[1], toy_classifier(), n_per_class=3, tfrecord=True, verbose=0)
''')


def test_tfrecord_bytes_are_the_same_in_another_process(tmp_path):
    "Protobuf serialises map fields (an Example's features) in an order that changes from process to process unless asked for a deterministic one."
    generate_dataset(ToyDecoder(), tmp_path/'a', toy_classifier(), n_per_class=3, tfrecord=True, verbose=0)
    (tmp_path/'gen.py').write_text(SCRIPT)
    p = subprocess.run([sys.executable, str(tmp_path/'gen.py'), str(tmp_path/'b')], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3'))
    assert p.returncode == 0, p.stderr[-3000:]
    a, b = ((tmp_path/d/'dataset.tfrecord').read_bytes() for d in ('a', 'b'))
    assert len(a) > 0 and a == b


def _hf_rows(ds, root) -> dict:
    "file (relative to the dataset folder) -> example, for a Hugging Face dataset (its image column left undecoded)."
    import datasets
    ds = ds.cast_column('image', datasets.Image(decode=False))
    return {Path(r['image']['path']).resolve().relative_to(Path(root).resolve()).as_posix(): r for r in ds}


def test_hugging_face_imagefolder_reads_the_export(tmp_path, monkeypatch):
    "Hugging Face `datasets` (in the dev extra: never skipped) reads images/ from its metadata.jsonl and the whole folder as a Hub repository."
    monkeypatch.setenv('HF_HUB_OFFLINE', '1'); monkeypatch.setenv('HF_DATASETS_OFFLINE', '1')
    import datasets
    from PIL import Image
    g = generate_dataset(ToyDecoder(), tmp_path/'ds', toy_classifier(), n_per_class=4, classes=['dark', 'bright'], frontier_pairs='dark:mid',
                         n_frontier=3, verbose=0)
    d, cache = tmp_path/'ds', str(tmp_path/'hf')
    cls = {r['file']: r for r in g.rows if r['kind'] == 'class'}
    fr = {r['file']: r for r in g.rows if r['kind'] == 'frontier'}
    assert len(cls) == 8 and len(fr) > 0 and {r['label'] for r in cls.values()} == {0, 2}     # a subset: 01_mid is empty
    # imagefolder pointed at images/: rows from metadata.jsonl (labels the classifier's indices, not folder names), no frontier image
    a = datasets.load_dataset('imagefolder', data_dir=str(d/'images'), split='train', cache_dir=cache)
    got = _hf_rows(a, d)
    assert set(got) == set(cls)
    for f, e in got.items():
        r = cls[f]
        assert (e['label'], e['class_name'], e['latent_seed'], e['confidence'], e['probs']) == (r['label'], r['class_name'], r['latent_seed'], r['confidence'], r['probs'])
    e = a[0]
    assert np.array_equal(np.asarray(e['image']), np.asarray(Image.open(d/'images'/a.cast_column('image', datasets.Image(decode=False))[0]['image']['path'])))
    # the folder as a Hub repository: the card's YAML picks the configurations; label is a ClassLabel over every class, in class order
    b = datasets.load_dataset(str(d), split='train', cache_dir=cache)
    assert b.features['label'].names == g.class_names == ['dark', 'mid', 'bright']
    got = _hf_rows(b, d)
    assert set(got) == set(cls)
    assert all(e['label'] == cls[f]['label'] and b.features['label'].int2str(e['label']) == cls[f]['class_name'] for f, e in got.items())
    c = datasets.load_dataset(str(d), 'frontier', split='train', cache_dir=cache)
    got = _hf_rows(c, d)
    assert set(got) == set(fr) and c.features['class_b'].names == g.class_names
    assert all((e['class_a'], e['class_b'], e['t'], e['latent_seed_b']) == (fr[f]['class_a'], fr[f]['class_b'], fr[f]['t'], fr[f]['latent_seed_b']) for f, e in got.items())


def test_keras_dataset_without_the_empty_class_folders(tmp_path):
    "Empty folders do not survive git, most zip tools or a Hub upload: keras_dataset() still gives the classifier's indices, and one-hot over every class."
    import shutil
    g = generate_dataset(ToyDecoder(), tmp_path/'ds', toy_classifier(), n_per_class=3, classes=['mid', 'bright'], verbose=0)
    (tmp_path/'ds'/'images'/'00_dark').rmdir()
    shutil.copytree(tmp_path/'ds', tmp_path/'copy')
    from synthview.generate import load_generated
    g2 = load_generated(tmp_path/'copy')
    want = {r['file']: r['label'] for r in g.rows}
    assert _keras_labels(g2.keras_dataset(), tmp_path/'copy') == want
    xy = [(x.numpy(), y.numpy()) for x, y in g2.keras_dataset(batch_size=2, shuffle=True, seed=1)]   # shuffled: each image keeps its label
    x, y = np.concatenate([a for a, _ in xy]), np.concatenate([b for _, b in xy])
    assert sorted(y.tolist()) == [1, 1, 1, 2, 2, 2] and (toy_classifier().probs(x / 127.5 - 1).argmax(1) == y).all()
    cat = g2.keras_dataset(label_mode='categorical')
    ys = np.concatenate([y.numpy() for _, y in cat])
    assert ys.shape == (6, 3) and {Path(f).relative_to(tmp_path/'copy').as_posix(): int(y) for f, y in zip(cat.file_paths, ys.argmax(1))} == want
    tr, va = g2.keras_dataset(validation_split=0.5, subset='both', seed=0)
    assert {**_keras_labels(tr, tmp_path/'copy'), **_keras_labels(va, tmp_path/'copy')} == want and tr.class_names == g.folders
    (tmp_path/'copy'/'images'/'02_bright'/'extra.png').write_bytes((tmp_path/'copy'/g.rows[-1]['file']).read_bytes())
    from synthview.core import DataError
    with pytest.raises(DataError, match='the 6 class images the manifest lists'):
        g2.keras_dataset()
