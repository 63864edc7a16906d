"""The LSTM, in torch.nn.LSTM's layout and gate order (i, f, g, o):

    [a_i, a_f, a_g, a_o] = x W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh          (B, 4H)
    i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o)
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Backward, given dh_t and dc_t (the latter from step t+1):
    do = dh_t * tanh(c_t);          dc = dc_t + dh_t * o * (1 - tanh(c_t)^2)
    di = dc * g;  dg = dc * i;  df = dc * c_{t-1};  dc_{t-1} = dc * f
    da_i = di i(1-i), da_f = df f(1-f), da_g = dg (1-g^2), da_o = do o(1-o)
    dh_{t-1} = da W_hh;   dW_hh += da^T h_{t-1};   db_hh += sum_b da

Shapes: x (B, I) per step or (T, B, I), h and c (B, H), weight_ih (4H, I), weight_hh (4H, H), biases (4H,).
"""
from __future__ import annotations

import numpy as np

from . import engine
from .cell import Cell, check_upstream, validate_sequence_args, validate_step_args
from .module import Recurrent, recurrent_docstring


class LSTMCell(Cell):
    """One LSTM step (see the module docstring); state (h, c), output h."""

    name = "LSTM"
    fold_bias_hh = True
    gates = 4
    state_names = ("h", "c")

    def step(self, u, state):
        h, c = state
        a = self.hh(h)
        a += u
        # act holds [i, f, g, o] side by side, so backward forms every gate derivative in one pass. All four
        # come from ONE tanh: sigmoid(a) = (1 + tanh(a/2)) / 2, so act = tanh(a * scale) * scale + shift with
        # scale = 1/2 and shift = 1/2 on the sigmoid blocks, scale = 1 and shift = 0 on the block input g.
        scale, shift = self._activation_affine()
        a *= scale
        act = np.tanh(a, out=a)
        act *= scale
        act += shift
        H = self.hidden_size
        i, f, g, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
        c_next = f * c
        c_next += i * g
        tanh_c = np.tanh(c_next)
        return (o * tanh_c, c_next), (h, c, act, tanh_c)

    def _activation_affine(self):
        affine = self.__dict__.get("_affine")
        if affine is None:
            H = self.hidden_size
            scale = np.full(4 * H, 0.5, dtype=self.dtype)
            scale[2 * H:3 * H] = 1
            shift = np.full(4 * H, 0.5, dtype=self.dtype)
            shift[2 * H:3 * H] = 0
            affine = self._affine = (scale, shift)
        return affine

    def step_backward(self, d_state, cache, grads):
        dh_next, dc_next = d_state
        h, c_prev, act, tanh_c = cache
        H = self.hidden_size
        i, f, g, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
        dc = dh_next * o
        dc *= 1 - tanh_c * tanh_c
        dc += dc_next
        da = np.empty_like(act)                          # dL/d[i, f, g, o], then times each derivative
        np.multiply(dc, g, out=da[:, :H])
        np.multiply(dc, c_prev, out=da[:, H:2 * H])
        np.multiply(dc, i, out=da[:, 2 * H:3 * H])
        np.multiply(dh_next, tanh_c, out=da[:, 3 * H:])
        deriv = act * (1 - act)                          # sigmoid' = s(1 - s) ...
        np.multiply(g, g, out=deriv[:, 2 * H:3 * H])     # ... except tanh' = 1 - g^2 for the block input
        np.subtract(1, deriv[:, 2 * H:3 * H], out=deriv[:, 2 * H:3 * H])
        da *= deriv
        return da, (da @ self.params["weight_hh"], dc * f), {"weight_hh": (da, h)}


class LSTM(Recurrent):
    __doc__ = recurrent_docstring(
        r"LSTM over a sequence, in NumPy with a hand-written BPTT; mirrors ``torch.nn.LSTM`` (no proj_size).",
        r"[i, f, g, o] = [\sigma, \sigma, \tanh, \sigma](x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh}), \quad c_t = f \odot c_{t-1} + i \odot g, \quad h_t = o \odot \tanh(c_t)",
        gates=4, gate_order='i, f, g, o', states=('h', 'c'))

    cell_class = LSTMCell


def _cell(x, params) -> LSTMCell:
    return LSTMCell(x.shape[-1], params["weight_hh"].shape[1], "bias_ih" in params, dtype=x.dtype, params=params)


def lstm_cell_forward(x, h, c, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """One LSTM step, x (B, I), h and c (B, H). Returns (h_next (B, H), c_next (B, H), cache)."""
    x, s, params = validate_step_args("LSTM", 4, x, {"h": h, "c": c}, weight_ih, weight_hh, bias_ih, bias_hh)
    cell = _cell(x, params)
    (h_next, c_next), cache = engine.step_forward(cell, x, (s["h"], s["c"]))
    return h_next, c_next, (cell, cache)


def lstm_cell_backward(dh_next, dc_next, cache) -> dict:
    """Backward of :func:`lstm_cell_forward`. dh_next, dc_next: (B, H).

    Returns gradients keyed by the forward's argument names: x (B, I), h (B, H), c (B, H),
    weight_ih (4H, I), weight_hh (4H, H), and bias_ih, bias_hh (4H,) when biases were given.
    """
    cell, step_cache = cache
    like = step_cache[1][1]
    dh_next, dc_next = check_upstream("dh_next", dh_next, like), check_upstream("dc_next", dc_next, like)
    dx, (dh, dc), grads = engine.step_backward(cell, (dh_next, dc_next), step_cache)
    return {"x": dx, "h": dh, "c": dc, **grads}


def lstm_forward(x, h0, c0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """LSTM over a sequence x (T, B, I) from h0, c0 (B, H). Returns (hs (T, B, H), c_last (B, H), cache)."""
    x, s, params = validate_sequence_args("LSTM", 4, x, {"h0": h0, "c0": c0}, weight_ih, weight_hh, bias_ih, bias_hh)
    hs, (_, c_last), cache = engine.forward(_cell(x, params), x, (s["h0"], s["c0"]))
    return hs, c_last, cache


def lstm_backward(dhs, cache, dc_last=None, truncation=None) -> dict:
    """BPTT for :func:`lstm_forward`. dhs: (T, B, H); dc_last: (B, H) = dL/dc_T, or None for zeros.

    Returns gradients keyed by the forward's argument names (x, h0, c0, weight_ih, weight_hh[, biases]).
    """
    dhs = check_upstream("dhs", dhs, cache.outputs)
    d_final = None
    if dc_last is not None:
        dc_last = check_upstream("dc_last", dc_last, cache.outputs[0])
        d_final = (np.zeros_like(dc_last), dc_last)
    grads = {k: np.zeros_like(v) for k, v in cache.cell.params.items()}
    dx, (dh0, dc0) = engine.backward(cache, dhs, d_final, truncation, grads)
    return {"x": dx, "h0": dh0, "c0": dc0, **grads}
