"""EEG: the real snippet matplotlib ships as sample data, and SYNTHETIC labelled multichannel trials.

:func:`load_sample_eeg` reads ``eeg.dat`` from matplotlib's own sample data (inside the wheel: no
download): 800 samples of 4 channels, which matplotlib's example plots over 10 s, so 80 Hz.

:func:`synthetic_eeg` generates trials that are **synthetic** (labels by construction, not recordings):

    x(t) = A_mix [ r_1(t), r_2(t) ] + M_bg n(t),      x: (C channels, T samples) at ``fs`` Hz

- rhythm sources with random spatial patterns (the columns of A_mix, one per rhythm, perturbed per trial):
  a 10 Hz ("alpha") and a 20 Hz ("beta") oscillation, each frequency jittered by +-1 Hz, random phase,
  log-normal amplitude, switched on and off by smooth envelopes;
- background n(t): independent 1/f^beta noise per channel (beta = ``slope``, by default the slope fitted
  to the real snippet's spectrum, :func:`spectral_slope`), mixed across channels by M_bg (volume conduction).

The class is *when* each rhythm is on (the switch time jittered by +-0.25 s):

    class 0: alpha, then beta      class 1: beta, then alpha      class 2: alpha, then alpha

so a model that only measures how much of each rhythm a trial holds can tell class 2 from the others but
not 0 from 1: that needs the order, i.e. time.
"""
from __future__ import annotations

import numpy as np

CLASSES = ("alpha then beta", "beta then alpha", "alpha then alpha")
SAMPLE_FS = 80.0


def load_sample_eeg():
    """(signals (800, 4) float64, fs 80.0): matplotlib's sample ``eeg.dat``."""
    from matplotlib import cbook
    with cbook.get_sample_data("eeg.dat") as f:
        data = np.fromfile(f, dtype=np.float64)
    if data.size != 3200:
        raise ValueError(f"matplotlib's eeg.dat should hold 800 x 4 float64 values; got {data.size}")
    return data.reshape(800, 4), SAMPLE_FS


def periodogram(x, fs: float):
    """Mean power spectrum over channels of x (T, C): (frequencies (T//2 + 1,), power), Hann window."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (T, C); got {x.shape}")
    x = (x - x.mean(axis=0)) * np.hanning(len(x))[:, None]
    power = np.mean(np.abs(np.fft.rfft(x, axis=0)) ** 2, axis=1) / fs
    return np.fft.rfftfreq(len(x), 1 / fs), power


def spectral_slope(x, fs: float, band=(2.0, 30.0)) -> float:
    """beta of a 1/f^beta fit: minus the least-squares slope of log power against log frequency in ``band``."""
    f, p = periodogram(x, fs)
    keep = (f >= band[0]) & (f <= band[1])
    return -float(np.polyfit(np.log(f[keep]), np.log(p[keep]), 1)[0])


def pink_noise(rng, shape, slope: float):
    """Noise of shape (..., T) with power spectrum proportional to 1/f^slope, unit variance."""
    T = shape[-1]
    spec = np.fft.rfft(rng.standard_normal(shape), axis=-1)
    f = np.fft.rfftfreq(T)
    f[0] = f[1]
    noise = np.fft.irfft(spec / f ** (slope / 2), n=T, axis=-1)
    return noise / noise.std(axis=-1, keepdims=True)


def _envelope(t, start, stop, edge=0.1):
    return 1 / (1 + np.exp(-(t - start) / edge * 4)) * 1 / (1 + np.exp((t - stop) / edge * 4))


def synthetic_eeg(n: int, seed: int = 0, channels: int = 8, fs: float = SAMPLE_FS, seconds: float = 2.0,
                  slope: float | None = None, rhythm_amplitude: float = 0.6):
    """``n`` synthetic trials (see the module docstring). Returns (x (n, T, C) float64, labels (n,) int).

    ``rhythm_amplitude`` is the rhythms' typical amplitude relative to the unit-variance background."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    if isinstance(channels, bool) or not isinstance(channels, (int, np.integer)) or channels < 2:
        raise ValueError(f"channels must be an int >= 2; got {channels!r}")
    if fs <= 45:
        raise ValueError(f"fs must exceed 45 Hz (twice the 21 Hz highest rhythm, with margin); got {fs}")
    if seconds < 1:
        raise ValueError(f"seconds must be at least 1; got {seconds}")
    if slope is None:
        slope = spectral_slope(*load_sample_eeg())
    rng = np.random.default_rng(seed)
    T = int(round(seconds * fs))
    t = np.arange(T) / fs
    patterns = np.random.default_rng(999).standard_normal((channels, 2))        # fixed spatial patterns
    bg_mix = np.eye(channels) + 0.3 * np.random.default_rng(998).standard_normal((channels, channels))
    labels = rng.integers(0, 3, n)
    x = np.empty((n, T, channels))
    for k in range(n):
        switch = seconds / 2 + rng.uniform(-0.25, 0.25)
        first, second = (10, 20) if labels[k] == 0 else (20, 10) if labels[k] == 1 else (10, 10)
        sources = np.zeros((2, T))                                              # row 0: alpha, row 1: beta
        for freq, lo, hi in ((first, 0.0, switch), (second, switch, seconds)):
            amp = rhythm_amplitude * rng.lognormal(0, 0.3)
            f = freq + rng.uniform(-1, 1)
            sources[freq // 20] += amp * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi)) * _envelope(t, lo, hi)
        mix = patterns * rng.lognormal(0, 0.1, size=patterns.shape)
        background = bg_mix @ pink_noise(rng, (channels, T), slope)
        x[k] = (mix @ sources + background).T * rng.lognormal(0, 0.2)            # per-trial gain
    return x, labels
