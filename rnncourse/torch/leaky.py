"""The leaky-integrator RNN from tensor ops; twin of :mod:`rnncourse.scratch.leaky`.

    h_t = (1 - alpha) h_{t-1} + alpha tanh((x_t * m_x) W_ih^T + b_ih + (h_{t-1} * m_h) W_hh^T + b_hh)
"""
from __future__ import annotations

import torch

from ..scratch.leaky import LeakyCell as _Decl
from ..scratch.leaky import check_alpha
from .dropout import VariationalRecurrent, VariationalTorchCell


class LeakyCell(VariationalTorchCell):
    def step(self, u, state):
        (h,) = state
        a = self.preactivation(u, h)
        alpha = self.decl.alpha
        return ((1 - alpha) * h + alpha * torch.tanh(a),)


class Leaky(VariationalRecurrent):
    """Leaky(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
    alpha=0.5, dropout=0.0, device=None, dtype=None); dropout is variational, inside each cell, train() only."""

    cell_class, decl_class = LeakyCell, _Decl

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
                 alpha=0.5, dropout=0.0, device=None, dtype=None):
        self.alpha = check_alpha(alpha)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, device, dtype,
                         alpha=alpha, variational_dropout=dropout)
