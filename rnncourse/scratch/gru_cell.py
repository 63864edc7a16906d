"""The GRU cell, in torch.nn.GRUCell's layout and gate order (r, z, n).

    [gx_r, gx_z, gx_n] = x W_ih^T + b_ih,   [gh_r, gh_z, gh_n] = h_{t-1} W_hh^T + b_hh     (B, 3H) each
    r = sigmoid(gx_r + gh_r),  z = sigmoid(gx_z + gh_z)
    n = tanh(gx_n + r * gh_n)                  # torch applies r AFTER the hidden matmul (and its bias)
    h_t = (1 - z) * n + z * h_{t-1}

Backward, given dh_t:
    dn = dh_t (1 - z),  dz = dh_t (h_{t-1} - n),  direct dh_{t-1} = dh_t z
    da_n = dn (1 - n^2),  dr = da_n * gh_n,  da_r = dr r(1-r),  da_z = dz z(1-z)
    d gx = [da_r, da_z, da_n],   d gh = [da_r, da_z, r * da_n]
    dh_{t-1} = d gh W_hh + dh_t z

Shapes: x (B, I), h (B, H), weight_ih (3H, I), weight_hh (3H, H), biases (3H,).
"""
from __future__ import annotations

import numpy as np

from .cell_base import CellKind, cell_param_grads, hidden_projection, input_projection, validate_cell_args
from .functional import sigmoid


class GRUKind(CellKind):
    name = "GRU"
    num_gates = 3
    num_states = 1
    shared_gate_grads = False

    def step(self, gx, weight_hh, bias_hh, state):
        (h,) = state
        gh = hidden_projection(h, weight_hh, bias_hh)
        H = h.shape[1]
        rz = sigmoid(gx[:, : 2 * H] + gh[:, : 2 * H])
        r, z = rz[:, :H], rz[:, H:]
        gh_n = gh[:, 2 * H :]
        n = np.tanh(gx[:, 2 * H :] + r * gh_n)
        h_next = (1 - z) * n + z * h
        return (h_next,), (r, z, n, gh_n, h)

    def step_backward(self, d_state, step_cache, weight_hh):
        (dh_next,) = d_state
        r, z, n, gh_n, h_prev = step_cache
        da_n = dh_next * (1 - z) * (1 - n * n)
        da_r = da_n * gh_n * r * (1 - r)
        da_z = dh_next * (h_prev - n) * z * (1 - z)
        d_gx = np.concatenate([da_r, da_z, da_n], axis=1)
        d_gh = np.concatenate([da_r, da_z, r * da_n], axis=1)
        return d_gx, d_gh, (d_gh @ weight_hh + dh_next * z,)


GRU_KIND = GRUKind()


def gru_cell_forward(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """One GRU step. Returns (h_next (B, H), cache)."""
    x, s, weight_ih, weight_hh, bias_ih, bias_hh = validate_cell_args(
        GRU_KIND, x, {"h": h}, weight_ih, weight_hh, bias_ih, bias_hh
    )
    (h_next,), step_cache = GRU_KIND.step(input_projection(x, weight_ih, bias_ih), weight_hh, bias_hh, (s["h"],))
    return h_next, (x, s["h"], weight_ih, weight_hh, bias_ih is not None, step_cache)


def gru_cell_backward(dh_next, cache) -> dict:
    """Backward of :func:`gru_cell_forward`.

    dh_next: (B, H). Returns a dict keyed by the forward's argument names: x (B, I), h (B, H),
    weight_ih (3H, I), weight_hh (3H, H), and bias_ih, bias_hh (3H,) when biases were given.
    """
    x, h, weight_ih, weight_hh, has_bias, step_cache = cache
    d_gx, d_gh, (dh,) = GRU_KIND.step_backward((dh_next,), step_cache, weight_hh)
    grads = cell_param_grads(x, h, weight_ih, weight_hh, d_gx, d_gh, has_bias)
    grads["h"] = dh
    return grads
