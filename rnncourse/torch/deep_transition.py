"""Deep recurrent networks (Pascanu et al. 2014) from tensor ops; twin of :mod:`rnncourse.scratch.deep_transition`.

    z_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T)           (deep transition; else h_t = this)
    h_t = tanh(z_t W_zh^T + b_zh [+ h_{t-1} W_sh^T])
    o_t = tanh(h_t W_ho^T + b_ho)                            (deep output: the layer's output)
"""
from __future__ import annotations

import torch

from ..scratch.deep_transition import DeepTransitionCell as _Decl
from ..scratch.deep_transition import kind_flags
from .module import Recurrent, TorchCell


class DeepTransitionCell(TorchCell):
    def step(self, u, state):
        p, h_prev = self.p, state[0]
        pre = u + h_prev @ p["weight_hh"].T
        if self.decl.deep_transition:
            pre = torch.tanh(pre) @ p["weight_zh"].T + (p["bias_zh"] if "bias_zh" in p else 0.0)
            if self.decl.shortcut:
                pre = pre + h_prev @ p["weight_sh"].T
        h = torch.tanh(pre)
        if not self.decl.deep_output:
            return (h,)
        return h, torch.tanh(h @ p["weight_ho"].T + (p["bias_ho"] if "bias_ho" in p else 0.0))


class DeepRNN(Recurrent):
    """DeepRNN(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
    deep_transition=True, shortcut=False, deep_output=False, device=None, dtype=None); see the scratch twin."""

    cell_class, decl_class = DeepTransitionCell, _Decl

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
                 deep_transition=True, shortcut=False, deep_output=False, device=None, dtype=None):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, device, dtype,
                         deep_transition=deep_transition, shortcut=shortcut, deep_output=deep_output)

    @classmethod
    def of_kind(cls, kind: str, input_size, hidden_size, **kwargs):
        return cls(input_size, hidden_size, **kind_flags(kind), **kwargs)
