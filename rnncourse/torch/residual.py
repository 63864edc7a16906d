"""The residual RNN from tensor ops; twin of :mod:`rnncourse.scratch.residual`.

    h_t = h_{t-1} + tanh((x_t * m_x) W_ih^T + b_ih + (h_{t-1} * m_h) W_hh^T + b_hh)
"""
from __future__ import annotations

import torch

from ..scratch.residual import ResidualCell as _Decl
from .dropout import VariationalRecurrent, VariationalTorchCell


class ResidualCell(VariationalTorchCell):
    def step(self, u, state):
        (h,) = state
        a = self.preactivation(u, h)
        return (h + torch.tanh(a),)


class Residual(VariationalRecurrent):
    """Residual(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
    dropout=0.0, device=None, dtype=None); dropout is variational, inside each cell, train() only."""

    cell_class, decl_class = ResidualCell, _Decl

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
                 dropout=0.0, device=None, dtype=None):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, device, dtype,
                         variational_dropout=dropout)
