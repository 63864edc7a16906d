"""deep-bidirectional-recursive: a bidirectional tanh RNN layer built on a given one-directional RNN, forward
and backward; a recursive network's forward pass and its backpropagation through a tree.

References: rnncourse.scratch.RNN(bidirectional=True) (the engine's two directions, itself tested against
torch.nn.RNN) and rnncourse.scratch.recursive (tested against autograd and central differences).

Each part on its own: the exercise fixes both caches (Parts 1 and 3), so the backward parts are given the
reference's (the states as arrays) and never run the student's forward.
"""
from __future__ import annotations

import numpy as np

from rnncourse import scratch
from rnncourse.scratch.recursive import flatten_trees, recursive_backward, recursive_forward

from ..drivers import RNN_GIVEN_CACHE, TREE_CACHE
from ..spec import Assignment, Part, Test
from .common import PARAMS, tests_over_shapes

DIRECTIONS = ("", "_reverse")


# ---- bidirectional layer ------------------------------------------------------------------------------
def birnn_inputs(T, B, I, H):
    """x (T, B, I), h0 (2, B, H), the 8 parameters (torch's names without _l0), dout (T, B, 2H)."""
    def make(seed):
        rng = np.random.default_rng(seed)
        inputs = {"x": rng.standard_normal((T, B, I)), "h0": rng.standard_normal((2, B, H)) * 0.5}
        for sfx in DIRECTIONS:
            shapes = {"weight_ih": (H, I), "weight_hh": (H, H), "bias_ih": (H,), "bias_hh": (H,)}
            inputs.update({name + sfx: rng.standard_normal(s) * 0.5 for name, s in shapes.items()})
        inputs["dout"] = rng.standard_normal((T, B, 2 * H))
        return inputs
    return make


def _birnn(inputs):
    T, B, I = inputs["x"].shape
    H = inputs["h0"].shape[2]
    model = scratch.RNN(I, H, bidirectional=True)
    model.load_state_dict({f"{name}_l0{sfx}": inputs[name + sfx] for name in PARAMS for sfx in DIRECTIONS})
    out, _ = model.forward(inputs["x"], inputs["h0"])
    return model, out


def _direction_states(out):
    """(2, T, B, H): each direction's states in the order its rnn_forward ran (the reverse one over x[::-1])."""
    H = out.shape[2] // 2
    return np.stack([out[:, :, :H], out[::-1, :, H:]])


def ref_birnn_forward(inputs):
    out = _birnn(inputs)[1]
    hs = _direction_states(out)
    cache = {}
    for d, sfx in enumerate(DIRECTIONS):
        items = (inputs["x"][::-1] if d else inputs["x"], inputs["h0"][d], hs[d], inputs["weight_ih" + sfx],
                 inputs["weight_hh" + sfx])
        cache.update({f"cache{d}_{k}": v for k, v in zip(RNN_GIVEN_CACHE, items)})
    return {"out": out, **cache}


def fed_birnn_inputs(T, B, I, H):
    """Part 2's inputs: Part 1's and each direction's states as cache_hs (2, T, B, H): the driver builds the
    exercise's cache from them (the student's forward is not run)."""
    make = birnn_inputs(T, B, I, H)

    def made(seed):
        inputs = make(seed)
        return {**inputs, "cache_hs": _direction_states(_birnn(inputs)[1])}
    return made


def ref_birnn_backward(inputs):
    model, _ = _birnn(inputs)
    dx, dh0 = model.backward(inputs["dout"])
    grads = {f"d{name}{sfx}": model.grads[f"{name}_l0{sfx}"] for name in PARAMS for sfx in DIRECTIONS}
    return {"dx": dx, "dh0": dh0, **grads}


BI_SHAPES = [(dict(T=5, B=3, I=4, H=3), False), (dict(T=1, B=1, I=2, H=2), True), (dict(T=9, B=2, I=3, H=6), True)]


# ---- tree ------------------------------------------------------------------------------------------
TREES = {
    "public (5 leaves: ((0, 1), (2, (3, 4))), H=3)": (((0, 1), (2, (3, 4))), 3, False),
    "hidden (2 leaves, H=2)": ((0, 1), 2, True),
    "hidden (left-branching chain of 7 leaves, H=4)": (((((((0, 1), 2), 3), 4), 5), 6), 4, True),
    "hidden (balanced 8 leaves, H=5)": ((((0, 1), (2, 3)), ((4, 5), (6, 7))), 5, True),
}


def tree_inputs(tree, H):
    """x (n, H), children (M, 2) int64 (post-order, root last), weight (H, 2H), bias (H,), dh_root (H,)."""
    def make(seed):
        rng = np.random.default_rng(seed)
        tokens, children, _ = flatten_trees([tree])
        return {"x": rng.standard_normal((len(tokens), H)), "children": children,
                "weight": rng.standard_normal((H, 2 * H)) * 0.5, "bias": rng.standard_normal(H) * 0.5,
                "dh_root": rng.standard_normal(H)}
    return make


def ref_tree_forward(inputs):
    h = recursive_forward(inputs["x"], inputs["children"], inputs["weight"], inputs["bias"])[0]
    cache = (h, inputs["children"], inputs["x"].shape[0], inputs["weight"])
    return {"h": h, **{f"cache_{k}": np.asarray(v, dtype=np.float64) for k, v in zip(TREE_CACHE, cache)}}


def fed_tree_inputs(tree, H):
    """Part 4's inputs: Part 3's and every node's state as cache_h (the driver builds the exercise's cache)."""
    make = tree_inputs(tree, H)

    def made(seed):
        inputs = make(seed)
        h = recursive_forward(inputs["x"], inputs["children"], inputs["weight"], inputs["bias"])[0]
        return {**inputs, "cache_h": h}
    return made


def ref_tree_backward(inputs):
    h, cache = recursive_forward(inputs["x"], inputs["children"], inputs["weight"], inputs["bias"])
    dh = np.zeros_like(h)
    dh[-1] = inputs["dh_root"]
    grads = recursive_backward(dh, cache)
    return {f"d{k}": v for k, v in grads.items()}


def tree_tests(driver, reference, rtol=1e-6, make=tree_inputs):
    return tuple(Test(name, driver, make(tree, H), reference, hidden=hidden, rtol=rtol)
                 for name, (tree, H, hidden) in TREES.items())


ASSIGNMENT = Assignment(
    name="deep-bidirectional-recursive",
    title="Bidirectional layers and backpropagation through a tree",
    parts=(
        Part("birnn_forward", 20, ("birnn_forward",),
             tests_over_shapes("birnn_forward", birnn_inputs, ref_birnn_forward, BI_SHAPES, rtol=1e-8)),
        Part("birnn_backward", 30, ("birnn_backward",),
             tests_over_shapes("birnn_backward", fed_birnn_inputs, ref_birnn_backward, BI_SHAPES),
             fed=("birnn_forward",)),
        Part("tree_forward", 20, ("tree_forward",), tree_tests("tree_forward", ref_tree_forward, rtol=1e-8)),
        Part("tree_backward", 30, ("tree_backward",), tree_tests("tree_backward", ref_tree_backward, make=fed_tree_inputs),
             fed=("tree_forward",)),
    ),
)
