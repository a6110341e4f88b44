"""Any classifier where no gradient is needed (issue 18, item 1): a NumPy-only function (NumPy images in, NumPy scores
out, its input range, size and output kind declared) runs every forward-only tool and gives what the same classifier
written in Keras gives; the gradient tools refuse it with an error that names the alternatives; a non-TensorFlow Keras
backend is refused at import."""
import os, subprocess, sys
import numpy as np
import pytest
from conftest import ROOT

SIZE, D = 16, 4
CALLS = []


def numpy_halves(x):
    "'left' when the left half is brighter, as a NumPy function taking uint8-range floats; it refuses anything but a NumPy batch."
    assert type(x) is np.ndarray and x.dtype == np.float32 and x.shape[1:] == (SIZE, SIZE, 1), (type(x), getattr(x, 'shape', None))
    assert x.min() >= -1e-3 and x.max() <= 255 + 1e-3, (x.min(), x.max())   # the adapter converted the canonical range
    CALLS.append(len(x))
    c = x.astype(np.float64) / 127.5 - 1                                      # back to canonical, as the Keras twin reads it
    m = np.stack([c[:, :, :SIZE // 2].mean((1, 2, 3)), c[:, :, SIZE // 2:].mean((1, 2, 3))], 1)
    return m @ np.array([[8., -8.], [-8., 8.]])                               # logits, float64


@pytest.fixture(scope='module')
def setup():
    import keras
    from synthview.classifier import Classifier
    from synthview.gan import GeneratorDecoder
    from _gan_helpers import toy_classifier
    np_clf = Classifier(numpy_halves, ['left', 'right'], input_range='uint8', input_size=(SIZE, SIZE), channels=1, output='logits')
    # a decoder whose left half is tanh(z0) and right half tanh(z1): the frontier is z0 = z1, known in closed form
    w = np.zeros((D, SIZE, SIZE, 1), np.float32); w[0, :, :SIZE // 2] = 1; w[1, :, SIZE // 2:] = 1
    z = keras.Input((D,))
    gen = keras.Model(z, keras.layers.Reshape((SIZE, SIZE, 1))(keras.layers.Dense(SIZE * SIZE, activation='tanh', name='dense')(z)),
                      name='halves_generator')
    gen.get_layer('dense').set_weights([w.reshape(D, -1), np.zeros(SIZE * SIZE, np.float32)])
    return np_clf, toy_classifier(SIZE), GeneratorDecoder(gen)


def test_adapter_reads_the_callable_as_forward_only(setup):
    np_clf, keras_clf, dec = setup
    assert np_clf.differentiable is False and keras_clf.differentiable is True
    x = dec.decode(np.random.default_rng(0).normal(size=(6, D)).astype(np.float32))
    np.testing.assert_allclose(np_clf.probs(x), keras_clf.probs(x), atol=1e-5)
    import tensorflow as tf
    lp = tf.function(np_clf.log_probs)(tf.constant(x))                       # inside a compiled function (tf.numpy_function)
    np.testing.assert_allclose(lp.numpy(), keras_clf.log_probs(x).numpy(), atol=1e-4)


def test_frontier_walk_and_class_map(setup):
    from synthview.latent import find_frontier, walk_to_boundary, class_map, plane_through, latent_probe
    np_clf, keras_clf, dec = setup
    r = np.random.default_rng(1)
    z_a, z_b = r.normal(size=(6, D)).astype(np.float32), r.normal(size=(6, D)).astype(np.float32)
    z_a[:, 0], z_a[:, 1], z_b[:, 0], z_b[:, 1] = 1.5, -1.5, -1.5, 1.5     # A: left brighter, B: right brighter
    n0 = len(CALLS)
    fr = find_frontier(dec, np_clf, z_a, z_b, tol=0.01)
    assert len(CALLS) > n0                                                   # the NumPy function itself was asked
    assert latent_probe(dec, np_clf).compiled is True                        # through tf.numpy_function, not the eager fallback
    assert fr.n_found == 6 and (fr.gap <= 0.01).all()
    np.testing.assert_allclose(np.tanh(fr.z[:, 0]), np.tanh(fr.z[:, 1]), atol=0.01)   # on z0 = z1, where the halves are equal
    ref = find_frontier(dec, keras_clf, z_a, z_b, tol=0.01)
    np.testing.assert_allclose(fr.z, ref.z, atol=1e-3); np.testing.assert_allclose(fr.probs, ref.probs, atol=1e-3)

    z0 = np.array([1.0, -1.0, 0, 0], np.float32)
    wk = walk_to_boundary(dec, np_clf, z0, n_directions=6, seed=0)
    assert wk.start_class == 0 and wk.found.any() and (wk.into[wk.found] == 1).all()
    c = wk.crossing[wk.found]
    np.testing.assert_allclose(np.tanh(c[:, 0]), np.tanh(c[:, 1]), atol=0.01)
    wref = walk_to_boundary(dec, keras_clf, z0, n_directions=6, seed=0)
    np.testing.assert_array_equal(wk.status, wref.status); np.testing.assert_allclose(wk.distance, wref.distance, atol=1e-3)

    plane = plane_through(np.zeros(D, np.float32), np.eye(D, dtype=np.float32)[0], np.eye(D, dtype=np.float32)[1])
    cm = class_map(dec, np_clf, plane, resolution=9, thumbnails=0)
    cref = class_map(dec, keras_clf, plane, resolution=9, thumbnails=0)
    uu, vv = np.meshgrid(cm.u, cm.v)                                        # z0 = u, z1 = v: 'left' where tanh(u) > tanh(v)
    off = np.abs(uu - vv) > 1e-6
    np.testing.assert_array_equal(cm.predicted[off], (vv > uu)[off].astype(int))
    np.testing.assert_array_equal(cm.predicted, cref.predicted); np.testing.assert_allclose(cm.probs, cref.probs, atol=1e-4)


def test_gallery_of_a_trained_gan_and_the_metrics(setup, tmp_path):
    import keras
    from synthview.gan import WGANGP, build_generator, build_critic
    from synthview.gallery import EpochGallery, load_gallery
    from synthview.metrics import hit_rate, oracle_agreement
    from _gan_helpers import toy_data, TINY
    np_clf, keras_clf, _ = setup
    keras.utils.set_random_seed(0)
    gan = WGANGP(build_generator((SIZE, SIZE, 1), TINY['latent_dim'], widths=TINY['generator_widths']),
                 build_critic((SIZE, SIZE, 1), widths=TINY['critic_widths']), n_critic=1, seed=0)
    gan.compile()
    data = toy_data(32, SIZE)
    gan.fit(data.to_tf(16, shuffle=False).map(lambda x, y: x), epochs=1, verbose=0, shuffle=False)   # a tiny trained GAN
    gal = EpochGallery(tmp_path/'run', classifier=np_clf, seeds=24, threshold=0.0)
    gal.set_model(gan); gal.on_train_begin()
    rec = gal.collect(1); gal.on_epoch_end(0)
    ref = EpochGallery(classifier=keras_clf, oracle=np_clf, seeds=24, threshold=0.0); ref.set_model(gan)   # and as the oracle
    want = ref.collect(1)
    assert want['oracle'] == 'numpy_halves' and want['oracle_agreement'] == [1.0, 1.0], want['oracle_agreement']
    assert sum(rec['n_generated']) == 48 and sum(rec['accepted']) == 24      # two classes, every image assigned to one
    np.testing.assert_array_equal(rec['seeds'], want['seeds']); np.testing.assert_array_equal(rec['classes'], want['classes'])
    np.testing.assert_allclose(rec['all_probs'], want['all_probs'], atol=1e-5)
    assert load_gallery(tmp_path/'run').records[0]['accepted'] == rec['accepted']

    x = gan.decoder().decode(np.random.default_rng(2).normal(size=(20, TINY['latent_dim'])).astype(np.float32))
    want_left = (keras_clf.predict(x) == 0).mean()
    h, href = hit_rate(np_clf, x, labels=0, threshold=0.5, floor=False), hit_rate(keras_clf, x, labels=0, threshold=0.5, floor=False)
    assert h['hit_rate'] == href['hit_rate'] == want_left and 0 < want_left < 1
    a = oracle_agreement(keras_clf, x, oracle=np_clf, labels=0, threshold=0.5, floor=False)
    b = oracle_agreement(np_clf, x, oracle=keras_clf, labels=0, threshold=0.5, floor=False)
    assert a['oracle_agreement'] == 1.0 and b['oracle_agreement'] == 1.0     # the same function in two frameworks agrees with itself


def test_generate_dataset(setup, tmp_path):
    from PIL import Image
    from synthview.generate import generate_dataset
    np_clf, keras_clf, dec = setup
    ds = generate_dataset(dec, tmp_path/'np', np_clf, n_per_class=5, min_confidence=0.9, frontier_pairs=[('left', 'right')],
                          n_frontier=3, frontier_tol=0.02, batch_size=32, verbose=0)
    ref = generate_dataset(dec, tmp_path/'keras', keras_clf, n_per_class=5, min_confidence=0.9, frontier_pairs=[('left', 'right')],
                           n_frontier=3, frontier_tol=0.02, batch_size=32, verbose=0, oracle=np_clf, oracle_threshold=0.9)
    assert ref.oracle == 'numpy_halves' and all(v['oracle_agreement'] == 1.0 for v in ref.acceptance.values()), ref.acceptance
    assert ds.counts == ref.counts and ds.counts['left'] == 5 and ds.counts['right'] == 5, ds.counts
    key = lambda r: (r['file'], r['label'], r['kind'], r['latent_seed'])
    assert [key(r) for r in ds.rows] == [key(r) for r in ref.rows]
    np.testing.assert_allclose([r['confidence'] for r in ds.rows], [r['confidence'] for r in ref.rows], atol=1e-5)
    assert sum(r['kind'] == 'frontier' for r in ds.rows) > 0
    for r in ds.rows:                                                        # every kept image, read back, is what it says
        if r['kind'] == 'frontier': continue
        p = np_clf.probs(np.asarray(Image.open(tmp_path/'np'/r['file']), np.float32)[None, ..., None] / 127.5 - 1)[0]
        assert p.argmax() == r['label'] and p.max() >= 0.85                 # (PNG rounding moves p a little)


def test_gradient_tools_refuse_it_with_the_alternatives(setup):
    from synthview.core import ArgumentError
    from synthview import attribution
    np_clf, keras_clf, dec = setup
    assert keras_clf.require_gradients('saliency', (SIZE, SIZE, 1)) is keras_clf
    with pytest.raises(ArgumentError, match=r"guidance: expected a classifier TensorFlow can differentiate.*'numpy_halves', a forward-only callable.*rebuild it as a Keras model, or use the forward-only tools"):
        np_clf.require_gradients('guidance', (SIZE, SIZE, 1))
    x = dec.decode(np.zeros((2, D), np.float32))
    for tool in (attribution.saliency, attribution.integrated_gradients):       # refused already, before any gradient is used
        with pytest.raises(ArgumentError, match='TensorFlow can differentiate'): tool(np_clf, x)


# Every gradient tool calls `clf.require_gradients(what, shape)` first (issue 18, item 1), so a forward-only classifier
# is refused with a message that names the alternative.
NAMES_ALTERNATIVE = 'use the forward-only tools'


def test_attribution_names_the_alternative(setup):
    from synthview import attribution
    np_clf, _, dec = setup
    with pytest.raises(Exception, match=NAMES_ALTERNATIVE): attribution.saliency(np_clf, dec.decode(np.zeros((2, D), np.float32)))


def test_guided_gan_refuses_a_forward_only_guide(setup):
    from synthview.gan import WGANGP, build_generator, build_critic
    from _gan_helpers import TINY
    np_clf, _, _ = setup
    with pytest.raises(Exception, match=NAMES_ALTERNATIVE):
        WGANGP(build_generator((SIZE, SIZE, 1), TINY['latent_dim'], widths=TINY['generator_widths']),
               build_critic((SIZE, SIZE, 1), widths=TINY['critic_widths']), classifier=np_clf, target=0)


def test_optimize_counterfactuals_refuses_a_forward_only_classifier(setup):
    from synthview.latent import optimize_counterfactuals
    from synthview.vae import build_vae
    from _gan_helpers import toy_data
    np_clf, _, _ = setup
    x = toy_data(4, SIZE).images[:2].astype(np.float32) / 127.5 - 1
    with pytest.raises(Exception, match=NAMES_ALTERNATIVE): optimize_counterfactuals(build_vae((SIZE, SIZE, 1), latent_dim=D), np_clf, x, [1, 0], steps=2, rounds=1)


MESSAGE = "synthview needs Keras' TensorFlow backend, got 'jax': unset KERAS_BACKEND or set KERAS_BACKEND=tensorflow"


def _import_under_jax(code):
    env = {k: v for k, v in os.environ.items() if k not in ('IN_TEST',)}
    env.update(KERAS_BACKEND='jax', TF_CPP_MIN_LOG_LEVEL='2')
    return subprocess.run([sys.executable, '-c', code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_non_tensorflow_backend_is_refused_in_one_line():
    p = _import_under_jax('import synthview.core')
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 1 and lines[-1].startswith('synthview.core.BackendError: ' + MESSAGE), p.stderr[-2000:]
    assert 'ModuleNotFoundError' not in p.stderr and 'import keras' not in p.stderr, p.stderr[-2000:]   # refused before Keras is imported


def test_every_import_path_is_refused_in_one_line():
    for code in ('import synthview', 'from synthview.classifier import Classifier'):
        p = _import_under_jax(code)
        assert p.returncode == 1 and p.stderr.strip().splitlines()[-1].startswith('synthview.core.BackendError: ' + MESSAGE), (code, p.stderr[-1500:])


def test_compiled_gan_steps_run_a_forward_only_watcher_and_oracle(setup):
    "Watch-only guidance (weight 0) and evaluate()'s oracle run the classifier inside compiled train and test steps."
    from synthview.gan import WGANGP, build_generator, build_critic
    from _gan_helpers import toy_data, TINY
    np_clf, keras_clf, _ = setup
    gan = WGANGP(build_generator((SIZE, SIZE, 1), TINY['latent_dim'], widths=TINY['generator_widths']),
                 build_critic((SIZE, SIZE, 1), widths=TINY['critic_widths']), classifier=np_clf, target='left', guidance_weight=0.0, n_critic=1, seed=0)
    gan.compile()
    ds = toy_data(32, SIZE).to_tf(16, shuffle=False).map(lambda x, y: x)
    n0 = len(CALLS)
    h = gan.fit(ds, epochs=1, verbose=0, shuffle=False).history
    assert len(CALLS) > n0 and 0 <= h['target_share'][-1] <= 1 and np.isfinite(h['critic_loss'][-1])
    gan.classifier, gan.oracle = keras_clf, np_clf
    n0 = len(CALLS)
    ev = gan.evaluate(ds, verbose=0, return_dict=True)
    assert len(CALLS) > n0 and ev['fooling_gap'] == 0.0 and 0 <= ev['oracle_hit_rate'] <= 1   # the oracle is the guide in NumPy
