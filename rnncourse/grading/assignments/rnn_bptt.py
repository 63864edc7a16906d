"""01-rnn-bptt: vanilla RNN cell forward/backward, full BPTT, truncated BPTT (chunked, k1 = k2 = k)."""
from __future__ import annotations

import numpy as np

from rnncourse import scratch

from ..spec import Assignment, Part, Test
from .common import cell_params, shape_label

PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _cell_inputs(B, I, H):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {"x": rng.standard_normal((B, I)), "h": rng.standard_normal((B, H)), **cell_params(rng, 1, I, H),
                "dh_next": rng.standard_normal((B, H))}
    return make


def _seq_inputs(T, B, I, H, k=None):
    def make(seed):
        rng = np.random.default_rng(seed)
        d = {"x": rng.standard_normal((T, B, I)), "h0": rng.standard_normal((B, H)), **cell_params(rng, 1, I, H),
             "dhs": rng.standard_normal((T, B, H))}
        if k is not None:
            d["k"] = k
        return d
    return make


def _p(inp):
    return [inp[k] for k in PARAMS]


def ref_cell_forward(inp):
    return {"h_next": scratch.rnn_cell_forward(inp["x"], inp["h"], *_p(inp))[0]}


def ref_cell_backward(inp):
    _, cache = scratch.rnn_cell_forward(inp["x"], inp["h"], *_p(inp))
    g = scratch.rnn_cell_backward(inp["dh_next"], cache)
    return {f"d{k}": g[k] for k in ("x", "h") + PARAMS}


def ref_forward(inp):
    return {"hs": scratch.rnn_forward(inp["x"], inp["h0"], *_p(inp))[0]}


def _ref_backward(truncation):
    def ref(inp):
        _, cache = scratch.rnn_forward(inp["x"], inp["h0"], *_p(inp))
        k = (inp["k"], inp["k"]) if truncation else None
        g = scratch.rnn_backward(inp["dhs"], cache, truncation=k)
        return {f"d{key}": g[key] for key in ("x", "h0") + PARAMS}
    return ref


def _cell_tests(driver, ref, rtol):
    return (Test(f"public {shape_label(B=3, I=4, H=5)}", driver, _cell_inputs(3, 4, 5), ref, rtol=rtol),
            Test(f"hidden {shape_label(B=1, I=7, H=2)}", driver, _cell_inputs(1, 7, 2), ref, hidden=True, rtol=rtol),
            Test(f"hidden {shape_label(B=6, I=2, H=9)}", driver, _cell_inputs(6, 2, 9), ref, hidden=True, rtol=rtol))


def _seq_tests(driver, ref, truncated=False):
    if truncated:
        shapes = [((10, 2, 3, 4, 5), False), ((12, 1, 2, 3, 4), True), ((9, 3, 4, 2, 9), True), ((7, 2, 3, 3, 1), True)]
    else:
        shapes = [((6, 3, 4, 5), False), ((1, 2, 3, 2), True), ((15, 4, 2, 6), True)]
    tests = []
    for dims, hidden in shapes:
        T, B, I, H = dims[:4]
        k = dims[4] if truncated else None
        label = shape_label(T=T, B=B, I=I, H=H, **({"k": k} if truncated else {}))
        tests.append(Test(f"{'hidden' if hidden else 'public'} {label}", driver, _seq_inputs(T, B, I, H, k), ref,
                          hidden=hidden))
    return tuple(tests)


ASSIGNMENT = Assignment(
    name="01-rnn-bptt",
    title="The vanilla RNN and backpropagation through time",
    parts=(
        Part("rnn_cell_forward", 15, ("rnn_cell_forward",), _cell_tests("rnn_cell_forward", ref_cell_forward, 1e-8)),
        Part("rnn_cell_backward", 25, ("rnn_cell_forward", "rnn_cell_backward"),
             _cell_tests("rnn_cell_backward", ref_cell_backward, 1e-6)),
        Part("rnn_forward", 15, ("rnn_forward",), _seq_tests("rnn_forward", ref_forward)),
        Part("rnn_backward", 30, ("rnn_forward", "rnn_backward"), _seq_tests("rnn_backward", _ref_backward(False))),
        Part("rnn_backward_truncated", 15, ("rnn_forward", "rnn_backward_truncated"),
             _seq_tests("rnn_backward_truncated", _ref_backward(True), truncated=True)),
    ),
)
