"""Property tests over random small shapes (hypothesis): scratch == torch.nn for any valid configuration."""
import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_reference import numpy_state_dict

from rnncourse import scratch
from rnncourse.scratch import rel_error

configs = st.fixed_dictionaries({
    "kind": st.sampled_from(["RNN", "LSTM", "GRU"]),
    "I": st.integers(1, 5), "H": st.integers(1, 6), "T": st.integers(1, 7), "B": st.integers(1, 4),
    "num_layers": st.integers(1, 3), "bidirectional": st.booleans(), "bias": st.booleans(),
    "seed": st.integers(0, 2**31 - 1),
})


@settings(max_examples=40, deadline=None)
@given(configs)
def test_any_small_configuration_matches_torch(c):
    torch.manual_seed(c["seed"])
    ref = getattr(torch.nn, c["kind"])(c["I"], c["H"], num_layers=c["num_layers"], bias=c["bias"],
                                       bidirectional=c["bidirectional"], dtype=torch.float64)
    ours = getattr(scratch, c["kind"])(c["I"], c["H"], num_layers=c["num_layers"], bias=c["bias"],
                                       bidirectional=c["bidirectional"])
    ours.load_state_dict(numpy_state_dict(ref))
    x = torch.randn(c["T"], c["B"], c["I"], dtype=torch.float64, requires_grad=True)
    out, _ = ref(x)
    d_out = torch.randn_like(out)
    (out * d_out).sum().backward()
    ours_out, _ = ours.forward(x.detach().numpy())
    assert ours_out.shape == tuple(out.shape)
    assert rel_error(ours_out, out.detach().numpy()) < 1e-10
    dx, _ = ours.backward(d_out.numpy())
    assert rel_error(dx, x.grad.numpy()) < 1e-8
    for k, p in ref.named_parameters():
        assert rel_error(ours.grads[k], p.grad.numpy()) < 1e-8


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 1000))
def test_lstm_cell_state_is_bounded(B, H, seed):
    # |c_t| <= |c_{t-1}| + 1 because f, i lie in (0, 1) and |g| <= 1; |h_t| < 1 always.
    rng = np.random.default_rng(seed)
    c = rng.uniform(-3, 3, (B, H))
    h, c_next, _ = scratch.lstm_cell_forward(rng.standard_normal((B, 2)) * 10, rng.standard_normal((B, H)), c,
                                             rng.standard_normal((4 * H, 2)) * 10, rng.standard_normal((4 * H, H)) * 10)
    assert np.all(np.abs(c_next) <= np.abs(c) + 1 + 1e-12)
    assert np.all(np.abs(h) <= 1)
