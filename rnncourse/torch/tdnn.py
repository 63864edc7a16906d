"""The TDNN layer in torch: torch.nn.functional.conv1d over time; twin of :mod:`rnncourse.scratch.tdnn`.

    y_t = g(b + sum_{j=0}^{N-1} W[:, :, j] x_{t-N+1+j}),   x (T, B, I) -> y (T-N+1, B, O)
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ..scratch.tdnn import ACTIVATIONS


class TDNN(nn.Module):
    """TDNN(in_channels I, out_channels O, kernel_size N, bias=True, activation="identity", device, dtype).

    Parameters ``weight`` (O, I, N) and ``bias`` (O,), as torch.nn.Conv1d; input and output time-major."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, bias: bool = True,
                 activation: str = "identity", device=None, dtype=None):
        super().__init__()
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("kernel_size", kernel_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}")
        self.activation, self.kernel_size = activation, kernel_size
        factory = {"device": device, "dtype": dtype}
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size, **factory))
        self.bias = nn.Parameter(torch.empty(out_channels, **factory)) if bias else None
        bound = 1.0 / math.sqrt(in_channels * kernel_size)
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(-bound, bound)

    def forward(self, x):
        if not isinstance(x, torch.Tensor) or x.dim() != 3 or x.shape[2] != self.weight.shape[1]:
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"x must be a tensor of shape (T, B, I={self.weight.shape[1]}); got {shape}")
        if x.shape[0] < self.kernel_size:
            raise ValueError(f"x must have at least N={self.kernel_size} time steps; got T={x.shape[0]}")
        a = F.conv1d(x.permute(1, 2, 0), self.weight, self.bias).permute(2, 0, 1)
        return torch.tanh(a) if self.activation == "tanh" else a
