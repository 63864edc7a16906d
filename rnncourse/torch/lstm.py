"""The LSTM from tensor ops (gate order i, f, g, o); mirrors torch.nn.LSTM.

    [i, f, g, o] = [sig, sig, tanh, sig](x W_ih^T + b_ih + h W_hh^T + b_hh);  c' = f c + i g;  h' = o tanh(c')
"""
from __future__ import annotations

import torch

from ..scratch.lstm import LSTMCell as _Decl
from .module import Recurrent, TorchCell, twin_docstring


class LSTMCell(TorchCell):
    """One LSTM step in tensor ops:
    [i, f, g, o] = [sig, sig, tanh, sig](u_t + h_{t-1} W_hh^T + b_hh); c_t = f c_{t-1} + i g;
    h_t = o tanh(c_t).  step(u (B, 4H), (h, c)) -> (h_t, c_t), each (B, H).
    """

    def step(self, u, state):
        h, c = state
        a = u + h @ self.p["weight_hh"].T
        if "bias_hh" in self.p:
            a = a + self.p["bias_hh"]
        a_i, a_f, a_g, a_o = a.chunk(4, dim=-1)
        c_next = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
        return torch.sigmoid(a_o) * torch.tanh(c_next), c_next


class LSTM(Recurrent):
    __doc__ = twin_docstring(
        "LSTM", "LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, "
        "dropout=0.0, bidirectional=False, device=None, dtype=None); state (h, c).", states=('h', 'c'))

    cell_class, decl_class = LSTMCell, _Decl
