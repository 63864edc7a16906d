"""The GRU, in torch.nn.GRU's layout and gate order (r, z, n):

    [gx_r, gx_z, gx_n] = x W_ih^T + b_ih,   [gh_r, gh_z, gh_n] = h_{t-1} W_hh^T + b_hh     (B, 3H) each
    r = sigmoid(gx_r + gh_r),  z = sigmoid(gx_z + gh_z)
    n = tanh(gx_n + r * gh_n)                  # torch applies r AFTER the hidden matmul (and its bias)
    h_t = (1 - z) * n + z * h_{t-1}

Backward, given dh_t:
    dn = dh_t (1 - z),  dz = dh_t (h_{t-1} - n),  direct dh_{t-1} = dh_t z
    da_n = dn (1 - n^2),  dr = da_n * gh_n,  da_r = dr r(1-r),  da_z = dz z(1-z)
    d gx = [da_r, da_z, da_n],   d gh = [da_r, da_z, r * da_n]
    dh_{t-1} = d gh W_hh + dh_t z;   dW_hh += d gh^T h_{t-1};   db_hh += sum_b d gh

Shapes: x (B, I) per step or (T, B, I), h (B, H), weight_ih (3H, I), weight_hh (3H, H), biases (3H,).
"""
from __future__ import annotations

import numpy as np

from . import engine
from .cell import Cell, check_upstream, validate_sequence_args, validate_step_args
from .functional import sigmoid_via_tanh
from .module import Recurrent, recurrent_docstring


class GRUCell(Cell):
    """One GRU step (see the module docstring); state (h,), output h."""

    name = "GRU"
    gates = 3

    def step(self, u, state):
        (h,) = state
        gh = self.hh(h)
        if self.bias:
            gh += self.params["bias_hh"]
        H = self.hidden_size
        rz = np.add(u[:, :2 * H], gh[:, :2 * H])
        sigmoid_via_tanh(rz, out=rz)
        r, z = rz[:, :H], rz[:, H:]
        gh_n = gh[:, 2 * H:]
        n = np.tanh(u[:, 2 * H:] + r * gh_n)
        h_next = n + z * (h - n)
        return (h_next,), (h, r, z, n, gh_n)

    def step_backward(self, d_state, cache, grads):
        (dh_next,) = d_state
        h_prev, r, z, n, gh_n = cache
        H = self.hidden_size
        d_gx = np.empty((h_prev.shape[0], 3 * H), dtype=h_prev.dtype)
        da_n = d_gx[:, 2 * H:]
        np.multiply(dh_next * (1 - z), 1 - n * n, out=da_n)
        np.multiply(da_n * gh_n, r * (1 - r), out=d_gx[:, :H])
        np.multiply(dh_next * (h_prev - n), z * (1 - z), out=d_gx[:, H:2 * H])
        d_gh = d_gx.copy()
        d_gh[:, 2 * H:] *= r
        deferred = {"weight_hh": (d_gh, h_prev)}
        if self.bias:
            deferred["bias_hh"] = (d_gh, None)
        return d_gx, (d_gh @ self.params["weight_hh"] + dh_next * z,), deferred


class GRU(Recurrent):
    __doc__ = recurrent_docstring(
        r"GRU over a sequence, in NumPy with a hand-written BPTT; mirrors ``torch.nn.GRU``.",
        r"r, z = \sigma(x_t W_{i\{r,z\}}^T + b_{i\{r,z\}} + h_{t-1} W_{h\{r,z\}}^T + b_{h\{r,z\}}), \ n = \tanh(x_t W_{in}^T + b_{in} + r \odot (h_{t-1} W_{hn}^T + b_{hn})), \ h_t = (1 - z) \odot n + z \odot h_{t-1}",
        gates=3, gate_order='r, z, n')

    cell_class = GRUCell


def _cell(x, params) -> GRUCell:
    return GRUCell(x.shape[-1], params["weight_hh"].shape[1], "bias_ih" in params, dtype=x.dtype, params=params)


def gru_cell_forward(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """One GRU step, x (B, I), h (B, H). Returns (h_next (B, H), cache)."""
    x, s, params = validate_step_args("GRU", 3, x, {"h": h}, weight_ih, weight_hh, bias_ih, bias_hh)
    cell = _cell(x, params)
    (h_next,), cache = engine.step_forward(cell, x, (s["h"],))
    return h_next, (cell, cache)


def gru_cell_backward(dh_next, cache) -> dict:
    """Backward of :func:`gru_cell_forward`. dh_next: (B, H).

    Returns gradients keyed by the forward's argument names: x (B, I), h (B, H), weight_ih (3H, I),
    weight_hh (3H, H), and bias_ih, bias_hh (3H,) when biases were given.
    """
    cell, step_cache = cache
    dh_next = check_upstream("dh_next", dh_next, step_cache[1][0])
    dx, (dh,), grads = engine.step_backward(cell, (dh_next,), step_cache)
    return {"x": dx, "h": dh, **grads}


def gru_forward(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """GRU over a sequence x (T, B, I) from h0 (B, H). Returns (hs (T, B, H), cache)."""
    x, s, params = validate_sequence_args("GRU", 3, x, {"h0": h0}, weight_ih, weight_hh, bias_ih, bias_hh)
    hs, _, cache = engine.forward(_cell(x, params), x, (s["h0"],))
    return hs, cache


def gru_backward(dhs, cache, truncation=None) -> dict:
    """BPTT for :func:`gru_forward`; dhs (T, B, H). Returns gradients keyed by the forward's argument names."""
    dhs = check_upstream("dhs", dhs, cache.outputs)
    grads = {k: np.zeros_like(v) for k, v in cache.cell.params.items()}
    dx, (dh0,) = engine.backward(cache, dhs, None, truncation, grads)
    return {"x": dx, "h0": dh0, **grads}
