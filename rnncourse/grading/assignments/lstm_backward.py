"""lstm-backward: LSTM cell forward, the backward pass step by step, the cell and sequence backward.

References: rnncourse.scratch for whole cells and sequences (itself tested against torch.nn), and
torch.autograd for the step functions, which no scratch function exposes one by one.
"""
from __future__ import annotations

import numpy as np
import torch

from rnncourse import scratch

from ..spec import Assignment, Part
from .common import PARAMS, cell_inputs, cell_references, params_of, sequence_inputs, tests_over_shapes


def _autograd(inputs: dict, wrt: tuple, loss_fn) -> dict:
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k in wrt) for k, v in inputs.items()}
    loss_fn(t).backward()
    return {k: t[k].grad.numpy() for k in wrt}


# ---- input makers ---------------------------------------------------------------------------------
def _gate_inputs(B, H):
    """Gate values from random pre-activations, upstream gradients, and the states around them."""
    def make(seed):
        rng = np.random.default_rng(seed)
        a = rng.standard_normal((B, 4 * H)) * 1.5
        sig = 1 / (1 + np.exp(-a))
        c = rng.standard_normal((B, H))
        d = {"a": a, "i": sig[:, :H], "f": sig[:, H:2 * H], "g": np.tanh(a[:, 2 * H:3 * H]), "o": sig[:, 3 * H:],
             "c": c, "tanh_c": np.tanh(c), "c_prev": rng.standard_normal((B, H))}
        for name in ("dh_next", "dc_next", "dc", "di", "df", "dg", "do"):
            d[name] = rng.standard_normal((B, H))
        return d
    return make


_cell_inputs = cell_inputs(G=4, states=("h", "c"))
_seq_inputs = sequence_inputs(G=4, states=("h0", "c0"), final_state_grads=("dc_last",))


# ---- references -----------------------------------------------------------------------------------
ref_cell_forward, ref_cell_backward = cell_references(scratch.lstm_cell_forward, scratch.lstm_cell_backward,
                                                      states=("h", "c"))


def ref_output_backward(inp):
    # h = o * tanh(c), and c also receives dc_next from the next step.
    g = _autograd({"o": inp["o"], "c": inp["c"]}, ("o", "c"),
                  lambda t: (t["o"] * torch.tanh(t["c"]) * torch.from_numpy(inp["dh_next"])).sum()
                  + (t["c"] * torch.from_numpy(inp["dc_next"])).sum())
    return {"do": g["o"], "dc": g["c"]}


def ref_cell_state_backward(inp):
    g = _autograd({k: inp[k] for k in ("i", "f", "g", "c_prev")}, ("i", "f", "g", "c_prev"),
                  lambda t: ((t["f"] * t["c_prev"] + t["i"] * t["g"]) * torch.from_numpy(inp["dc"])).sum())
    return {"di": g["i"], "df": g["f"], "dg": g["g"], "dc_prev": g["c_prev"]}


def ref_gates_backward(inp):
    H = inp["i"].shape[1]

    def loss(t):
        a_i, a_f, a_g, a_o = t["a"].split(H, dim=1)
        gates = (torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g), torch.sigmoid(a_o))
        ups = [torch.from_numpy(inp[k]) for k in ("di", "df", "dg", "do")]
        return sum((gate * up).sum() for gate, up in zip(gates, ups))
    return {"da": _autograd({"a": inp["a"]}, ("a",), loss)["a"]}


def ref_backward(inp):
    hs, c_last, cache = scratch.lstm_forward(inp["x"], inp["h0"], inp["c0"], *params_of(inp))
    g = scratch.lstm_backward(inp["dhs"], cache, dc_last=inp["dc_last"])
    out = {f"d{k}": g[k] for k in ("x", "h0", "c0") + PARAMS}
    out.update(hs=hs, c_last=c_last)
    return out


CELL_SHAPES = [(dict(B=3, I=4, H=5), False), (dict(B=1, I=6, H=2), True), (dict(B=5, I=2, H=7), True)]
GATE_SHAPES = [(dict(B=3, H=5), False), (dict(B=1, H=2), True), (dict(B=6, H=8), True)]
SEQ_SHAPES = [(dict(T=6, B=3, I=4, H=5), False), (dict(T=1, B=2, I=3, H=2), True), (dict(T=12, B=2, I=2, H=6), True)]

ASSIGNMENT = Assignment(
    name="lstm-backward",
    title="The LSTM backward pass, step by step",
    parts=(
        Part("lstm_cell_forward", 15, ("lstm_cell_forward",),
             tests_over_shapes("lstm_cell_forward", _cell_inputs, ref_cell_forward, CELL_SHAPES, rtol=1e-8)),
        Part("lstm_output_backward", 10, ("lstm_output_backward",),
             tests_over_shapes("lstm_output_backward", _gate_inputs, ref_output_backward, GATE_SHAPES)),
        Part("lstm_cell_state_backward", 10, ("lstm_cell_state_backward",),
             tests_over_shapes("lstm_cell_state_backward", _gate_inputs, ref_cell_state_backward, GATE_SHAPES)),
        Part("lstm_gates_backward", 10, ("lstm_gates_backward",),
             tests_over_shapes("lstm_gates_backward", _gate_inputs, ref_gates_backward, GATE_SHAPES)),
        Part("lstm_cell_backward", 25, ("lstm_cell_forward", "lstm_cell_backward"),
             tests_over_shapes("lstm_cell_backward", _cell_inputs, ref_cell_backward, CELL_SHAPES)),
        Part("lstm_backward", 30, ("lstm_forward", "lstm_backward"),
             tests_over_shapes("lstm_backward", _seq_inputs, ref_backward, SEQ_SHAPES)),
    ),
)
