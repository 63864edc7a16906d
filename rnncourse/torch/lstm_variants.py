"""The Greff et al. (2017) LSTM variants from tensor ops (autograd backward).

Twin of :mod:`rnncourse.scratch.lstm_variants`: the same variants, parameter names and state_dict keys
(which gates exist is declared once, by the scratch cell); the arithmetic is written here separately,
gate by gate, so the two check each other. The NP variant loads a torch.nn.LSTM's state_dict.
"""
from __future__ import annotations

import torch

from ..scratch.lstm_variants import LSTMVariantCell as _Decl
from .module import Recurrent, TorchCell


class LSTMVariantCell(TorchCell):
    def project(self, x):
        u = x @ self.p["weight_ih"].T
        return u + self.p["bias_ih"] + self.p["bias_hh"] if "bias_ih" in self.p else u

    def step(self, u, state):
        spec, p, H = self.decl.spec, self.p, self.decl.hidden_size
        h, c = state[0], state[1]
        a = dict(zip(spec.blocks, (u + h @ p["weight_hh"].T).split(H, dim=-1)))
        if spec.full_gate_recurrence:
            for name, extra in zip(spec.sigmoid_blocks, (state[2] @ p["weight_gg"].T).split(H, dim=-1)):
                a[name] = a[name] + extra

        def peephole(gate, cell):
            return p[f"peephole_{gate}"] * cell if gate in spec.peephole_blocks else 0

        ones = torch.ones_like(c)
        i = torch.sigmoid(a["i"] + peephole("i", c)) if spec.input_gate else ones
        if spec.coupled:
            f = 1 - i
        else:
            f = torch.sigmoid(a["f"] + peephole("f", c)) if spec.forget_gate else ones
        z = torch.tanh(a["g"]) if spec.input_activation else a["g"]
        c = f * c + i * z
        o = torch.sigmoid(a["o"] + peephole("o", c)) if spec.output_gate else ones
        h = o * (torch.tanh(c) if spec.output_activation else c)
        if spec.full_gate_recurrence:
            return h, c, torch.cat([{"i": i, "f": f, "o": o}[g] for g in spec.sigmoid_blocks], dim=-1)
        return h, c


class LSTMVariant(Recurrent):
    """LSTMVariant(input_size, hidden_size, variant='vanilla', num_layers=1, bias=True, batch_first=False,
    dropout=0.0, bidirectional=False, device=None, dtype=None); state (h, c)."""

    cell_class, decl_class = LSTMVariantCell, _Decl

    def __init__(self, input_size, hidden_size, variant="vanilla", num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype,
                         variant=variant)

    @property
    def spec(self):
        return self.decl.spec
