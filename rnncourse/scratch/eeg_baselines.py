"""The two baselines the recurrent-convolutional classifier (:mod:`rnncourse.scratch.rcnn`) is compared with
in the signals chapter, with hand-written backward passes; twins of :class:`rnncourse.torch.eeg.ConvOnly`
and :class:`rnncourse.torch.eeg.RecurrentOnly` (torch.nn layers, same state_dict keys).

Both read a trial x: (B, T, C) and return logits (B, classes).

ConvOnly: two 1-D convolutions over time (:func:`rnncourse.scratch.tdnn_forward`, = torch.nn.Conv1d, N_1 and
N_2 taps, F filters) with ReLU, averaged over the whole trial, then a linear read-out:

    r^(1) = relu(conv1(x)),  r^(2) = relu(conv2(r^(1)))   (T - N_1 - N_2 + 2, B, F)
    logits = (mean_t r^(2)_t) W_out^T + b_out             (B, classes)

    parameters conv1.weight (F, C, N_1), conv1.bias (F,), conv2.weight (F, F, N_2), conv2.bias (F,),
    out.weight (classes, F), out.bias (classes,)

RecurrentOnly: an LSTM over the T raw samples, its last state read out (the recurrent read-out of
:mod:`rnncourse.scratch.classifier` with z_t = x_t):

    h_t = LSTM(x_t, h_{t-1}),  t = 1..T;  logits = h_T W_out^T + b_out

    parameters lstm.weight_ih_l0 (4H, C), lstm.weight_hh_l0 (4H, H), lstm.bias_ih_l0, lstm.bias_hh_l0 (4H,),
    out.weight (classes, H), out.bias (classes,)
"""
from __future__ import annotations

import numpy as np

from .classifier import (
    SequenceClassifier,
    lstm_readout_shapes,
    pooled_relu_conv_backward,
    pooled_relu_conv_forward,
    relu_conv_backward,
    relu_conv_forward,
)


class ConvOnly(SequenceClassifier):
    """ConvOnly(channels C=8, features F=16, kernels (N_1, N_2)=(9, 5), classes=3)."""

    def __init__(self, channels: int = 8, features: int = 16, kernels: tuple = (9, 5), classes: int = 3, *,
                 dtype=np.float64, rng=None):
        n1, n2 = kernels
        self.min_steps = n1 + n2 - 1
        k1, k2, ko = 1 / np.sqrt(channels * n1), 1 / np.sqrt(features * n2), 1 / np.sqrt(features)
        shapes = {"conv1.weight": ((features, channels, n1), k1), "conv1.bias": ((features,), k1),
                  "conv2.weight": ((features, features, n2), k2), "conv2.bias": ((features,), k2),
                  "out.weight": ((classes, features), ko), "out.bias": ((classes,), ko)}
        super().__init__(channels, shapes, dtype=dtype, rng=rng)

    def forward(self, x):
        """x (B, T, C) -> logits (B, classes); keeps a cache for :meth:`backward`."""
        p = self.params
        x = self._check_x(x)
        r1, cache1 = relu_conv_forward(x.transpose(1, 0, 2), p["conv1.weight"], p["conv1.bias"])
        pooled, cache2 = pooled_relu_conv_forward(r1, p["conv2.weight"], p["conv2.bias"])
        logits, out_cache = self.out_forward(pooled)
        self._cache, self._logits_shape = (cache1, cache2, out_cache), logits.shape
        return logits

    def backward(self, dlogits) -> np.ndarray:
        """Adds parameter gradients into ``grads``; returns dL/dx (B, T, C)."""
        dlogits, (cache1, cache2, out_cache) = self._cached(dlogits)
        dr1, dw2, db2 = pooled_relu_conv_backward(self.out_backward(dlogits, out_cache), cache2)
        dx, dw1, db1 = relu_conv_backward(dr1, cache1)
        for k, v in (("conv1.weight", dw1), ("conv1.bias", db1), ("conv2.weight", dw2), ("conv2.bias", db2)):
            self.grads[k] += v
        return dx.transpose(1, 0, 2)


class RecurrentOnly(SequenceClassifier):
    """RecurrentOnly(channels C=8, hidden H=20, classes=3)."""

    def __init__(self, channels: int = 8, hidden: int = 20, classes: int = 3, *, dtype=np.float64, rng=None):
        super().__init__(channels, lstm_readout_shapes(channels, hidden, classes), dtype=dtype, rng=rng)

    def forward(self, x):
        """x (B, T, C) -> logits (B, classes); keeps a cache for :meth:`backward`."""
        logits, self._cache = self.lstm_readout_forward(self._check_x(x).transpose(1, 0, 2))
        self._logits_shape = logits.shape
        return logits

    def backward(self, dlogits) -> np.ndarray:
        """Adds parameter gradients into ``grads``; returns dL/dx (B, T, C)."""
        dlogits, cache = self._cached(dlogits)
        return self.lstm_readout_backward(dlogits, cache).transpose(1, 0, 2)
