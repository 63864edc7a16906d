"""The look-ahead task: label each step with a symbol that appears only LATER in the sequence.

A sequence holds T symbols s_0, ..., s_{T-1}, drawn independently and uniformly from K, fed one-hot. The
label of step t is the symbol ``shift`` steps ahead, y_t = s_{t+shift}, for t < T - shift; the last
``shift`` steps have no label (``IGNORE``). A network that reads left to right has seen s_0..s_t at step
t, and s_{t+shift} is independent of all of them: whatever it computes, its prediction is right with
probability exactly 1/K, and over n labels the number it gets right is Binomial(n, 1/K) (each label is
independent of everything that decided the earlier predictions and labels). A bidirectional network has
read s_{t+shift} on its backward pass and can be right every time.
"""
from __future__ import annotations

import numpy as np

IGNORE = -1   # the label of the last ``shift`` steps (torch's cross_entropy(ignore_index=IGNORE))


def lookahead_task(T: int, batch_size: int, K: int = 4, shift: int = 2, rng=None, dtype=np.float32):
    """Return (x, y): x (T, B, K) one-hot symbols, y (T, B) int64 with y_t = s_{t+shift} (IGNORE at the end)."""
    for name, value, least in (("T", T, 2), ("batch_size", batch_size, 1), ("K", K, 2), ("shift", shift, 1)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < least:
            raise ValueError(f"{name} must be an integer >= {least}; got {value!r}")
    if shift >= T:
        raise ValueError(f"shift must be smaller than T (some step needs a label); got shift={shift}, T={T}")
    rng = np.random.default_rng(rng)
    s = rng.integers(0, K, size=(T, batch_size))
    x = np.eye(K, dtype=dtype)[s]
    y = np.full((T, batch_size), IGNORE, dtype=np.int64)
    y[: T - shift] = s[shift:]
    return x, y
