"""2-D convolution (as torch.nn.Conv2d: a cross-correlation) with a hand-written backward.

For an image batch x: (B, C, P, Q) (C channels, height P, width Q; H is the hidden size in this book),
weight (O, C, k, k), bias (O,), stride s and zero padding p on every side:

    y[b, o, i, j] = bias[o] + sum_{c, u, v} weight[o, c, u, v] * xp[b, c, s*i + u, s*j + v]

where xp is x padded with p zeros; y: (B, O, P', Q') with P' = (P + 2p - k) // s + 1 (Q' alike).

Backward, given dy (B, O, P', Q'):

    dweight[o, c, u, v] = sum_{b, i, j} dy[b, o, i, j] xp[b, c, s*i + u, s*j + v]
    dbias[o]            = sum_{b, i, j} dy[b, o, i, j]
    dxp[b, c, s*i + u, s*j + v] += sum_o dy[b, o, i, j] weight[o, c, u, v]   (one add per tap (u, v))

and dx is dxp without its padding. The windows are views (``sliding_window_view``), so no im2col copy.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_param
from .parameters import Parameterized


def _int(name, value, low):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an int >= {low}; got {value!r}")
    return int(value)


def _windows(xp, k: int, stride: int):
    """(B, C, P', Q', k, k) views of every k x k window of xp at the given stride."""
    win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))
    return win[:, :, ::stride, ::stride]


def conv2d_forward(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """Conv2d over x (B, C, P, Q) with weight (O, C, k, k), bias (O,) or None. Returns (y (B, O, P', Q'), cache)."""
    weight = as_float_array("weight", weight)
    if weight.ndim != 4 or weight.shape[2] != weight.shape[3]:
        raise ValueError(f"weight must have shape (O, C, k, k); got {weight.shape}")
    O, C, k, _ = weight.shape
    stride, padding = _int("stride", stride, 1), _int("padding", padding, 0)
    x = as_float_array("x", x, weight.dtype)
    if x.ndim != 4 or x.shape[1] != C:
        raise ValueError(f"x must have shape (B, C={C}, P, Q); got {x.shape}")
    if min(x.shape[2], x.shape[3]) + 2 * padding < k:
        raise ValueError(f"x's height and width plus padding must be at least k={k}; got {x.shape[2:]} with padding {padding}")
    if bias is not None:
        bias = check_param("bias", bias, (O,), weight.dtype)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))) if padding else x
    win = _windows(xp, k, stride)                                   # (B, C, P', Q', k, k)
    y = np.einsum("bcijuv,ocuv->boij", win, weight, optimize=True)
    if bias is not None:
        y += bias[:, None, None]
    return y, (xp, weight, bias is not None, stride, padding, x.shape)


def conv2d_backward(dy, cache) -> dict:
    """Backward of :func:`conv2d_forward`, dy (B, O, P', Q'). Returns {"x", "weight"[, "bias"]} gradients."""
    xp, weight, has_bias, stride, padding, x_shape = cache
    O, C, k, _ = weight.shape
    dy = as_float_array("dy", dy, weight.dtype)
    Pp = (xp.shape[2] - k) // stride + 1
    Qp = (xp.shape[3] - k) // stride + 1
    if dy.shape != (xp.shape[0], O, Pp, Qp):
        raise ValueError(f"dy must have shape (B={xp.shape[0]}, O={O}, P'={Pp}, Q'={Qp}); got {dy.shape}")
    grads = {"weight": np.einsum("boij,bcijuv->ocuv", dy, _windows(xp, k, stride), optimize=True)}
    if has_bias:
        grads["bias"] = dy.sum(axis=(0, 2, 3))
    dxp = np.zeros_like(xp)
    for u in range(k):
        for v in range(k):
            dxp[:, :, u:u + stride * Pp:stride, v:v + stride * Qp:stride] += np.einsum("boij,oc->bcij", dy, weight[:, :, u, v])
    P, Q = x_shape[2], x_shape[3]
    grads["x"] = dxp[:, :, padding:padding + P, padding:padding + Q] if padding else dxp
    return grads


class Conv2d(Parameterized):
    """torch.nn.Conv2d(C, O, k, stride, padding) in NumPy: params ``weight`` (O, C, k, k), ``bias`` (O,);
    init U(-1/sqrt(C k^2), 1/sqrt(C k^2)) as torch's default bound."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0,
                 bias: bool = True, *, dtype=np.float64, rng=None):
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("kernel_size", kernel_size)):
            _int(name, value, 1)
        self.stride, self.padding = _int("stride", stride, 1), _int("padding", padding, 0)
        rng = np.random.default_rng(rng)
        bound = 1.0 / np.sqrt(in_channels * kernel_size ** 2)
        self.params = {"weight": rng.uniform(-bound, bound, (out_channels, in_channels, kernel_size, kernel_size)).astype(dtype)}
        if bias:
            self.params["bias"] = rng.uniform(-bound, bound, out_channels).astype(dtype)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache = None

    def forward(self, x):
        y, self._cache = conv2d_forward(x, self.params["weight"], self.params.get("bias"), self.stride, self.padding)
        return y

    __call__ = forward

    def backward(self, dy):
        """Adds parameter gradients into ``self.grads``; returns dL/dx."""
        if self._cache is None:
            raise RuntimeError("Conv2d.backward called before forward")
        grads = conv2d_backward(dy, self._cache)
        for k in self.params:
            self.grads[k] += grads[k]
        return grads["x"]
