"""The recurrent-convolutional classifier of Bashivan et al. (2016), in one dimension, with a hand-written
backward; twin of :class:`rnncourse.signals_runs.RecurrentConv` (torch.nn layers, same state_dict keys).

A trial x: (B, T, C) is cut into W = T // w windows of w samples. Per window a 1-D convolution over time
(:func:`rnncourse.scratch.tdnn_forward`, = torch.nn.Conv1d; N taps, F filters) with ReLU, averaged over the
window, gives one feature vector; an LSTM reads the W vectors and a linear layer reads its last state:

    z_{b,k} = mean_s relu(conv(x_{b, window k})_s)       (B, W, F)
    h_k     = LSTM(z_k, h_{k-1}),  k = 1..W             (W, B, H)   (rnncourse.scratch.lstm_forward)
    logits  = h_W W_out^T + b_out                        (B, classes)

Parameters, named as torch's: conv.weight (F, C, N), conv.bias (F,), lstm.weight_ih_l0 (4H, F),
lstm.weight_hh_l0 (4H, H), lstm.bias_ih_l0, lstm.bias_hh_l0 (4H,), out.weight (classes, H), out.bias.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array
from .lstm import lstm_backward, lstm_forward
from .tdnn import tdnn_backward, tdnn_forward

LSTM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


class RecurrentConv:
    """RecurrentConv(channels C=8, features F=16, hidden H=10, window w=20, kernel N=9, classes=3)."""

    def __init__(self, channels: int = 8, features: int = 16, hidden: int = 10, window: int = 20, kernel: int = 9,
                 classes: int = 3, *, dtype=np.float64, rng=None):
        if window < kernel:
            raise ValueError(f"window must be at least kernel={kernel} samples; got {window}")
        self.window, self.channels = int(window), int(channels)
        rng = np.random.default_rng(rng)
        def uniform(bound, shape):
            return rng.uniform(-bound, bound, shape).astype(dtype)
        kc, kh = 1 / np.sqrt(channels * kernel), 1 / np.sqrt(hidden)
        self.params = {"conv.weight": uniform(kc, (features, channels, kernel)), "conv.bias": uniform(kc, (features,)),
                       "lstm.weight_ih_l0": uniform(kh, (4 * hidden, features)),
                       "lstm.weight_hh_l0": uniform(kh, (4 * hidden, hidden)),
                       "lstm.bias_ih_l0": uniform(kh, (4 * hidden,)), "lstm.bias_hh_l0": uniform(kh, (4 * hidden,)),
                       "out.weight": uniform(kh, (classes, hidden)), "out.bias": uniform(kh, (classes,))}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache = None

    def forward(self, x):
        """x (B, T, C) -> logits (B, classes); keeps a cache for :meth:`backward`."""
        p = self.params
        x = as_float_array("x", x, p["conv.weight"].dtype)
        if x.ndim != 3 or x.shape[2] != self.channels or x.shape[1] < self.window:
            raise ValueError(f"x must have shape (B, T >= window={self.window}, C={self.channels}); got {x.shape}")
        B, T, C = x.shape
        W = T // self.window
        frames = x[:, :W * self.window].reshape(B * W, self.window, C).transpose(1, 0, 2)   # (w, B W, C)
        a, conv_cache = tdnn_forward(frames, p["conv.weight"], p["conv.bias"])              # (w', B W, F)
        r = np.maximum(a, 0)
        z = r.mean(axis=0).reshape(B, W, -1).transpose(1, 0, 2)                             # (W, B, F)
        H = p["lstm.weight_hh_l0"].shape[1]
        zeros = np.zeros((B, H), dtype=x.dtype)
        hs, _, lstm_cache = lstm_forward(z, zeros, zeros, *(p[f"lstm.{k}_l0"] for k in LSTM_KEYS))
        logits = hs[-1] @ p["out.weight"].T + p["out.bias"]
        self._cache = (x.shape, a, conv_cache, hs, lstm_cache)
        return logits

    __call__ = forward

    def backward(self, dlogits) -> np.ndarray:
        """Adds parameter gradients into ``grads``; returns dL/dx (B, T, C) (zero beyond the last full window)."""
        if self._cache is None:
            raise RuntimeError("RecurrentConv.backward called before forward")
        (B, T, C), a, conv_cache, hs, lstm_cache = self._cache
        p, g = self.params, self.grads
        g["out.weight"] += dlogits.T @ hs[-1]
        g["out.bias"] += dlogits.sum(axis=0)
        dhs = np.zeros_like(hs)
        dhs[-1] = dlogits @ p["out.weight"]
        lg = lstm_backward(dhs, lstm_cache)
        for k in LSTM_KEYS:
            g[f"lstm.{k}_l0"] += lg[k]
        W = hs.shape[0]
        dz = lg["x"].transpose(1, 0, 2).reshape(B * W, -1)                                 # (B W, F)
        da = np.broadcast_to(dz / a.shape[0], a.shape) * (a > 0)
        dframes, dweight, dbias = tdnn_backward(da, conv_cache)
        g["conv.weight"] += dweight
        g["conv.bias"] += dbias
        dx = np.zeros((B, T, C), dtype=dframes.dtype)
        dx[:, :W * self.window] = dframes.transpose(1, 0, 2).reshape(B, W * self.window, C)
        return dx

    def zero_grad(self) -> None:
        for v in self.grads.values():
            v.fill(0)

    def load_state_dict(self, sd: dict) -> None:
        for k, v in self.params.items():
            if np.shape(sd[k]) != v.shape:
                raise ValueError(f"{k} must have shape {v.shape}; got {np.shape(sd[k])}")
            v[...] = np.asarray(sd[k])
