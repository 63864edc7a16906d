"""rnn-bptt: vanilla RNN cell forward/backward, full BPTT, truncated BPTT (chunked, k1 = k2 = k).

References: rnncourse.scratch (itself tested against torch.nn, autograd and finite differences).

Each part on its own: the exercise fixes the cache of one step (Part 1), so Part 2 is given the
reference's cache, Part 3 ``rnn_cell_forward``'s reference answers (sealed, for each step of a right
``rnn_forward``), and Parts 4 and 5 the reference's caches and ``rnn_cell_backward``'s answers for each
step of a right backward (``grading/replay.py``).
"""
from __future__ import annotations

from rnncourse import scratch

from ..drivers import RNN_CACHE
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

ref_cell_forward, ref_cell_backward = cell_references(scratch.rnn_cell_forward, scratch.rnn_cell_backward)
ref_forward, ref_backward = sequence_references(scratch.rnn_forward, scratch.rnn_backward)
make_cell = cell_inputs(G=1)


def step(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    """(h_next, the exercise's cache (x, h, weight_ih, weight_hh, h_next)), h_next from the reference."""
    h_next = scratch.rnn_cell_forward(x, h, weight_ih, weight_hh, bias_ih, bias_hh)[0]
    return h_next, (x, h, weight_ih, weight_hh, h_next)


def step_backward(dh_next, x, h, *params):
    return scratch.rnn_cell_backward(dh_next, scratch.rnn_cell_forward(x, h, *params)[1])


def ref_cell_forward_with_cache(inputs):
    cache = step(inputs["x"], inputs["h"], *params_of(inputs))[1]
    return {**ref_cell_forward(inputs), **{f"cache_{k}": v for k, v in zip(RNN_CACHE, cache)}}


make_fed_cell = fed_cell_backward_inputs(1, RNN_CACHE, step)
make_fed_forward = fed_forward_inputs(1, "rnn", step)
make_fed_backward = fed_backward_inputs(1, "rnn", RNN_CACHE, step, step_backward)

CELL_SHAPES = [(dict(B=3, I=4, H=5), False), (dict(B=1, I=7, H=2), True), (dict(B=6, I=2, H=9), True)]
SEQ_SHAPES = [(dict(T=6, B=3, I=4, H=5), False), (dict(T=1, B=2, I=3, H=2), True), (dict(T=15, B=4, I=2, H=6), True)]
TRUNCATED_SHAPES = [(dict(T=10, B=2, I=3, H=4, k=5), False), (dict(T=12, B=1, I=2, H=3, k=4), True),
                    (dict(T=9, B=3, I=4, H=2, k=9), True), (dict(T=7, B=2, I=3, H=3, k=1), True)]

ASSIGNMENT = Assignment(
    name="rnn-bptt",
    title="The vanilla RNN and backpropagation through time",
    parts=(
        Part("rnn_cell_forward", 15, ("rnn_cell_forward",),
             tests_over_shapes("rnn_cell_forward", make_cell, ref_cell_forward_with_cache, CELL_SHAPES, rtol=1e-8)),
        Part("rnn_cell_backward", 25, ("rnn_cell_backward",),
             tests_over_shapes("rnn_cell_backward", make_fed_cell, ref_cell_backward, CELL_SHAPES),
             fed=("rnn_cell_forward",)),
        Part("rnn_forward", 15, ("rnn_forward",), tests_over_shapes("rnn_forward", make_fed_forward, ref_forward, SEQ_SHAPES),
             fed=("rnn_cell_forward",)),
        Part("rnn_backward", 30, ("rnn_backward",),
             tests_over_shapes("rnn_backward", make_fed_backward, ref_backward, SEQ_SHAPES),
             fed=("rnn_cell_forward", "rnn_cell_backward")),
        Part("rnn_backward_truncated", 15, ("rnn_backward_truncated",),
             tests_over_shapes("rnn_backward_truncated", make_fed_backward, ref_backward, TRUNCATED_SHAPES),
             fed=("rnn_cell_forward", "rnn_cell_backward")),
    ),
)
