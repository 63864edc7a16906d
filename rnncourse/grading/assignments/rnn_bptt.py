"""rnn-bptt: vanilla RNN cell forward/backward, full BPTT, truncated BPTT (chunked, k1 = k2 = k).

References: rnncourse.scratch (itself tested against torch.nn, autograd and finite differences).
"""
from __future__ import annotations

from rnncourse import scratch

from ..spec import Assignment, Part
from .common import cell_inputs, cell_references, sequence_inputs, sequence_references, tests_over_shapes

ref_cell_forward, ref_cell_backward = cell_references(scratch.rnn_cell_forward, scratch.rnn_cell_backward)
ref_forward, ref_backward = sequence_references(scratch.rnn_forward, scratch.rnn_backward)
make_cell, make_sequence = cell_inputs(G=1), sequence_inputs(G=1)

CELL_SHAPES = [(dict(B=3, I=4, H=5), False), (dict(B=1, I=7, H=2), True), (dict(B=6, I=2, H=9), True)]
SEQ_SHAPES = [(dict(T=6, B=3, I=4, H=5), False), (dict(T=1, B=2, I=3, H=2), True), (dict(T=15, B=4, I=2, H=6), True)]
TRUNCATED_SHAPES = [(dict(T=10, B=2, I=3, H=4, k=5), False), (dict(T=12, B=1, I=2, H=3, k=4), True),
                    (dict(T=9, B=3, I=4, H=2, k=9), True), (dict(T=7, B=2, I=3, H=3, k=1), True)]

ASSIGNMENT = Assignment(
    name="rnn-bptt",
    title="The vanilla RNN and backpropagation through time",
    parts=(
        Part("rnn_cell_forward", 15, ("rnn_cell_forward",),
             tests_over_shapes("rnn_cell_forward", make_cell, ref_cell_forward, CELL_SHAPES, rtol=1e-8)),
        Part("rnn_cell_backward", 25, ("rnn_cell_forward", "rnn_cell_backward"),
             tests_over_shapes("rnn_cell_backward", make_cell, ref_cell_backward, CELL_SHAPES)),
        Part("rnn_forward", 15, ("rnn_forward",), tests_over_shapes("rnn_forward", make_sequence, ref_forward, SEQ_SHAPES)),
        Part("rnn_backward", 30, ("rnn_forward", "rnn_backward"),
             tests_over_shapes("rnn_backward", make_sequence, ref_backward, SEQ_SHAPES)),
        Part("rnn_backward_truncated", 15, ("rnn_forward", "rnn_backward_truncated"),
             tests_over_shapes("rnn_backward_truncated", make_sequence, ref_backward, TRUNCATED_SHAPES)),
    ),
)
