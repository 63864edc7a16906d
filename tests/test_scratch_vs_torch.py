"""rnncourse.scratch modules against torch.nn in float64: every option combination, forward and backward."""
import itertools

import numpy as np
import pytest
from torch_reference import numpy_state_dict, run_reference

from rnncourse import scratch
from rnncourse.scratch import rel_error

KINDS = ["RNN", "LSTM", "GRU"]
COMBOS = list(itertools.product(KINDS, [1, 2], [False, True], [False, True], [False, True]))


def _pairs(a, b):
    """Zip possibly-tuple states into (ours, reference) array pairs."""
    return list(zip(a, b)) if isinstance(a, tuple) else [(a, b)]


@pytest.mark.parametrize("kind,num_layers,bidirectional,batch_first,bias", COMBOS)
def test_forward_and_backward_match_torch(kind, num_layers, bidirectional, batch_first, bias):
    ref = run_reference(kind, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias)
    ours = getattr(scratch, kind)(5, 7, num_layers=num_layers, bidirectional=bidirectional,
                                  batch_first=batch_first, bias=bias)
    assert set(ours.state_dict()) == set(ref.param_grads)
    ours.load_state_dict(numpy_state_dict(ref.module))

    output, state = ours.forward(ref.x, ref.state0)
    assert output.shape == ref.output.shape
    assert rel_error(output, ref.output) < 1e-10
    for got, want in _pairs(state, ref.state):
        assert got.shape == want.shape and rel_error(got, want) < 1e-10

    dx, d_state0 = ours.backward(ref.d_output, ref.d_state)
    assert rel_error(dx, ref.dx) < 1e-8
    for got, want in _pairs(d_state0, ref.d_state0):
        assert rel_error(got, want) < 1e-8
    for key, want in ref.param_grads.items():
        assert rel_error(ours.grads[key], want) < 1e-8, key


@pytest.mark.parametrize("kind", KINDS)
def test_unbatched_input_and_default_state(kind):
    ref = run_reference(kind, num_layers=2, bidirectional=True, unbatched=True)
    ours = getattr(scratch, kind)(5, 7, num_layers=2, bidirectional=True)
    ours.load_state_dict(numpy_state_dict(ref.module))
    output, state = ours.forward(ref.x, ref.state0)
    assert output.shape == ref.output.shape and rel_error(output, ref.output) < 1e-10
    dx, _ = ours.backward(ref.d_output, ref.d_state)
    assert dx.shape == ref.dx.shape and rel_error(dx, ref.dx) < 1e-8

    # With no state given, both start from zeros.
    import torch
    out_ref, _ = ref.module(torch.from_numpy(ref.x))
    out, _ = ours.forward(ref.x)
    assert rel_error(out, out_ref.detach().numpy()) < 1e-10


def test_relu_rnn_matches_torch():
    ref = run_reference("RNN", num_layers=2, nonlinearity="relu")
    ours = scratch.RNN(5, 7, num_layers=2, nonlinearity="relu")
    ours.load_state_dict(numpy_state_dict(ref.module))
    out, _ = ours.forward(ref.x, ref.state0)
    assert rel_error(out, ref.output) < 1e-10
    ours.backward(ref.d_output, ref.d_state)
    for key, want in ref.param_grads.items():
        assert rel_error(ours.grads[key], want) < 1e-8, key


def test_state_dict_shapes_equal_torch():
    import torch
    for kind in KINDS:
        ref = getattr(torch.nn, kind)(4, 6, num_layers=3, bidirectional=True)
        ours = getattr(scratch, kind)(4, 6, num_layers=3, bidirectional=True)
        assert [(k, tuple(v.shape)) for k, v in ref.state_dict().items()] == \
               [(k, v.shape) for k, v in ours.state_dict().items()]


def test_initialisation_is_seedable_and_bounded():
    a = scratch.LSTM(3, 16, rng=1).state_dict()
    b = scratch.LSTM(3, 16, rng=1).state_dict()
    c = scratch.LSTM(3, 16, rng=2).state_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["weight_hh_l0"], c["weight_hh_l0"])
    bound = 1 / np.sqrt(16)
    assert all(np.abs(v).max() <= bound for v in a.values())
    # Uniform on [-bound, bound]: the mean of |w| is bound/2 (within sampling error for 1,000+ entries).
    w = np.abs(np.concatenate([v.ravel() for v in a.values()]))
    assert abs(w.mean() - bound / 2) < 0.05 * bound


def test_float32_matches_torch_to_single_precision():
    import torch
    ref = torch.nn.GRU(5, 7, num_layers=2)
    ours = scratch.GRU(5, 7, num_layers=2, dtype=np.float32)
    ours.load_state_dict(numpy_state_dict(ref))
    x = np.random.default_rng(0).standard_normal((6, 3, 5)).astype(np.float32)
    out, h = ours.forward(x)
    out_ref, h_ref = ref(torch.from_numpy(x))
    assert out.dtype == np.float32 and h.dtype == np.float32
    assert rel_error(out, out_ref.detach().numpy()) < 1e-5
    dx, _ = ours.backward(np.ones_like(out))
    assert dx.dtype == np.float32 and all(g.dtype == np.float32 for g in ours.grads.values())


def test_grads_accumulate_until_zero_grad():
    ref = run_reference("LSTM")
    ours = scratch.LSTM(5, 7)
    ours.load_state_dict(numpy_state_dict(ref.module))
    for _ in range(2):
        ours.forward(ref.x, ref.state0)
        ours.backward(ref.d_output, ref.d_state)
    assert rel_error(ours.grads["weight_hh_l0"], 2 * ref.param_grads["weight_hh_l0"]) < 1e-8
    ours.zero_grad()
    assert all(not g.any() for g in ours.grads.values())


@pytest.mark.parametrize("kind", KINDS)
def test_backward_buffers_reused_between_calls_leave_no_trace(kind):
    """The engine reuses its backward buffers between calls (Cell.zeroed_buffer); a second sequence of
    another length, then the first again, must give torch's gradients, and a returned dx must survive."""
    long, short = run_reference(kind, T=6, seed=0), run_reference(kind, T=4, seed=1)
    ours = getattr(scratch, kind)(5, 7)
    ours.load_state_dict(numpy_state_dict(long.module))
    ours.forward(long.x, long.state0)
    dx_first, _ = ours.backward(long.d_output, long.d_state)
    for ref in (short, long):
        ours.load_state_dict(numpy_state_dict(ref.module))
        ours.zero_grad()
        ours.forward(ref.x, ref.state0)
        dx, _ = ours.backward(ref.d_output, ref.d_state)
        assert rel_error(dx, ref.dx) < 1e-8
        for key, want in ref.param_grads.items():
            assert rel_error(ours.grads[key], want) < 1e-8, key
    assert rel_error(dx_first, long.dx) < 1e-8 and dx_first is not dx


def test_repr_names_non_default_options_like_torch():
    import torch
    for kind in KINDS:
        args = dict(num_layers=2, batch_first=True, bidirectional=True)
        assert repr(getattr(scratch, kind)(3, 4, **args)) == repr(getattr(torch.nn, kind)(3, 4, **args))
        assert repr(getattr(scratch, kind)(3, 4)) == repr(getattr(torch.nn, kind)(3, 4))
