"""gru: GRU cell forward/backward in torch's convention, sequence forward and BPTT.

References: rnncourse.scratch's GRU (itself tested against torch.nn.GRU and finite differences).
"""
from __future__ import annotations

from rnncourse import scratch

from ..spec import Assignment, Part
from .common import cell_inputs, cell_references, sequence_inputs, sequence_references, tests_over_shapes

ref_cell_forward, ref_cell_backward = cell_references(scratch.gru_cell_forward, scratch.gru_cell_backward)
ref_forward, ref_backward = sequence_references(scratch.gru_forward, scratch.gru_backward)
make_cell, make_sequence = cell_inputs(G=3), sequence_inputs(G=3)

CELL_SHAPES = [(dict(B=3, I=4, H=5), False), (dict(B=1, I=6, H=2), True), (dict(B=7, I=3, H=4), True)]
SEQ_SHAPES = [(dict(T=6, B=3, I=4, H=5), False), (dict(T=1, B=2, I=3, H=2), True), (dict(T=14, B=2, I=2, H=6), True)]

ASSIGNMENT = Assignment(
    name="gru",
    title="The gated recurrent unit, forward and backward",
    parts=(
        Part("gru_cell_forward", 20, ("gru_cell_forward",),
             tests_over_shapes("gru_cell_forward", make_cell, ref_cell_forward, CELL_SHAPES, rtol=1e-8)),
        Part("gru_cell_backward", 35, ("gru_cell_forward", "gru_cell_backward"),
             tests_over_shapes("gru_cell_backward", make_cell, ref_cell_backward, CELL_SHAPES)),
        Part("gru_forward", 15, ("gru_forward",), tests_over_shapes("gru_forward", make_sequence, ref_forward, SEQ_SHAPES)),
        Part("gru_backward", 30, ("gru_forward", "gru_backward"),
             tests_over_shapes("gru_backward", make_sequence, ref_backward, SEQ_SHAPES)),
    ),
)
