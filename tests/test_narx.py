"""The NARX network, a cell on the shared engine: its hand-written BPTT (parallel, free-run) and its
series-parallel backward against float64 central differences and the torch twin's autograd, and the
identity that ties the two modes together (closed loop = open loop fed the loop's own outputs)."""
from dataclasses import replace

import numpy as np
import pytest
import torch
from module_checks import assert_multi_state_backward_matches

import rnncourse.torch as twin
from rnncourse import scratch
from rnncourse.data.narendra import example2_f, plant, test_input, training_input
from rnncourse.scratch import numerical_gradient, rel_error

T, B, I, H, H2, O = 7, 3, 2, 5, 4, 2


def pair(qy, qu, bias=True, seed=1):
    model = scratch.NARX(I, H, O, H2, output_delays=qy, input_delays=qu, bias=bias, rng=seed)
    ref = twin.NARX(I, H, O, H2, output_delays=qy, input_delays=qu, bias=bias, dtype=torch.float64)
    assert list(ref.state_dict()) == list(model.state_dict())
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    return model, ref


@pytest.mark.parametrize("qy,qu,bias", [(2, 2, True), (1, 3, True), (3, 1, False), (1, 1, True)])
def test_free_run_bptt_matches_central_differences_and_the_twin(qy, qu, bias):
    rng = np.random.default_rng(0)
    model, ref = pair(qy, qu, bias)
    x = rng.standard_normal((T, B, I))
    widths = [O, (qy - 1) * O, (qu - 1) * I]
    hx = tuple(rng.standard_normal((1, B, w)) for w in widths)
    d_out = rng.standard_normal((T, B, O))
    d_last = tuple(rng.standard_normal((1, B, w)) for w in widths)
    assert_multi_state_backward_matches(model, ref, x, hx, d_out, d_last)


@pytest.mark.parametrize("qy,qu", [(2, 2), (1, 3), (3, 1)])
def test_series_parallel_backward_matches_central_differences_and_the_twin(qy, qu):
    rng = np.random.default_rng(1)
    model, ref = pair(qy, qu)
    y, u = rng.standard_normal((T, B, O)), rng.standard_normal((T, B, I))
    p = max(qy, qu)
    d_pred = rng.standard_normal((T - p, B, O))
    pred = model.one_step(y, u)
    model.one_step_backward(d_pred)

    def loss():
        return float((model.one_step(y, u) * d_pred).sum())

    for name, w in model.params.items():
        assert rel_error(model.grads[name], numerical_gradient(loss, w, eps=1e-5)) < 1e-8, name
    t_pred = ref.one_step(torch.from_numpy(y), torch.from_numpy(u))
    (t_pred * torch.from_numpy(d_pred)).sum().backward()
    assert rel_error(pred, t_pred.detach().numpy()) < 1e-12
    for name, w in ref.named_parameters():
        assert rel_error(model.grads[name], w.grad.numpy()) < 1e-10, name


@pytest.mark.parametrize("qy,qu", [(2, 2), (1, 3), (3, 1), (2, 1)])
def test_closed_loop_is_the_open_loop_fed_its_own_outputs(qy, qu):
    """Run free from the true history; then feed the free run's outputs back as if they were data:
    the series-parallel predictions reproduce the free run exactly. Also the regressor layout by hand."""
    rng = np.random.default_rng(2)
    model = scratch.NARX(I, H, O, H2, output_delays=qy, input_delays=qu, rng=3)
    y, u = rng.standard_normal((T, B, O)), rng.standard_normal((T, B, I))
    x, hx, target = model.free_run_setup(y, u)
    free, _ = model.forward(x, hx)
    p = model.order
    assert free.shape == target.shape == (T - p, B, O)
    own = np.concatenate([y[:p], free])
    assert rel_error(model.one_step(own, u), free) < 1e-14
    r, tgt = scratch.lagged_regressors(y, u, qy, qu)
    k = p - 1                                          # first row: y(k..k-qy+1), u(k..k-qu+1)
    by_hand = np.concatenate([y[k - i, 0] for i in range(qy)] + [u[k - i, 0] for i in range(qu)])
    assert np.array_equal(r[0, 0], by_hand) and np.array_equal(tgt, y[p:])


def test_series_parallel_training_learns_example_2():
    """F = 2-20-10-1 on y(k), y(k-1), u(k) learns Narendra & Parthasarathy's Example 2 one step ahead."""
    u = training_input(3000, rng=0)
    y = plant(2, u)
    model = scratch.NARX(1, 20, 1, 10, output_delays=2, input_delays=1, rng=0)
    opt = scratch.Adam(model.params, lr=3e-3)
    ys, us = y[:, None, None], u[:, None, None]
    for _ in range(400):
        pred = model.one_step(ys, us)
        loss, d = scratch.mse_loss(pred, ys[2:])
        model.zero_grad()
        model.one_step_backward(d)
        opt.step(model.grads)
    assert loss < 0.02 * np.var(y)


def test_narendra_plants_follow_their_equations():
    u = training_input(50, rng=1)
    assert u.min() >= -2 and u.max() <= 2 and not np.array_equal(u, training_input(50, rng=2))
    y2, y3 = plant(2, u), plant(3, u)
    assert y2[0] == y3[0] == 0 and y2[1] == u[0] and y3[1] == u[0] ** 3
    for k in range(1, 49):
        a, b = y2[k], y2[k - 1]
        assert y2[k + 1] == pytest.approx(a * b * (a + 2.5) / (1 + a * a + b * b) + u[k], abs=1e-14)
        assert y3[k + 1] == pytest.approx(y3[k] / (1 + y3[k] ** 2) + u[k] ** 3, abs=1e-14)
    assert example2_f(1.0, 2.0) == pytest.approx(2 * 3.5 / 6)
    k = np.arange(100)
    assert np.allclose(test_input(2, 100), np.sin(2 * np.pi * k / 25))
    assert np.allclose(test_input(3, 100), np.sin(2 * np.pi * k / 25) + np.sin(2 * np.pi * k / 10))


def test_bad_arguments():
    with pytest.raises(ValueError, match="output_delays must be a positive integer; got 0"):
        scratch.NARX(1, 4, output_delays=0)
    with pytest.raises(ValueError, match="hidden_size2 must be a positive integer; got -1"):
        scratch.NARX(1, 4, hidden_size2=-1)
    model = scratch.NARX(2, 4, 1, output_delays=2, input_delays=4)
    with pytest.raises(ValueError, match=r"u_delay_0 must have shape \(L\*D=1, B=5, size=6\); got \(1, 5, 2\)"):
        model.forward(np.zeros((3, 5, 2)), (np.zeros((1, 5, 1)), np.zeros((1, 5, 1)), np.zeros((1, 5, 2))))
    with pytest.raises(ValueError, match=r"u must have shape \(T=6, B=1, I=2\); got \(6, 1, 1\)"):
        model.one_step(np.zeros((6, 1, 1)), np.zeros((6, 1, 1)))
    with pytest.raises(ValueError, match="longer than max"):
        model.one_step(np.zeros((3, 1, 1)), np.zeros((3, 1, 2)))
    with pytest.raises(ValueError, match="example must be one of"):
        plant(4, np.zeros(5))
    with pytest.raises(ValueError, match=r"u must be a 1-D input sequence of length K >= 2; got shape \(3, 1\)"):
        plant(2, np.zeros((3, 1)))


def test_parallel_training_through_the_engine_lowers_the_free_run_loss():
    """BPTT through the closed loop (rnncourse.runs.tdnn_narx.train_narx_parallel) from a fresh network."""
    from rnncourse.runs.tdnn_narx import NARENDRA_EX3, train_narx_parallel

    u = training_input(600, rng=4)
    y = plant(3, u)
    model = scratch.NARX(1, 20, 1, 10, output_delays=1, input_delays=1, rng=4)
    setting = replace(NARENDRA_EX3, parallel_steps=150, parallel_window=20, parallel_batch=8, parallel_lr=1e-2)
    losses = train_narx_parallel(model, y[:, None, None], u[:, None, None], setting, np.random.default_rng(0))
    assert len(losses) == 150 and np.mean(losses[-10:]) < 0.2 * np.mean(losses[:10])
