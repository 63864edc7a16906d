"""lstm-backward: LSTM cell forward, the backward pass step by step, the cell and sequence backward.

Each part on its own: Part 5 is given the reference's cache (the exercise fixes its layout) and Parts 2-4's
answers, sealed, for the calls a right ``lstm_cell_backward`` makes; Part 6 the same for
``lstm_cell_forward`` (each step of a right ``lstm_forward``) and ``lstm_cell_backward`` (each step of a
right ``lstm_backward``, which gets the reference's caches). See ``grading/replay.py``.

References: rnncourse.scratch for whole cells and sequences (itself tested against torch.nn), and
torch.autograd for the step functions, which no scratch function exposes one by one.
"""
from __future__ import annotations

import numpy as np
import torch

from rnncourse import scratch

from .. import replay
from ..drivers import LSTM_CACHE
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


def ref_forward_with_cache(inp):
    """Part 1's outputs: h_next, c_next and the exercise's cache, item by item (cache_x, ..., cache_tanh_c)."""
    out = ref_cell_forward(inp)
    out.update({f"cache_{k}": v for k, v in zip(CACHE, step_cache(inp["x"], inp["h"], inp["c"], *params_of(inp)))})
    return out


# ---- each part on its own: the reference's values for the earlier parts (see grading/replay.py) ------
CACHE = LSTM_CACHE


def _step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    """(the exercise's cache of one step, pre-activations a (B, 4H), h_next, c_next), h_next and c_next from
    the reference. The cache is (x, h, c, weight_ih, weight_hh, i, f, g, o, tanh_c): gate values (B, H)
    each, and tanh_c = tanh(c_next)."""
    H = h.shape[1]
    a = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh
    sig = 1 / (1 + np.exp(-a))
    h_next, c_next, _ = scratch.lstm_cell_forward(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh)
    cache = (x, h, c, weight_ih, weight_hh, sig[:, :H], sig[:, H:2 * H], np.tanh(a[:, 2 * H:3 * H]), sig[:, 3 * H:],
             np.tanh(c_next))
    return cache, a, h_next, c_next


def step_cache(*args) -> tuple:
    return _step(*args)[0]


def _helper_calls(dh_next, dc_next, step) -> dict:
    """{helper: [(arguments, reference result)]}: the calls of Parts 2-4 a right lstm_cell_backward makes."""
    (_, _, c, _, _, i, f, g, o, tanh_c), a, _, c_next = step
    out = ref_output_backward({"o": o, "c": c_next, "dh_next": dh_next, "dc_next": dc_next})
    do, dc = out["do"], out["dc"]
    st = ref_cell_state_backward({"i": i, "f": f, "g": g, "c_prev": c, "dc": dc})
    di, df, dg, dc_prev = st["di"], st["df"], st["dg"], st["dc_prev"]
    da = ref_gates_backward({"a": a, "i": i, "di": di, "df": df, "dg": dg, "do": do})["da"]
    return {"lstm_output_backward": [((dh_next, dc_next, o, tanh_c), (do, dc))],
            "lstm_cell_state_backward": [((dc, i, f, g, c), (di, df, dg, dc_prev))],
            "lstm_gates_backward": [((di, df, dg, do, i, f, g, o), da)]}


SEQUENCE_CACHE = ("h", "c", "i", "f", "g", "o", "tanh_c")     # fed as (T, B, H) arrays cache_h, ...


def sequence_step_cache(inp: dict, t: int) -> tuple:
    """Step t's cache as the driver builds it from Part 6's inputs (x[t], the weights, cache_<k>[t])."""
    return tuple(inp["x"][t] if k == "x" else inp[k] if k.startswith("weight") else inp[f"cache_{k}"][t]
                 for k in CACHE)


def _sealed(calls: dict) -> dict:
    return {k: v for function, rows in calls.items() for k, v in replay.seal(function, rows).items()}


def cell_backward_inputs(B, I, H):
    """Part 5's inputs: a step's inputs, its cache as arrays (cache_i, ..., cache_tanh_c: the driver builds
    the exercise's cache from them, never running the student's forward), and Parts 2-4's answers sealed."""
    base = _cell_inputs(B, I, H)

    def make(seed):
        inp = base(seed)
        step = _step(inp["x"], inp["h"], inp["c"], *params_of(inp))
        inp.update({f"cache_{k}": v for k, v in zip(CACHE[5:], step[0][5:])})
        return {**inp, **_sealed(_helper_calls(inp["dh_next"], inp["dc_next"], step))}
    return make


def _sequence_steps(inp, T):
    """Each step of the reference over the sequence: [(arguments of lstm_cell_forward, step)]."""
    params = params_of(inp)
    h, c, steps = inp["h0"], inp["c0"], []
    for t in range(T):
        step = _step(inp["x"][t], h, c, *params)
        steps.append(((inp["x"][t], h, c, *params), step))
        h, c = step[2], step[3]
    return steps


def sequence_forward_inputs(T, B, I, H):
    """Part 6's forward tests: a sequence's inputs and, sealed, lstm_cell_forward's answers at each step of
    a right lstm_forward (nothing else: the states are the answer)."""
    base = _seq_inputs(T, B, I, H)

    def make(seed):
        inp = base(seed)
        calls = [(args, (step[2], step[3], step[0])) for args, step in _sequence_steps(inp, T)]
        return {**inp, **_sealed({"lstm_cell_forward": calls})}
    return make


def sequence_backward_inputs(T, B, I, H):
    """Part 6's backward tests: a sequence's inputs, the T step caches as (T, B, H) arrays (cache_h,
    cache_c, cache_i, ...), and, sealed, lstm_cell_backward's answers at each step of a right lstm_backward
    given these caches."""
    base = _seq_inputs(T, B, I, H)

    def make(seed):
        inp = base(seed)
        params = params_of(inp)
        steps = [step for _, step in _sequence_steps(inp, T)]
        inp.update({f"cache_{k}": np.stack([s[0][CACHE.index(k)] for s in steps]) for k in SEQUENCE_CACHE})
        backward_calls, dh, dc = [], np.zeros_like(inp["h0"]), inp["dc_last"]
        for t in reversed(range(T)):
            cache = sequence_step_cache(inp, t)
            _, _, scratch_cache = scratch.lstm_cell_forward(inp["x"][t], cache[1], cache[2], *params)
            grads = scratch.lstm_cell_backward(inp["dhs"][t] + dh, dc, scratch_cache)
            backward_calls.append(((inp["dhs"][t] + dh, dc, cache), grads))
            dh, dc = grads["h"], grads["c"]
        return {**inp, **_sealed({"lstm_cell_backward": backward_calls})}
    return make


def ref_sequence_forward(inp):
    out = ref_backward(inp)
    return {"hs": out["hs"], "c_last": out["c_last"]}


def ref_sequence_backward(inp):
    return {k: v for k, v in ref_backward(inp).items() if k not in ("hs", "c_last")}


CELL_SHAPES = [(dict(B=3, I=4, H=5), False), (dict(B=1, I=6, H=2), True), (dict(B=5, I=2, H=7), True)]
GATE_SHAPES = [(dict(B=3, H=5), False), (dict(B=1, H=2), True), (dict(B=6, H=8), True)]
SEQ_SHAPES = [(dict(T=6, B=3, I=4, H=5), False), (dict(T=1, B=2, I=3, H=2), True), (dict(T=12, B=2, I=2, H=6), True)]

ASSIGNMENT = Assignment(
    name="lstm-backward",
    title="The LSTM backward pass, step by step",
    parts=(
        Part("lstm_cell_forward", 15, ("lstm_cell_forward",),
             tests_over_shapes("lstm_cell_forward", _cell_inputs, ref_forward_with_cache, CELL_SHAPES, rtol=1e-8)),
        Part("lstm_output_backward", 10, ("lstm_output_backward",),
             tests_over_shapes("lstm_output_backward", _gate_inputs, ref_output_backward, GATE_SHAPES)),
        Part("lstm_cell_state_backward", 10, ("lstm_cell_state_backward",),
             tests_over_shapes("lstm_cell_state_backward", _gate_inputs, ref_cell_state_backward, GATE_SHAPES)),
        Part("lstm_gates_backward", 10, ("lstm_gates_backward",),
             tests_over_shapes("lstm_gates_backward", _gate_inputs, ref_gates_backward, GATE_SHAPES)),
        Part("lstm_cell_backward", 25, ("lstm_cell_backward",),
             tests_over_shapes("lstm_cell_backward", cell_backward_inputs, ref_cell_backward, CELL_SHAPES),
             fed=("lstm_cell_forward", "lstm_output_backward", "lstm_cell_state_backward", "lstm_gates_backward")),
        Part("lstm_backward", 30, ("lstm_forward", "lstm_backward"),
             tests_over_shapes("lstm_forward", sequence_forward_inputs, ref_sequence_forward, SEQ_SHAPES)
             + tests_over_shapes("lstm_backward", sequence_backward_inputs, ref_sequence_backward, SEQ_SHAPES),
             fed=("lstm_cell_forward", "lstm_cell_backward")),
    ),
)
