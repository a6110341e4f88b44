"""Pixel statistics the trains GAN benchmarks share (`from _pixels import busy, hf_share`)."""
import numpy as np

def busy(x) -> float:
    "Mean absolute difference between neighbouring pixels of (N, H, W, C) images, right and down."
    return float((np.abs(np.diff(x, axis=1)).mean() + np.abs(np.diff(x, axis=2)).mean()) / 2)

def hf_share(x) -> float:
    "Share of the energy of (N, H, W, C) arrays, each image's mean removed, above half the Nyquist frequency."
    x = x - x.mean((1, 2), keepdims=True)
    e = np.abs(np.fft.fft2(x, axes=(1, 2))) ** 2
    fy, fx = np.abs(np.fft.fftfreq(x.shape[1]))[:, None], np.abs(np.fft.fftfreq(x.shape[2]))[None, :]
    return float((e * (np.maximum(fy, fx) > 0.25)[None, :, :, None]).sum() / e.sum())
