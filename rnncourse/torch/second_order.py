"""The second-order RNN from tensor ops; twin of :mod:`rnncourse.scratch.second_order`.

    h_t = sigmoid(sum_jk W[:, j, k] h_{t-1, j} x_{t, k} + b)      weight (H, H, I), bias (H,)
"""
from __future__ import annotations

import torch

from ..scratch.second_order import SecondOrderCell as _Decl
from .module import Recurrent, TorchCell


class SecondOrderCell(TorchCell):
    def step(self, u, state):
        (h_prev,) = state
        # contract the symbol first: M[b] = sum_k W[:, :, k] x_k, the transition matrix the input selects
        M = torch.tensordot(u, self.p["weight"], dims=([1], [2]))        # (B, H, H)
        z = torch.bmm(M, h_prev.unsqueeze(2)).squeeze(2)
        if "bias" in self.p:
            z = z + self.p["bias"]
        return (torch.sigmoid(z),)


class SecondOrder(Recurrent):
    """SecondOrder(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
    device=None, dtype=None); state h_0 (L*D, B, H)."""

    cell_class, decl_class = SecondOrderCell, _Decl
