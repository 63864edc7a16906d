"""The LSTM cell, in torch.nn.LSTMCell's layout and gate order (i, f, g, o).

    [a_i, a_f, a_g, a_o] = x W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh          (B, 4H)
    i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o)
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Backward, given dh_t and dc_t (the latter from step t+1):
    do = dh_t * tanh(c_t);          dc = dc_t + dh_t * o * (1 - tanh(c_t)^2)
    di = dc * g;  dg = dc * i;  df = dc * c_{t-1};  dc_{t-1} = dc * f
    da_i = di i(1-i), da_f = df f(1-f), da_g = dg (1-g^2), da_o = do o(1-o)
    dh_{t-1} = da W_hh

Shapes: x (B, I), h and c (B, H), weight_ih (4H, I), weight_hh (4H, H), biases (4H,).
"""
from __future__ import annotations

import numpy as np

from .cell_base import CellKind, cell_param_grads, hidden_projection, input_projection, validate_cell_args
from .functional import sigmoid


class LSTMKind(CellKind):
    name = "LSTM"
    num_gates = 4
    num_states = 2

    def step(self, gx, weight_hh, bias_hh, state):
        h, c = state
        a = gx + hidden_projection(h, weight_hh, bias_hh)
        H = h.shape[1]
        # act holds [i, f, g, o] side by side, so backward can form every gate derivative in one pass.
        act = sigmoid(a)
        act[:, 2 * H : 3 * H] = np.tanh(a[:, 2 * H : 3 * H])
        i, f, g, o = act[:, :H], act[:, H : 2 * H], act[:, 2 * H : 3 * H], act[:, 3 * H :]
        c_next = f * c + i * g
        tanh_c = np.tanh(c_next)
        return (o * tanh_c, c_next), (act, c, tanh_c)

    def step_backward(self, d_state, step_cache, weight_hh):
        dh_next, dc_next = d_state
        act, c_prev, tanh_c = step_cache
        H = c_prev.shape[1]
        i, f, g, o = act[:, :H], act[:, H : 2 * H], act[:, 2 * H : 3 * H], act[:, 3 * H :]
        dc = dc_next + dh_next * o * (1 - tanh_c * tanh_c)
        d_act = np.empty_like(act)                      # dL/d[i, f, g, o]
        np.multiply(dc, g, out=d_act[:, :H])
        np.multiply(dc, c_prev, out=d_act[:, H : 2 * H])
        np.multiply(dc, i, out=d_act[:, 2 * H : 3 * H])
        np.multiply(dh_next, tanh_c, out=d_act[:, 3 * H :])
        deriv = act * (1 - act)                         # sigmoid' = s(1 - s) ...
        deriv[:, 2 * H : 3 * H] = 1 - g * g             # ... except tanh' = 1 - g^2 for the block input
        da = d_act * deriv
        return da, da, (da @ weight_hh, dc * f)


LSTM_KIND = LSTMKind()


def lstm_cell_forward(x, h, c, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """One LSTM step. Returns (h_next (B, H), c_next (B, H), cache)."""
    x, s, weight_ih, weight_hh, bias_ih, bias_hh = validate_cell_args(
        LSTM_KIND, x, {"h": h, "c": c}, weight_ih, weight_hh, bias_ih, bias_hh
    )
    gx = input_projection(x, weight_ih, bias_ih)
    (h_next, c_next), step_cache = LSTM_KIND.step(gx, weight_hh, bias_hh, (s["h"], s["c"]))
    return h_next, c_next, (x, s["h"], weight_ih, weight_hh, bias_ih is not None, step_cache)


def lstm_cell_backward(dh_next, dc_next, cache) -> dict:
    """Backward of :func:`lstm_cell_forward`.

    dh_next, dc_next: (B, H). Returns a dict keyed by the forward's argument names: x (B, I), h (B, H),
    c (B, H), weight_ih (4H, I), weight_hh (4H, H), and bias_ih, bias_hh (4H,) when biases were given.
    """
    x, h, weight_ih, weight_hh, has_bias, step_cache = cache
    d_gx, d_gh, (dh, dc) = LSTM_KIND.step_backward((dh_next, dc_next), step_cache, weight_hh)
    grads = cell_param_grads(x, h, weight_ih, weight_hh, d_gx, d_gh, has_bias)
    grads["h"], grads["c"] = dh, dc
    return grads
