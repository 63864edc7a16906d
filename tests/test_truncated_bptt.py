"""Truncated BPTT(k1, k2) against autograd on explicitly detached sub-graphs.

The reference builds, for every backward window, a fresh torch graph that starts from the (detached)
hidden state at the window's first step, so autograd can only see k2 steps; summing those gradients is
the definition of BPTT(k1, k2) (Williams & Peng 1990). It shares no code with the scratch implementation.
"""
import numpy as np
import pytest
import torch

from rnncourse import scratch
from rnncourse.scratch import rel_error

T, B, I, H = 11, 2, 3, 4


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    p = {"weight_ih": rng.standard_normal((H, I)) * 0.6, "weight_hh": rng.standard_normal((H, H)) * 0.6,
         "bias_ih": rng.standard_normal(H) * 0.3, "bias_hh": rng.standard_normal(H) * 0.3}
    return rng.standard_normal((T, B, I)), rng.standard_normal((B, H)), p, rng.standard_normal((T, B, H))


def _reference(x, h0, p, dhs, k1, k2):
    """Sum over windows of autograd through only that window's steps."""
    tp = {k: torch.from_numpy(v).requires_grad_() for k, v in p.items()}
    tx, th0 = torch.from_numpy(x).requires_grad_(), torch.from_numpy(h0).requires_grad_()
    with torch.no_grad():  # the full forward, to read off the states where windows start
        hs = [th0]
        for t in range(T):
            hs.append(torch.tanh(tx[t] @ tp["weight_ih"].T + tp["bias_ih"] + hs[-1] @ tp["weight_hh"].T + tp["bias_hh"]))
    end = 0
    while end < T:
        start, end = end, min(end + k1, T)  # every output's gradient enters exactly one window
        stop = max(end - k2, 0)
        h = th0 if stop == 0 else hs[stop].clone()  # detached: gradient cannot flow before `stop`
        loss = 0.0
        for t in range(stop, end):
            h = torch.tanh(tx[t] @ tp["weight_ih"].T + tp["bias_ih"] + h @ tp["weight_hh"].T + tp["bias_hh"])
            if t >= start:
                loss = loss + (h * torch.from_numpy(dhs[t])).sum()
        loss.backward()
    grads = {k: v.grad.numpy() for k, v in tp.items()}
    grads["x"], grads["h0"] = tx.grad.numpy(), th0.grad.numpy()
    return grads


@pytest.mark.parametrize("k1,k2", [(3, 3), (4, 4), (1, 3), (2, 5), (1, 1), (T, T), (5, 20)])
def test_truncated_bptt_matches_detached_autograd(k1, k2):
    x, h0, p, dhs = _setup()
    _, cache = scratch.rnn_forward(x, h0, **p)
    ours = scratch.rnn_backward(dhs, cache, truncation=(k1, k2))
    ref = _reference(x, h0, p, dhs, k1, k2)
    for key in ref:
        assert rel_error(ours[key], ref[key]) < 1e-10, key


def test_full_window_equals_full_bptt():
    x, h0, p, dhs = _setup(1)
    _, cache = scratch.rnn_forward(x, h0, **p)
    full = scratch.rnn_backward(dhs, cache)
    trunc = scratch.rnn_backward(dhs, cache, truncation=(T, T))
    assert all(np.array_equal(full[k], trunc[k]) for k in full)


def test_chunked_truncation_cuts_the_initial_state_gradient_path():
    # dL/dh0 only sees outputs in the first chunk: with d_hs zero there it must be exactly zero.
    x, h0, p, dhs = _setup(2)
    dhs[:4] = 0
    _, cache = scratch.rnn_forward(x, h0, **p)
    g = scratch.rnn_backward(dhs, cache, truncation=(4, 4))
    assert not g["h0"].any()
    assert scratch.rnn_backward(dhs, cache)["h0"].any()


def test_windows_that_reach_the_start_give_full_bptt():
    """With k2 >= T every window reaches step 0, so BPTT(k1, k2) must equal full BPTT for every k1: each
    dL/dh_t enters exactly once (k1 = 4, 5, ... do not divide T = 11, leaving a short last window)."""
    x, h0, p, dhs = _setup(4)
    _, cache = scratch.rnn_forward(x, h0, **p)
    full = scratch.rnn_backward(dhs, cache)
    for k1 in range(1, T + 1):
        trunc = scratch.rnn_backward(dhs, cache, truncation=(k1, T))
        for key in full:
            assert rel_error(trunc[key], full[key]) < 1e-12, (k1, key)


def _chunked_reference(module, x, state0, d_out, d_final, k):
    """BPTT(k, k) of a stacked torch.nn module: run it k steps at a time, detaching (h, c) of every layer at
    each chunk boundary, for L = <output, d_out> + <final state, d_final>. Returns the gradients."""
    tx = torch.from_numpy(x).requires_grad_()
    ts0 = tuple(torch.from_numpy(s).requires_grad_() for s in state0)
    state, loss = ts0, 0.0
    for start in range(0, x.shape[0], k):
        if start:
            state = tuple(s.detach() for s in state)       # no gradient flows back across the boundary
        out, state = module(tx[start:start + k], state)
        loss = loss + (out * torch.from_numpy(d_out[start:start + k])).sum()
    loss = loss + sum((s * torch.from_numpy(d)).sum() for s, d in zip(state, d_final))
    loss.backward()
    return tx.grad.numpy(), [s.grad.numpy() for s in ts0], {n: p.grad.numpy() for n, p in module.named_parameters()}


@pytest.mark.parametrize("k", [3, 4])
def test_module_backward_truncation_matches_chunked_torch_nn(k):
    """A 2-layer scratch.LSTM's backward(truncation=(k, k)) against torch.nn.LSTM run chunk by chunk
    with the state detached between chunks: input, initial-state and every parameter gradient.
    (T = 12 chunks evenly; a short last chunk would differ: the last window reaches k2 steps back from T.)"""
    T = 12
    rng = np.random.default_rng(3)
    m = scratch.LSTM(I, H, num_layers=2, rng=0)
    ref = torch.nn.LSTM(I, H, num_layers=2, dtype=torch.float64)
    ref.load_state_dict({n: torch.from_numpy(v) for n, v in m.state_dict().items()})
    x = rng.standard_normal((T, B, I))
    state0 = (rng.standard_normal((2, B, H)), rng.standard_normal((2, B, H)))
    d_out = rng.standard_normal((T, B, H))
    d_final = (rng.standard_normal((2, B, H)), rng.standard_normal((2, B, H)))

    m.forward(x, state0)
    m.zero_grad()
    dx, d_state0 = m.backward(d_out, d_final, truncation=(k, k))
    ref_dx, ref_d_state0, ref_grads = _chunked_reference(ref, x, state0, d_out, d_final, k)
    assert rel_error(dx, ref_dx) < 1e-10
    for got, want in zip(d_state0, ref_d_state0):
        assert rel_error(got, want) < 1e-10
    for name, want in ref_grads.items():
        assert rel_error(m.grads[name], want) < 1e-10, name

    # and the truncation bites: full BPTT gives a different gradient
    m.forward(x, state0)
    m.zero_grad()
    full_dx, _ = m.backward(d_out, d_final)
    assert rel_error(full_dx, dx) > 1e-3


@pytest.mark.parametrize("bad", [(0, 3), (4, 3), (2.0, 3), (1, None)])
def test_bad_truncation_is_rejected(bad):
    x, h0, p, dhs = _setup()
    _, cache = scratch.rnn_forward(x, h0, **p)
    with pytest.raises(ValueError, match="1 <= k1 <= k2"):
        scratch.rnn_backward(dhs, cache, truncation=bad)
