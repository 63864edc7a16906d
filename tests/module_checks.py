"""Checks shared by the model tests.

``assert_layer_matches_torch(layer, ref, x, dy, tol)``: a scratch layer y = f(x) (Conv2d, the EEG
classifiers, ...) against its torch.nn module after loading the layer's weights into it: output, dL/dx
and every parameter gradient, for L = <y, dy>.

``assert_backward_matches(model, twin, x, state0, d_out, d_last)``: the scratch module's hand-written
backward against float64 central differences (< 1e-8) and, after loading the same weights, against
autograd on its torch twin (outputs < 1e-12, gradients < 1e-10), for the loss
L = <output, d_out> + <final state, d_last>, whose gradients with respect to (output, final state) are
exactly (d_out, d_last).
"""
import numpy as np
import torch

from rnncourse.scratch import numerical_gradient, rel_error


def assert_layer_matches_torch(layer, ref, x, dy, tol):
    assert sorted(ref.state_dict()) == sorted(layer.params)
    ref.load_state_dict({k: torch.tensor(v) for k, v in layer.params.items()})
    assert layer.num_parameters() == sum(p.numel() for p in ref.parameters())
    layer.zero_grad()
    y = layer.forward(x)
    dx = layer.backward(dy)
    tx = torch.tensor(x, requires_grad=True)
    ty = ref(tx)
    (ty * torch.tensor(dy)).sum().backward()
    assert y.shape == tuple(ty.shape) and rel_error(y, ty.detach().numpy()) < tol
    assert rel_error(dx, tx.grad.numpy()) < tol
    for key, p in ref.named_parameters():
        assert rel_error(layer.grads[key], p.grad.numpy()) < tol, key
    return dx


def assert_backward_matches(model, twin, x, state0, d_out, d_last):
    out, final = model.forward(x, state0)
    model.zero_grad()
    dx, d_state0 = model.backward(d_out, d_last)

    def loss():
        o, f = model.forward(x, state0)
        return float((o * d_out).sum() + (f * d_last).sum())

    # eps = 1e-5: the loss sums many terms, so eps = 1e-6 would leave rounding error near 1e-8
    for name, p in model.params.items():
        assert rel_error(model.grads[name], numerical_gradient(loss, p, eps=1e-5)) < 1e-8, name
    assert rel_error(dx, numerical_gradient(loss, x, eps=1e-5)) < 1e-8
    assert rel_error(d_state0, numerical_gradient(loss, state0, eps=1e-5)) < 1e-8

    assert list(twin.state_dict()) == list(model.state_dict())
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    tx, ts0 = torch.tensor(x, requires_grad=True), torch.tensor(state0, requires_grad=True)
    t_out, t_final = twin(tx, ts0)
    ((t_out * torch.from_numpy(d_out)).sum() + (t_final * torch.from_numpy(d_last)).sum()).backward()
    assert rel_error(out, t_out.detach().numpy()) < 1e-12 and rel_error(final, t_final.detach().numpy()) < 1e-12
    assert rel_error(dx, tx.grad.numpy()) < 1e-10 and rel_error(d_state0, ts0.grad.numpy()) < 1e-10
    for name, p in twin.named_parameters():
        assert rel_error(model.grads[name], p.grad.numpy()) < 1e-10, name
    assert np.isfinite(out).all()


def assert_multi_state_backward_matches(model, twin, x, states0, d_out, d_last):
    """As :func:`assert_backward_matches` for a model whose state is a tuple (states0, d_last: tuples of
    (L*D, B, size) arrays); L = <output, d_out> + sum_i <final state_i, d_last_i>. Empty states are skipped."""
    out, final = model.forward(x, states0)
    model.zero_grad()
    dx, d_states0 = model.backward(d_out, d_last)

    def loss():
        o, f = model.forward(x, states0)
        return float((o * d_out).sum() + sum((a * b).sum() for a, b in zip(f, d_last)))

    for name, p in model.params.items():
        assert rel_error(model.grads[name], numerical_gradient(loss, p, eps=1e-5)) < 1e-8, name
    assert rel_error(dx, numerical_gradient(loss, x, eps=1e-5)) < 1e-8
    for d, s in zip(d_states0, states0):
        if s.size:
            assert rel_error(d, numerical_gradient(loss, s, eps=1e-5)) < 1e-8

    assert list(twin.state_dict()) == list(model.state_dict())
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    tx = torch.tensor(x, requires_grad=True)
    ts0 = tuple(torch.tensor(s, requires_grad=True) for s in states0)
    t_out, t_final = twin(tx, ts0)
    ((t_out * torch.from_numpy(d_out)).sum()
     + sum((a * torch.from_numpy(b)).sum() for a, b in zip(t_final, d_last))).backward()
    assert rel_error(out, t_out.detach().numpy()) < 1e-12
    assert all(rel_error(a, b.detach().numpy()) < 1e-12 for a, b in zip(final, t_final))
    assert rel_error(dx, tx.grad.numpy()) < 1e-10
    assert all(rel_error(a, b.grad.numpy()) < 1e-10 for a, b in zip(d_states0, ts0) if b.numel())
    for name, p in twin.named_parameters():
        assert rel_error(model.grads[name], p.grad.numpy()) < 1e-10, name
