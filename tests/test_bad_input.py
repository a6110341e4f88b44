"""Bad input across data, classifier and generation sources: each case raises a SynthviewError whose message says what was expected and what came."""
import gzip, re
from pathlib import Path
import numpy as np
import pytest
from synthview.core import SynthviewError
from synthview.data import ImageDataset, load_image_folder, load_fashion_mnist
from synthview.classifier import Classifier, build_classifier, train_classifier, load_classifier, evaluate_classifier
from synthview.generate import as_source

X = np.random.default_rng(0).integers(0, 256, (6, 8, 8, 1), dtype=np.uint8)
Y = np.array([0, 1, 2, 0, 1, 2])
NAMES = ['a', 'b', 'c']

def folder(tmp_path, classes=('cat', 'dog'), sizes=((8, 8), (8, 8)), junk=None):
    from PIL import Image
    for c in classes:
        (tmp_path/c).mkdir(parents=True, exist_ok=True)
        for i, s in enumerate(sizes): Image.fromarray(np.zeros((*s, 3), np.uint8)).save(tmp_path/c/f'{i}.png')
    if junk: (tmp_path/classes[0]/junk[0]).write_bytes(junk[1])
    return tmp_path

def tiny_model(n=3): return build_classifier((8, 8, 1), n, widths=(4,), dense=8)

CASES = {
    'images with the wrong dtype': lambda t: ImageDataset(X.astype(np.float32), Y, NAMES),
    'images with 2 channels': lambda t: ImageDataset(np.repeat(X, 2, -1), Y, NAMES),
    'images without a batch axis': lambda t: ImageDataset(X[0], Y[:1], NAMES),
    'fewer labels than images': lambda t: ImageDataset(X, Y[:4], NAMES),
    'labels out of range': lambda t: ImageDataset(X, Y + 1, NAMES),
    'negative labels': lambda t: ImageDataset(X, Y - 1, NAMES),
    'empty dataset': lambda t: ImageDataset(X[:0], Y[:0], NAMES),
    'duplicate class names': lambda t: ImageDataset(X, Y, ['a', 'b', 'a']),
    'empty folder': lambda t: load_image_folder(t),
    'missing folder': lambda t: load_image_folder(t/'nope'),
    'one class only': lambda t: load_image_folder(folder(t, classes=('only',))),
    'mixed sizes without image_size': lambda t: load_image_folder(folder(t, sizes=((8, 8), (9, 9)))),
    'corrupt image with on_error=raise': lambda t: load_image_folder(folder(t, junk=('x.png', b'\x89PNG garbage')), on_error='raise'),
    'typo in on_error': lambda t: load_image_folder(folder(t), on_error='rasie'),
    'fashion-mnist folder without the files': lambda t: load_fashion_mnist(path=t),
    'more class names than model outputs': lambda t: Classifier(tiny_model(3), ['a', 'b', 'c', 'd']),
    'fewer class names than a callable returns': lambda t: Classifier(lambda x: np.zeros((len(x), 4)), ['a', 'b']).probs(np.zeros((1, 8, 8, 1), np.float32)),
    'uint8 pixels given to a classifier': lambda t: Classifier(tiny_model()).probs(X),
    '0-255 floats given to a classifier': lambda t: Classifier(tiny_model()).probs(X.astype(np.float32)),
    'NaN images given to a classifier': lambda t: Classifier(tiny_model()).probs(np.full((1, 8, 8, 1), np.nan, np.float32)),
    'a file name instead of a model': lambda t: Classifier('model.keras'),
    'typo in output kind': lambda t: Classifier(tiny_model(), output='prob'),
    'bad input range': lambda t: Classifier(tiny_model(), input_range=(1, 0)),
    'model with the wrong number of outputs for the data': lambda t: train_classifier(ImageDataset(X, Y, NAMES), model=tiny_model(2), epochs=1, verbose=0),
    'corrupt .keras file': lambda t: (t/'m.keras').write_bytes(b'no') and load_classifier(t/'m.keras'),
    'evaluating on data with other classes': lambda t: evaluate_classifier(Classifier(tiny_model(2)), ImageDataset(X, Y, NAMES)),
    'features of a callable without layers': lambda t: Classifier(lambda x: np.zeros((len(x), 3))).features(np.zeros((1, 8, 8, 1), np.float32)),
    'classifier input shape without channels': lambda t: build_classifier((28, 28), 10),
    'corrupt generator.keras in a run folder': lambda t: (t/'generator.keras').write_bytes(b'no') and as_source(t),
}

@pytest.mark.parametrize('case', list(CASES))
def test_bad_input_raises_clear_synthview_error(case, tmp_path):
    with pytest.raises(SynthviewError) as e: CASES[case](tmp_path)
    msg = str(e.value)
    assert re.search(r'expected .+, got .+', msg), f"{case}: message does not say expected/got: {msg!r}"
    assert 'Traceback' not in msg and len(msg) < 600, msg

def test_each_case_is_caught_by_its_own_check(tmp_path):
    "No catch-all: every case gets its own message (the temporary folder aside), one that names what was wrong with it."
    msgs = {}
    for i, (case, make) in enumerate(CASES.items()):
        t = tmp_path/str(i); t.mkdir()
        with pytest.raises(SynthviewError) as e: make(t)
        msgs[case] = str(e.value).replace(str(t), '<tmp>')
    shared = {c: m for c, m in msgs.items() if list(msgs.values()).count(m) > 1}
    assert not shared, shared
