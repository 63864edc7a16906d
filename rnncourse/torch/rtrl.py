"""Real-time recurrent learning from tensor ops; twin of :mod:`rnncourse.scratch.rtrl`, written differently:
the two Jacobians of one step come from autograd (``torch.func.jacrev``), and RTRL's recursion chains them
forward in time,

    J_h = dh_t/dh_{t-1},  J_theta = dh_t/dtheta|immediate,   P_t = J_h P_{t-1} + J_theta,
    dL/dtheta += d_out_t P_t,

for h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) and L = sum_t <h_t, d_out_t>, one batch row at a time.
Shapes: x (T, B, I), h0 (B, H), d_out (T, B, H); params as torch.nn.RNN's (no layer suffix).
"""
from __future__ import annotations

import torch
from torch.func import jacrev


def _step(theta: dict, x_t, h_prev):
    a = x_t @ theta["weight_ih"].T + h_prev @ theta["weight_hh"].T
    if "bias_ih" in theta:
        a = a + theta["bias_ih"] + theta["bias_hh"]
    return torch.tanh(a)


def rtrl(params: dict, x, h0, d_out):
    """Returns (grads {name: tensor}, h (T, B, H)); params: {weight_ih, weight_hh[, bias_ih, bias_hh]} tensors."""
    if x.dim() != 3 or d_out.shape[:2] != x.shape[:2]:
        raise ValueError(f"x must be (T, B, I) and d_out (T, B, H) with the same T, B; got {tuple(x.shape)}, "
                         f"{tuple(d_out.shape)}")
    T, B, _ = x.shape
    theta = {k: v.detach() for k, v in params.items()}
    H = theta["weight_hh"].shape[0]
    if h0 is None:
        h0 = x.new_zeros(B, H)
    grads = {k: torch.zeros_like(v) for k, v in theta.items()}
    hs = []
    for b in range(B):
        P = {k: torch.zeros((H,) + v.shape, dtype=x.dtype) for k, v in theta.items()}
        h = h0[b]
        row = []
        for t in range(T):
            J_theta, J_h = jacrev(_step, argnums=(0, 2))(theta, x[t, b], h)
            P = {k: J_theta[k] + torch.tensordot(J_h, P[k], dims=1) for k in theta}
            h = _step(theta, x[t, b], h)
            for k in theta:
                grads[k] += torch.tensordot(d_out[t, b], P[k], dims=1)
            row.append(h)
        hs.append(torch.stack(row))
    return grads, torch.stack(hs, dim=1)
