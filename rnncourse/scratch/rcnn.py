"""The recurrent-convolutional classifier of Bashivan et al. (2016), in one dimension, with a hand-written
backward; twin of :class:`rnncourse.torch.eeg.RecurrentConv` (torch.nn layers, same state_dict keys).

A trial x: (B, T, C) is cut into W = T // w windows of w samples. Per window a 1-D convolution over time
(:func:`rnncourse.scratch.tdnn_forward`, = torch.nn.Conv1d; N taps, F filters) with ReLU, averaged over the
window, gives one feature vector; an LSTM reads the W vectors and a linear layer reads its last state
(the recurrent read-out of :mod:`rnncourse.scratch.classifier`):

    z_{b,k} = mean_s relu(conv(x_{b, window k})_s)       (B, W, F)
    h_k     = LSTM(z_k, h_{k-1}),  k = 1..W             (W, B, H)   (rnncourse.scratch.lstm_forward)
    logits  = h_W W_out^T + b_out                        (B, classes)

Parameters, named as torch's: conv.weight (F, C, N), conv.bias (F,), lstm.weight_ih_l0 (4H, F),
lstm.weight_hh_l0 (4H, H), lstm.bias_ih_l0, lstm.bias_hh_l0 (4H,), out.weight (classes, H), out.bias.
Its two baselines are in :mod:`rnncourse.scratch.eeg_baselines`.
"""
from __future__ import annotations

import numpy as np

from .classifier import SequenceClassifier, lstm_readout_shapes, pooled_relu_conv_backward, pooled_relu_conv_forward


class RecurrentConv(SequenceClassifier):
    """RecurrentConv(channels C=8, features F=16, hidden H=10, window w=20, kernel N=9, classes=3)."""

    def __init__(self, channels: int = 8, features: int = 16, hidden: int = 10, window: int = 20, kernel: int = 9,
                 classes: int = 3, *, dtype=np.float64, rng=None):
        if window < kernel:
            raise ValueError(f"window must be at least kernel={kernel} samples; got {window}")
        self.window = self.min_steps = int(window)
        kc = 1 / np.sqrt(channels * kernel)
        shapes = {"conv.weight": ((features, channels, kernel), kc), "conv.bias": ((features,), kc),
                  **lstm_readout_shapes(features, hidden, classes)}
        super().__init__(channels, shapes, dtype=dtype, rng=rng)

    def forward(self, x):
        """x (B, T, C) -> logits (B, classes); keeps a cache for :meth:`backward`."""
        p = self.params
        x = self._check_x(x)
        B, T, C = x.shape
        W = T // self.window
        frames = x[:, :W * self.window].reshape(B * W, self.window, C).transpose(1, 0, 2)   # (w, B W, C)
        pooled, conv_cache = pooled_relu_conv_forward(frames, p["conv.weight"], p["conv.bias"])   # (B W, F)
        z = pooled.reshape(B, W, -1).transpose(1, 0, 2)                                     # (W, B, F)
        logits, head_cache = self.lstm_readout_forward(z)
        self._cache = (x.shape, conv_cache, head_cache)
        self._logits_shape = logits.shape
        return logits

    def backward(self, dlogits) -> np.ndarray:
        """Adds parameter gradients into ``grads``; returns dL/dx (B, T, C) (zero beyond the last full window)."""
        dlogits, ((B, T, C), conv_cache, head_cache) = self._cached(dlogits)
        dz = self.lstm_readout_backward(dlogits, head_cache)                               # (W, B, F)
        W = dz.shape[0]
        dz = dz.transpose(1, 0, 2).reshape(B * W, -1)                                      # (B W, F)
        dframes, dweight, dbias = pooled_relu_conv_backward(dz, conv_cache)
        self.grads["conv.weight"] += dweight
        self.grads["conv.bias"] += dbias
        dx = np.zeros((B, T, C), dtype=dframes.dtype)
        dx[:, :W * self.window] = dframes.transpose(1, 0, 2).reshape(B, W * self.window, C)
        return dx
