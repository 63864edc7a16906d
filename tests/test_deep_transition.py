"""Deep recurrent networks (Pascanu et al. 2014) on the cell protocol: every kind's hand-written backward
against float64 central differences and autograd on its torch twin, stacked and bidirectional; the shallow
kind is torch.nn.RNN; parameter counts in closed form equal the modules' own counts."""
import numpy as np
import pytest
import torch
from module_checks import assert_backward_matches

import rnncourse.torch as twin
from rnncourse import scratch
from rnncourse.scratch import rel_error
from rnncourse.scratch.deep_transition import KINDS, deep_rnn_parameters

T, B, I, H = 5, 2, 3, 4


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("bias", [True, False])
def test_backward_matches_central_differences_and_the_twin(kind, bias):
    rng = np.random.default_rng(0)
    model = scratch.DeepRNN.of_kind(kind, I, H, bias=bias, rng=1)
    ref = twin.DeepRNN.of_kind(kind, I, H, bias=bias, dtype=torch.float64)
    x, h0 = rng.standard_normal((T, B, I)), rng.standard_normal((1, B, H))
    d_out, d_last = rng.standard_normal((T, B, H)), rng.standard_normal((1, B, H))
    assert_backward_matches(model, ref, x, h0, d_out, d_last)


@pytest.mark.parametrize("kind", ["DT(S)", "DOT"])
def test_stacked_bidirectional_matches_the_twin_forward_and_backward(kind):
    rng = np.random.default_rng(2)
    model = scratch.DeepRNN.of_kind(kind, I, H, num_layers=2, bidirectional=True, rng=3)
    ref = twin.DeepRNN.of_kind(kind, I, H, num_layers=2, bidirectional=True, dtype=torch.float64)
    x, h0 = rng.standard_normal((T, B, I)), rng.standard_normal((4, B, H))
    d_out, d_last = rng.standard_normal((T, B, 2 * H)), rng.standard_normal((4, B, H))
    assert_backward_matches(model, ref, x, h0, d_out, d_last)


def test_the_shallow_kind_is_torch_nn_rnn():
    """Without depth the cell is h_t = tanh(x W_ih^T + b_ih + h W_hh^T): torch.nn.RNN with b_hh = 0."""
    ref = torch.nn.RNN(I, H, num_layers=2, dtype=torch.float64)
    with torch.no_grad():
        ref.bias_hh_l0.zero_()
        ref.bias_hh_l1.zero_()
    model = scratch.DeepRNN.of_kind("RNN", I, H, num_layers=2)
    model.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items() if "bias_hh" not in k})
    x = np.random.default_rng(4).standard_normal((T, B, I))
    out, h_n = model.forward(x)
    t_out, t_h = ref(torch.from_numpy(x))
    assert rel_error(out, t_out.detach().numpy()) < 1e-13 and rel_error(h_n, t_h.detach().numpy()) < 1e-13


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("num_layers", [1, 3])
def test_parameter_counts_in_closed_form(kind, num_layers):
    model = scratch.DeepRNN.of_kind(kind, 7, 5, num_layers=num_layers)
    torch_model = twin.DeepRNN.of_kind(kind, 7, 5, num_layers=num_layers)
    counted = deep_rnn_parameters(kind, 7, 5, num_layers)
    assert counted == model.num_parameters() == sum(p.numel() for p in torch_model.parameters())


def test_a_deep_output_is_not_fed_back():
    """With W_zh, W_hh ... unchanged, changing W_ho changes the output but not the carried state h."""
    model = scratch.DeepRNN.of_kind("DOT", I, H, rng=5)
    x = np.random.default_rng(6).standard_normal((T, B, I))
    out1, h1 = model.forward(x)
    model.params["weight_ho_l0"] *= 2
    out2, h2 = model.forward(x)
    assert np.array_equal(h1, h2) and not np.allclose(out1, out2)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="shortcut=True needs deep_transition=True"):
        scratch.DeepRNN(I, H, deep_transition=False, shortcut=True)
    with pytest.raises(ValueError, match="kind must be one of"):
        scratch.DeepRNN.of_kind("DEEP", I, H)
    with pytest.raises(ValueError, match="kind must be one of"):
        deep_rnn_parameters("DEEP", I, H)
