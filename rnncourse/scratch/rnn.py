"""The vanilla (Elman) RNN, in torch.nn.RNN's layout:

    h_t = f(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),   f = tanh or relu

Backward, given dh_t (from the output and from step t+1):
    da = dh_t * f'(a_t)   (tanh' = 1 - h_t^2, relu' = [h_t > 0]);   dh_{t-1} = da W_hh
    dW_hh += da^T h_{t-1},  db_hh += sum_b da,  and dW_ih, db_ih, dx_t from da through the input projection.

Shapes: x (B, I) per step or (T, B, I), h (B, H), weight_ih (H, I), weight_hh (H, H), biases (H,).
"""
from __future__ import annotations

import numpy as np

from . import engine
from .cell import Cell, check_upstream, validate_sequence_args, validate_step_args
from .module import Recurrent, recurrent_docstring

NONLINEARITIES = ("tanh", "relu")


def _check_nonlinearity(nonlinearity: str) -> str:
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu'; got {nonlinearity!r}")
    return nonlinearity


class RNNCell(Cell):
    """h_t = f(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); state (h,), output h."""

    name = "RNN"
    fold_bias_hh = True
    gates = 1

    def __init__(self, input_size, hidden_size, bias=True, *, dtype=np.float64, params=None, nonlinearity="tanh"):
        self.nonlinearity = _check_nonlinearity(nonlinearity)
        super().__init__(input_size, hidden_size, bias, dtype=dtype, params=params)

    def step(self, u, state):
        (h,) = state
        a = u + self.hh(h)
        h_next = np.tanh(a, out=a) if self.nonlinearity == "tanh" else np.maximum(a, 0, out=a)
        return (h_next,), (h, h_next)

    def step_backward(self, d_state, cache, grads):
        (dh_next,) = d_state
        h, h_next = cache
        # f'(a) from the output alone: tanh' = 1 - h^2, relu' = [h > 0]
        da = dh_next * (1 - h_next * h_next) if self.nonlinearity == "tanh" else dh_next * (h_next > 0)
        return da, (da @ self.params["weight_hh"],), {"weight_hh": (da, h)}

    def extra_repr(self) -> str:
        return "" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity!r}"


class RNN(Recurrent):
    __doc__ = recurrent_docstring(
        r"Elman RNN over a sequence, in NumPy with a hand-written BPTT; mirrors ``torch.nn.RNN``.",
        r"h_t = f(x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh}),\quad f = \tanh \text{ or ReLU}",
        gates=1)

    cell_class = RNNCell

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, *, dtype=np.float64, rng=None):
        self.nonlinearity = _check_nonlinearity(nonlinearity)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         dtype=dtype, rng=rng, nonlinearity=nonlinearity)


def _cell(x, params, nonlinearity="tanh") -> RNNCell:
    H = params["weight_hh"].shape[1]
    return RNNCell(x.shape[-1], H, "bias_ih" in params, dtype=x.dtype, params=params, nonlinearity=nonlinearity)


def rnn_cell_forward(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None, nonlinearity="tanh"):
    """One vanilla RNN step, x (B, I), h (B, H). Returns (h_next (B, H), cache)."""
    _check_nonlinearity(nonlinearity)
    x, s, params = validate_step_args("RNN", 1, x, {"h": h}, weight_ih, weight_hh, bias_ih, bias_hh)
    cell = _cell(x, params, nonlinearity)
    (h_next,), cache = engine.step_forward(cell, x, (s["h"],))
    return h_next, (cell, cache)


def rnn_cell_backward(dh_next, cache) -> dict:
    """Backward of :func:`rnn_cell_forward`. dh_next: (B, H) = dL/dh_next.

    Returns gradients keyed by the forward's argument names: x (B, I), h (B, H), weight_ih (H, I),
    weight_hh (H, H), and bias_ih, bias_hh (H,) when biases were given.
    """
    cell, step_cache = cache
    dh_next = check_upstream("dh_next", dh_next, step_cache[1][1])
    dx, (dh,), grads = engine.step_backward(cell, (dh_next,), step_cache)
    return {"x": dx, "h": dh, **grads}


def rnn_forward(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None, nonlinearity="tanh"):
    """Vanilla RNN over a sequence x (T, B, I) from h0 (B, H). Returns (hs (T, B, H), cache)."""
    _check_nonlinearity(nonlinearity)
    x, s, params = validate_sequence_args("RNN", 1, x, {"h0": h0}, weight_ih, weight_hh, bias_ih, bias_hh)
    hs, _, cache = engine.forward(_cell(x, params, nonlinearity), x, (s["h0"],))
    return hs, cache


def rnn_backward(dhs, cache, truncation=None) -> dict:
    """BPTT for :func:`rnn_forward`; dhs (T, B, H) = dL/dh_t from above. ``truncation=(k1, k2)`` for
    truncated BPTT (see :func:`rnncourse.scratch.engine.truncation_windows`).

    Returns gradients keyed by the forward's argument names (x, h0, weight_ih, weight_hh[, biases]).
    """
    dhs = check_upstream("dhs", dhs, cache.outputs)
    grads = {k: np.zeros_like(v) for k, v in cache.cell.params.items()}
    dx, (dh0,) = engine.backward(cache, dhs, None, truncation, grads)
    return {"x": dx, "h0": dh0, **grads}
