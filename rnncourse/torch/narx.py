"""The NARX network in tensor ops; twin of :mod:`rnncourse.scratch.narx` (autograd does every backward).

    y(n+1) = W_out tanh(W_h2 tanh(W_h1 r + b_h1) + b_h2) + b_out,
    r = [y(n), ..., y(n-q_y+1), u(n), ..., u(n-q_u+1)]
"""
from __future__ import annotations

import math

import torch

from ..scratch.narx import NARXCell as _Decl
from .module import Recurrent, TorchCell


def _F(p: dict, r):
    """The feed-forward map F of a NARX network (two tanh layers, linear output), r (..., R) -> (..., O)."""
    def lin(x, name):
        out = x @ p[f"weight_{name}"].T
        return out + p[f"bias_{name}"] if f"bias_{name}" in p else out
    return lin(torch.tanh(lin(torch.tanh(lin(r, "h1")), "h2")), "out")


class NARXCell(TorchCell):
    def step(self, u, state):
        y, y_delay, u_delay = state
        y_lags, u_lags = torch.cat([y, y_delay], dim=1), torch.cat([u, u_delay], dim=1)
        y_next = _F(self.p, torch.cat([y_lags, u_lags], dim=1))
        return y_next, y_lags[:, :y_delay.shape[1]], u_lags[:, :u_delay.shape[1]]


class NARX(Recurrent):
    """NARX(input_size, hidden_size, output_size=1, hidden_size2=None, output_delays=2, input_delays=2,
    bias=True, device=None, dtype=None); state (y_0, y_delay_0, u_delay_0), each (1, B, width)."""

    cell_class, decl_class = NARXCell, _Decl
    state_labels = {"y": "y_0", "y_delay": "y_delay_0", "u_delay": "u_delay_0"}

    def __init__(self, input_size, hidden_size, output_size=1, hidden_size2=None, output_delays=2, input_delays=2,
                 bias=True, device=None, dtype=None):
        self.output_size = output_size
        super().__init__(input_size, hidden_size, 1, bias, False, 0.0, False, device, dtype, output_size=output_size,
                         hidden_size2=hidden_size2, output_delays=output_delays, input_delays=input_delays)

    def reset_parameters(self) -> None:
        """Each layer ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as torch.nn.Linear's bounds."""
        d = self.decl
        fan_in = {"h1": d.regressor_size, "h2": d.hidden_size, "out": d.hidden_size2}
        with torch.no_grad():
            for name, p in self._cells[0][0].p.items():
                bound = 1 / math.sqrt(fan_in[name.split("_")[1]])
                p.uniform_(-bound, bound)

    def one_step(self, y, u):
        """Series-parallel predictions of y[p:] (T-p, B, O) from the true y (T, B, O) and u (T, B, I)."""
        d = self.decl
        p, T = max(d.output_delays, d.input_delays), y.shape[0]
        y_lags = torch.stack([y[p - 1 - i:T - 1 - i] for i in range(d.output_delays)], dim=2).flatten(2)
        u_lags = torch.stack([u[p - 1 - i:T - 1 - i] for i in range(d.input_delays)], dim=2).flatten(2)
        return _F(self._cells[0][0].p, torch.cat([y_lags, u_lags], dim=2))
