"""The recurrent multilayer perceptron, one cell per side on the shared engine: every layer (the output
included) feeds back to itself. Its hand-written backward against float64 central differences and
autograd on the torch twin, for every state, with one to three hidden layers; and clear errors."""
import numpy as np
import pytest
import torch
from module_checks import assert_multi_state_backward_matches

import rnncourse.torch as twin
from rnncourse import scratch
from rnncourse.scratch import rel_error

T, B, I, H, O = 5, 3, 2, 4, 3

@pytest.mark.parametrize("layers,bias,activation", [(1, True, "identity"), (2, True, "tanh"), (3, False, "sigmoid"),
                                                    (2, False, "identity")])
def test_backward_matches_central_differences_and_the_twin(layers, bias, activation):
    rng = np.random.default_rng(layers)
    model = scratch.RMLP(I, H, O, hidden_layers=layers, bias=bias, output_activation=activation, rng=1)
    sizes = [H] * layers + [O]
    x = rng.standard_normal((T, B, I))
    s0 = tuple(rng.standard_normal((1, B, n)) for n in sizes)
    d_out = rng.standard_normal((T, B, O))
    d_last = tuple(rng.standard_normal((1, B, n)) for n in sizes)
    ref = twin.RMLP(I, H, O, hidden_layers=layers, bias=bias, output_activation=activation, dtype=torch.float64)
    assert_multi_state_backward_matches(model, ref, x, s0, d_out, d_last)

def test_without_feedback_it_is_an_mlp_at_every_step():
    model = scratch.RMLP(I, H, O, rng=2)
    for k in ("weight_hh_l0", "weight_rec2_l0", "weight_yy_l0"):
        model.params[k][:] = 0
    x = np.random.default_rng(3).standard_normal((T, B, I))
    p = model.params
    h1 = np.tanh(x @ p["weight_ih_l0"].T + p["bias_ih_l0"])
    h2 = np.tanh(h1 @ p["weight_in2_l0"].T + p["bias2_l0"])
    assert rel_error(model.forward(x)[0], h2 @ p["weight_hy_l0"].T + p["bias_hy_l0"]) < 1e-14

def test_bad_arguments():
    with pytest.raises(ValueError, match="hidden_layers must be a positive integer; got 0"):
        scratch.RMLP(2, 3, 1, hidden_layers=0)
    with pytest.raises(ValueError, match="output_activation must be one of"):
        scratch.RMLP(2, 3, 1, output_activation="relu")
    with pytest.raises(ValueError, match=r"the RMLP state must be a tuple of 3 \(h1, h2, y\)"):
        scratch.RMLP(2, 3, 1).forward(np.zeros((5, 4, 2)), np.zeros((1, 4, 3)))
    with pytest.raises(ValueError, match=r"y_0 must have shape \(L\*D=1, B=4, size=1\); got \(1, 4, 3\)"):
        scratch.RMLP(2, 3, 1).forward(np.zeros((5, 4, 2)), (np.zeros((1, 4, 3)),) * 3)
