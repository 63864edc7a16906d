"""The vanilla (Elman) RNN from tensor ops: h_t = f(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); mirrors torch.nn.RNN."""
from __future__ import annotations

import torch

from ..scratch.rnn import RNNCell as _Decl
from ..scratch.rnn import _check_nonlinearity
from .module import Recurrent, TorchCell, twin_docstring


class RNNCell(TorchCell):
    """One RNN step in tensor ops:
    h_t = f(u_t + h_{t-1} W_hh^T + b_hh), f = tanh or relu; u_t = x_t W_ih^T + b_ih is hoisted.
    step(u (B, H), (h,)) -> (h_t,), each (B, H).
    """

    def step(self, u, state):
        (h,) = state
        a = u + h @ self.p["weight_hh"].T
        if "bias_hh" in self.p:
            a = a + self.p["bias_hh"]
        return (torch.tanh(a) if self.decl.nonlinearity == "tanh" else torch.relu(a),)


class RNN(Recurrent):
    __doc__ = twin_docstring(
        "RNN", "RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, "
        "dropout=0.0, bidirectional=False, device=None, dtype=None): torch.nn.RNN's arguments and keys.")

    cell_class, decl_class = RNNCell, _Decl

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        self.nonlinearity = _check_nonlinearity(nonlinearity)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype,
                         nonlinearity=nonlinearity)
