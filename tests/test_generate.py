"""Synthetic datasets on disk (synthview.generate): Keras reads them back with the right labels and counts, the manifest
matches the files, a generation killed with SIGKILL resumes without duplicates or partial files, and class names
cannot make files escape the dataset folder."""
import json, os, signal, subprocess, sys, textwrap, time
from pathlib import Path
import numpy as np
import pytest

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

# A toy world shared with the subprocesses: 2-D codes -> 8x8 grey images of brightness tanh(z0); a classifier calling
# them dark / mid / bright. `delay` slows decoding down so that a run can be killed in the middle.
HELPERS = textwrap.dedent('''
    import time
    import numpy as np, tensorflow as tf, keras
    from synthview.classifier import Classifier

    class ToyDecoder:
        latent_dim, name = 2, 'toy_decoder'
        def __init__(self, delay=0.0): self.delay = delay
        def decode(self, z):
            if self.delay: time.sleep(self.delay)
            z = np.asarray(z, np.float32)
            x = np.tanh(z[:, :1, None, None] + 0.3 * np.sin(np.arange(8.0))[None, None, :, None] * z[:, 1:2, None, None])
            return np.broadcast_to(x, (len(z), 8, 8, 1)).astype(np.float32)

    def toy_classifier(names=('dark', 'mid', 'bright')):
        inp = keras.Input((8, 8, 1))
        m = keras.layers.GlobalAveragePooling2D()(inp)
        out = keras.layers.Lambda(lambda m: tf.concat([-20 * m - 4, 4 - 40 * m ** 2, 20 * m - 4], -1))(m)
        return Classifier(keras.Model(inp, out), list(names), output='logits')
''')
exec(HELPERS)

from synthview.generate import generate_dataset, load_generated, read_manifest_csv   # noqa: E402


def _pngs(d): return sorted(p.relative_to(d).as_posix() for p in Path(d).rglob('*.png'))


@pytest.fixture(scope='module')
def toy():
    return ToyDecoder(), toy_classifier()


def test_keras_reads_the_dataset_back(toy, tmp_path):
    import keras
    dec, clf = toy
    g = generate_dataset(dec, tmp_path/'ds', clf, n_per_class=12, frontier_pairs='dark:mid', n_frontier=5, verbose=0)
    # with the manifest's folder order, Keras' labels are the classifier's class indices
    ds = keras.utils.image_dataset_from_directory(str(tmp_path/'ds'/'images'), class_names=g.folders, color_mode='grayscale',
                                                  image_size=(8, 8), shuffle=False, batch_size=8)
    labels = np.concatenate([y.numpy() for _, y in ds])
    assert np.bincount(labels).tolist() == [12, 12, 12]
    want = {r['file']: r['label'] for r in g.rows if r['kind'] == 'class'}
    got = {Path(f).relative_to(tmp_path/'ds').as_posix(): int(y) for f, y in zip(ds.file_paths, labels)}
    assert got == want                                          # every file with its intended class, none left out, no frontier image
    # Keras' own alphabetical numbering agrees through ds.class_names
    ds2 = keras.utils.image_dataset_from_directory(str(tmp_path/'ds'/'images'), color_mode='grayscale', image_size=(8, 8), shuffle=False)
    names = ds2.class_names
    got2 = {Path(f).relative_to(tmp_path/'ds').as_posix(): g.folders.index(names[int(y)])
            for f, y in zip(ds2.file_paths, np.concatenate([y.numpy() for _, y in ds2]))}
    assert got2 == want
    # the pixels Keras reads are the ones the classifier was asked about
    x = np.concatenate([x.numpy() for x, _ in ds]).astype(np.float32) / 127.5 - 1
    p = clf.probs(x)
    assert (p.argmax(1) == labels).all() and (p[np.arange(len(p)), labels] >= 0.9 - 1e-3).all()


def test_manifest_matches_the_files(toy, tmp_path):
    dec, clf = toy
    g = generate_dataset(dec, tmp_path/'ds', clf, total=20, classes=['dark', 'bright'], frontier_pairs=[('dark', 'mid')], n_frontier=4,
                         npz=True, verbose=0)
    d = tmp_path/'ds'
    assert sorted(p.name for p in d.iterdir()) == ['README.md', 'dataset.npz', 'frontier', 'images', 'manifest.csv', 'manifest.json']
    files = [r['file'] for r in g.rows]
    assert len(files) == len(set(files)) == len(_pngs(d)) and sorted(files) == _pngs(d)
    csv_rows = read_manifest_csv(d/'manifest.csv')
    assert [r['file'] for r in csv_rows] == files
    json_rows = json.loads((d/'manifest.json').read_text())['rows']
    for c, j in zip(csv_rows, json_rows):
        assert (c['kind'], c['label'], c['class_name'], c['latent_seed']) == (j['kind'], j['label'], j['class_name'], j['latent_seed'])
        assert np.allclose(c['probs'], j['probs'])
    m = g.manifest
    assert m['counts'] == {'dark': 10, 'bright': 10} and sum(r['kind'] == 'frontier' for r in g.rows) == m['frontier']['dark | mid'] > 0
    for r in g.rows:
        assert abs(sum(r['probs']) - 1) < 1e-4 and r['source'] == 'toy_decoder'
        if r['kind'] == 'class':
            assert r['file'].startswith(f"images/{g.folders[r['label']]}/") and r['confidence'] == pytest.approx(r['probs'][r['label']])
            assert r['confidence'] >= 0.9 and int(np.argmax(r['probs'])) == r['label']
        else:
            assert r['file'].startswith('frontier/dark__mid/') and abs(r['probs'][0] - r['probs'][1]) <= 0.02
    # the recorded latent seed reproduces the image: decode it again and compare with the PNG
    from PIL import Image
    from synthview.gan import latents_from_seeds
    for r in [r for r in g.rows if r['kind'] == 'class'][:6]:
        x = dec.decode(latents_from_seeds([r['latent_seed']], 2))
        png = np.asarray(Image.open(d/r['file']), np.float32) / 127.5 - 1
        assert np.abs(png - x[0, ..., 0]).max() <= 1 / 127.5 + 1e-6
    with np.load(d/'dataset.npz', allow_pickle=False) as f:
        assert list(f['files']) == files and f['images'].shape == (len(files), 8, 8, 1)
    assert load_generated(d).rows == g.rows


SCRIPT = HELPERS + textwrap.dedent('''
    import sys, warnings
    from synthview.generate import generate_dataset
    out, delay = sys.argv[1], float(sys.argv[2])
    generate_dataset(ToyDecoder(delay), out, toy_classifier(), n_per_class=60, batch_size=8, frontier_pairs='dark:mid,mid:bright',
                     n_frontier=6, npz=True, tfrecord=True, verbose=0)
    print('done')
''')


def _run(script, *args, env):
    return subprocess.Popen([sys.executable, str(script), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_killed_generation_resumes_without_duplicates_or_partial_files(tmp_path):
    script = tmp_path/'gen.py'; script.write_text(SCRIPT)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3')
    # the reference: one uninterrupted run (in this process: the same code, the same numbers)
    ref_rows = generate_dataset(ToyDecoder(), tmp_path/'ref', toy_classifier(), n_per_class=60, batch_size=8, frontier_pairs='dark:mid,mid:bright',
                                n_frontier=6, verbose=0).rows
    # the same run, killed with SIGKILL three times at different moments, then finished
    out, partial = tmp_path/'ds', tmp_path/'.ds.partial'
    kills = 0
    for wait_rows in (5, 40, 110):
        p = _run(script, out, 0.05, env=env)
        try:
            t0 = time.time()
            while time.time() - t0 < 90 and p.poll() is None:
                st = partial/'state.json'
                try: n = len(json.loads(st.read_text())['rows']) if st.is_file() else 0
                except (OSError, ValueError): n = 0
                if n >= wait_rows: break
                time.sleep(0.02)
            time.sleep(0.03 * kills)                               # somewhere inside the next batch
            if p.poll() is None: p.send_signal(signal.SIGKILL); kills += 1
        finally:
            if p.poll() is None: p.kill()
            p.wait(timeout=30)
        assert not out.exists() and partial.is_dir()               # killed: nothing at the destination, the work in progress kept
    assert kills == 3
    p = _run(script, out, 0.0, env=env)
    assert p.wait(timeout=120) == 0, p.stderr.read()[-3000:]
    assert not partial.exists()
    rows = json.loads((out/'manifest.json').read_text())['rows']
    files = [r['file'] for r in rows]
    assert len(files) == len(set(files)), 'duplicate rows'
    assert sorted(files) == _pngs(out), 'files and manifest differ'
    assert [p.name for p in out.rglob('*') if p.name.startswith('.') or p.name.endswith('.tmp')] == [], 'temporary files left'
    from PIL import Image
    for f in files: Image.open(out/f).verify()                      # every PNG is whole
    # exactly what the uninterrupted run made
    assert files == [r['file'] for r in ref_rows]
    for a, b in zip(rows, ref_rows):
        assert (a['label'], a['latent_seed'], a['latent_seed_b']) == (b['label'], b['latent_seed'], b['latent_seed_b'])
        assert np.allclose(a['probs'], b['probs'], atol=1e-5)
    assert (out/'dataset.npz').is_file() and (out/'dataset.tfrecord').is_file()


@pytest.mark.parametrize('names', [('../x', 'a/b', 'x'), ('..', '/etc/passwd', 'C:\\temp\\y'), ('.hidden', 'a b/../../c', 'NUL')])
def test_class_names_stay_inside_the_dataset_folder(names, tmp_path):
    import keras
    base = tmp_path/'inner'/'deeper'
    base.mkdir(parents=True)
    g = generate_dataset(ToyDecoder(), base/'ds', toy_classifier(names), n_per_class=3, verbose=0)
    root = (base/'ds').resolve()
    everything = list(tmp_path.rglob('*'))
    outside = [p for p in everything if p.is_file() and root not in p.resolve().parents]
    assert outside == [], outside
    assert sorted(p.name for p in base.iterdir()) == ['ds']
    folders = sorted(p.name for p in (base/'ds'/'images').iterdir() if p.is_dir())
    assert len(folders) == 3 and all('/' not in f and '\\' not in f and not f.startswith('.') for f in folders)
    assert sorted(g.folders) == folders
    ds = keras.utils.image_dataset_from_directory(str(base/'ds'/'images'), class_names=g.folders, color_mode='grayscale', image_size=(8, 8))
    assert np.bincount(np.concatenate([y.numpy() for _, y in ds])).tolist() == [3, 3, 3]
    assert [r['class_name'] for r in g.rows if r['label'] == 0][0] == names[0]     # the manifest keeps the real names


def test_existing_folder_and_changed_settings_are_refused(toy, tmp_path):
    from synthview.core import DataError
    dec, clf = toy
    generate_dataset(dec, tmp_path/'ds', clf, n_per_class=2, verbose=0)
    with pytest.raises(DataError, match='with the same settings'):
        generate_dataset(dec, tmp_path/'ds', clf, n_per_class=3, verbose=0)
    (tmp_path/'other').mkdir(); (tmp_path/'other'/'mine.txt').write_text('keep me')
    with pytest.raises(DataError, match='a folder that does not exist yet'):
        generate_dataset(dec, tmp_path/'other', clf, n_per_class=2, overwrite=True, verbose=0)
    assert (tmp_path/'other'/'mine.txt').read_text() == 'keep me'
    g = generate_dataset(dec, tmp_path/'ds', clf, n_per_class=3, overwrite=True, verbose=0)
    assert g.counts == {'dark': 3, 'mid': 3, 'bright': 3}


def test_progan_is_a_source(tmp_path):
    "A (guided or conditional) ProGAN is drawn from through its decoder(), with frontier images, like a WGANGP."
    import warnings, keras
    from synthview.progan import ProGAN, ProgressiveGenerator, ProgressiveCritic
    from synthview.classifier import Classifier
    keras.utils.set_random_seed(0)
    clf = Classifier(keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Flatten(), keras.layers.Dense(3)]), ['a', 'b', 'c'], output='logits')
    for cond in (False, True):
        pg = ProGAN(ProgressiveGenerator((16, 16, 1), 8, n_classes=3 if cond else None), ProgressiveCritic((16, 16, 1)), classifier=clf,
                    conditional=cond, target=None if cond else ['a', 'b'])
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')                      # an untrained model may not reach every class
            g = generate_dataset(pg, tmp_path/f"ds{int(cond)}", n_per_class=3, min_confidence=0, max_tries=20, frontier_pairs='a:b',
                                 n_frontier=2, verbose=0)
        assert g.manifest['config']['source_kind'] == ('conditional' if cond else 'sorted') and 'ProGAN' in g.manifest['source']
        assert set(g.counts) == ({'a', 'b', 'c'} if cond else {'a', 'b'})
        assert all(int(np.argmax(r['probs'])) == r['label'] for r in g.rows if r['kind'] == 'class')
        assert sorted(r['file'] for r in g.rows) == _pngs(tmp_path/f"ds{int(cond)}")
