"""Elementwise nonlinearities and softmax, written to be numerically stable.

Every function takes and returns ndarrays of the same shape (softmax: along ``axis``).
"""
from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(a) = 1 / (1 + e^{-a})`, stable for large :math:`|a|`.

    Only :math:`e^{-|a|}` is ever computed, so nothing overflows: for :math:`a \ge 0` we use
    :math:`1/(1+e^{-a})` and for :math:`a < 0` the equal form :math:`e^{a}/(1+e^{a})`.
    """
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0, e) / (1.0 + e)


def tanh(a: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent (NumPy's is already stable)."""
    return np.tanh(a)


def relu(a: np.ndarray) -> np.ndarray:
    """max(a, 0)."""
    return np.maximum(a, 0)


def log_softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""log softmax(z)_k = z_k - max(z) - log sum_j exp(z_j - max(z)) (shift-invariant, so no overflow)."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""softmax(z)_k = exp(z_k) / sum_j exp(z_j), computed after subtracting max(z)."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)
