"""Real-time recurrent learning (Williams & Zipser 1989): the forward-mode gradient equals BPTT's (the
engine's hand-written backward) and autograd's to 1e-10 on the same network and data; the torch twin
(step Jacobians from torch.func) agrees; float64 central differences confirm; bad input is refused."""
import numpy as np
import pytest
import torch

from rnncourse import scratch
from rnncourse.scratch import numerical_gradient, rel_error
from rnncourse.torch import rtrl as trtrl

T, B, I, H = 7, 3, 2, 4


def setup(bias=True, seed=0):
    rng = np.random.default_rng(seed)
    rnn = scratch.RNN(I, H, bias=bias, rng=seed)
    params = {k[:-3]: v for k, v in rnn.params.items()}     # weight_ih_l0 -> weight_ih
    x, h0, d_out = rng.standard_normal((T, B, I)), rng.standard_normal((B, H)), rng.standard_normal((T, B, H))
    return rnn, params, x, h0, d_out


@pytest.mark.parametrize("bias", [True, False])
def test_rtrl_equals_bptt_and_autograd(bias):
    rnn, params, x, h0, d_out = setup(bias)
    grads, hs = scratch.rtrl(params, x, h0, d_out)
    out, _ = rnn.forward(x, h0[None])
    rnn.zero_grad()
    rnn.backward(d_out)
    assert rel_error(hs, out) < 1e-14
    for k, g in grads.items():
        assert rel_error(g, rnn.grads[k + "_l0"]) < 1e-10, k
    ref = torch.nn.RNN(I, H, bias=bias, dtype=torch.float64)
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in rnn.state_dict().items()})
    t_out, _ = ref(torch.from_numpy(x), torch.from_numpy(h0)[None])
    (t_out * torch.from_numpy(d_out)).sum().backward()
    for k, g in grads.items():
        assert rel_error(g, getattr(ref, k + "_l0").grad.numpy()) < 1e-10, k


def test_rtrl_matches_central_differences_and_its_torch_twin():
    _, params, x, h0, d_out = setup(seed=1)
    grads, _ = scratch.rtrl(params, x, h0, d_out)

    def loss():
        return float((scratch.rtrl(params, x, h0, d_out)[1] * d_out).sum())

    for k, p in params.items():
        assert rel_error(grads[k], numerical_gradient(loss, p, eps=1e-5)) < 1e-8, k
    t_grads, t_h = trtrl.rtrl({k: torch.from_numpy(v) for k, v in params.items()}, torch.from_numpy(x),
                              torch.from_numpy(h0), torch.from_numpy(d_out))
    for k in params:
        assert rel_error(grads[k], t_grads[k].numpy()) < 1e-10, k


def test_operation_counts_grow_like_h4_and_h2():
    """The counts are the shapes of the products the code performs: W_hh (H, H) @ P (H, n) per step."""
    c = {H_: scratch.operation_counts(H_, 1) for H_ in (64, 128)}
    assert c[64]["parameters"] == 64 * 64 + 64 + 64
    assert c[64]["RTRL"] == 64 * 65 + 64 * 64 * c[64]["parameters"] + 64 * c[64]["parameters"]
    slope = lambda key: np.log2(c[128][key] / c[64][key])  # noqa: E731
    assert 3.9 < slope("RTRL") < 4.0 and 1.95 < slope("BPTT") < 2.0


def test_bad_arguments():
    _, params, x, h0, d_out = setup()
    with pytest.raises(ValueError, match=r"d_out must have shape \(T=7, B=3, H=4\); got \(7, 3, 5\)"):
        scratch.rtrl(params, x, h0, np.zeros((T, B, 5)))
    with pytest.raises(ValueError, match=r"weight_ih must have shape \(4, 2\); got \(4, 3\)"):
        scratch.rtrl(params | {"weight_ih": np.zeros((H, 3))}, x, h0, d_out)
    with pytest.raises(ValueError, match="both bias_ih and bias_hh or neither"):
        scratch.rtrl({k: v for k, v in params.items() if k != "bias_hh"}, x, h0, d_out)
    with pytest.raises(ValueError, match="H must be a positive integer; got 0"):
        scratch.operation_counts(0, 1)


def test_torch_twin_bad_arguments():
    _, params, x, h0, d_out = setup()
    t = {k: torch.from_numpy(v) for k, v in params.items()}
    with pytest.raises(ValueError, match=r"x must be \(T, B, I\) and d_out \(T, B, H\) with the same T, B"):
        trtrl.rtrl(t, torch.from_numpy(x), torch.from_numpy(h0), torch.zeros(T, B + 1, H, dtype=torch.float64))
