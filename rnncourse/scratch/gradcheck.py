"""Central finite differences and the relative error we use to compare gradients.

Run checks in float64: with eps=1e-6 the central difference has truncation error O(eps^2) ~ 1e-12 and
rounding error O(1e-16 / eps) ~ 1e-10, so agreement below 1e-8 is expected of a correct gradient.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np


def rel_error(a, b) -> float:
    r"""Relative error :math:`\max|a-b| / \max(\max|a|, \max|b|)` (0 when both are all zeros).

    Scaled by the largest entry rather than entry by entry, so tiny entries of a gradient (where a finite
    difference has only absolute accuracy) do not dominate.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs equal shapes; got {a.shape} and {b.shape}")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(a - b)) / scale)


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    r"""dF/dx by central differences :math:`(F(x + \epsilon e_i) - F(x - \epsilon e_i)) / 2\epsilon`.

    ``f`` takes no arguments and reads ``x`` (which is perturbed in place and restored), CS231n style.
    x: any shape, float64. Returns an array of x's shape.
    """
    if x.dtype != np.float64:
        raise ValueError(f"numerical_gradient needs a float64 array (float32 is too coarse); got {x.dtype}")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient needs a contiguous array it can perturb in place")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f()
        flat[i] = old - eps
        minus = f()
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def numerical_gradient_array(f: Callable[[], np.ndarray], x: np.ndarray, dout: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Gradient of ``sum(f() * dout)`` w.r.t. x: the vector-Jacobian product a backward pass computes."""
    return numerical_gradient(lambda: float(np.sum(f() * dout)), x, eps)
