"""The recurrent multilayer perceptron, one cell per side on the shared engine: every layer (the output
included) feeds back to itself. Its hand-written backward against float64 central differences and
autograd on the torch twin, for every state, with one to three hidden layers; and clear errors."""
import numpy as np
import pytest
import torch

import rnncourse.torch as twin
from rnncourse import scratch
from rnncourse.scratch import numerical_gradient, rel_error

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
    out, final = model.forward(x, s0)
    model.zero_grad()
    dx, d_s0 = model.backward(d_out, d_last)

    def loss():
        o, f = model.forward(x, s0)
        return float((o * d_out).sum() + sum((a * b).sum() for a, b in zip(f, d_last)))

    for name, p in model.params.items():
        assert rel_error(model.grads[name], numerical_gradient(loss, p, eps=1e-5)) < 1e-8, name
    assert rel_error(dx, numerical_gradient(loss, x, eps=1e-5)) < 1e-8
    for d, s in zip(d_s0, s0):
        assert rel_error(d, numerical_gradient(loss, s, eps=1e-5)) < 1e-8

    ref = twin.RMLP(I, H, O, hidden_layers=layers, bias=bias, output_activation=activation, dtype=torch.float64)
    assert list(ref.state_dict()) == list(model.state_dict())
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    tx = torch.tensor(x, requires_grad=True)
    ts0 = tuple(torch.tensor(s, requires_grad=True) for s in s0)
    t_out, t_final = ref(tx, ts0)
    ((t_out * torch.from_numpy(d_out)).sum() + sum((a * torch.from_numpy(b)).sum()
                                                  for a, b in zip(t_final, d_last))).backward()
    assert rel_error(out, t_out.detach().numpy()) < 1e-12
    assert rel_error(dx, tx.grad.numpy()) < 1e-10
    for d, t in zip(d_s0, ts0):
        assert rel_error(d, t.grad.numpy()) < 1e-10
    for name, p in ref.named_parameters():
        assert rel_error(model.grads[name], p.grad.numpy()) < 1e-10, name


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
