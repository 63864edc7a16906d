"""The chapter's three EEG classifiers from scratch (the recurrent-convolutional network of Bashivan et al.
2016 in one dimension, and its conv-only and recurrent-only baselines): their hand-written backward passes
against float64 central differences and against autograd on the torch.nn models of the chapter
(rnncourse.torch.eeg: torch.nn.Conv1d, torch.nn.LSTM, torch.nn.Linear; same state_dict keys); and the
chapter's forecaster (torch.nn.LSTM + Linear) against the scratch LSTM and Linear."""
import numpy as np
import pytest
import torch
from module_checks import assert_layer_matches_torch

from rnncourse.scratch import (
    ConvOnly,
    RecurrentConv,
    RecurrentOnly,
    numerical_gradient,
    numerical_gradient_array,
    rel_error,
    softmax_cross_entropy,
)
from rnncourse.torch import eeg as torch_eeg

B, T, C = 3, 23, 4            # RecurrentConv: 2 windows of 10 samples, 3 samples left over


def rcnn_pair(seed):
    ref = torch_eeg.RecurrentConv(C, 5, 3, window=10)
    ref.conv = torch.nn.Conv1d(C, 5, 4)
    return RecurrentConv(channels=C, features=5, hidden=3, window=10, kernel=4, rng=seed), ref


PAIRS = {   # scratch model, torch.nn model of the chapter with the same sizes
    "recurrent-convolutional": rcnn_pair,
    "conv-only": lambda seed: (ConvOnly(channels=C, features=5, rng=seed), torch_eeg.ConvOnly(C, 5)),
    "recurrent-only": lambda seed: (RecurrentOnly(channels=C, hidden=3, rng=seed), torch_eeg.RecurrentOnly(C, 3)),
}


def model_and_data(name, seed=0):
    rng = np.random.default_rng(seed)
    model, ref = PAIRS[name](seed)
    return model, ref, rng.standard_normal((B, T, C)), rng


@pytest.mark.parametrize("name", PAIRS)
def test_equals_torch_model_forward_and_backward(name):
    model, ref, x, rng = model_and_data(name, 0)
    dlogits = rng.standard_normal((B, 3))
    dx = assert_layer_matches_torch(model, ref.double(), x, dlogits, tol=1e-12)
    if name == "recurrent-convolutional":
        assert np.all(dx[:, 20:] == 0)


@pytest.mark.parametrize("name", PAIRS)
def test_backward_matches_central_differences(name):
    model, _, x, rng = model_and_data(name, 1)
    y = rng.integers(0, 3, B)
    def loss():
        return softmax_cross_entropy(model.forward(x), y)[0]
    _, dlogits = softmax_cross_entropy(model.forward(x), y)
    model.zero_grad()
    model.backward(dlogits)
    for key, p in model.params.items():
        assert rel_error(model.grads[key], numerical_gradient(loss, p, eps=1e-5)) < 1e-8, key
    dout = rng.standard_normal(dlogits.shape)            # the input gradient, for an upstream gradient of size 1
    model.zero_grad()
    dx = model.backward(dout)
    assert rel_error(dx, numerical_gradient_array(lambda: model.forward(x), x, dout, eps=1e-5)) < 1e-8


@pytest.mark.parametrize("name, shortest", [("recurrent-convolutional", 10), ("conv-only", 13), ("recurrent-only", 1)])
def test_rejects_bad_input(name, shortest):
    model, ref, x, _ = model_and_data(name, 2)
    with pytest.raises(ValueError, match=rf"x must have shape \(B, T >= {shortest}, C=4\); got \(3, {shortest - 1}, 4\)"):
        model.forward(x[:, :shortest - 1])
    with pytest.raises(ValueError, match=r"x must have shape \(B, T >= \d+, C=4\); got \(3, 23, 3\)"):
        model.forward(x[:, :, :3])
    with pytest.raises(ValueError, match="x has dtype float32 but float float64 was expected"):
        model.forward(x.astype(np.float32))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        model.backward(np.zeros((B, 3)))
    model.forward(x)
    with pytest.raises(ValueError, match=r"dlogits must have the logits' shape \(B, classes\)=\(3, 3\); got \(3, 2\)"):
        model.backward(np.zeros((B, 2)))
    with pytest.raises(ValueError, match=r"state_dict keys do not match: missing \['out.bias'\]"):
        model.load_state_dict({k: v for k, v in ref.state_dict().items() if k != "out.bias"})
    with pytest.raises(ValueError, match=r"state_dict\['out.weight'\] must have shape"):
        model.load_state_dict({**ref.state_dict(), "out.weight": torch.zeros(2, 2)})
    if name == "recurrent-convolutional":
        with pytest.raises(ValueError, match="window must be at least kernel=9"):
            RecurrentConv(window=5)


def test_forecaster_equals_scratch_lstm_and_linear_forward_and_backward():
    """The chapter's many-to-many forecaster (torch.nn.LSTM + Linear) is the scratch LSTM and Linear: same
    outputs, same gradients (the scratch LSTM's backward is itself checked against central differences)."""
    from rnncourse import scratch
    from rnncourse.torch.forecaster import Forecaster
    rng = np.random.default_rng(4)
    ref = Forecaster(hidden_size=5, outputs=3).double()
    lstm, out = scratch.LSTM(1, 5), scratch.Linear(5, 3)
    lstm.load_state_dict({k: v.numpy() for k, v in ref.lstm.state_dict().items()})
    out.load_state_dict({k: v.numpy() for k, v in ref.out.state_dict().items()})
    d, dy = rng.standard_normal((12, 4, 1)), rng.standard_normal((12, 4, 3))
    hs, _ = lstm.forward(d)
    y = out.forward(hs)
    lstm.backward(out.backward(dy))
    td = torch.tensor(d, requires_grad=True)
    ty, _ = ref(td)
    (ty * torch.tensor(dy)).sum().backward()
    assert rel_error(y, ty.detach().numpy()) < 1e-13
    for name, p in ref.lstm.named_parameters():
        assert rel_error(lstm.grads[name], p.grad.numpy()) < 1e-12, name
    for name, p in ref.out.named_parameters():
        assert rel_error(out.grads[name], p.grad.numpy()) < 1e-12, name
