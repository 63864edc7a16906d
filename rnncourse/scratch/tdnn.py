"""The time-delay neural network (TDNN) layer of Waibel et al. (1989): a tapped delay line with weights
shared over time, which is a 1-D convolution over time.

Each output sees the last N inputs (the taps of the delay line), through the same weights at every step:

    a_t = b + sum_{j=0}^{N-1} W[:, :, j] x_{t-N+1+j},      y_t = g(a_t),   g = identity or tanh

for t = N-1, ..., T-1 (only where all N taps hold an input: a "valid" convolution, T' = T - N + 1
outputs). This is exactly ``torch.nn.Conv1d(I, O, kernel_size=N)`` (a cross-correlation) applied to the
sequence laid out as (B, I, T); ``weight`` (O, I, N) and ``bias`` (O,) have Conv1d's names and shapes.
An input x_s reaches the outputs y_s, ..., y_{s+N-1} and no others: the layer is a finite impulse
response (FIR) filter with memory N. Stacked layers with N_1, N_2, ... taps see N_1 + N_2 + ... - (L-1)
inputs back (:func:`receptive_field`).

Backward, given dy (T', B, O):

    da = dy * g'(a);  dW[:, :, j] = sum_t da_t^T x_{t-N+1+j};  db = sum_{t,b} da_t;
    dx_s = sum_j da_{s+N-1-j} W[:, :, j]                     (each input collects from the N outputs it fed)

Shapes: x (T, B, I), y (T', B, O) with T' = T - N + 1.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_param, check_shape
from .parameters import Parameterized

ACTIVATIONS = ("identity", "tanh")


def _windows(x, N: int):
    """The delay-line contents at every valid step: (T', B, I, N), taps oldest first (a view, no copy)."""
    return np.lib.stride_tricks.sliding_window_view(x, N, axis=0)


def _check_x(x, I: int | None, N: int, dtype=None):
    x = as_float_array("x", x, dtype)
    check_shape("x", x, (("T", None), ("B", None), ("I", I)))
    if x.shape[0] < N:
        raise ValueError(f"x must have at least N={N} time steps (the delay line's length); got T={x.shape[0]}")
    return x


def tdnn_forward(x, weight, bias=None, activation: str = "identity"):
    """One TDNN layer over x: (T, B, I) with weight (O, I, N), bias (O,) or None.

    Returns (y (T-N+1, B, O), cache)."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}")
    weight = as_float_array("weight", weight)
    if weight.ndim != 3:
        raise ValueError(f"weight must have shape (O, I, N); got {weight.shape}")
    O, I, N = weight.shape
    x = _check_x(x, I, N, weight.dtype)
    if bias is not None:
        bias = check_param("bias", bias, (O,), weight.dtype)
    win = _windows(x, N)                                          # (T', B, I, N)
    a = np.tensordot(win, weight, axes=([2, 3], [1, 2]))          # (T', B, O)
    if bias is not None:
        a += bias
    y = np.tanh(a) if activation == "tanh" else a
    return y, (x, weight, bias is not None, activation, y)


def tdnn_backward(dy, cache):
    """Backward of :func:`tdnn_forward`. dy: (T', B, O). Returns (dx (T, B, I), dweight (O, I, N), dbias or None)."""
    x, weight, has_bias, activation, y = cache
    dy = as_float_array("dy", dy, x.dtype)
    check_shape("dy", dy, (("T'", y.shape[0]), ("B", y.shape[1]), ("O", y.shape[2])))
    da = dy * (1 - y * y) if activation == "tanh" else dy
    N = weight.shape[2]
    T_out = da.shape[0]
    dweight = np.tensordot(da, _windows(x, N), axes=([0, 1], [0, 1]))   # (O, I, N)
    dx = np.zeros_like(x)
    for j in range(N):                                            # tap j of output t reads x_{t+j}
        dx[j:j + T_out] += da @ weight[:, :, j]
    return dx, dweight, (da.sum(axis=(0, 1)) if has_bias else None)


def receptive_field(kernel_sizes) -> int:
    """How many consecutive inputs one output of stacked TDNN layers sees: 1 + sum (N_l - 1)."""
    return 1 + sum(int(n) - 1 for n in kernel_sizes)


class TDNN(Parameterized):
    """A TDNN layer with torch.nn.Conv1d's parameters but the book's time-major layout.

    TDNN(in_channels I, out_channels O, kernel_size N, bias=True, activation="identity", *, dtype, rng)
    forward(x (T, B, I)) -> y (T-N+1, B, O);  backward(dy) -> dx, ADDING into ``grads`` ("weight", "bias").
    Parameters ~ U(-1/sqrt(I N), 1/sqrt(I N)), as Conv1d's default initialisation bounds.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, bias: bool = True,
                 activation: str = "identity", *, dtype=np.float64, rng=None):
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("kernel_size", kernel_size)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}")
        self.in_channels, self.out_channels, self.kernel_size = int(in_channels), int(out_channels), int(kernel_size)
        self.bias, self.activation, self.dtype = bool(bias), activation, np.dtype(dtype)
        generator = np.random.default_rng(rng)
        bound = 1.0 / np.sqrt(self.in_channels * self.kernel_size)
        shapes = {"weight": (self.out_channels, self.in_channels, self.kernel_size)}
        if self.bias:
            shapes["bias"] = (self.out_channels,)
        self.params = {k: generator.uniform(-bound, bound, s).astype(self.dtype) for k, s in shapes.items()}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache = None

    def forward(self, x):
        y, self._cache = tdnn_forward(x, self.params["weight"], self.params.get("bias"), self.activation)
        return y

    __call__ = forward

    def backward(self, dy):
        if self._cache is None:
            raise RuntimeError("TDNN.backward called before forward")
        dx, dweight, dbias = tdnn_backward(dy, self._cache)
        self.grads["weight"] += dweight
        if self.bias:
            self.grads["bias"] += dbias
        return dx

    def __repr__(self) -> str:
        act = "" if self.activation == "identity" else f", activation={self.activation!r}"
        return f"TDNN({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}{act})"
