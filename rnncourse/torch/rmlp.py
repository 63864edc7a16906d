"""The recurrent multilayer perceptron from tensor ops; twin of :mod:`rnncourse.scratch.rmlp`.

    h1_t = tanh(x_t W_ih^T + b_ih + h1_{t-1} W_hh^T);  hl_t = tanh(h(l-1)_t W_in{l}^T + hl_{t-1} W_rec{l}^T + b{l})
    y_t  = g(hK_t W_hy^T + y_{t-1} W_yy^T + b_hy)
"""
from __future__ import annotations

import torch

from ..scratch.rmlp import RMLPCell as _Decl
from .module import Recurrent, TorchCell

_G = {"identity": lambda o: o, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


class RMLPCell(TorchCell):
    def step(self, u, state):
        p, K = self.p, self.decl.hidden_layers
        layers = [torch.tanh(u + state[0] @ p["weight_hh"].T)]
        for l in range(2, K + 1):
            a = layers[-1] @ p[f"weight_in{l}"].T + state[l - 1] @ p[f"weight_rec{l}"].T
            layers.append(torch.tanh(a + p[f"bias{l}"] if f"bias{l}" in p else a))
        o = layers[-1] @ p["weight_hy"].T + state[K] @ p["weight_yy"].T
        if "bias_hy" in p:
            o = o + p["bias_hy"]
        return tuple(layers) + (_G[self.decl.output_activation](o),)


class RMLP(Recurrent):
    """RMLP(input_size, hidden_size, output_size=1, hidden_layers=2, num_layers=1, bias=True, batch_first=False,
    bidirectional=False, output_activation='identity', device=None, dtype=None); state (h1_0, ..., hK_0, y_0)."""

    cell_class, decl_class = RMLPCell, _Decl

    def __init__(self, input_size, hidden_size, output_size=1, hidden_layers=2, num_layers=1, bias=True,
                 batch_first=False, bidirectional=False, output_activation="identity", device=None, dtype=None):
        self.output_size = output_size
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, device, dtype,
                         output_size=output_size, hidden_layers=hidden_layers, output_activation=output_activation)
