"""The one engine that runs any :class:`~rnncourse.scratch.cell.Cell` over time, layers and directions.

Forward over one sequence x: (T, B, I):

    u = project(x) for all steps at once (when the cell hoists its input), then
    state_t, cache_t = step(u_t, state_{t-1}) for t = 0..T-1;  y_t = state_t[output]

Backward (BPTT) walks t = T-1..0 carrying dL/dstate, adds dL/dy_t to the output's part, and collects
each step's dL/du_t and deferred parameter factors; after the walk every weight gradient
dW = sum_t dy_t^T v_t is ONE matmul over all (t, b) rows, and dx = du W_ih another. The gradient of a
parameter shared across time is the sum over time of its per-step gradients: that is all BPTT is.
Truncated BPTT(k1, k2) (Williams & Peng 1990) is the same walk cut into windows, see
:func:`truncation_windows`. Layers and directions compose single-layer runs as torch.nn does: the
reverse direction reads the time-reversed input, and layer l > 0 reads both directions of layer l - 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cell import Cell


@dataclass
class SequenceCache:
    """What :func:`backward` needs from :func:`forward`; nothing is recomputed."""

    cell: Cell
    u: np.ndarray            # (T, B, U): the hoisted input projection (or x itself)
    project_cache: object    # what cell.project_backward needs (None when not hoisted)
    steps: list              # one cache per time step, as cell.step returned it
    outputs: np.ndarray      # (T, B, O)


def forward(cell: Cell, x, state0: tuple):
    """Run ``cell`` over x: (T, B, I) from state0 (tuple of (B, size)); inputs are assumed validated.

    Returns (outputs (T, B, O), final state tuple, cache).
    """
    u, project_cache = cell.project(x) if cell.hoist_input else (x, None)
    T, B = x.shape[:2]
    outputs = np.empty((T, B, cell.output_size), dtype=x.dtype)
    out, state, steps = cell.output_index, tuple(state0), []
    with cell.sequence():
        for t in range(T):
            state, step_cache = cell.step(u[t], state)
            outputs[t] = state[out]
            steps.append(step_cache)
    return outputs, state, SequenceCache(cell, u, project_cache, steps, outputs)


def truncation_windows(T: int, k1: int, k2: int):
    """Yield the backward windows of BPTT(k1, k2) (Williams & Peng 1990) as (inject_from, stop, end).

    Every k1 steps (at end = k1, 2k1, ..., and at T), backpropagate from step end-1 down to step ``stop``
    = max(end - k2, 0), injecting dL/dy_s only for the steps since the previous window, s >= inject_from
    = the previous end (k1 steps; fewer in a last window when k1 does not divide T): each dL/dy_s once.
    k1 = k2 = k is "chunked" TBPTT (detach the state every k steps); k1 = 1, k2 = k lets every output's
    gradient reach exactly k steps back (the window form).
    """
    if not (isinstance(k1, (int, np.integer)) and isinstance(k2, (int, np.integer)) and 1 <= k1 <= k2):
        raise ValueError(f"truncation needs integers 1 <= k1 <= k2; got k1={k1!r}, k2={k2!r}")
    end = 0
    while end < T:
        start, end = end, min(end + k1, T)
        yield start, max(end - k2, 0), end


class _Deferred:
    """Per-parameter buffers of the factors dW = sum_t dy_t^T v_t, filled step by step, used once."""

    def __init__(self, T: int, cell: Cell):
        self.T, self.cell, self.dy, self.v = T, cell, {}, {}

    def _buffer(self, kind: str, name: str, row):
        return self.cell.zeroed_buffer((kind, name), (self.T,) + row.shape, row.dtype)

    def add(self, t: int, deferred: dict, du, du_all):
        first_with = {}                       # id(dy) -> the parameter whose buffer already holds it
        for name, (dy, v) in deferred.items():
            if dy is du:                      # the cell's factor IS dL/du_t: reuse du_all, no copy
                self.dy[name] = du_all
            elif id(dy) in first_with:        # e.g. a GRU's weight_hh and bias_hh share d gh: one copy
                self.dy[name] = self.dy[first_with[id(dy)]]
            else:
                first_with[id(dy)] = name
                if name not in self.dy:
                    self.dy[name] = self._buffer("dy", name, dy)
                self.dy[name][t] += dy
            if v is not None:
                if name not in self.v:
                    self.v[name] = self._buffer("v", name, v)
                self.v[name][t] = v           # a forward value: the same on every visit, so assigned

    def apply(self, grads: dict):
        for name, dy in self.dy.items():
            dy2 = dy.reshape(-1, dy.shape[-1])
            if name in self.v:
                v = self.v[name]
                grads[name] += dy2.T @ v.reshape(-1, v.shape[-1])
            else:
                grads[name] += dy2.sum(axis=0)


def backward(cache: SequenceCache, d_outputs, d_final=None, truncation=None, grads: dict | None = None):
    """BPTT through one sequence run.

    d_outputs: (T, B, O) = dL/dy_t from above; d_final: tuple of (B, size) = dL/d(final state), or None
    for zeros. truncation: None for full BPTT, or (k1, k2), see :func:`truncation_windows`; d_final then
    enters only through the last window. Parameter gradients are ADDED into ``grads`` (default: the
    cell's own ``grads``). Returns (dx (T, B, I), d_state0 tuple of (B, size)).
    """
    cell, u = cache.cell, cache.u
    grads = cell.grads if grads is None else grads
    T, B = u.shape[:2]
    zeros = cell.zero_state(B)
    d_final = zeros if d_final is None else tuple(d_final)
    # dL/du of every step; reused between calls unless it is returned as dx (a cell that does not hoist)
    du_all = cell.zeroed_buffer("du", u.shape, u.dtype) if cell.hoist_input else np.zeros_like(u)
    deferred = _Deferred(T, cell)
    out = cell.output_index
    windows = [(0, 0, T)] if truncation is None else list(truncation_windows(T, *truncation))
    d_state0 = zeros
    for inject_from, stop, end in windows:
        d_state = d_final if end == T else zeros
        for t in range(end - 1, stop - 1, -1):
            if t >= inject_from:
                d_state = d_state[:out] + (d_state[out] + d_outputs[t],) + d_state[out + 1:]
            du, d_state, factors = cell.step_backward(d_state, cache.steps[t], grads)
            du_all[t] += du
            deferred.add(t, factors, du, du_all)
        if stop == 0:
            d_state0 = tuple(a + b for a, b in zip(d_state0, d_state))
    deferred.apply(grads)
    dx = cell.project_backward(du_all, cache.project_cache, grads) if cell.hoist_input else du_all
    return dx, d_state0


def step_forward(cell: Cell, x, state: tuple):
    """One step from the raw input x: (B, I). Returns (new state, cache) — the one-step functions' core."""
    u, project_cache = cell.project(x) if cell.hoist_input else (x, None)
    new_state, step_cache = cell.step(u, tuple(state))
    return new_state, (project_cache, step_cache)


def step_backward(cell: Cell, d_state: tuple, cache):
    """Backward of :func:`step_forward`. Returns (dx (B, I), dL/d(previous state), grads dict)."""
    project_cache, step_cache = cache
    grads = {k: np.zeros_like(v) for k, v in cell.params.items()}
    du, d_prev, factors = cell.step_backward(tuple(d_state), step_cache, grads)
    for name, (dy, v) in factors.items():
        grads[name] += dy.sum(axis=0) if v is None else dy.T @ v
    dx = cell.project_backward(du, project_cache, grads) if cell.hoist_input else du
    return dx, d_prev, grads


def forward_layers(cells: list, x, states0: list):
    """Stacked, optionally bidirectional run. cells[l][d] is layer l, direction d (d = 1 reads time
    backwards); states0[l][d] its initial state tuple. Returns (output (T, B, D*O), finals[l][d], caches)."""
    layer_input, finals, caches = x, [], []
    for layer_cells, layer_states in zip(cells, states0):
        outs, layer_finals, layer_caches = [], [], []
        for d, (cell, state0) in enumerate(zip(layer_cells, layer_states)):
            xin = layer_input[::-1] if d else layer_input
            y, final, cache = forward(cell, xin, state0)
            outs.append(y[::-1] if d else y)
            layer_finals.append(final)
            layer_caches.append(cache)
        layer_input = np.concatenate(outs, axis=2) if len(outs) > 1 else outs[0]
        finals.append(layer_finals)
        caches.append(layer_caches)
    return layer_input, finals, caches


def backward_layers(caches: list, d_output, d_finals: list, truncation=None):
    """BPTT through :func:`forward_layers`. d_finals[l][d]: dL/d(final state) tuple or None.

    Parameter gradients go into each cell's ``grads``. Returns (dx (T, B, I), d_states0[l][d])."""
    d_layer_out, d_states0 = d_output, [None] * len(caches)
    for layer in reversed(range(len(caches))):
        d_in, layer_d0, offset = None, [], 0
        for d, cache in enumerate(caches[layer]):
            width = cache.cell.output_size
            dy = d_layer_out[:, :, offset:offset + width]
            offset += width
            dx, d0 = backward(cache, dy[::-1] if d else dy, d_finals[layer][d], truncation)
            dx = dx[::-1] if d else dx
            d_in = dx if d_in is None else d_in + dx
            layer_d0.append(d0)
        d_layer_out, d_states0[layer] = d_in, layer_d0
    return d_layer_out, d_states0
