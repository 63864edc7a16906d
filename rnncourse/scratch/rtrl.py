"""Real-time recurrent learning (Williams & Zipser 1989): the gradient of an Elman RNN computed FORWARD in
time, alongside the network, instead of backward after the sequence (BPTT).

For the network of :class:`rnncourse.scratch.RNN` (tanh),

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh,   h_t = tanh(a_t),

RTRL carries the sensitivities P_t = dh_t / dtheta of the state to every parameter (for each batch row,
an H x n matrix, n = H^2 + H I + 2H parameters) with the recursion

    P_t = diag(1 - h_t^2) (W_hh P_{t-1} + da_t/dtheta|immediate),   P_0 = 0 (h_0 does not depend on theta)

where the immediate part is h_{t-1} for W_hh, x_t for W_ih and 1 for the biases (in the row of the unit
they feed). For the loss L = sum_t <h_t, d_out_t> (any loss whose step-t term depends on h_t alone has
this gradient with d_out_t = dl_t/dh_t, known at step t), the gradient accumulates on line:

    dL/dtheta += d_out_t P_t      at every step t, nothing stored from the past

The product W_hh P_{t-1} costs H * H * n ~ H^4 multiply-adds per step (per sequence), against BPTT's
~ H^2: :func:`operation_counts` counts both. Shapes: x (T, B, I), h_0 (B, H), d_out (T, B, H);
params weight_ih (H, I), weight_hh (H, H), bias_ih (H,), bias_hh (H,) (torch.nn.RNN's names, no layer suffix).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_param, check_shape

PARAM_ORDER = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _checked(params: dict, x, h0, d_out):
    x = as_float_array("x", x, np.float64)
    check_shape("x", x, (("T", None), ("B", None), ("I", None)))
    T, B, I = x.shape
    if T == 0:
        raise ValueError("x must have at least one time step (T >= 1); got T = 0")
    missing = [k for k in ("weight_ih", "weight_hh") if k not in params]
    if missing:
        raise ValueError(f"params must hold weight_ih and weight_hh (and optionally bias_ih, bias_hh); missing {missing}")
    weight_hh = as_float_array("weight_hh", params["weight_hh"], np.float64)
    if weight_hh.ndim != 2 or weight_hh.shape[0] != weight_hh.shape[1]:
        raise ValueError(f"weight_hh must have shape (H, H); got {weight_hh.shape}")
    H = weight_hh.shape[0]
    out = {"weight_ih": check_param("weight_ih", params["weight_ih"], (H, I), np.float64), "weight_hh": weight_hh}
    if ("bias_ih" in params) != ("bias_hh" in params):
        raise ValueError("params must hold both bias_ih and bias_hh or neither")
    for k in ("bias_ih", "bias_hh"):
        if k in params:
            out[k] = check_param(k, params[k], (H,), np.float64)
    h0 = np.zeros((B, H)) if h0 is None else as_float_array("h_0", h0, np.float64)
    check_shape("h_0", h0, (("B", B), ("H", H)))
    d_out = as_float_array("d_out", d_out, np.float64)
    check_shape("d_out", d_out, (("T", T), ("B", B), ("H", H)))
    return out, x, h0, d_out


def rtrl(params: dict, x, h0, d_out):
    """Gradients of L = sum_t <h_t, d_out_t> for h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), by RTRL.

    params: {weight_ih (H, I), weight_hh (H, H)[, bias_ih (H,), bias_hh (H,)]}; x (T, B, I); h0 (B, H) or None;
    d_out (T, B, H). Returns (grads {name: array of the parameter's shape}, h (T, B, H)). Memory is
    O(B H n) whatever T is; nothing about the past is kept except P_t.
    """
    params, x, h0, d_out = _checked(params, x, h0, d_out)
    T, B, I = x.shape
    H = h0.shape[1]
    Whh, Wih = params["weight_hh"], params["weight_ih"]
    bias = "bias_ih" in params
    eye = np.eye(H)
    # sensitivities, one block per parameter: P[name][b, m, ...] = dh_t[b, m] / dparam[...]
    P = {"weight_hh": np.zeros((B, H, H, H)), "weight_ih": np.zeros((B, H, H, I))}
    if bias:
        P["bias"] = np.zeros((B, H, H))         # b_ih and b_hh enter a_t identically: one sensitivity
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    h_prev, hs = h0, np.empty((T, B, H))
    for t in range(T):
        a = x[t] @ Wih.T + h_prev @ Whh.T
        if bias:
            a += params["bias_ih"] + params["bias_hh"]
        h = np.tanh(a)
        D = (1 - h * h)[:, :, None]                           # (B, H, 1): diag(1 - h_t^2)
        for name, block in P.items():
            flat = block.reshape(B, H, -1)
            new = np.matmul(Whh, flat)                        # W_hh P_{t-1}: (H, H) @ (B, H, n) -- the H^4 term
            new = new.reshape(block.shape)
            if name == "weight_hh":                           # da_m / dW_hh[i, j] = delta_mi h_{t-1, j}
                new += eye[None, :, :, None] * h_prev[:, None, None, :]
            elif name == "weight_ih":                         # da_m / dW_ih[i, k] = delta_mi x_{t, k}
                new += eye[None, :, :, None] * x[t][:, None, None, :]
            else:                                             # da_m / db[i] = delta_mi
                new += eye[None]
            P[name] = D.reshape((B, H) + (1,) * (block.ndim - 2)) * new
        for name in ("weight_hh", "weight_ih"):               # dL/dtheta += d_out_t P_t, on line
            grads[name] += np.einsum("bm,bm...->...", d_out[t], P[name])
        if bias:
            db = np.einsum("bm,bmi->i", d_out[t], P["bias"])
            grads["bias_ih"] += db
            grads["bias_hh"] += db
        hs[t] = h
        h_prev = h
    return grads, hs


def operation_counts(H: int, I: int, T: int = 1) -> dict:
    """Multiply-adds of the dominant terms, per sequence of T steps (batch row), for the Elman RNN above.

    n = H^2 + H I + H parameters carried (the two biases share one sensitivity).
    RTRL, per step: forward H(H + I); W_hh P_{t-1}: H * H * n; the gradient d_out_t P_t: H * n.
    BPTT, per step: forward H(H + I); backward dh W_hh: H^2; dW_hh, dW_ih: H(H + I).
    Returns {"RTRL": int, "BPTT": int, "parameters": n}.
    """
    for name, v in (("H", H), ("I", I), ("T", T)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer; got {v!r}")
    n = H * H + H * I + H
    forward = H * (H + I)
    return {"RTRL": T * (forward + H * H * n + H * n), "BPTT": T * (forward + H * H + H * (H + I)),
            "parameters": n}
