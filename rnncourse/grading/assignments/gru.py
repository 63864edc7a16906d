"""03-gru: GRU cell forward/backward in torch's convention, sequence forward and BPTT.

References: rnncourse.scratch's GRU (itself tested against torch.nn.GRU and finite differences).
"""
from __future__ import annotations

import numpy as np

from rnncourse import scratch

from ..spec import Assignment, Part
from .common import cell_params, tests_over_shapes

PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _p(inp):
    return [inp[k] for k in PARAMS]


def _cell_inputs(B, I, H):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {"x": rng.standard_normal((B, I)), "h": rng.standard_normal((B, H)), **cell_params(rng, 3, I, H),
                "dh_next": rng.standard_normal((B, H))}
    return make


def _seq_inputs(T, B, I, H):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {"x": rng.standard_normal((T, B, I)), "h0": rng.standard_normal((B, H)), **cell_params(rng, 3, I, H),
                "dhs": rng.standard_normal((T, B, H))}
    return make


def ref_cell_forward(inp):
    return {"h_next": scratch.gru_cell_forward(inp["x"], inp["h"], *_p(inp))[0]}


def ref_cell_backward(inp):
    _, cache = scratch.gru_cell_forward(inp["x"], inp["h"], *_p(inp))
    g = scratch.gru_cell_backward(inp["dh_next"], cache)
    return {f"d{k}": g[k] for k in ("x", "h") + PARAMS}


def ref_forward(inp):
    return {"hs": scratch.gru_forward(inp["x"], inp["h0"], *_p(inp))[0]}


def ref_backward(inp):
    _, cache = scratch.gru_forward(inp["x"], inp["h0"], *_p(inp))
    g = scratch.gru_backward(inp["dhs"], cache)
    return {f"d{k}": g[k] for k in ("x", "h0") + PARAMS}


CELL_SHAPES = [(dict(B=3, I=4, H=5), False), (dict(B=1, I=6, H=2), True), (dict(B=7, I=3, H=4), True)]
SEQ_SHAPES = [(dict(T=6, B=3, I=4, H=5), False), (dict(T=1, B=2, I=3, H=2), True), (dict(T=14, B=2, I=2, H=6), True)]

ASSIGNMENT = Assignment(
    name="03-gru",
    title="The gated recurrent unit, forward and backward",
    parts=(
        Part("gru_cell_forward", 20, ("gru_cell_forward",),
             tests_over_shapes("gru_cell_forward", _cell_inputs, ref_cell_forward, CELL_SHAPES, rtol=1e-8)),
        Part("gru_cell_backward", 35, ("gru_cell_forward", "gru_cell_backward"),
             tests_over_shapes("gru_cell_backward", _cell_inputs, ref_cell_backward, CELL_SHAPES)),
        Part("gru_forward", 15, ("gru_forward",), tests_over_shapes("gru_forward", _seq_inputs, ref_forward, SEQ_SHAPES)),
        Part("gru_backward", 30, ("gru_forward", "gru_backward"),
             tests_over_shapes("gru_backward", _seq_inputs, ref_backward, SEQ_SHAPES)),
    ),
)
