"""Claims the docs make that each test below would catch breaking (each was checked against a deliberate mutation):
every synthview loader refuses a `.keras` file holding a `Lambda` layer (Keras' safe mode); the gradient penalty is
evaluated at the interpolates (closed form on a quadratic critic); ProGAN fades the real images in from the previous
resolution; ProGAN's generator EMA follows w_ema <- w + beta (w_ema - w); `guidance_from_phase` leaves the generator
update unguided before its phase and guides from it. All on tiny models, no training loop."""
import os
import numpy as np
import pytest

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')


# --- safe mode: a Lambda layer is arbitrary Python code; every loader must refuse it

def _with_lambda(model, name):
    "`model` followed by an identity Lambda layer (a Python lambda: safe mode refuses to deserialise it)."
    import keras
    inputs = [keras.Input(t.shape[1:]) for t in model.inputs]
    out = keras.layers.Lambda(lambda t: t, name='code')(model(inputs if len(inputs) > 1 else inputs[0]))
    return keras.Model(inputs if len(inputs) > 1 else inputs[0], out, name=name)


def _refused(load, path, file=None):
    "`load(path)` raises, naming the Lambda layer; the file loads with safe_mode=False (so safe mode is what refuses it)."
    import keras
    with pytest.raises(Exception) as e: load(path)
    assert 'Lambda' in str(e.value), f"refused for another reason: {e.value!r}"
    keras.saving.load_model(file or path, safe_mode=False, compile=False)
    return e.value


def test_every_loader_refuses_a_lambda_layer(tmp_path):
    import keras
    from synthview.core import SynthviewError
    from synthview.classifier import build_classifier, load_classifier, as_classifier
    from synthview.vae import VAE, build_encoder, build_decoder, save_vae, load_vae
    from synthview.gan import build_generator
    from synthview.gan import load_generator
    from synthview.generate import as_source
    # a classifier
    _with_lambda(build_classifier((8, 8, 1), 3, widths=(4,), dense=8), 'clf').save(tmp_path/'clf.keras')
    assert isinstance(_refused(load_classifier, tmp_path/'clf.keras'), SynthviewError)
    assert isinstance(_refused(as_classifier, tmp_path/'clf.keras'), SynthviewError)
    # a VAE whose decoder holds a Lambda
    vae = VAE(build_encoder((8, 8, 1), 2, widths=(4,), hidden=8), _with_lambda(build_decoder((8, 8, 1), 2, widths=(4,), hidden=8), 'decoder'))
    save_vae(vae, tmp_path/'vae.keras')
    assert isinstance(_refused(load_vae, tmp_path/'vae.keras'), SynthviewError)
    assert isinstance(_refused(as_source, tmp_path/'vae.keras'), SynthviewError)
    # a generator in a run folder
    (tmp_path/'run').mkdir()
    _with_lambda(build_generator((8, 8, 1), 4, widths=(8,)), 'generator').save(tmp_path/'run'/'generator.keras')
    assert isinstance(_refused(load_generator, tmp_path/'run', tmp_path/'run'/'generator.keras'), SynthviewError)
    assert isinstance(_refused(as_source, tmp_path/'run', tmp_path/'run'/'generator.keras'), SynthviewError)


# --- the gradient penalty on a quadratic critic D(x) = |x|^2 / 2: grad D(x_hat) = x_hat, so the penalty is a closed form

def test_gradient_penalty_is_taken_at_the_interpolates():
    import tensorflow as tf
    from synthview.losses import gradient_penalty
    r = np.random.default_rng(0)
    real, fake = r.normal(0, 0.3, (6, 4, 4, 1)).astype(np.float32), r.normal(0, 0.3, (6, 4, 4, 1)).astype(np.float32)
    critic = lambda x, training=True: 0.5 * tf.reduce_sum(tf.square(x), axis=[1, 2, 3])
    norm = lambda x: np.sqrt((x.astype(np.float64) ** 2).sum(axis=(1, 2, 3)))
    for a in (np.zeros(6), np.ones(6), np.array([0.1, 0.2, 0.35, 0.6, 0.8, 0.95])):
        alpha = a.reshape(-1, 1, 1, 1).astype(np.float32)
        x_hat = real + alpha * (fake - real)
        want = np.mean((norm(x_hat) - 1) ** 2)                     # E[(|grad D(x_hat)| - 1)^2], grad D(x_hat) = x_hat
        got = float(gradient_penalty(critic, tf.constant(real), tf.constant(fake), tf.constant(alpha)))
        assert got == pytest.approx(want, rel=1e-4, abs=1e-6), (a, got, want)
    assert abs(np.mean((norm(real) - 1) ** 2) - want) > 1e-2       # the last case tells the interpolates from the real images


# --- ProGAN

def _progan(shape=(16, 16, 1), widths=(8, 8, 8), **kw):
    import keras
    from synthview.progan import ProGAN, ProgressiveGenerator, ProgressiveCritic
    keras.utils.set_random_seed(0)
    return ProGAN(ProgressiveGenerator(shape, 4, widths=widths), ProgressiveCritic(shape, widths=widths), seed=0, **kw)


def _block_mean(x, k):
    "Mean over k x k blocks (numpy, independent of synthview's downsample)."
    n, h, w, c = x.shape
    return x.reshape(n, h // k, k, w // k, k, c).mean(axis=(2, 4))


def test_progan_fades_the_real_images_in_from_the_previous_resolution():
    gan = _progan()
    assert gan.ladder == [4, 8, 16]
    x = np.random.default_rng(0).uniform(-1, 1, (3, 16, 16, 1)).astype(np.float32)
    up = lambda y: y.repeat(2, axis=1).repeat(2, axis=2)
    np.testing.assert_allclose(np.asarray(gan.real_at(x, 0)), _block_mean(x, 4), atol=1e-6)
    for phase, own, prev in ((1, _block_mean(x, 2), _block_mean(x, 4)), (2, x, _block_mean(x, 2))):
        np.testing.assert_allclose(np.asarray(gan.real_at(x, phase, 0.0)), up(prev), atol=1e-6)      # alpha 0: the previous resolution, upsampled
        np.testing.assert_allclose(np.asarray(gan.real_at(x, phase, 1.0)), own, atol=1e-6)           # alpha 1: the phase's own
        np.testing.assert_allclose(np.asarray(gan.real_at(x, phase, 0.25)), 0.75 * up(prev) + 0.25 * own, atol=1e-6)


def test_progan_ema_after_one_step():
    import tensorflow as tf
    beta = 0.9
    gan = _progan(ema_beta=beta)
    gan.compile(learning_rate=1e-2)
    w0 = [np.array(v) for v in gan.generator.weights]
    assert all(np.array_equal(a, np.array(e)) for a, e in zip(w0, gan.generator_ema.weights))    # the EMA starts at the generator
    gan.train_step(tf.constant(np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 1)).astype(np.float32)))
    w1 = [np.array(v) for v in gan.generator.weights]
    assert max(np.abs(a - b).max() for a, b in zip(w0, w1)) > 1e-4                                  # the step moved the generator
    for old, new, ema in zip(w0, w1, gan.generator_ema.weights):
        np.testing.assert_allclose(np.array(ema), new + beta * (old - new), rtol=1e-5, atol=1e-7)  # w_ema <- w + beta (w_ema - w)


def test_guidance_from_phase_leaves_earlier_phases_unguided():
    "Generator updates of a ProGAN guided from phase 1 equal those of the same ProGAN watching only (weight 0) in phase 0, and differ from phase 1 on."
    import keras
    from _gan_helpers import toy_classifier
    clf = toy_classifier(8)
    kw = dict(shape=(8, 8, 1), widths=(8, 8), classifier=clf, target='right', guidance_mode='fixed', guidance_cap=None, guidance_augment=False)
    guided, watching = _progan(guidance_weight=30.0, guidance_from_phase=1, **kw), _progan(guidance_weight=0.0, **kw)
    for g in (guided, watching):
        g.compile(critic_optimizer=keras.optimizers.SGD(0.05), generator_optimizer=keras.optimizers.SGD(0.05))
    watching.generator.set_weights(guided.generator.get_weights()); watching.critic.set_weights(guided.critic.get_weights())
    start = [np.array(v) for v in guided.generator.weights]
    diff = lambda: max(np.abs(np.array(a) - np.array(b)).max() for a, b in zip(guided.generator.weights, watching.generator.weights))
    for g in (guided, watching): g.generator_step(16, 0, 1.0)
    assert max(np.abs(np.array(a) - b).max() for a, b in zip(guided.generator.weights, start)) > 1e-5    # phase 0 moved the generator
    assert diff() < 1e-6, diff()                                   # phase 0: the same update as without guidance
    for g in (guided, watching): g.generator_step(16, 1, 1.0)
    assert diff() > 1e-4, diff()                                   # phase 1: guided
