"""The TDNN layer (Waibel et al. 1989) is a 1-D convolution over time: checked against torch.nn.Conv1d
(forward and backward, float64), float64 central differences and its torch twin; it has a finite
impulse response of exactly N steps."""
import numpy as np
import pytest
import torch

import rnncourse.torch as twin
from rnncourse import scratch
from rnncourse.scratch import numerical_gradient, rel_error

T, B, I, O, N = 9, 3, 2, 4, 3


def run_layer(seed, **options):
    """A TDNN layer run forward and backward on random x (T, B, I) and dy (T-N+1, B, O)."""
    rng = np.random.default_rng(seed)
    layer = scratch.TDNN(I, O, N, rng=seed + 1, **options)
    x, dy = rng.standard_normal((T, B, I)), rng.standard_normal((T - N + 1, B, O))
    y = layer.forward(x)
    return layer, x, dy, y, layer.backward(dy)


@pytest.mark.parametrize("bias", [True, False])
def test_tdnn_equals_conv1d_forward_and_backward(bias):
    layer, x, dy, y, dx = run_layer(0, bias=bias)

    conv = torch.nn.Conv1d(I, O, N, bias=bias, dtype=torch.float64)
    assert list(conv.state_dict()) == list(layer.state_dict())
    conv.load_state_dict({k: torch.from_numpy(v) for k, v in layer.state_dict().items()})
    tx = torch.tensor(x.transpose(1, 2, 0), requires_grad=True)             # (B, I, T): Conv1d's layout
    ty = conv(tx)
    (ty * torch.from_numpy(dy.transpose(1, 2, 0))).sum().backward()
    assert rel_error(y, ty.detach().numpy().transpose(2, 0, 1)) < 1e-13
    assert rel_error(dx, tx.grad.numpy().transpose(2, 0, 1)) < 1e-13
    for name, p in conv.named_parameters():
        assert rel_error(layer.grads[name], p.grad.numpy()) < 1e-13, name


@pytest.mark.parametrize("activation", ["identity", "tanh"])
def test_tdnn_backward_matches_central_differences_and_the_twin(activation):
    layer, x, dy, y, dx = run_layer(2, activation=activation)

    def loss():
        return float((layer.forward(x) * dy).sum())

    for name, p in layer.params.items():
        assert rel_error(layer.grads[name], numerical_gradient(loss, p, eps=1e-5)) < 1e-8, name
    assert rel_error(dx, numerical_gradient(loss, x, eps=1e-5)) < 1e-8

    ref = twin.TDNN(I, O, N, activation=activation, dtype=torch.float64)
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in layer.state_dict().items()})
    tx = torch.tensor(x, requires_grad=True)
    ty = ref(tx)
    (ty * torch.from_numpy(dy)).sum().backward()
    assert rel_error(y, ty.detach().numpy()) < 1e-13 and rel_error(dx, tx.grad.numpy()) < 1e-10
    for name, p in ref.named_parameters():
        assert rel_error(layer.grads[name], p.grad.numpy()) < 1e-10, name


def test_an_impulse_reaches_the_output_for_exactly_n_steps():
    """x = impulse at step s: y_t - b is nonzero exactly for t = s, ..., s+N-1 and equals W[:, :, N-1-(t-s)]."""
    layer = scratch.TDNN(1, 1, 4, rng=4)
    w, b = layer.params["weight"][0, 0], layer.params["bias"][0]
    s, steps = 6, 15
    x = np.zeros((steps, 1, 1))
    x[s] = 1.0
    response = layer.forward(x)[:, 0, 0] - b            # output index i sits at time t = i + N - 1
    times = np.arange(4 - 1, steps)
    assert set(times[response != 0]) == {6, 7, 8, 9}
    for t in range(6, 10):
        assert response[t - 3] == w[4 - 1 - (t - s)]


def test_receptive_field_of_stacked_layers():
    """Two layers with 3 and 5 taps: output i depends on inputs i .. i+6 (7 = 1 + 2 + 4), found by autograd."""
    first, second = twin.TDNN(1, 2, 3, activation="tanh", dtype=torch.float64), twin.TDNN(2, 1, 5, dtype=torch.float64)
    x = torch.randn(20, 1, 1, dtype=torch.float64, requires_grad=True)
    second(first(x))[4, 0, 0].backward()
    seen = torch.nonzero(x.grad[:, 0, 0]).flatten().tolist()
    assert seen == list(range(4, 11)) and len(seen) == scratch.receptive_field([3, 5]) == 7


def test_bad_arguments():
    with pytest.raises(ValueError, match="kernel_size must be a positive integer; got 0"):
        scratch.TDNN(2, 3, 0)
    with pytest.raises(ValueError, match="activation must be one of"):
        scratch.TDNN(2, 3, 2, activation="relu")
    with pytest.raises(ValueError, match=r"x must have shape \(T, B, I=2\); got \(5, 3\)"):
        scratch.TDNN(2, 3, 2).forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="x must have at least N=4 time steps"):
        scratch.TDNN(2, 3, 4).forward(np.zeros((3, 1, 2)))
    with pytest.raises(ValueError, match=r"dy must have shape \(T'=4, B=1, O=3\); got \(5, 1, 3\)"):
        layer = scratch.TDNN(2, 3, 2)
        layer.forward(np.zeros((5, 1, 2)))
        layer.backward(np.zeros((5, 1, 3)))
    with pytest.raises(ValueError, match=r"x must be a tensor of shape \(T, B, I=2\)"):
        twin.TDNN(2, 3, 2)(torch.zeros(5, 1, 3))
