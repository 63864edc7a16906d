"""The Greff et al. (2017) LSTM variants as a torch.nn.Module (autograd backward).

Twin of ``rnncourse.scratch.lstm_variants.LSTMVariant``: the same equations (see that module's
docstring), variant names, parameter shapes and state_dict keys, so weights move between the two; the NP
variant also loads a one-layer torch.nn.LSTM's state_dict. The variant configuration (which gates exist)
is shared; the arithmetic here is written separately, gate by gate, so the two check each other.
"""
from __future__ import annotations

import torch
from torch import nn

from ..scratch.lstm_variants import variant_param_shapes, variant_spec
from .modules import uniform_init_


class LSTMVariant(nn.Module):
    """LSTMVariant(input_size, hidden_size, variant="vanilla", bias=True, device=None, dtype=None).

    forward(x (T, B, I), state=None or (h0, c0) each (1, B, H)) -> (output (T, B, H), (h_n, c_n)).
    """

    def __init__(self, input_size: int, hidden_size: int, variant: str = "vanilla", bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        self.spec = variant_spec(variant)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        for name, shape in variant_param_shapes(self.spec, input_size, hidden_size, bias).items():
            self.register_parameter(name, nn.Parameter(torch.empty(shape, device=device, dtype=dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        uniform_init_(self.parameters(), self.hidden_size)

    def _gate_preactivations(self, x_t, h, s_prev):
        a = x_t @ self.weight_ih_l0.T + h @ self.weight_hh_l0.T
        if self.bias:
            a = a + self.bias_ih_l0 + self.bias_hh_l0
        blocks = dict(zip(self.spec.blocks, a.split(self.hidden_size, dim=-1)))
        if self.spec.full_gate_recurrence:
            recurrent = (s_prev @ self.weight_gg_l0.T).split(self.hidden_size, dim=-1)
            for name, extra in zip(self.spec.sigmoid_blocks, recurrent):
                blocks[name] = blocks[name] + extra
        return blocks

    def _peephole(self, gate):
        return getattr(self, f"peephole_{gate}_l0") if gate in self.spec.peephole_blocks else None

    def forward(self, x, state=None):
        T, B, _ = x.shape
        H = self.hidden_size
        if state is None:
            h = x.new_zeros(B, H)
            c = x.new_zeros(B, H)
        else:
            h, c = state[0][0], state[1][0]
        s_prev = x.new_zeros(B, len(self.spec.sigmoid_blocks) * H)
        outputs = []
        for t in range(T):
            a = self._gate_preactivations(x[t], h, s_prev)
            p_i, p_f, p_o = self._peephole("i"), self._peephole("f"), self._peephole("o")
            i = torch.sigmoid(a["i"] + (0 if p_i is None else p_i * c)) if self.spec.input_gate else torch.ones_like(c)
            if self.spec.coupled:
                f = 1 - i
            elif self.spec.forget_gate:
                f = torch.sigmoid(a["f"] + (0 if p_f is None else p_f * c))
            else:
                f = torch.ones_like(c)
            z = torch.tanh(a["g"]) if self.spec.input_activation else a["g"]
            c = f * c + i * z
            o = torch.sigmoid(a["o"] + (0 if p_o is None else p_o * c)) if self.spec.output_gate else torch.ones_like(c)
            h = o * (torch.tanh(c) if self.spec.output_activation else c)
            s_prev = torch.cat([{"i": i, "f": f, "o": o}[g] for g in self.spec.sigmoid_blocks], dim=-1)
            outputs.append(h)
        return torch.stack(outputs), (h.unsqueeze(0), c.unsqueeze(0))

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, variant={self.spec.name!r}" + ("" if self.bias else ", bias=False")
