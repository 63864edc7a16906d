"""Losses, optimisers, clipping and nonlinearities against torch's implementations."""
import numpy as np
import pytest
import torch

from rnncourse import scratch
from rnncourse.scratch import rel_error

rng = np.random.default_rng(0)


def test_mse_loss_matches_torch():
    p, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    tp = torch.from_numpy(p).requires_grad_()
    ref = torch.nn.functional.mse_loss(tp, torch.from_numpy(y))
    ref.backward()
    loss, grad = scratch.mse_loss(p, y)
    assert abs(loss - ref.item()) < 1e-12 and rel_error(grad, tp.grad.numpy()) < 1e-12


def test_softmax_cross_entropy_matches_torch_even_for_huge_logits():
    z = rng.standard_normal((5, 7)) * 300  # would overflow a naive exp
    y = rng.integers(0, 7, 5)
    tz = torch.from_numpy(z).requires_grad_()
    ref = torch.nn.functional.cross_entropy(tz, torch.from_numpy(y))
    ref.backward()
    loss, grad = scratch.softmax_cross_entropy(z, y)
    assert np.isfinite(loss) and abs(loss - ref.item()) < 1e-9 * max(1, abs(ref.item()))
    assert rel_error(grad, tz.grad.numpy()) < 1e-12


def test_sigmoid_softmax_stable_and_correct():
    a = np.array([-1000.0, -30.0, -1.0, 0.0, 2.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = scratch.sigmoid(a)
        sm = scratch.softmax(np.stack([a, -a]))
    assert rel_error(s, torch.sigmoid(torch.from_numpy(a)).numpy()) < 1e-15
    assert rel_error(sm, torch.softmax(torch.from_numpy(np.stack([a, -a])), -1).numpy()) < 1e-15
    assert s[1] > 0  # sigmoid(-30) ~ 9.4e-14 keeps its relative precision
    assert abs(s[1] / torch.sigmoid(torch.tensor(-30.0, dtype=torch.float64)).item() - 1) < 1e-14


def _quadratic_problem():
    target = {"a": rng.standard_normal((3, 2)), "b": rng.standard_normal(4)}
    start = {k: rng.standard_normal(v.shape) for k, v in target.items()}
    return target, start


@pytest.mark.parametrize("name,kwargs", [("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.05, "momentum": 0.9}),
                                         ("Adam", {"lr": 0.05}), ("Adam", {"lr": 0.01, "betas": (0.8, 0.99)})])
def test_optimisers_follow_torch_trajectory(name, kwargs):
    target, start = _quadratic_problem()
    ours = {k: v.copy() for k, v in start.items()}
    theirs = {k: torch.tensor(v, requires_grad=True) for k, v in start.items()}
    opt = getattr(scratch, name)(ours, **kwargs)
    topt = getattr(torch.optim, name)(theirs.values(), **kwargs)
    for _ in range(25):
        opt.step({k: 2 * (ours[k] - target[k]) for k in ours})  # gradient of ||p - target||^2
        topt.zero_grad()
        sum(((theirs[k] - torch.from_numpy(target[k])) ** 2).sum() for k in theirs).backward()
        topt.step()
    for k in ours:
        assert rel_error(ours[k], theirs[k].detach().numpy()) < 1e-12


@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(max_norm):
    grads = {"a": rng.standard_normal((3, 3)), "b": rng.standard_normal(5)}
    params = [torch.zeros(3, 3, dtype=torch.float64, requires_grad=True), torch.zeros(5, dtype=torch.float64, requires_grad=True)]
    for p, g in zip(params, grads.values()):
        p.grad = torch.from_numpy(g.copy())
    ref_norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    norm = scratch.clip_grad_norm(grads, max_norm)
    assert abs(norm - ref_norm.item()) < 1e-12
    for p, g in zip(params, grads.values()):
        assert rel_error(g, p.grad.numpy()) < 1e-14
