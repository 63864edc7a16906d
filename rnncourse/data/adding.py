"""The adding problem (Hochreiter & Schmidhuber 1997), in the form used by Le et al. (2015).

Each sequence has T steps of two channels: a value drawn uniformly from [0, 1], and a marker that is 1
at exactly two steps — one in the first half, one in the second — and 0 elsewhere. The target is the
sum of the two marked values. Always predicting the mean, 1, gives MSE = Var(u1 + u2) = 2/12 = 1/6.
"""
from __future__ import annotations

import numpy as np

BASELINE_MSE = 1.0 / 6.0   # predicting 1 (the mean of the target): Var(U1 + U2) with U ~ Uniform(0, 1)


def adding_problem(T: int, batch_size: int, rng=None, dtype=np.float32):
    """Return (x, y): x (T, B, 2) with channels [value, marker], y (B, 1) = sum of the marked values.

    rng: a numpy Generator or a seed. T must be at least 2 (one marker in each half).
    """
    if not isinstance(T, (int, np.integer)) or T < 2:
        raise ValueError(f"T must be an integer >= 2; got {T!r}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    rng = np.random.default_rng(rng)
    values = rng.uniform(0.0, 1.0, size=(T, batch_size))
    half = T // 2
    first = rng.integers(0, half, size=batch_size)
    second = rng.integers(half, T, size=batch_size)
    markers = np.zeros((T, batch_size))
    cols = np.arange(batch_size)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    x = np.stack([values, markers], axis=-1).astype(dtype)
    y = (values[first, cols] + values[second, cols])[:, None].astype(dtype)
    return x, y
