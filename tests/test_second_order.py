"""The second-order RNN (Giles et al. 1992), one cell per side on the shared engine: the hand-written
backward (third-order weight tensor) against float64 central differences and against autograd on the
torch twin, one-hot inputs selecting a transition matrix, and clear errors."""
import numpy as np
import pytest
import torch
from module_checks import assert_backward_matches

import rnncourse.torch as twin
from rnncourse import scratch
from rnncourse.scratch import rel_error, sigmoid

T, B, I, H = 6, 3, 3, 4


@pytest.mark.parametrize("bias", [True, False])
def test_backward_matches_central_differences_and_the_twin(bias):
    rng = np.random.default_rng(0)
    model = scratch.SecondOrder(I, H, bias=bias, rng=1)
    for v in model.params.values():
        v *= 3                                     # weights large enough that the sigmoid bends
    ref = twin.SecondOrder(I, H, bias=bias, dtype=torch.float64)
    x, h0 = rng.standard_normal((T, B, I)), rng.uniform(0, 1, (1, B, H))
    d_out, d_last = rng.standard_normal((T, B, H)), rng.standard_normal((1, B, H))
    assert_backward_matches(model, ref, x, h0, d_out, d_last)
    assert model.params["weight_l0"].shape == (H, H, I)


def test_one_hot_symbol_selects_its_transition_matrix():
    model = scratch.SecondOrder(2, H, rng=2)
    W, b = model.params["weight_l0"], model.params["bias_l0"]
    h0 = np.random.default_rng(3).uniform(0, 1, (1, 1, H))
    x = np.array([[[0.0, 1.0]], [[1.0, 0.0]]])     # symbol 1, then symbol 0
    out, _ = model.forward(x, h0)
    h1 = sigmoid(W[:, :, 1] @ h0[0, 0] + b)
    assert rel_error(out[0, 0], h1) < 1e-14 and rel_error(out[1, 0], sigmoid(W[:, :, 0] @ h1 + b)) < 1e-14


def test_stacked_bidirectional_matches_its_twin():
    model = scratch.SecondOrder(I, H, num_layers=2, bidirectional=True, rng=4)
    ref = twin.SecondOrder(I, H, num_layers=2, bidirectional=True, dtype=torch.float64)
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    x = np.random.default_rng(5).standard_normal((T, B, I))
    out, h_n = model.forward(x)
    assert out.shape == (T, B, 2 * H) and h_n.shape == (4, B, H)
    assert rel_error(out, ref(torch.from_numpy(x))[0].detach().numpy()) < 1e-12


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"input must have shape \(T, B, I=2\)"):
        scratch.SecondOrder(2, 3).forward(np.zeros((5, 4, 3)))
    with pytest.raises(ValueError, match=r"h_0 must have shape \(L\*D=1, B=4, H=3\); got \(1, 4, 2\)"):
        scratch.SecondOrder(2, 3).forward(np.zeros((5, 4, 2)), np.zeros((1, 4, 2)))
    with pytest.raises(ValueError, match="hidden_size must be a positive integer; got 0"):
        scratch.SecondOrder(2, 0)
