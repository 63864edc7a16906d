"""The Jordan network, added as one cell per side on the shared engine: its hand-written backward against
float64 central differences and against autograd on its torch twin, and a training run through the engine."""
import numpy as np
import pytest
import torch
from module_checks import assert_backward_matches

import rnncourse.torch as twin
from rnncourse import scratch
from rnncourse.scratch import rel_error

T, B, I, H, O = 6, 3, 2, 5, 3


@pytest.mark.parametrize("activation", ["identity", "tanh", "sigmoid"])
@pytest.mark.parametrize("bias", [True, False])
def test_backward_matches_central_differences_and_the_twin(activation, bias):
    rng = np.random.default_rng(0)
    model = scratch.Jordan(I, H, O, bias=bias, output_activation=activation, rng=1)
    ref = twin.Jordan(I, H, O, bias=bias, output_activation=activation, dtype=torch.float64)
    x, y0 = rng.standard_normal((T, B, I)), rng.standard_normal((1, B, O))
    d_out, d_last = rng.standard_normal((T, B, O)), rng.standard_normal((1, B, O))
    assert_backward_matches(model, ref, x, y0, d_out, d_last)


def test_output_feedback_is_the_only_recurrence():
    """With W_yh = 0 the Jordan network is a feed-forward network applied at each step (no memory)."""
    model = scratch.Jordan(I, H, O, rng=2)
    model.params["weight_yh_l0"][:] = 0
    x = np.random.default_rng(3).standard_normal((T, B, I))
    out, _ = model.forward(x)
    p = model.params
    ff = np.tanh(x @ p["weight_ih_l0"].T + p["bias_ih_l0"]) @ p["weight_hy_l0"].T + p["bias_hy_l0"]
    assert rel_error(out, ff) < 1e-14


def test_stacked_bidirectional_jordan_runs_on_the_engine_and_matches_its_twin():
    model = scratch.Jordan(I, H, O, num_layers=2, bidirectional=True, rng=4)
    ref = twin.Jordan(I, H, O, num_layers=2, bidirectional=True, dtype=torch.float64)
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    x = np.random.default_rng(5).standard_normal((T, B, I))
    out, y_n = model.forward(x)
    assert out.shape == (T, B, 2 * O) and y_n.shape == (4, B, O)
    t_out, _ = ref(torch.from_numpy(x))
    assert rel_error(out, t_out.detach().numpy()) < 1e-12


def _leaky_integrator(x):
    target = np.zeros_like(x)
    for t in range(x.shape[0]):
        target[t] = 0.5 * (target[t - 1] if t else 0) + x[t]
    return target


def test_jordan_learns_a_leaky_integrator_through_the_engine():
    """y_t = 0.5 y_{t-1} + x_t needs only the previous output: output feedback is exactly the right memory.

    Judged on fresh sequences twice as long as the training ones, against two baselines that have no
    memory: predicting 0, and the best memoryless fit y_t = x_t (which misses the 0.5 y_{t-1} term)."""
    rng = np.random.default_rng(0)
    model = scratch.Jordan(1, 8, 1, rng=0)
    optimizer = scratch.Adam(model.params, lr=0.02)
    losses = []
    for _ in range(300):
        x = rng.uniform(-1, 1, (20, 16, 1))
        out, _ = model.forward(x)
        loss, d_out = scratch.mse_loss(out, _leaky_integrator(x))
        model.zero_grad()
        model.backward(d_out)
        optimizer.step(model.grads)
        losses.append(loss)
    assert np.mean(losses[-20:]) < 0.01 * np.mean(losses[:5])

    x = np.random.default_rng(1).uniform(-1, 1, (40, 64, 1))
    target = _leaky_integrator(x)
    out, _ = model.forward(x)
    mse = np.mean((out - target) ** 2)
    assert mse < 0.02 * np.mean(target ** 2)
    assert mse < 0.05 * np.mean((x - target) ** 2)


def test_bad_arguments():
    with pytest.raises(ValueError, match="output_size must be a positive integer; got 0"):
        scratch.Jordan(2, 3, 0)
    with pytest.raises(ValueError, match="output_activation must be one of"):
        scratch.Jordan(2, 3, 1, output_activation="relu")
    with pytest.raises(ValueError, match=r"y_0 must have shape \(L\*D=1, B=4, size=1\); got \(1, 4, 3\)"):
        scratch.Jordan(2, 3, 1).forward(np.zeros((5, 4, 2)), np.zeros((1, 4, 3)))
