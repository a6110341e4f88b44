"""A classifier at 224 x 224 x 3 guides a generator at its own 28 x 28 x 1 through the `Classifier` adapter (which resizes
and repeats the channel), for one compiled WGANGP step. The classifier here is small and random (a strided convolution
and a dense layer over the flattened 14 x 14 map, so it takes 224-pixel images and nothing else); the ResNet-50-size
measurement is benchmarks/large_classifier.py."""
import numpy as np
import pytest

SIZE, BIG, B = 28, 224, 4


@pytest.fixture(scope='module')
def parts():
    import keras
    from synthview.classifier import Classifier
    keras.utils.set_random_seed(0)
    inp = keras.Input((BIG, BIG, 3))
    h = keras.layers.Conv2D(2, 16, strides=16, activation='relu')(inp)                   # 224 -> 14 x 14 x 2
    net = keras.Model(inp, keras.layers.Dense(3, name='logits')(keras.layers.Flatten(name='features')(h)), name='big224')
    return Classifier(net, ['a', 'b', 'c'], output='logits')


def _gan(clf, weight):
    import keras
    from synthview.gan import WGANGP, build_generator, build_critic
    keras.utils.set_random_seed(0)
    gan = WGANGP(build_generator((SIZE, SIZE, 1), latent_dim=8, widths=(16, 8)), build_critic((SIZE, SIZE, 1), widths=(8, 16)),
                 classifier=clf, target='b', n_critic=1, guidance_weight=weight, guidance_augment=False, seed=0)
    gan.compile()
    return gan


def test_adapter_resizes_for_the_224_classifier(parts):
    import tensorflow as tf
    clf = parts
    assert (clf.input_size, clf.channels) == ((BIG, BIG), 3)
    x = np.random.default_rng(0).uniform(-1, 1, (B, SIZE, SIZE, 1)).astype('float32')
    assert tuple(clf.prepare(x).shape) == (B, BIG, BIG, 3)
    with pytest.raises(Exception):                       # the model itself takes 224-pixel images only
        clf.model(x)
    p = clf.probs(x)
    np.testing.assert_allclose(p.sum(1), 1, atol=1e-5)
    want = tf.nn.softmax(clf.model(tf.image.resize(tf.tile(x, [1, 1, 1, 3]), (BIG, BIG), antialias=True))).numpy()
    np.testing.assert_allclose(p, want, atol=1e-5)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt); nll = -tf.reduce_sum(clf.log_probs(xt)[:, 1])
    g = tape.gradient(nll, xt).numpy()                   # back through the resize to the 28-pixel images
    assert g.shape == x.shape and np.isfinite(g).all() and np.abs(g).max() > 0


def test_one_guided_step_through_the_adapter(parts):
    "One compiled step, guided (weight 3) and watch-only (weight 0) from the same start: the critics agree, the generators do not."
    import tensorflow as tf
    real = np.random.default_rng(1).uniform(-1, 1, (2 * B, SIZE, SIZE, 1)).astype('float32')
    ds = tf.data.Dataset.from_tensor_slices(real).batch(B, drop_remainder=True)
    runs = {}
    for w in (3.0, 0.0):
        gan = _gan(parts, w)
        g0 = [v.numpy().copy() for v in gan.generator.weights]
        hist = gan.fit(ds.take(1), epochs=1, verbose=0).history
        runs[w] = (g0, [v.numpy() for v in gan.generator.weights], [v.numpy() for v in gan.critic.weights], hist)
    (g0, g3, c3, h3), (g0b, g0w, c0, h0) = runs[3.0], runs[0.0]
    assert all(np.array_equal(a, b) for a, b in zip(g0, g0b))                          # the same start
    assert all(np.array_equal(a, b) for a, b in zip(c3, c0))                           # the critic's step does not see the guide
    assert any(not np.allclose(a, b) for a, b in zip(g0, g3))                          # the generator moved
    assert max(float(np.abs(a - b).max()) for a, b in zip(g3, g0w)) > 1e-7            # and the guide moved it differently
    assert h3['guidance_scale'][0] > 0 and h0['guidance_scale'][0] == 0
    for h in (h3, h0):
        assert all(np.isfinite(h[k][0]) for k in ('critic_loss', 'generator_loss', 'guidance_loss', 'target_prob'))
        assert 0 < h['target_prob'][0] < 1
