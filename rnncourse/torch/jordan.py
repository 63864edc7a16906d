"""The Jordan network from tensor ops (output feedback); twin of :mod:`rnncourse.scratch.jordan`.

    h_t = tanh(x_t W_ih^T + b_ih + y_{t-1} W_yh^T),   y_t = g(h_t W_hy^T + b_hy)
"""
from __future__ import annotations

import torch

from ..scratch.jordan import JordanCell as _Decl
from .module import Recurrent, TorchCell

_G = {"identity": lambda o: o, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


class JordanCell(TorchCell):
    def step(self, u, state):
        (y_prev,) = state
        h = torch.tanh(u + y_prev @ self.p["weight_yh"].T)
        o = h @ self.p["weight_hy"].T
        if "bias_hy" in self.p:
            o = o + self.p["bias_hy"]
        return (_G[self.decl.output_activation](o),)


class Jordan(Recurrent):
    """Jordan(input_size, hidden_size, output_size=1, num_layers=1, bias=True, batch_first=False,
    bidirectional=False, output_activation='identity', device=None, dtype=None); state y_0 (L*D, B, O)."""

    cell_class, decl_class = JordanCell, _Decl
    state_labels = {"y": "y_0"}

    def __init__(self, input_size, hidden_size, output_size=1, num_layers=1, bias=True, batch_first=False,
                 bidirectional=False, output_activation="identity", device=None, dtype=None):
        self.output_size = output_size
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, device, dtype,
                         output_size=output_size, output_activation=output_activation)
