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
        end = min(end + k1, T)
        stop = max(end - k2, 0)
        h = th0 if stop == 0 else hs[stop].clone()  # detached: gradient cannot flow before `stop`
        loss = 0.0
        for t in range(stop, end):
            h = torch.tanh(tx[t] @ tp["weight_ih"].T + tp["bias_ih"] + h @ tp["weight_hh"].T + tp["bias_hh"])
            if t >= end - k1:
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


def test_module_backward_accepts_truncation():
    m = scratch.LSTM(I, H, num_layers=2, rng=0)
    x = np.random.default_rng(3).standard_normal((T, B, I))
    out, _ = m.forward(x)
    dx, _ = m.backward(np.ones_like(out), truncation=(3, 3))
    assert dx.shape == x.shape


@pytest.mark.parametrize("bad", [(0, 3), (4, 3), (2.0, 3), (1, None)])
def test_bad_truncation_is_rejected(bad):
    x, h0, p, dhs = _setup()
    _, cache = scratch.rnn_forward(x, h0, **p)
    with pytest.raises(ValueError, match="1 <= k1 <= k2"):
        scratch.rnn_backward(dhs, cache, truncation=bad)
