"""What the scratch sequence classifiers of the signals chapter share (:mod:`.rcnn`, :mod:`.eeg_baselines`):
parameters named and initialised as the torch.nn layers of their twins in ``rnncourse.torch.eeg``
(``state_dict`` and the rest come from :class:`~rnncourse.scratch.parameters.Parameterized`), the input
check, the ReLU convolution r = relu(Conv1d(x)) (on :func:`rnncourse.scratch.tdnn_forward`), the same
averaged over time (a learned band power), the linear read-out ``out`` and the recurrent read-out.

The recurrent read-out runs an LSTM (:func:`rnncourse.scratch.lstm_forward`) from zero state over a
sequence of K feature vectors z_k and reads its last state with a linear layer:

    h_k    = LSTM(z_k, h_{k-1}),  h_0 = c_0 = 0,  k = 1..K         z (K, B, F), h (K, B, H)
    logits = h_K W_out^T + b_out                                    (B, classes)

Parameters: lstm.weight_ih_l0 (4H, F), lstm.weight_hh_l0 (4H, H), lstm.bias_ih_l0, lstm.bias_hh_l0 (4H,),
out.weight (classes, H), out.bias (classes,); all ~ U(-1/sqrt(H), 1/sqrt(H)) as torch's defaults.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array
from .linear import linear_backward, linear_forward
from .lstm import lstm_backward, lstm_forward
from .parameters import Parameterized
from .tdnn import tdnn_backward, tdnn_forward

LSTM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def lstm_readout_shapes(features: int, hidden: int, classes: int) -> dict:
    """{state_dict key: (shape, init bound)} of the recurrent read-out (see the module docstring)."""
    k = 1 / np.sqrt(hidden)
    return {"lstm.weight_ih_l0": ((4 * hidden, features), k), "lstm.weight_hh_l0": ((4 * hidden, hidden), k),
            "lstm.bias_ih_l0": ((4 * hidden,), k), "lstm.bias_hh_l0": ((4 * hidden,), k),
            "out.weight": ((classes, hidden), k), "out.bias": ((classes,), k)}


def relu_conv_forward(x, weight, bias):
    """relu(Conv1d(x)) over x (T, B, I), weight (F, I, N): (r (T-N+1, B, F), cache) (:func:`tdnn_forward`)."""
    a, conv_cache = tdnn_forward(x, weight, bias)
    return np.maximum(a, 0), (a, conv_cache)


def relu_conv_backward(dr, cache):
    """Backward of :func:`relu_conv_forward`: (dx (T, B, I), dweight (F, I, N), dbias (F,))."""
    a, conv_cache = cache
    return tdnn_backward(dr * (a > 0), conv_cache)


def pooled_relu_conv_forward(x, weight, bias):
    """mean_t relu(Conv1d(x))_t over x (T, B, I): (z (B, F), cache)."""
    r, cache = relu_conv_forward(x, weight, bias)
    return r.mean(axis=0), (r.shape, cache)


def pooled_relu_conv_backward(dz, cache):
    """Backward of :func:`pooled_relu_conv_forward`: the mean spreads dz (B, F) evenly over the T' steps."""
    r_shape, conv_cache = cache
    return relu_conv_backward(np.broadcast_to(dz / r_shape[0], r_shape), conv_cache)


class SequenceClassifier(Parameterized):
    """Base of the scratch classifiers: x (B, T, C) -> logits (B, classes), torch's batch_first layout.

    A subclass passes ``shapes`` ({key: (shape, bound)}, each parameter ~ U(-bound, bound)) and defines
    ``forward(x)`` (keeping a cache) and ``backward(dlogits)`` (ADDING into ``grads``, returning dL/dx)."""

    min_steps = 1                                  # the shortest trial forward accepts

    def __init__(self, channels: int, shapes: dict, *, dtype=np.float64, rng=None):
        self.channels = int(channels)
        generator = np.random.default_rng(rng)
        self.params = {k: generator.uniform(-bound, bound, shape).astype(dtype) for k, (shape, bound) in shapes.items()}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache, self._logits_shape = None, None

    def __call__(self, x):
        return self.forward(x)

    def _check_x(self, x) -> np.ndarray:
        x = as_float_array("x", x, next(iter(self.params.values())).dtype)
        if x.ndim != 3 or x.shape[2] != self.channels or x.shape[1] < self.min_steps:
            raise ValueError(f"x must have shape (B, T >= {self.min_steps}, C={self.channels}); got {x.shape}")
        return x

    def _cached(self, dlogits):
        """(dlogits checked against the last forward's logits, that forward's cache)."""
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        dlogits = as_float_array("dlogits", dlogits, next(iter(self.params.values())).dtype)
        if dlogits.shape != self._logits_shape:
            raise ValueError(f"dlogits must have the logits' shape (B, classes)={self._logits_shape}; got {dlogits.shape}")
        return dlogits, self._cache

    # ---- the read-outs ---------------------------------------------------------------------------
    def out_forward(self, v):
        """logits = v W_out^T + b_out for v (B, D): (logits (B, classes), cache)."""
        return linear_forward(v, self.params["out.weight"], self.params["out.bias"])

    def out_backward(self, dlogits, cache) -> np.ndarray:
        """Adds dW_out, db_out into ``grads``; returns dL/dv (B, D)."""
        og = linear_backward(dlogits, cache)
        self.grads["out.weight"] += og["weight"]
        self.grads["out.bias"] += og["bias"]
        return og["x"]

    def lstm_readout_forward(self, z):
        """z (K, B, F) -> (logits (B, classes), cache)."""
        p = self.params
        zeros = np.zeros((z.shape[1], p["lstm.weight_hh_l0"].shape[1]), dtype=z.dtype)
        hs, _, lstm_cache = lstm_forward(z, zeros, zeros, *(p[f"lstm.{k}_l0"] for k in LSTM_KEYS))
        logits, out_cache = self.out_forward(hs[-1])
        return logits, (hs, lstm_cache, out_cache)

    def lstm_readout_backward(self, dlogits, cache) -> np.ndarray:
        """Adds the read-out's parameter gradients into ``grads``; returns dL/dz (K, B, F)."""
        hs, lstm_cache, out_cache = cache
        dhs = np.zeros_like(hs)
        dhs[-1] = self.out_backward(dlogits, out_cache)
        lg = lstm_backward(dhs, lstm_cache)
        for k in LSTM_KEYS:
            self.grads[f"lstm.{k}_l0"] += lg[k]
        return lg["x"]
