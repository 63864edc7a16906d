"""The GRU from tensor ops (gate order r, z, n; reset applied after the hidden matmul); mirrors torch.nn.GRU.

    [r, z] = sig(gx_rz + gh_rz);  n = tanh(gx_n + r * gh_n);  h' = (1 - z) n + z h
"""
from __future__ import annotations

import torch

from ..scratch.gru import GRUCell as _Decl
from .module import Recurrent, TorchCell, twin_docstring


class GRUCell(TorchCell):
    """One GRU step in tensor ops:
    r, z = sig(u_r + h W_hr^T + b_hr), sig(u_z + h W_hz^T + b_hz); n = tanh(u_n + r (h W_hn^T + b_hn));
    h_t = (1 - z) n + z h_{t-1}.  step(u (B, 3H), (h,)) -> (h_t,), (B, H).
    """

    def step(self, u, state):
        (h,) = state
        gh = h @ self.p["weight_hh"].T
        if "bias_hh" in self.p:
            gh = gh + self.p["bias_hh"]
        gx_r, gx_z, gx_n = u.chunk(3, dim=-1)
        gh_r, gh_z, gh_n = gh.chunk(3, dim=-1)
        r, z = torch.sigmoid(gx_r + gh_r), torch.sigmoid(gx_z + gh_z)
        n = torch.tanh(gx_n + r * gh_n)
        return ((1 - z) * n + z * h,)


class GRU(Recurrent):
    __doc__ = twin_docstring(
        "GRU", "GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, "
        "dropout=0.0, bidirectional=False, device=None, dtype=None).")

    cell_class, decl_class = GRUCell, _Decl
