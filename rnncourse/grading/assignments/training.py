"""training: gradient-norm clipping, two deterministic recurrent-weight transforms, the leaky cell's step.

References: rnncourse.scratch.clip_grad_norm (torch.nn.utils.clip_grad_norm_'s rule, eps 1e-6), the np-RNN
and nRNN formulas of rnncourse.scratch.init computed with numpy.linalg, and torch.autograd in float64 for
the leaky cell.
"""
from __future__ import annotations

import numpy as np

from rnncourse import scratch

from ..drivers import LEAKY_CACHE
from ..spec import Assignment, Part, Test
from .common import PARAMS, cell_inputs, tests_over_shapes


# ---- clip_grad_norm ---------------------------------------------------------------------------------
def make_clip(shapes: tuple, factor: float):
    """grad_<k> arrays of the given shapes and max_norm = factor * their global norm (factor < 1: clipped)."""
    def make(seed):
        rng = np.random.default_rng(seed)
        grads = {f"grad_{k}": rng.standard_normal(s) * 3.0 for k, s in zip("abcd", shapes)}
        norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
        return {**grads, "max_norm": np.float64(factor * norm)}
    return make


def ref_clip(inputs):
    grads = {k[5:]: inputs[k].copy() for k in inputs if k.startswith("grad_")}
    norm = scratch.clip_grad_norm(grads, float(inputs["max_norm"]))
    return {**grads, "norm": np.float64(norm)}


def clip_tests():
    cases = [("public (shapes (4, 3), (3,), clipped)", ((4, 3), (3,)), 0.3, False),
             ("hidden (one (2, 2), not clipped)", ((2, 2),), 2.5, True),
             ("hidden (shapes (5, 1), (1,), (3, 4, 2), clipped)", ((5, 1), (1,), (3, 4, 2)), 0.05, True)]
    return tuple(Test(name, "clip_grad_norm", make_clip(shapes, factor), ref_clip, hidden=hidden)
                 for name, shapes, factor, hidden in cases)


# ---- initialisers --------------------------------------------------------------------------------------
def make_square(H):
    def make(seed):
        return {"R": np.random.default_rng(seed).standard_normal((H, H))}
    return make


def ref_np_rnn(inputs):
    R = inputs["R"]
    a = np.eye(R.shape[0]) + R @ R.T / R.shape[0]
    return {"W": a / np.max(np.linalg.eigvalsh(a))}


def ref_spectral(inputs):
    W = inputs["R"]
    return {"W": W / np.max(np.abs(np.linalg.eigvals(W)))}


SQUARE_SHAPES = [(dict(H=5), False), (dict(H=2), True), (dict(H=9), True)]


# ---- leaky cell --------------------------------------------------------------------------------------
def leaky_inputs(B, I, H, alpha):
    make = cell_inputs(G=1)(B, I, H)
    return lambda seed: {**make(seed), "alpha": np.float64(alpha)}


def _torch_leaky(inputs):
    import torch
    t = {k: torch.tensor(inputs[k], dtype=torch.float64, requires_grad=True) for k in ("x", "h", *PARAMS)}
    alpha = float(inputs["alpha"])
    a = t["x"] @ t["weight_ih"].T + t["bias_ih"] + t["h"] @ t["weight_hh"].T + t["bias_hh"]
    return t, (1 - alpha) * t["h"] + alpha * torch.tanh(a)


def _f(inputs):
    """tanh(a) (B, H): the cache's f (the exercise fixes the cache: (x, h, weight_ih, weight_hh, f, alpha))."""
    return np.tanh(inputs["x"] @ inputs["weight_ih"].T + inputs["bias_ih"] + inputs["h"] @ inputs["weight_hh"].T
                   + inputs["bias_hh"])


def ref_leaky_forward(inputs):
    cache = (inputs["x"], inputs["h"], inputs["weight_ih"], inputs["weight_hh"], _f(inputs), inputs["alpha"])
    return {"h_next": _torch_leaky(inputs)[1].detach().numpy(), **{f"cache_{k}": v for k, v in zip(LEAKY_CACHE, cache)}}


def fed_leaky_inputs(B, I, H, alpha):
    """Part 5's inputs: Part 4's, and the cache's f as an array (the driver builds the cache from them)."""
    make = leaky_inputs(B, I, H, alpha)

    def made(seed):
        inputs = make(seed)
        return {**inputs, "cache_f": _f(inputs)}
    return made


def ref_leaky_backward(inputs):
    import torch
    t, h_next = _torch_leaky(inputs)
    grads = torch.autograd.grad(h_next, list(t.values()), torch.tensor(inputs["dh_next"]))
    return {f"d{k}": g.numpy() for k, g in zip(t, grads)}


def leaky_tests(driver, reference, rtol=1e-6, make=leaky_inputs):
    cases = [(dict(B=3, I=4, H=5, alpha=0.3), False), (dict(B=1, I=6, H=2, alpha=0.7), True),
             (dict(B=7, I=3, H=4, alpha=1.0), True)]
    return tests_over_shapes(driver, make, reference, cases, rtol=rtol)


ASSIGNMENT = Assignment(
    name="training",
    title="Training recurrent networks: clipping, initialisation, the leaky cell",
    parts=(
        Part("clip_grad_norm", 15, ("clip_grad_norm",), clip_tests()),
        Part("np_rnn_weight", 10, ("np_rnn_weight",),
             tests_over_shapes("np_rnn_weight", make_square, ref_np_rnn, SQUARE_SHAPES)),
        Part("normalise_spectral_radius", 10, ("normalise_spectral_radius",),
             tests_over_shapes("normalise_spectral_radius", make_square, ref_spectral, SQUARE_SHAPES)),
        Part("leaky_cell_forward", 20, ("leaky_cell_forward",),
             leaky_tests("leaky_cell_forward", ref_leaky_forward, rtol=1e-8)),
        Part("leaky_cell_backward", 45, ("leaky_cell_backward",),
             leaky_tests("leaky_cell_backward", ref_leaky_backward, make=fed_leaky_inputs), fed=("leaky_cell_forward",)),
    ),
)
