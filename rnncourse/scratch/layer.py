"""One recurrent layer over a whole sequence: forward, and backpropagation through time (BPTT).

The layer runs a cell kind (``rnn_cell``, ``lstm_cell``, ``gru_cell``) over time steps t = 0..T-1:

    forward:   gx_all = x W_ih^T + b_ih for every step at once (one matmul, outside the loop)
               state_t = step(gx_all[t], state_{t-1})
    backward:  walk t = T-1..0 carrying dL/dstate, collecting dL/dgx_t and dL/dgh_t;
               then dW_ih = sum_t dgx_t^T x_t, dW_hh = sum_t dgh_t^T h_{t-1}, dx = dgx W_ih
               as single matmuls over all (t, b) rows.

This is BPTT: the gradient of a parameter shared across time is the sum over time of its per-step
gradients. Truncated BPTT (Williams & Peng 1990) is the same walk cut short, see :func:`layer_backward`.
Shapes: x (T, B, I); states (B, H); outputs hs (T, B, H).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cell_base import CellKind, input_projection


@dataclass
class LayerCache:
    """Everything :func:`layer_backward` needs; nothing is recomputed."""

    kind: CellKind
    x: np.ndarray            # (T, B, I)
    h0: np.ndarray           # (B, H)
    hs: np.ndarray           # (T, B, H)
    weight_ih: np.ndarray
    weight_hh: np.ndarray
    has_bias: bool
    step_caches: list        # one per time step, as the kind's step returned it


def layer_forward(kind: CellKind, x, state0: tuple, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """Run ``kind`` over x: (T, B, I) from state0 (tuple of (B, H)).

    Returns (hs (T, B, H), final_state tuple of (B, H), cache). Inputs are assumed validated.
    """
    T, B, _ = x.shape
    H = weight_hh.shape[1]
    gx_all = input_projection(x.reshape(T * B, -1), weight_ih, bias_ih).reshape(T, B, -1)
    hs = np.empty((T, B, H), dtype=x.dtype)
    state, step_caches = state0, []
    for t in range(T):
        state, step_cache = kind.step(gx_all[t], weight_hh, bias_hh, state)
        hs[t] = state[0]
        step_caches.append(step_cache)
    return hs, state, LayerCache(kind, x, state0[0], hs, weight_ih, weight_hh, bias_ih is not None, step_caches)


def truncation_windows(T: int, k1: int, k2: int):
    """Yield the backward windows of BPTT(k1, k2) (Williams & Peng 1990) as (inject_from, stop, end).

    Every k1 steps (at end = k1, 2k1, ..., and at T), backpropagate from step end-1 down to step ``stop``
    = max(end - k2, 0), injecting dL/dh_s only for the k1 steps s >= inject_from = end - k1.
    k1 = k2 = k is "chunked" TBPTT (detach the state every k steps); k1 = 1, k2 = k lets every output's
    gradient reach exactly k steps back (the window form).
    """
    if not (isinstance(k1, (int, np.integer)) and isinstance(k2, (int, np.integer)) and 1 <= k1 <= k2):
        raise ValueError(f"truncation needs integers 1 <= k1 <= k2; got k1={k1!r}, k2={k2!r}")
    end = 0
    while end < T:
        end = min(end + k1, T)
        yield max(end - k1, 0), max(end - k2, 0), end


def layer_backward(d_hs, d_state_last, cache: LayerCache, truncation=None):
    """BPTT through one layer.

    d_hs: (T, B, H) = dL/dh_t from above (outputs); d_state_last: tuple of (B, H) = dL/d(final state),
    or None for zeros. truncation: None for full BPTT, or (k1, k2) for BPTT(k1, k2), see
    :func:`truncation_windows`; gradients from d_state_last then enter only through the last window.

    Returns (dx (T, B, I), d_state0 tuple of (B, H), grads dict with weight_ih, weight_hh[, bias_ih, bias_hh]).
    """
    kind, x, hs = cache.kind, cache.x, cache.hs
    T, B, H = hs.shape
    G = cache.weight_ih.shape[0]
    zeros = tuple(np.zeros((B, H), dtype=hs.dtype) for _ in range(kind.num_states))
    if d_state_last is None:
        d_state_last = zeros
    d_gx_all = np.zeros((T, B, G), dtype=hs.dtype)
    # RNN and LSTM steps return one array as both dL/dgx and dL/dgh: accumulate it once.
    d_gh_all = d_gx_all if kind.shared_gate_grads else np.zeros((T, B, G), dtype=hs.dtype)
    windows = [(0, 0, T)] if truncation is None else list(truncation_windows(T, *truncation))
    d_state0 = zeros
    for inject_from, stop, end in windows:
        d_state = d_state_last if end == T else zeros
        for t in range(end - 1, stop - 1, -1):
            if t >= inject_from:
                d_state = (d_state[0] + d_hs[t],) + tuple(d_state[1:])
            d_gx, d_gh, d_state = kind.step_backward(d_state, cache.step_caches[t], cache.weight_hh)
            d_gx_all[t] += d_gx
            if not kind.shared_gate_grads:
                d_gh_all[t] += d_gh
        if stop == 0:
            d_state0 = tuple(a + b for a, b in zip(d_state0, d_state))
    h_prev = np.concatenate([cache.h0[None], hs[:-1]], axis=0)
    d_gx_flat, d_gh_flat = d_gx_all.reshape(T * B, G), d_gh_all.reshape(T * B, G)
    grads = {
        "weight_ih": d_gx_flat.T @ x.reshape(T * B, -1),
        "weight_hh": d_gh_flat.T @ h_prev.reshape(T * B, H),
    }
    if cache.has_bias:
        grads["bias_ih"] = d_gx_flat.sum(axis=0)
        grads["bias_hh"] = d_gh_flat.sum(axis=0)
    dx = (d_gx_flat @ cache.weight_ih).reshape(x.shape)
    return dx, d_state0, grads
