"""The recurrent-convolutional classifier (Bashivan et al. 2016, one-dimensional) from scratch: its
hand-written backward against float64 central differences and against autograd on the torch.nn model of
the chapter (rnncourse.signals_runs.RecurrentConv, same state_dict keys); and the chapter's forecaster (torch.nn.LSTM +
Linear) against the scratch LSTM and Linear."""
import numpy as np
import pytest
import torch

from rnncourse.scratch import numerical_gradient, numerical_gradient_array, rel_error, softmax_cross_entropy
from rnncourse.scratch.rcnn import RecurrentConv
from rnncourse.signals_runs import RecurrentConv as TorchRecurrentConv

B, T, C = 3, 23, 4            # 2 windows of 10 samples, 3 samples left over


def model_and_data(seed=0):
    rng = np.random.default_rng(seed)
    model = RecurrentConv(channels=C, features=5, hidden=3, window=10, kernel=4, rng=seed)
    return model, rng.standard_normal((B, T, C)), rng


def test_rcnn_equals_torch_model_forward_and_backward():
    model, x, rng = model_and_data(0)
    ref = TorchRecurrentConv(C, 5, 3, window=10)
    ref.conv = torch.nn.Conv1d(C, 5, 4)
    ref = ref.double()
    assert sorted(ref.state_dict()) == sorted(model.params)
    ref.load_state_dict({k: torch.tensor(v) for k, v in model.params.items()})
    logits = model.forward(x)
    dlogits = rng.standard_normal(logits.shape)
    dx = model.backward(dlogits)
    tx = torch.tensor(x, requires_grad=True)
    ty = ref(tx)
    (ty * torch.tensor(dlogits)).sum().backward()
    assert rel_error(logits, ty.detach().numpy()) < 1e-13
    assert rel_error(dx, tx.grad.numpy()) < 1e-12 and np.all(dx[:, 20:] == 0)
    for name, p in ref.named_parameters():
        assert rel_error(model.grads[name], p.grad.numpy()) < 1e-12, name


def test_rcnn_backward_matches_central_differences():
    model, x, rng = model_and_data(1)
    y = rng.integers(0, 3, B)
    def loss():
        return softmax_cross_entropy(model.forward(x), y)[0]
    _, dlogits = softmax_cross_entropy(model.forward(x), y)
    model.zero_grad()
    dx = model.backward(dlogits)
    for name, p in model.params.items():
        assert rel_error(model.grads[name], numerical_gradient(loss, p, eps=1e-5)) < 1e-8, name
    dout = rng.standard_normal(dlogits.shape)            # the input gradient, for an upstream gradient of size 1
    model.zero_grad()
    dx = model.backward(dout)
    assert rel_error(dx, numerical_gradient_array(lambda: model.forward(x), x, dout, eps=1e-5)) < 1e-8


def test_rcnn_rejects_bad_input():
    model, x, _ = model_and_data(2)
    with pytest.raises(ValueError, match=r"x must have shape \(B, T >= window=10, C=4\)"):
        model.forward(x[:, :5])
    with pytest.raises(ValueError, match="window must be at least kernel=9"):
        RecurrentConv(window=5)


def test_forecaster_equals_scratch_lstm_and_linear_forward_and_backward():
    """The chapter's many-to-many forecaster (torch.nn.LSTM + Linear) is the scratch LSTM and Linear: same
    outputs, same gradients (the scratch LSTM's backward is itself checked against central differences)."""
    from rnncourse import scratch
    from rnncourse.signals_runs import Forecaster
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
