"""The affine layer y = x W^T + b, as torch.nn.Linear (used for RNN read-outs y_t = W_hy h_t + b_y)."""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_param
from .parameters import Parameterized


def linear_forward(x, weight, bias=None):
    """x: (..., I), weight: (O, I), bias: (O,) or None. Returns (y (..., O), cache)."""
    x = as_float_array("x", x)
    if x.ndim < 1:
        raise ValueError("x must have a last axis of size I; got a scalar")
    weight = as_float_array("weight", weight, x.dtype)
    if weight.ndim != 2 or weight.shape[1] != x.shape[-1]:
        raise ValueError(f"weight must have shape (O, I={x.shape[-1]}); got {weight.shape}")
    if bias is not None:
        bias = check_param("bias", bias, (weight.shape[0],), x.dtype)
    y = x @ weight.T
    if bias is not None:
        y = y + bias
    return y, (x, weight, bias is not None)


def linear_backward(dy, cache) -> dict:
    """Gradients of :func:`linear_forward`: x (..., I), weight (O, I), bias (O,) if used."""
    x, weight, has_bias = cache
    dy2 = dy.reshape(-1, weight.shape[0])
    grads = {"x": dy @ weight, "weight": dy2.T @ x.reshape(-1, weight.shape[1])}
    if has_bias:
        grads["bias"] = dy2.sum(axis=0)
    return grads


class Linear(Parameterized):
    """torch.nn.Linear in NumPy: params ``weight`` (O, I), ``bias`` (O,); init U(-1/sqrt(I), 1/sqrt(I))."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *, dtype=np.float64, rng=None):
        rng = np.random.default_rng(rng)
        bound = 1.0 / np.sqrt(in_features)
        self.params = {"weight": rng.uniform(-bound, bound, (out_features, in_features)).astype(dtype)}
        if bias:
            self.params["bias"] = rng.uniform(-bound, bound, out_features).astype(dtype)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache = None

    def forward(self, x):
        y, self._cache = linear_forward(x, self.params["weight"], self.params.get("bias"))
        return y

    __call__ = forward

    def backward(self, dy):
        """Adds parameter gradients into ``self.grads``; returns dL/dx."""
        if self._cache is None:
            raise RuntimeError("Linear.backward called before forward")
        grads = linear_backward(np.asarray(dy), self._cache)
        for k in self.params:
            self.grads[k] += grads[k]
        return grads["x"]

