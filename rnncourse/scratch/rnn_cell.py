"""The vanilla (Elman) RNN cell, in torch.nn.RNNCell's layout.

    h_t = f(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),   f = tanh or relu

Shapes: x (B, I), h (B, H), weight_ih (H, I), weight_hh (H, H), bias_ih and bias_hh (H,).
"""
from __future__ import annotations

import numpy as np

from .cell_base import CellKind, cell_param_grads, hidden_projection, input_projection, validate_cell_args

NONLINEARITIES = ("tanh", "relu")


class RNNKind(CellKind):
    num_gates = 1
    num_states = 1

    def __init__(self, nonlinearity: str = "tanh"):
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu'; got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        self.name = f"RNN ({nonlinearity})"

    def step(self, gx, weight_hh, bias_hh, state):
        (h,) = state
        a = gx + hidden_projection(h, weight_hh, bias_hh)
        h_next = np.tanh(a) if self.nonlinearity == "tanh" else np.maximum(a, 0)
        return (h_next,), h_next

    def step_backward(self, d_state, step_cache, weight_hh):
        (dh_next,) = d_state
        h_next = step_cache
        # f'(a) from the output alone: tanh' = 1 - h^2, relu' = [h > 0]
        da = dh_next * (1 - h_next * h_next) if self.nonlinearity == "tanh" else dh_next * (h_next > 0)
        return da, da, (da @ weight_hh,)


TANH = RNNKind("tanh")
RELU = RNNKind("relu")


def rnn_kind(nonlinearity: str) -> RNNKind:
    """The shared cell kind for a nonlinearity name ('tanh' or 'relu')."""
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu'; got {nonlinearity!r}")
    return TANH if nonlinearity == "tanh" else RELU


def rnn_cell_forward(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None, nonlinearity="tanh"):
    """One vanilla RNN step. Returns (h_next (B, H), cache)."""
    kind = rnn_kind(nonlinearity)
    x, s, weight_ih, weight_hh, bias_ih, bias_hh = validate_cell_args(kind, x, {"h": h}, weight_ih, weight_hh, bias_ih, bias_hh)
    (h_next,), step_cache = kind.step(input_projection(x, weight_ih, bias_ih), weight_hh, bias_hh, (s["h"],))
    return h_next, (kind, x, s["h"], weight_ih, weight_hh, bias_ih is not None, step_cache)


def rnn_cell_backward(dh_next, cache) -> dict:
    """Backward of :func:`rnn_cell_forward`.

    dh_next: (B, H) = dL/dh_next. Returns a dict of gradients keyed by the forward's argument names:
    x (B, I), h (B, H), weight_ih (H, I), weight_hh (H, H), and bias_ih, bias_hh (H,) when biases were given.
    """
    kind, x, h, weight_ih, weight_hh, has_bias, step_cache = cache
    d_gx, d_gh, (dh,) = kind.step_backward((dh_next,), step_cache, weight_hh)
    grads = cell_param_grads(x, h, weight_ih, weight_hh, d_gx, d_gh, has_bias)
    grads["h"] = dh
    return grads
