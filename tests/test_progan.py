"""ProGAN beyond the notebook's tiny checks: a conditional ProGAN learns to draw the class it is asked for through the
whole schedule; the trained ProGAN is a Decoder the latent tools take; mixed precision (bfloat16) and XLA
compilation (what `jit_compile='auto'` picks on a GPU) train without errors on CPU; float16 gets loss scaling; the base
pyramid of an odd base (19: 5 -> 10 -> 20, cropped) trains in bfloat16."""
import os
import numpy as np
import pytest

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')


def _toy(size=8):
    import tensorflow as tf
    from _gan_helpers import toy_data
    x = toy_data(96, size=size).canonical()
    return tf.data.Dataset.from_tensor_slices(x).batch(16, drop_remainder=True)


def _progan(n_classes=None, precision=None, shape=(8, 8, 1), widths=(16, 16), images_per_phase=192, **kw):
    import keras
    from synthview.progan import ProGAN, ProgressiveGenerator, ProgressiveCritic
    keras.utils.set_random_seed(0)
    g = ProgressiveGenerator(shape, 8, widths=widths, n_classes=n_classes, precision=precision)
    c = ProgressiveCritic(shape, widths=widths, precision=precision)
    return ProGAN(g, c, seed=0, images_per_phase=images_per_phase, **kw)


def test_conditional_progan_draws_the_class_asked_for():
    from _gan_helpers import toy_classifier
    clf = toy_classifier(8)
    gan = _progan(n_classes=2, classifier=clf, conditional=True, guidance_weight=3.0)
    gan.compile(learning_rate=3e-3)
    hist = gan.fit(_toy(), epochs=6, verbose=0).history            # phase 0, fade, stabilisation
    assert hist['phase'][-1] == 1.0 and gan.alpha == 1.0
    for label in (0, 1):
        pred = clf.predict(gan.generate(128, labels=label))
        assert (pred == label).mean() > 0.8, (label, np.bincount(pred, minlength=2))
    assert hist['target_share'][-1] > 0.8


def test_progan_is_a_decoder_for_the_latent_tools():
    from _gan_helpers import toy_classifier
    from synthview.latent import interpolate
    from synthview.gan import latents_from_seeds
    clf = toy_classifier(8)
    gan = _progan(classifier=clf, target='right')
    gan.compile(learning_rate=3e-3)
    gan.fit(_toy(), epochs=6, verbose=0)
    dec = gan.decoder()
    z = latents_from_seeds([0, 1], dec.latent_dim)
    it = interpolate(dec, clf, z[0], z[1], steps=5)
    assert it.probs.shape == (5, 2)
    assert np.asarray(it.images).shape[1:] == (8, 8, 1)
    assert np.abs(np.asarray(it.images)).max() <= 1.0


@pytest.mark.parametrize('precision,jit', [('mixed_bfloat16', False), ('mixed_float16', False), (None, True)])
def test_progan_mixed_precision_and_xla(precision, jit):
    from _gan_helpers import toy_classifier
    gan = _progan(precision=precision, classifier=toy_classifier(8), target='right')
    gan.compile(jit_compile=jit)
    if precision: assert gan.generator.blocks[0].layers[-1].compute_dtype == precision[6:]
    import keras
    assert isinstance(gan.generator_optimizer, keras.optimizers.LossScaleOptimizer) == (precision == 'mixed_float16')
    hist = gan.fit(_toy().take(2), epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in hist.values())
    x = gan.generate(4)
    assert x.dtype == np.float32 and x.shape == (4, 8, 8, 1) and np.isfinite(x).all()


def test_base_pyramid_trains_in_mixed_precision():
    "A 38 x 38 ladder (base 19: the pyramid 5 -> 10 -> 20, cropped; padded in the critic) through phase 0 into the fade, in bfloat16."
    import tensorflow as tf
    gan = _progan(precision='mixed_bfloat16', shape=(38, 38, 3), widths=(8, 8), images_per_phase=32)
    g, c = gan.generator, gan.critic
    assert g.base.get_layer('crop').output.shape[1:3] == (19, 19) and c.final.get_layer('pad').output.shape[1:3] == (20, 20)
    assert g.base.get_layer('conv_10px').compute_dtype == c.final.get_layer('conv_10px').compute_dtype == 'bfloat16'
    gan.compile()
    x = np.random.default_rng(0).uniform(-1, 1, (48, 38, 38, 3)).astype('float32')
    hist = gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(16, drop_remainder=True), epochs=1, verbose=0).history
    assert gan.phase == 1 and gan.schedule() == (1, 0.5) and all(np.isfinite(v[-1]) for v in hist.values())
    assert gan.generate(2).shape == (2, 38, 38, 3)


@pytest.mark.parametrize('precision', [None, 'mixed_bfloat16'])
def test_progan_guidance_options_are_the_wgangp_ones(precision, tmp_path):
    """ProGAN takes WGANGP's guidance options (balanced weight, cap, augmented view) through the same code, in float32
    and bfloat16, and a conditional ProGAN so guided still draws the class it is asked for; the options are saved."""
    import keras
    from _gan_helpers import toy_classifier
    clf = toy_classifier(8)
    opts = dict(guidance_mode='balanced', guidance_weight=2.0, guidance_cap=0.95, guidance_augment=dict(shift=1, noise=0.02))
    gan = _progan(n_classes=2, classifier=clf, conditional=True, precision=precision, **opts)
    gan.compile(learning_rate=3e-3)
    hist = gan.fit(_toy(), epochs=6, verbose=0).history
    assert all(np.isfinite(v).all() for v in hist.values())
    for label in (0, 1):
        share = (clf.predict(gan.generate(128, labels=label)) == label).mean()
        assert share > 0.7, (label, share)
    gan.save(tmp_path/'p.keras')
    back = keras.saving.load_model(tmp_path/'p.keras', safe_mode=True)
    assert {k: getattr(back, k) for k in opts} == opts
