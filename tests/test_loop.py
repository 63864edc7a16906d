"""rnncourse.runs.loop.train against independent references: hand-written float64 updates (closed-form
gradients of least squares), torch.optim and torch.nn.utils for the scratch side, and the two sides
against each other."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import torch

from rnncourse.runs.loop import clip_value, objective, train
from rnncourse.scratch import Composite, Linear


@dataclass(frozen=True)
class Setting:
    steps: int = 12
    lr: float = 0.05
    clip: float | None = None
    eval_every: int = 4


def problem(seed=0, B=16, I=3, O=2):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, I)), rng.standard_normal((B, O))


class TorchLinear(torch.nn.Module):
    """y_hat = x W^T + b; loss = mean over all entries of (y_hat - y)^2 (torch.nn.functional.mse_loss)."""

    def __init__(self, W, b):
        super().__init__()
        self.lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            self.lin.weight.copy_(torch.from_numpy(W))
            self.lin.bias.copy_(torch.from_numpy(b))

    def loss(self, batch):
        x, y = (torch.from_numpy(a) for a in batch)
        return torch.nn.functional.mse_loss(self.lin(x), y)


class ScratchLinear(Composite):
    """The same model from rnncourse.scratch.Linear, hand-written backward."""

    def __init__(self, W, b):
        lin = Linear(W.shape[1], W.shape[0], dtype=np.float64, rng=0)
        lin.params["weight"][...] = W
        lin.params["bias"][...] = b
        super().__init__(lin=lin)
        self.lin = lin

    def loss_and_grads(self, batch):
        x, y = batch
        diff = self.lin.forward(x) - y
        self.lin.backward(2 * diff / diff.size)
        return float(np.mean(diff**2))


def closed_form_sgd(W, b, x, y, lrs):
    """Full-batch gradient descent on mean((x W^T + b - y)^2) with the gradients written out by hand."""
    W, b, losses = W.copy(), b.copy(), []
    for lr in lrs:
        diff = x @ W.T + b - y
        losses.append(np.mean(diff**2))
        dW, db = 2 * diff.T @ x / diff.size, 2 * diff.sum(axis=0) / diff.size
        W, b = W - lr * dW, b - lr * db
    return W, b, losses


def initial(seed=1, I=3, O=2):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((O, I)), rng.standard_normal(O)


@pytest.mark.parametrize("side", ["torch", "scratch"])
def test_sgd_with_a_schedule_follows_the_closed_form(side):
    x, y = problem()
    W0, b0 = initial()
    schedule = lambda step: 0.1 / step                                    # noqa: E731
    model = TorchLinear(W0, b0) if side == "torch" else ScratchLinear(W0, b0)
    curve = train(model, lambda rng: (x, y), Setting(), optimizer="sgd", schedule=schedule)
    W, b, losses = closed_form_sgd(W0, b0, x, y, [schedule(s) for s in range(1, 13)])
    params = ({k: v.detach().numpy() for k, v in model.state_dict().items()} if side == "torch" else model.params)
    np.testing.assert_allclose(params["lin.weight"], W, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(params["lin.bias"], b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(curve.loss, losses, rtol=1e-12)
    assert curve.loss[-1] < 0.8 * curve.loss[0]                           # it did learn


def test_scratch_adam_with_norm_clipping_matches_torch_optim():
    """The scratch side (scratch Adam, scratch clipping) against torch.optim.Adam and clip_grad_norm_, written
    out here, on fresh batches from the run's generator: same parameters, losses and pre-clipping norms."""
    W0, b0 = initial()
    setting = Setting(steps=20, lr=0.05, clip=0.5)

    def data(rng):
        return problem(int(rng.integers(1 << 30)))

    ours = ScratchLinear(W0, b0)
    curve = train(ours, data, setting, seed=3)
    ref = TorchLinear(W0, b0)
    opt = torch.optim.Adam(ref.parameters(), lr=setting.lr)
    rng, norms, losses = np.random.default_rng(3), [], []
    for _ in range(setting.steps):
        loss = ref.loss(data(rng))
        opt.zero_grad()
        loss.backward()
        norms.append(torch.nn.utils.clip_grad_norm_(ref.parameters(), setting.clip).item())
        losses.append(loss.item())
        opt.step()
    np.testing.assert_allclose(ours.params["lin.weight"], ref.lin.weight.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.params["lin.bias"], ref.lin.bias.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(curve.grad_norm, norms, rtol=1e-10)
    np.testing.assert_allclose(curve.loss, losses, rtol=1e-10)
    assert sum(n > setting.clip for n in norms) >= 5                      # clipping was active


@pytest.mark.parametrize("side", ["torch", "scratch"])
def test_value_clipping_clips_every_entry(side):
    x, y = problem()
    W0, b0 = initial()
    model = TorchLinear(W0, b0) if side == "torch" else ScratchLinear(W0, b0)
    train(model, lambda rng: (x, y), Setting(steps=1, lr=1.0), optimizer="sgd", clip=clip_value(0.01))
    params = ({k: v.detach().numpy() for k, v in model.state_dict().items()} if side == "torch" else model.params)
    W, b, _ = closed_form_sgd(W0, b0, x, y, [0.0])
    diff = x @ W0.T + b0 - y
    dW = np.clip(2 * diff.T @ x / diff.size, -0.01, 0.01)
    np.testing.assert_allclose(params["lin.weight"], W0 - dW, rtol=1e-12, atol=1e-14)
    assert np.abs(params["lin.weight"] - W0).max() <= 0.01 + 1e-12


@pytest.mark.parametrize("side", ["torch", "scratch"])
def test_evaluation_every_k_steps(side):
    x, y = problem()
    W0, b0 = initial()
    model = TorchLinear(W0, b0) if side == "torch" else ScratchLinear(W0, b0)
    seen = []

    def evaluate():
        if side == "torch":
            assert not torch.is_grad_enabled()
        seen.append(1)
        return len(seen)

    curve = train(model, lambda rng: (x, y), Setting(steps=10, eval_every=4), optimizer="sgd", evaluate=evaluate)
    assert curve.eval_steps == [4, 8, 10] and curve.evals == [1, 2, 3]          # and after the last step
    assert len(curve.loss) == len(curve.grad_norm) == 10 and curve.diverged_at is None


class Exploding(TorchLinear):
    """Its loss overflows to inf from the third call on."""

    calls = 0

    def loss(self, batch):
        self.calls += 1
        return super().loss(batch) * (float("inf") if self.calls >= 3 else 1.0)


def test_a_run_stops_at_its_first_non_finite_loss():
    x, y = problem()
    W0, b0 = initial()
    model = Exploding(W0, b0)
    curve = train(model, lambda rng: (x, y), Setting(steps=10), optimizer="sgd")
    assert curve.diverged_at == 3 and curve.loss[-1] == float("inf") and len(curve.loss) == 3
    W, b, _ = closed_form_sgd(W0, b0, x, y, [0.05, 0.05])                # two updates, none after the overflow
    np.testing.assert_allclose(model.lin.weight.detach().numpy(), W, rtol=1e-12)


@pytest.mark.parametrize("side", ["torch", "scratch"])
def test_stop_when_ends_after_the_first_accepted_evaluation_and_changes_nothing_before(side):
    """A run with stop_when is the full run's prefix: the same losses and evaluations, up to the first
    evaluation stop_when accepts, and the weights of that step (the closed form's after 8 updates)."""
    x, y = problem()
    W0, b0 = initial()

    def run(**kwargs):
        model = TorchLinear(W0, b0) if side == "torch" else ScratchLinear(W0, b0)
        weight = (lambda: model.lin.weight.detach().numpy()) if side == "torch" else (lambda: model.lin.params["weight"])
        curve = train(model, lambda rng: (x, y), Setting(steps=12, eval_every=2), optimizer="sgd",
                      evaluate=lambda: float(np.mean((x @ weight().T - y) ** 2)), **kwargs)
        return curve, weight().copy()

    full, _ = run()
    level = full.evals[3]                                # the fourth evaluation, after step 8, is the first at or below it
    assert all(v > level for v in full.evals[:3])
    stopped, W = run(stop_when=lambda v: v <= level)
    assert stopped.stopped_at == 8 and full.stopped_at is None
    assert stopped.eval_steps == full.eval_steps[:4] and stopped.evals == full.evals[:4]
    assert stopped.loss == full.loss[:8]
    np.testing.assert_allclose(W, closed_form_sgd(W0, b0, x, y, [0.05] * 8)[0], rtol=1e-12)
    with pytest.raises(ValueError, match="stop_when must be a callable, given with evaluate="):
        train(ScratchLinear(W0, b0), lambda rng: (x, y), Setting(), stop_when=lambda v: True)


def test_bad_input_is_a_clear_value_error():
    x, y = problem()
    with pytest.raises(ValueError, match="torch.nn.Module with loss"):
        train(object(), lambda rng: (x, y), Setting())
    with pytest.raises(ValueError, match="must define loss"):
        train(torch.nn.Linear(3, 2), lambda rng: (x, y), Setting())
    with pytest.raises(ValueError, match=r"loss\(batch\) must return a scalar tensor; got Tensor\(16, 2\)"):
        lin = torch.nn.Linear(3, 2, dtype=torch.float64)
        train(objective(lambda b: lin(torch.from_numpy(b[0])), lin=lin), lambda rng: (x, y), Setting())
    with pytest.raises(ValueError, match="'steps'"):
        train(ScratchLinear(*initial()), lambda rng: (x, y), object())
    with pytest.raises(ValueError, match="optimizer must be one of"):
        train(ScratchLinear(*initial()), lambda rng: (x, y), Setting(), optimizer="lbfgs")
    with pytest.raises(ValueError, match="steps must be a non-negative int"):
        train(ScratchLinear(*initial()), lambda rng: (x, y), Setting(), steps=2.5)


def test_composite_merges_its_childrens_arrays():
    a, b = Linear(2, 3, rng=0), Linear(3, 1, rng=1)
    both = Composite(a=a, b=b)
    assert list(both.params) == ["a.weight", "a.bias", "b.weight", "b.bias"]
    assert both.params["b.weight"] is b.params["weight"] and both.grads["a.bias"] is a.grads["bias"]
    a.grads["weight"][...] = 1.0
    both.zero_grad()
    assert not a.grads["weight"].any()
    with pytest.raises(ValueError, match="Composite needs named scratch modules"):
        Composite(a=a, head=torch.nn.Linear(2, 2))


def test_objective_wraps_parts_and_a_loss_on_either_side():
    x, y = problem()
    W0, b0 = initial()
    lin = torch.nn.Linear(3, 2, dtype=torch.float64)
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(W0))
        lin.bias.copy_(torch.from_numpy(b0))
    model = objective(lambda batch: torch.nn.functional.mse_loss(lin(torch.from_numpy(batch[0])),
                                                                 torch.from_numpy(batch[1])), lin=lin)
    train(model, lambda rng: (x, y), Setting(), optimizer="sgd", schedule=lambda step: 0.05)
    scratch = ScratchLinear(W0, b0)
    train(objective(scratch.loss_and_grads, lin=scratch.lin), lambda rng: (x, y), Setting(), optimizer="sgd")
    W, b, _ = closed_form_sgd(W0, b0, x, y, [0.05] * 12)
    np.testing.assert_allclose(lin.weight.detach().numpy(), W, rtol=1e-12)
    np.testing.assert_allclose(scratch.params["lin.weight"], W, rtol=1e-12)
    with pytest.raises(ValueError, match="all torch modules or all scratch modules"):
        objective(lambda batch: 0.0, a=lin, b=scratch.lin)
