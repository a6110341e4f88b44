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
