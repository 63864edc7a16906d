"""RNN, LSTM and GRU as torch.nn.Modules built from nn.Parameter and tensor ops (not wrapping nn.LSTM).

Constructor arguments, state_dict keys, parameter shapes, initialisation (U(-1/sqrt(H), 1/sqrt(H))),
input/state conventions and return values all match torch.nn.RNN / LSTM / GRU, so weights move freely
between torch.nn, this twin and ``rnncourse.scratch``:

    ours = rnncourse.torch.LSTM(8, 16, num_layers=2, bidirectional=True)
    ours.load_state_dict(torch.nn.LSTM(8, 16, num_layers=2, bidirectional=True).state_dict())

Shapes: input (T, B, I) ((B, T, I) with batch_first, or (T, I) unbatched); h_0 (L*D, B, H);
output (T, B, D*H). Gradients come from autograd. Works on any device and floating dtype torch offers.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from . import cells

_STEPS = {"RNN_TANH": (cells.rnn_tanh_step, 1, 1), "RNN_RELU": (cells.rnn_relu_step, 1, 1),
          "LSTM": (cells.lstm_step, 4, 2), "GRU": (cells.gru_step, 3, 1)}


def uniform_init_(parameters, hidden_size: int) -> None:
    """torch.nn's recurrent initialisation, in place: every parameter ~ U(-1/sqrt(H), 1/sqrt(H))."""
    bound = 1.0 / math.sqrt(hidden_size)
    with torch.no_grad():
        for p in parameters:
            p.uniform_(-bound, bound)


class RNNBase(nn.Module):
    """Shared machinery; ``mode`` is one of RNN_TANH, RNN_RELU, LSTM, GRU."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None):
        super().__init__()
        if dropout != 0.0:
            raise ValueError("dropout between layers is not implemented in rnncourse.torch; use dropout=0")
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        self.mode = mode
        self.step, G, self.num_states = _STEPS[mode]
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.bidirectional = bias, batch_first, bidirectional
        self.num_directions = 2 if bidirectional else 1
        factory = {"device": device, "dtype": dtype}
        # Registered in torch.nn's order so state_dict() lists keys identically.
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else self.num_directions * hidden_size
            for sfx in ("", "_reverse")[: self.num_directions]:
                self.register_parameter(f"weight_ih_l{layer}{sfx}", nn.Parameter(torch.empty(G * hidden_size, in_size, **factory)))
                self.register_parameter(f"weight_hh_l{layer}{sfx}", nn.Parameter(torch.empty(G * hidden_size, hidden_size, **factory)))
                if bias:
                    self.register_parameter(f"bias_ih_l{layer}{sfx}", nn.Parameter(torch.empty(G * hidden_size, **factory)))
                    self.register_parameter(f"bias_hh_l{layer}{sfx}", nn.Parameter(torch.empty(G * hidden_size, **factory)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        uniform_init_(self.parameters(), self.hidden_size)

    def _layer_params(self, layer: int, direction: int):
        sfx = "_reverse" if direction else ""
        get = lambda name: getattr(self, f"{name}_l{layer}{sfx}", None)  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")

    def _check_input(self, input):
        if not isinstance(input, torch.Tensor):
            raise ValueError(f"input must be a torch.Tensor; got {type(input).__name__}")
        if input.dim() not in (2, 3) or input.shape[-1] != self.input_size:
            order = "(B, T, I)" if self.batch_first else "(T, B, I)"
            raise ValueError(f"input must have shape {order} with I={self.input_size}, or (T, I); got {tuple(input.shape)}")

    def _initial_state(self, hx, B: int, unbatched: bool, like: torch.Tensor):
        LD, H = self.num_layers * self.num_directions, self.hidden_size
        if hx is None:
            return tuple(like.new_zeros(LD, B, H) for _ in range(self.num_states))
        states = tuple(hx) if self.num_states == 2 else (hx,)
        if len(states) != self.num_states:
            raise ValueError("the LSTM state must be a pair (h_0, c_0)")
        want = (LD, H) if unbatched else (LD, B, H)
        for name, s in zip(("h_0", "c_0"), states):
            if tuple(s.shape) != want:
                raise ValueError(f"{name} must have shape {want} (L*D, B, H); got {tuple(s.shape)}")
        return tuple(s.unsqueeze(1) if unbatched else s for s in states)

    def forward(self, input, hx=None):
        self._check_input(input)
        unbatched = input.dim() == 2
        x = input.unsqueeze(1) if unbatched else (input.transpose(0, 1) if self.batch_first else input)
        states0 = self._initial_state(hx, x.shape[1], unbatched, x)
        D = self.num_directions
        finals = [[None] * (self.num_layers * D) for _ in range(self.num_states)]
        layer_input = x
        for layer in range(self.num_layers):
            outs = []
            for d in range(D):
                idx = layer * D + d
                w_ih, w_hh, b_ih, b_hh = self._layer_params(layer, d)
                xin = layer_input.flip(0) if d else layer_input
                gx_all = xin @ w_ih.T if b_ih is None else xin @ w_ih.T + b_ih  # (T, B, G*H), hoisted
                state, hs = tuple(s[idx] for s in states0), []
                for t in range(xin.shape[0]):
                    state = self.step(gx_all[t], state, w_hh, b_hh)
                    hs.append(state[0])
                out = torch.stack(hs)
                outs.append(out.flip(0) if d else out)
                for k in range(self.num_states):
                    finals[k][idx] = state[k]
            layer_input = torch.cat(outs, dim=2) if D == 2 else outs[0]
        final = tuple(torch.stack(f) for f in finals)
        if unbatched:
            layer_input, final = layer_input.squeeze(1), tuple(f.squeeze(1) for f in final)
        elif self.batch_first:
            layer_input = layer_input.transpose(0, 1)
        return layer_input, (final if self.num_states == 2 else final[0])

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        for k in ("bias", "batch_first", "bidirectional"):
            if getattr(self, k) != (k == "bias"):
                s += f", {k}={getattr(self, k)}"
        return s


class RNN(RNNBase):
    """Elman RNN; mirrors torch.nn.RNN (nonlinearity 'tanh' or 'relu')."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu'; got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        super().__init__(f"RNN_{nonlinearity.upper()}", input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional, device, dtype)


class LSTM(RNNBase):
    """LSTM (i, f, g, o); mirrors torch.nn.LSTM without proj_size. State is (h, c)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """GRU (r, z, n; reset applied after the hidden matmul); mirrors torch.nn.GRU."""

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)
