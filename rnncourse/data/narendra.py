"""The nonlinear plants of Narendra & Parthasarathy (1990), Examples 2 and 3, with the paper's inputs.

    Example 2:  y(k+1) = y(k) y(k-1) (y(k) + 2.5) / (1 + y(k)^2 + y(k-1)^2) + u(k)
    Example 3:  y(k+1) = y(k) / (1 + y(k)^2) + u(k)^3

Training input: u(k) i.i.d. uniform on [-2, 2] (both examples). Test inputs: u(k) = sin(2 pi k / 25)
(Example 2) and u(k) = sin(2 pi k / 25) + sin(2 pi k / 10) (Example 3). The plants start at rest
(y(0) = y(-1) = 0). Series are laid out as the NARX code expects: u (K,) and y (K,) with y[0] = y(0),
y[k+1] the plant's response to u[k] (the last input u[K-1] has no response in the series).
"""
from __future__ import annotations

import numpy as np

EXAMPLES = (2, 3)


def _check_u(u):
    u = np.asarray(u, dtype=np.float64)
    if u.ndim != 1 or u.size < 2:
        raise ValueError(f"u must be a 1-D input sequence of length K >= 2; got shape {u.shape}")
    return u


def example2_f(y, y_prev):
    """The unknown part of Example 2: f(y(k), y(k-1)) = y(k) y(k-1) (y(k) + 2.5) / (1 + y(k)^2 + y(k-1)^2)."""
    return y * y_prev * (y + 2.5) / (1 + y * y + y_prev * y_prev)


def plant(example: int, u):
    """Simulate Example 2 or 3 from rest on the input u (K,). Returns y (K,) with y[0] = 0."""
    if example not in EXAMPLES:
        raise ValueError(f"example must be one of {EXAMPLES}; got {example!r}")
    u = _check_u(u)
    y = np.zeros_like(u)
    prev = 0.0                                   # y(-1)
    for k in range(u.size - 1):
        if example == 2:
            y[k + 1] = example2_f(y[k], prev) + u[k]
        else:
            y[k + 1] = y[k] / (1 + y[k] ** 2) + u[k] ** 3
        prev = y[k]
    return y


def training_input(K: int, rng=None):
    """The paper's training input: u(k) ~ Uniform[-2, 2], i.i.d., K samples."""
    if not isinstance(K, (int, np.integer)) or K < 2:
        raise ValueError(f"K must be an integer >= 2; got {K!r}")
    return np.random.default_rng(rng).uniform(-2.0, 2.0, size=K)


def test_input(example: int, K: int):
    """The paper's test input for Example 2 (sin(2 pi k/25)) or 3 (sin(2 pi k/25) + sin(2 pi k/10)), k = 0..K-1."""
    if example not in EXAMPLES:
        raise ValueError(f"example must be one of {EXAMPLES}; got {example!r}")
    if not isinstance(K, (int, np.integer)) or K < 2:
        raise ValueError(f"K must be an integer >= 2; got {K!r}")
    k = np.arange(K)
    u = np.sin(2 * np.pi * k / 25)
    return u + np.sin(2 * np.pi * k / 10) if example == 3 else u


test_input.__test__ = False    # not a pytest test, despite its name
