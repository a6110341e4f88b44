"Shared fixtures of the GAN tests: a tiny two-class problem with a fixed classifier (no training, deterministic)."
import numpy as np


def toy_data(n=128, size=16, seed=0):
    "Gray images, half bright on the left half, half bright on the right half; labels 0 = left, 1 = right."
    from synthview.data import ImageDataset
    r = np.random.default_rng(seed)
    y = np.arange(n) % 2
    side = np.where(y == 0, 0.5, -0.5)[:, None, None, None]
    h = size // 2
    x = np.concatenate([np.broadcast_to(side, (n, size, h, 1)), np.broadcast_to(-side, (n, size, h, 1))], axis=2)
    x = np.clip(x + 0.15 * r.standard_normal((n, size, size, 1)), -1, 1)
    return ImageDataset(np.rint((x + 1) * 127.5).astype(np.uint8), y, ['left', 'right'], name='halves')


def toy_classifier(size=16):
    "A fixed classifier: 'left' when the left half is brighter than the right half."
    import keras
    from synthview.classifier import Classifier
    inp = keras.Input((size, size, 1))
    f = keras.layers.Flatten(name='features')(keras.layers.AveragePooling2D((size, size // 2))(inp))
    model = keras.Model(inp, keras.layers.Dense(2, name='logits')(f), name='halves')
    model.get_layer('logits').set_weights([np.array([[8., -8.], [-8., 8.]], np.float32), np.zeros(2, np.float32)])
    return Classifier(model, ['left', 'right'])


TINY = dict(generator_widths=(16, 8), critic_widths=(8, 16), latent_dim=8)
