"""rnncourse.torch (built from tensor ops) against torch.nn: same keys, same outputs, same gradients."""
import itertools

import numpy as np
import pytest
import torch
from torch_reference import run_reference

import rnncourse.torch as twin
from rnncourse.scratch import rel_error

COMBOS = list(itertools.product(["RNN", "LSTM", "GRU"], [1, 2], [False, True], [False, True], [False, True]))


def _t(a):
    return torch.from_numpy(a).requires_grad_()


@pytest.mark.parametrize("kind,num_layers,bidirectional,batch_first,bias", COMBOS)
def test_twin_matches_torch_nn(kind, num_layers, bidirectional, batch_first, bias):
    ref = run_reference(kind, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias)
    ours = getattr(twin, kind)(5, 7, num_layers=num_layers, bidirectional=bidirectional,
                               batch_first=batch_first, bias=bias, dtype=torch.float64)
    assert list(ours.state_dict()) == list(ref.module.state_dict())
    ours.load_state_dict(ref.module.state_dict())

    x = _t(ref.x)
    states = [_t(s) for s in (ref.state0 if kind == "LSTM" else (ref.state0,))]
    out, final = ours(x, tuple(states) if kind == "LSTM" else states[0])
    finals = list(final) if kind == "LSTM" else [final]
    d_finals = ref.d_state if kind == "LSTM" else (ref.d_state,)
    want_finals = ref.state if kind == "LSTM" else (ref.state,)
    assert rel_error(out.detach().numpy(), ref.output) < 1e-10
    for f, w in zip(finals, want_finals):
        assert rel_error(f.detach().numpy(), w) < 1e-10

    loss = (out * torch.from_numpy(ref.d_output)).sum() + sum((f * torch.from_numpy(d)).sum() for f, d in zip(finals, d_finals))
    loss.backward()
    assert rel_error(x.grad.numpy(), ref.dx) < 1e-8
    for s, w in zip(states, ref.d_state0 if kind == "LSTM" else (ref.d_state0,)):
        assert rel_error(s.grad.numpy(), w) < 1e-8
    for name, p in ours.named_parameters():
        assert rel_error(p.grad.numpy(), ref.param_grads[name]) < 1e-8, name


def test_twin_relu_and_unbatched():
    ref = run_reference("RNN", nonlinearity="relu", num_layers=2, bidirectional=True, unbatched=True)
    ours = twin.RNN(5, 7, num_layers=2, nonlinearity="relu", bidirectional=True, dtype=torch.float64)
    ours.load_state_dict(ref.module.state_dict())
    out, h = ours(torch.from_numpy(ref.x), torch.from_numpy(ref.state0))
    assert out.shape == ref.output.shape and h.shape == ref.state.shape
    assert rel_error(out.detach().numpy(), ref.output) < 1e-10


def test_twin_default_init_is_torch_nns_uniform():
    """Every parameter ~ U(-1/sqrt(H), 1/sqrt(H)), as torch.nn's: inside the bounds, reaching both ends,
    and spread evenly over the interval (an all-zero or a too-narrow init fails)."""
    torch.manual_seed(0)
    H = 25
    m = twin.LSTM(3, H, num_layers=2)
    values = torch.cat([p.detach().flatten() for p in m.parameters()]).double()
    n, bound = values.numel(), 1 / H ** 0.5
    assert n == 4 * H * (3 + H + 2) + 4 * H * (H + H + 2)
    assert values.min() >= -bound and values.max() <= bound
    # the extremes of n uniform draws lie within ~bound * 2 * 10 / n of the ends (P(miss) = e^-10 each)
    assert values.min() < -bound * (1 - 20 / n) and values.max() > bound * (1 - 20 / n)
    # ten equal bins each hold n/10 values up to binomial noise (5 standard deviations)
    counts = torch.histc(values, bins=10, min=-bound, max=bound)
    sd = (n * 0.1 * 0.9) ** 0.5
    assert (counts - n / 10).abs().max() < 5 * sd, counts
    # mean 0 and variance bound^2 / 3 of the uniform distribution
    assert abs(values.mean().item()) < 5 * bound / (3 * n) ** 0.5
    assert abs(values.var().item() / (bound ** 2 / 3) - 1) < 0.1


def test_twin_default_init_draws_what_torch_nn_draws():
    """Same generator state, same parameter order: the twin's initial weights are torch.nn.LSTM's."""
    torch.manual_seed(3)
    ref = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    torch.manual_seed(3)
    ours = twin.LSTM(3, 5, num_layers=2, bidirectional=True)
    for (k, want), (name, got) in zip(ref.state_dict().items(), ours.state_dict().items()):
        assert k == name and torch.equal(got, want), k


def test_twin_rejects_bad_input():
    """The messages are the scratch side's (tests/test_bad_input.py checks both sides against each other)."""
    m = twin.GRU(4, 3)
    with pytest.raises(ValueError, match=r"GRU.forward: input must have shape \(T, B, I=4\).*got \(5, 2, 6\)"):
        m(torch.zeros(5, 2, 6))
    with pytest.raises(ValueError, match=r"h_0 must have shape \(L\*D=1, B=2, H=3\); got \(1, 2, 5\)"):
        m(torch.zeros(5, 2, 4), torch.zeros(1, 2, 5))
    with pytest.raises(ValueError, match=r"input must be a torch.Tensor of floats; got ndarray"):
        m(np.zeros((5, 2, 4), dtype=np.float32))
