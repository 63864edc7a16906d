"""narx: tapped-delay regressors, the NARX map F forward and backward, one series-parallel training step,
the free run, and one-step versus free-run error.

References: rnncourse.scratch.narx (lagged_regressors, the NARX module's one_step and its engine-driven
free run from free_run_setup) and torch.autograd in float64 for F's backward and the training step; the free
run and the errors are also tested on the Example 2 plant of rnncourse.data.narendra.
"""
from __future__ import annotations

import numpy as np

from rnncourse.scratch.narx import NARX, lagged_regressors

from ..spec import Assignment, Part, Test
from .common import tests_over_shapes

NARX_PARAMS = ("weight_h1", "bias_h1", "weight_h2", "bias_h2", "weight_out", "bias_out")


def narx_params(rng, R, H, H2, O, scale=0.7):
    """Random parameters of F: weight_h1 (H, R), bias_h1 (H,), weight_h2 (H2, H), bias_h2 (H2,), weight_out (O, H2), bias_out (O,)."""
    shapes = {"weight_h1": (H, R), "bias_h1": (H,), "weight_h2": (H2, H), "bias_h2": (H2,),
              "weight_out": (O, H2), "bias_out": (O,)}
    return {k: rng.standard_normal(s) * scale / np.sqrt(s[-1] if k.startswith("weight") else 1)
            for k, s in shapes.items()}


def series_inputs(T, B, I, O, q_y, q_u, H=5, H2=4, lr=None):
    """Seeded series y (T, B, O), u (T, B, I), parameters of F (as param_<name>), the delays (and lr)."""
    def make(seed):
        rng = np.random.default_rng(seed)
        inputs = {"y": rng.standard_normal((T, B, O)), "u": rng.standard_normal((T, B, I)),
                  "q_y": q_y, "q_u": q_u}
        inputs.update({f"param_{k}": v for k, v in narx_params(rng, q_y * O + q_u * I, H, H2, O).items()})
        if lr is not None:
            inputs["lr"] = np.float64(lr)
        return inputs
    return make


def feedforward_inputs(lead, R, H, H2, O):
    """Seeded r (*lead, R), parameters of F and the upstream gradient dy (*lead, O)."""
    def make(seed):
        rng = np.random.default_rng(seed)
        inputs = {"r": rng.standard_normal((*lead, R))}
        inputs.update({f"param_{k}": v for k, v in narx_params(rng, R, H, H2, O).items()})
        inputs["dy"] = rng.standard_normal((*lead, O))
        return inputs
    return make


def params_from(inputs) -> dict:
    return {k: inputs[f"param_{k}"] for k in NARX_PARAMS}


def _torch_F(r, p):
    import torch
    return torch.tanh(torch.tanh(r @ p["weight_h1"].T + p["bias_h1"]) @ p["weight_h2"].T + p["bias_h2"]) \
        @ p["weight_out"].T + p["bias_out"]


def _leaves(inputs):
    import torch
    return {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params_from(inputs).items()}


def narendra_inputs(T, B, q_y, q_u, H=5, H2=4):
    """B series of Narendra & Parthasarathy's Example 2 plant driven by its training input (u ~ U[-2, 2]),
    y (T, B, 1) and u (T, B, 1), with random parameters of F (rnncourse.data.narendra)."""
    from rnncourse.data.narendra import plant, training_input

    def make(seed):
        rng = np.random.default_rng(seed)
        u = np.stack([training_input(T, rng) for _ in range(B)], axis=1)[:, :, None]
        y = np.stack([plant(2, u[:, b, 0]) for b in range(B)], axis=1)[:, :, None]
        inputs = {"y": y, "u": u, "q_y": q_y, "q_u": q_u}
        inputs.update({f"param_{k}": v for k, v in narx_params(rng, q_y + q_u, H, H2, 1).items()})
        return inputs
    return make


# ---- references ------------------------------------------------------------------------------------
def ref_regressors(inputs):
    r, target = lagged_regressors(inputs["y"], inputs["u"], int(inputs["q_y"]), int(inputs["q_u"]))
    return {"r": r, "target": target}


def ref_forward(inputs):
    import torch
    p = {k: torch.tensor(v) for k, v in params_from(inputs).items()}
    return {"y_hat": _torch_F(torch.tensor(inputs["r"]), p).numpy()}


def ref_backward(inputs):
    import torch
    p = _leaves(inputs)
    r = torch.tensor(inputs["r"], requires_grad=True)
    grads = torch.autograd.grad(_torch_F(r, p), [r, *p.values()], torch.tensor(inputs["dy"]))
    return {f"d{k}": g.numpy() for k, g in zip(("r", *p), grads)}


def ref_step(inputs):
    """Loss, gradients and updated parameters: regressors from the library, MSE and its gradient by autograd."""
    import torch
    r, target = lagged_regressors(inputs["y"], inputs["u"], int(inputs["q_y"]), int(inputs["q_u"]))
    p = _leaves(inputs)
    loss = torch.mean((_torch_F(torch.tensor(r), p) - torch.tensor(target)) ** 2)
    grads = torch.autograd.grad(loss, list(p.values()))
    lr = float(inputs["lr"])
    out = {"loss": np.float64(loss.item())}
    out.update({f"d{k}": g.numpy() for k, g in zip(p, grads)})
    out.update({f"new_{k}": (v - lr * g).detach().numpy() for (k, v), g in zip(p.items(), grads)})
    return out


def _library_model(inputs):
    """The library's NARX module holding the test's parameters."""
    O, I = inputs["y"].shape[2], inputs["u"].shape[2]
    p = params_from(inputs)
    model = NARX(I, p["weight_h1"].shape[0], output_size=O, hidden_size2=p["weight_h2"].shape[0],
                 output_delays=int(inputs["q_y"]), input_delays=int(inputs["q_u"]))
    model.load_state_dict({f"{k}_l0": v for k, v in p.items()})
    return model


def _library_free_run(model, inputs):
    x, hx, target = model.free_run_setup(inputs["y"], inputs["u"])
    return model.forward(x, hx)[0], target


def ref_free_run(inputs):
    return {"y_hat": _library_free_run(_library_model(inputs), inputs)[0]}


def ref_rmse(inputs):
    model = _library_model(inputs)
    free, target = _library_free_run(model, inputs)
    one = model.one_step(inputs["y"], inputs["u"])
    return {"rmse_one_step": np.float64(np.sqrt(np.mean((one - target) ** 2))),
            "rmse_free_run": np.float64(np.sqrt(np.mean((free - target) ** 2)))}


# ---- shapes: one public, hidden ones on what it lacks (B=1, O=2, q_u > q_y, q = 1, T = p + 1) ----------
SERIES = [(dict(T=9, B=3, I=2, O=1, q_y=2, q_u=2), False), (dict(T=6, B=1, I=1, O=2, q_y=1, q_u=3), True),
          (dict(T=5, B=4, I=3, O=2, q_y=4, q_u=1), True)]
FEEDFORWARD = [(dict(lead=(7,), R=4, H=5, H2=3, O=1), False), (dict(lead=(1,), R=2, H=3, H2=6, O=2), True),
               (dict(lead=(4, 3), R=7, H=2, H2=4, O=3), True)]
STEP = [(dict(**s, lr=0.1), hidden) for s, hidden in SERIES]
FREE = [(dict(T=12, B=3, I=2, O=1, q_y=2, q_u=2), False), (dict(T=4, B=1, I=1, O=2, q_y=3, q_u=1), True),
        (dict(T=15, B=2, I=3, O=2, q_y=1, q_u=4), True)]



def free_tests(driver, reference):
    """The shapes of FREE, and a hidden test on the Example 2 plant of the chapter (sec-narendra)."""
    plant_test = Test("hidden (Narendra Example 2 plant, T=40, B=2, q_y=2, q_u=1)", driver,
                      narendra_inputs(T=40, B=2, q_y=2, q_u=1), reference, hidden=True, rtol=1e-8)
    return tests_over_shapes(driver, series_inputs, reference, FREE, rtol=1e-8) + (plant_test,)


ASSIGNMENT = Assignment(
    name="narx",
    title="NARX networks: tapped delays, series-parallel training, free run",
    parts=(
        Part("lagged_regressors", 15, ("lagged_regressors",),
             tests_over_shapes("narx_lagged_regressors", series_inputs, ref_regressors, SERIES, rtol=1e-12)),
        Part("narx_forward", 15, ("narx_forward",),
             tests_over_shapes("narx_forward", feedforward_inputs, ref_forward, FEEDFORWARD, rtol=1e-8)),
        Part("narx_backward", 25, ("narx_forward", "narx_backward"),
             tests_over_shapes("narx_backward", feedforward_inputs, ref_backward, FEEDFORWARD)),
        Part("series_parallel_step", 15, ("series_parallel_step",),
             tests_over_shapes("narx_series_parallel_step", series_inputs, ref_step, STEP)),
        Part("free_run", 20, ("free_run",), free_tests("narx_free_run", ref_free_run)),
        Part("one_step_and_free_run_rmse", 10, ("one_step_and_free_run_rmse",), free_tests("narx_rmse", ref_rmse)),
    ),
)
