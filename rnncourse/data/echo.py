"""The echo task: repeat the input ``delay`` steps later. A memory the network's output must not show,
so it separates Elman's network (state in the hidden layer) from Jordan's (state = the fed-back output).

    x_t = +-1 at random,   y_t = x_{t - delay}   (0 for the first ``delay`` steps)

Generated, never downloaded.
"""
from __future__ import annotations

import numpy as np


def echo_task(T: int, delay: int, batch: int, rng=None):
    """(x (T, B, 1), y (T, B, 1)) of ``batch`` random +-1 sequences and their echo ``delay`` steps later."""
    for name, v in (("T", T), ("delay", delay), ("batch", batch)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer; got {v!r}")
    if delay >= T:
        raise ValueError(f"delay must be shorter than the sequence: delay < T = {T}; got delay = {delay}")
    rng = np.random.default_rng(rng)
    x = rng.choice([-1.0, 1.0], size=(T, batch, 1))
    y = np.zeros_like(x)
    y[delay:] = x[:-delay]
    return x, y
