"""What assignments share (parent side): seeded input makers, references built from rnncourse.scratch,
and tests over a list of shapes.

Inputs are float64 arrays drawn from a generator seeded by the grader (see ``spec.test_seed``); a cell
kind with G gate blocks has weight_ih (G*H, I), weight_hh (G*H, H) and biases (G*H,).
"""
from __future__ import annotations

import numpy as np

from .. import replay
from ..spec import Test

PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def params_of(inputs: dict) -> list:
    """The four parameter arrays of ``inputs``, in the order the cell functions take them."""
    return [inputs[k] for k in PARAMS]


def cell_params(rng, G: int, I: int, H: int, scale: float = 0.5) -> dict:
    return {"weight_ih": rng.standard_normal((G * H, I)) * scale, "weight_hh": rng.standard_normal((G * H, H)) * scale,
            "bias_ih": rng.standard_normal(G * H) * scale, "bias_hh": rng.standard_normal(G * H) * scale}


def cell_inputs(G: int, states=("h",)):
    """Input maker of one cell step: make(B, I, H) -> make(seed) -> {x (B, I), each state (B, H), the
    parameters, and the upstream gradient d<state>_next (B, H) of each state}."""
    def sized(B, I, H):
        def make(seed):
            rng = np.random.default_rng(seed)
            inputs = {"x": rng.standard_normal((B, I)), **{s: rng.standard_normal((B, H)) for s in states}}
            inputs.update(cell_params(rng, G, I, H))
            inputs.update({f"d{s}_next": rng.standard_normal((B, H)) for s in states})
            return inputs
        return make
    return sized


def sequence_inputs(G: int, states=("h0",), final_state_grads=()):
    """Input maker of a sequence: make(T, B, I, H, **fixed) -> make(seed) -> {x (T, B, I), each initial
    state (B, H), the parameters, dhs (T, B, H), each final-state gradient (B, H), and ``fixed`` (e.g. k)}."""
    def sized(T, B, I, H, **fixed):
        def make(seed):
            rng = np.random.default_rng(seed)
            inputs = {"x": rng.standard_normal((T, B, I)), **{s: rng.standard_normal((B, H)) for s in states}}
            inputs.update(cell_params(rng, G, I, H))
            inputs["dhs"] = rng.standard_normal((T, B, H))
            inputs.update({g: rng.standard_normal((B, H)) for g in final_state_grads})
            return {**inputs, **fixed}
        return make
    return sized


def cell_references(cell_forward, cell_backward, states=("h",)):
    """(forward reference, backward reference) of a scratch cell whose forward returns (*new states, cache)."""
    def forward(inputs):
        new_states = cell_forward(inputs["x"], *[inputs[s] for s in states], *params_of(inputs))[:-1]
        return {f"{s}_next": value for s, value in zip(states, new_states)}

    def backward(inputs):
        cache = cell_forward(inputs["x"], *[inputs[s] for s in states], *params_of(inputs))[-1]
        grads = cell_backward(*[inputs[f"d{s}_next"] for s in states], cache)
        return {f"d{k}": grads[k] for k in ("x", *states, *PARAMS)}

    return forward, backward


def sequence_references(seq_forward, seq_backward):
    """(forward, backward) references of a scratch sequence with state h alone (RNN, GRU).

    The backward is truncated BPTT(k, k) when the inputs hold ``k``, full BPTT otherwise.
    """
    def forward(inputs):
        return {"hs": seq_forward(inputs["x"], inputs["h0"], *params_of(inputs))[0]}

    def backward(inputs):
        _, cache = seq_forward(inputs["x"], inputs["h0"], *params_of(inputs))
        truncation = (inputs["k"], inputs["k"]) if "k" in inputs else None
        grads = seq_backward(inputs["dhs"], cache, truncation=truncation)
        return {f"d{k}": grads[k] for k in ("x", "h0", *PARAMS)}

    return forward, backward


def shape_label(**sizes) -> str:
    return "(" + ", ".join(f"{k}={v}" for k, v in sizes.items()) + ")"


def tests_over_shapes(driver: str, make, reference, shapes, rtol: float = 1e-6) -> tuple:
    """One Test per (sizes, hidden) in ``shapes``, named "public (B=3, ...)" or "hidden (...)".

    make(**sizes) returns the seeded input maker; reference(inputs) returns the expected outputs.
    """
    return tuple(Test(f"{'hidden' if hidden else 'public'} {shape_label(**sizes)}", driver, make(**sizes),
                      reference, hidden=hidden, rtol=rtol) for sizes, hidden in shapes)


# ---- each part on its own, for a cell whose state is h alone and whose cache the exercise fixes ------------
# (the cache of one step is a tuple named by ``names``: "x", "h" and the weights are the step's inputs, any
# other item is fed as an array cache_<item>; see grading/replay.py and drivers._fixed_cache)
def _sealed(calls: dict) -> dict:
    return {k: v for function, rows in calls.items() for k, v in replay.seal(function, rows).items()}


def fed_cell_backward_inputs(G: int, names: tuple, step):
    """The cell backward's inputs: one step's, and its cache's other items as arrays cache_<item> (the driver
    builds the cache from them; the student's forward is not run). step(x, h, *params) -> (h_next, cache)."""
    sized_base = cell_inputs(G)

    def sized(B, I, H):
        base = sized_base(B, I, H)

        def make(seed):
            inputs = base(seed)
            cache = step(inputs["x"], inputs["h"], *params_of(inputs))[1]
            return {**inputs, **{f"cache_{k}": v for k, v in zip(names, cache) if k not in ("x", "h") + PARAMS}}
        return make
    return sized


def _reference_steps(inputs, T, step):
    """[(arguments of the cell forward at step t, (h_t, cache_t))] of the reference over the sequence."""
    params, h, out = params_of(inputs), inputs["h0"], []
    for t in range(T):
        out.append(((inputs["x"][t], h, *params), step(inputs["x"][t], h, *params)))
        h = out[-1][1][0]
    return out


def fed_forward_inputs(G: int, kind: str, step):
    """The sequence forward's inputs and, sealed, <kind>_cell_forward's answers for each step of a right
    <kind>_forward (nothing in the clear: the states are the answer). step(x, h, *params) -> (h_next, cache)."""
    sized_base = sequence_inputs(G)

    def sized(T, B, I, H, **fixed):
        base = sized_base(T, B, I, H, **fixed)

        def make(seed):
            inputs = base(seed)
            return {**inputs, **_sealed({f"{kind}_cell_forward": _reference_steps(inputs, T, step)})}
        return make
    return sized


def fed_backward_inputs(G: int, kind: str, names: tuple, step, cell_backward):
    """A sequence backward's inputs, its T step caches as stacked arrays (cache_h: the state before each
    step, and cache_<item>), and, sealed, <kind>_cell_backward's answers for each step of a right backward
    on them (full BPTT, or chunks of ``k`` when given). cell_backward(dh_next, x, h, *params) -> the
    reference's gradients of one step."""
    sized_base = sequence_inputs(G)

    def sized(T, B, I, H, **fixed):
        base = sized_base(T, B, I, H, **fixed)

        def make(seed):
            inputs = base(seed)
            params = params_of(inputs)
            caches = [cache for _, (_, cache) in _reference_steps(inputs, T, step)]
            fed = {f"cache_{k}": np.stack([c[j] for c in caches]) for j, k in enumerate(names)
                   if k not in ("x",) + PARAMS}
            k = int(fixed.get("k", T))
            calls, dh = [], None
            for t in reversed(range(T)):
                if dh is None or (t + 1) % k == 0:     # the last step of a chunk: nothing flows in from later
                    dh = np.zeros_like(inputs["h0"])
                cache = tuple(inputs["x"][t] if n == "x" else inputs[n] if n in PARAMS else fed[f"cache_{n}"][t]
                              for n in names)
                grads = cell_backward(inputs["dhs"][t] + dh, inputs["x"][t], fed["cache_h"][t], *params)
                calls.append(((inputs["dhs"][t] + dh, cache), grads))
                dh = grads["h"]
            return {**inputs, **fed, **_sealed({f"{kind}_cell_backward": calls})}
        return make
    return sized
