"""gru: GRU cell forward/backward in torch's convention, sequence forward and BPTT.

References: rnncourse.scratch's GRU (itself tested against torch.nn.GRU and finite differences).

Each part on its own: the exercise fixes the cache of one step (Part 1), so Part 2 is given the
reference's cache, Part 3 ``gru_cell_forward``'s reference answers (sealed, for each step of a right
``gru_forward``) and Part 4 the reference's caches and ``gru_cell_backward``'s answers (``grading/replay.py``).
"""
from __future__ import annotations

import numpy as np

from rnncourse import scratch

from ..drivers import GRU_CACHE
from ..spec import Assignment, Part
from .common import (
    cell_inputs,
    cell_references,
    fed_backward_inputs,
    fed_cell_backward_inputs,
    fed_forward_inputs,
    params_of,
    sequence_references,
    tests_over_shapes,
)

ref_cell_forward, ref_cell_backward = cell_references(scratch.gru_cell_forward, scratch.gru_cell_backward)
ref_forward, ref_backward = sequence_references(scratch.gru_forward, scratch.gru_backward)
make_cell = cell_inputs(G=3)


def step(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    """(h_next, the exercise's cache (x, h, weight_ih, weight_hh, r, z, n, gh_n)): r, z, n (B, H) and
    gh_n = h W_hn^T + b_hn (B, H); h_next from the reference."""
    H = h.shape[1]
    gx, gh = x @ weight_ih.T + bias_ih, h @ weight_hh.T + bias_hh
    r, z = 1 / (1 + np.exp(-(gx[:, :H] + gh[:, :H]))), 1 / (1 + np.exp(-(gx[:, H:2 * H] + gh[:, H:2 * H])))
    n = np.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
    h_next = scratch.gru_cell_forward(x, h, weight_ih, weight_hh, bias_ih, bias_hh)[0]
    return h_next, (x, h, weight_ih, weight_hh, r, z, n, gh[:, 2 * H:])


def step_backward(dh_next, x, h, *params):
    return scratch.gru_cell_backward(dh_next, scratch.gru_cell_forward(x, h, *params)[1])


def ref_cell_forward_with_cache(inputs):
    out = ref_cell_forward(inputs)
    cache = step(inputs["x"], inputs["h"], *params_of(inputs))[1]
    return {**out, **{f"cache_{k}": v for k, v in zip(GRU_CACHE, cache)}}


make_fed_cell = fed_cell_backward_inputs(3, GRU_CACHE, step)
make_fed_forward = fed_forward_inputs(3, "gru", step)
make_fed_backward = fed_backward_inputs(3, "gru", GRU_CACHE, step, step_backward)

CELL_SHAPES = [(dict(B=3, I=4, H=5), False), (dict(B=1, I=6, H=2), True), (dict(B=7, I=3, H=4), True)]
SEQ_SHAPES = [(dict(T=6, B=3, I=4, H=5), False), (dict(T=1, B=2, I=3, H=2), True), (dict(T=14, B=2, I=2, H=6), True)]

ASSIGNMENT = Assignment(
    name="gru",
    title="The gated recurrent unit, forward and backward",
    parts=(
        Part("gru_cell_forward", 20, ("gru_cell_forward",),
             tests_over_shapes("gru_cell_forward", make_cell, ref_cell_forward_with_cache, CELL_SHAPES, rtol=1e-8)),
        Part("gru_cell_backward", 35, ("gru_cell_backward",),
             tests_over_shapes("gru_cell_backward", make_fed_cell, ref_cell_backward, CELL_SHAPES),
             fed=("gru_cell_forward",)),
        Part("gru_forward", 15, ("gru_forward",),
             tests_over_shapes("gru_forward", make_fed_forward, ref_forward, SEQ_SHAPES), fed=("gru_cell_forward",)),
        Part("gru_backward", 30, ("gru_backward",),
             tests_over_shapes("gru_backward", make_fed_backward, ref_backward, SEQ_SHAPES),
             fed=("gru_cell_forward", "gru_cell_backward")),
    ),
)
