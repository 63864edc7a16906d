"""The leaky-integrator and residual cells on the shared engine, with and without variational dropout:
hand-written backward against float64 central differences (< 1e-8) and autograd on the torch twins."""
import numpy as np
import pytest
import torch
from module_checks import assert_backward_matches

import rnncourse.torch as twin
from rnncourse import scratch
from rnncourse.scratch import rel_error, variational_masks

T, B, I, H = 6, 3, 2, 4


def make(kind, mask_rng=None, **kw):
    if kind == "leaky":
        return (scratch.Leaky(I, H, alpha=0.3, rng=1, mask_rng=mask_rng, **kw),
                twin.Leaky(I, H, alpha=0.3, dtype=torch.float64, **kw))
    return scratch.Residual(I, H, rng=1, mask_rng=mask_rng, **kw), twin.Residual(I, H, dtype=torch.float64, **kw)


def fix_masks(model, ref, seed=7):
    """The same fixed masks on every scratch cell and its torch twin."""
    rng = np.random.default_rng(seed)
    for row, trow in zip(model.cells, ref._cells):
        for cell, tcell in zip(row, trow):
            masks = variational_masks(rng, B, cell.input_size, cell.hidden_size, 0.4)
            cell.fixed_masks = tcell.decl.fixed_masks = masks


def check(model, ref, seed=0):
    rng = np.random.default_rng(seed)
    LD = model.num_layers * model.num_directions
    x, h0 = rng.standard_normal((T, B, I)), rng.standard_normal((LD, B, H))
    d_out, d_last = rng.standard_normal((T, B, model.num_directions * H)), rng.standard_normal((LD, B, H))
    assert_backward_matches(model, ref, x, h0, d_out, d_last)


@pytest.mark.parametrize("kind", ["leaky", "residual"])
@pytest.mark.parametrize("bias", [True, False])
def test_backward_matches_central_differences_and_the_twin(kind, bias):
    check(*make(kind, bias=bias))


@pytest.mark.parametrize("kind", ["leaky", "residual"])
def test_stacked_bidirectional(kind):
    check(*make(kind, num_layers=2, bidirectional=True))


@pytest.mark.parametrize("kind", ["leaky", "residual"])
def test_backward_under_fixed_variational_masks(kind):
    model, ref = make(kind, dropout=0.4)
    fix_masks(model, ref)
    check(model, ref)


@pytest.mark.parametrize("kind", ["leaky", "residual"])
def test_variational_masks_are_one_per_sequence_and_off_in_eval(kind):
    model, ref = make(kind, dropout=0.5, mask_rng=3)
    x = np.random.default_rng(1).standard_normal((T, B, I))
    out, _ = model.forward(x)
    cell = model.cell
    m_x, m_h = cell.mask_x, cell.mask_h
    assert set(np.unique(m_x)) <= {0.0, 2.0} and set(np.unique(m_h)) <= {0.0, 2.0}
    # recompute by hand with the SAME masks at every step
    p, h, alpha = model.params, np.zeros((B, H)), getattr(cell, "alpha", None)
    for t in range(T):
        f = np.tanh((x[t] * m_x) @ p["weight_ih_l0"].T + p["bias_ih_l0"] + (h * m_h) @ p["weight_hh_l0"].T
                    + p["bias_hh_l0"])
        h = (1 - alpha) * h + alpha * f if kind == "leaky" else h + f
        assert rel_error(out[t], h) < 1e-13
    model.eval()
    plain = (scratch.Leaky(I, H, alpha=0.3, rng=1) if kind == "leaky" else scratch.Residual(I, H, rng=1))
    assert not model.training and np.array_equal(model.forward(x)[0], plain.forward(x)[0])
    ref.eval()
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    assert rel_error(ref(torch.from_numpy(x))[0].detach().numpy(), plain.forward(x)[0]) < 1e-12
    ref.train()
    y1, y2 = ref(torch.from_numpy(x))[0], ref(torch.from_numpy(x))[0]
    assert not torch.equal(y1, y2)                        # torch draws new masks per forward call in train mode


def test_leak_path_decays_like_one_minus_alpha_to_the_T_and_the_residual_path_not_at_all():
    """With W_hh = 0 only the skip path connects h_0 to h_T: dh_T/dh_0 = (1 - alpha)^T I, resp. I."""
    steps = 40
    x = np.random.default_rng(0).standard_normal((steps, B, I))
    for alpha in (0.1, 0.5):
        model = scratch.Leaky(I, H, alpha=alpha, rng=0)
        model.params["weight_hh_l0"][:] = 0
        model.forward(x)
        d_last = np.ones((1, B, H))
        _, dh0 = model.backward(np.zeros((steps, B, H)), d_last)
        assert rel_error(dh0, (1 - alpha) ** steps * d_last) < 1e-13
    model = scratch.Residual(I, H, rng=0)
    model.params["weight_hh_l0"][:] = 0
    model.forward(x)
    _, dh0 = model.backward(np.zeros((steps, B, H)), np.ones((1, B, H)))
    assert np.array_equal(dh0, np.ones((1, B, H)))


def test_alpha_one_is_the_vanilla_rnn():
    model, rnn = scratch.Leaky(I, H, alpha=1.0, rng=2), scratch.RNN(I, H, rng=2)
    x = np.random.default_rng(3).standard_normal((T, B, I))
    assert rel_error(model.forward(x)[0], rnn.forward(x)[0]) < 1e-15


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"alpha must be a number in \(0, 1\]; got 0"):
        scratch.Leaky(2, 3, alpha=0)
    with pytest.raises(ValueError, match=r"dropout must be a probability in \[0, 1\); got 1.0"):
        scratch.Residual(2, 3, dropout=1.0)
    with pytest.raises(ValueError, match=r"alpha must be a number in \(0, 1\]; got 1.5"):
        twin.Leaky(2, 3, alpha=1.5)
    model = scratch.Leaky(2, 3, dropout=0.2)
    model.cell.fixed_masks = (np.ones((4, 2)), np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"fixed_masks must have shapes \(B=4, I=2\) and \(B=4, H=3\)"):
        model.forward(np.zeros((5, 4, 2)))
