"""The Greff et al. LSTM variants: hand-written BPTT vs central differences and vs autograd on the torch
twin, and each gate-removal variant vs torch.nn.LSTM with that gate saturated (a closed-form special case).
"""
import numpy as np
import pytest
import torch

from rnncourse.scratch import VARIANTS, LSTMVariant, numerical_gradient, rel_error, variant_spec
from rnncourse.scratch.lstm_variants import variant_param_shapes
from rnncourse.torch import LSTMVariant as TorchLSTMVariant

T, B, I, H = 5, 3, 4, 6


def _data(seed, T=T, B=B, I=I, H=H):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((T, B, I)), (rng.standard_normal((1, B, H)), rng.standard_normal((1, B, H))),
            rng.standard_normal((T, B, H)), (rng.standard_normal((1, B, H)), rng.standard_normal((1, B, H))))


def _loss(model, x, state, d_out, d_state):
    """A scalar whose gradient w.r.t. (output, h_n, c_n) is (d_out, d_state): L = <out, d_out> + <h_n, dh> + <c_n, dc>."""
    out, (h_n, c_n) = model.forward(x, state)
    return float((out * d_out).sum() + (h_n * d_state[0]).sum() + (c_n * d_state[1]).sum())


@pytest.mark.parametrize("variant", VARIANTS)
def test_backward_matches_central_differences(variant):
    model = LSTMVariant(I, H, variant=variant, rng=1)
    x, state, d_out, d_state = _data(2)
    model.forward(x, state)
    dx, (dh0, dc0) = model.backward(d_out, d_state)

    def f():
        return _loss(model, x, state, d_out, d_state)

    for name, param in model.params.items():
        assert rel_error(model.grads[name], numerical_gradient(f, param)) < 1e-8, name
    assert rel_error(dx, numerical_gradient(f, x)) < 1e-8
    assert rel_error(dh0, numerical_gradient(f, state[0])) < 1e-8
    assert rel_error(dc0, numerical_gradient(f, state[1])) < 1e-8


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("bias", [True, False])
def test_matches_torch_twin_forward_and_autograd(variant, bias):
    ours = LSTMVariant(I, H, variant=variant, bias=bias, rng=3)
    twin = TorchLSTMVariant(I, H, variant=variant, bias=bias, dtype=torch.float64)
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x, state, d_out, d_state = _data(4)
    out, (h_n, c_n) = ours.forward(x, state)
    dx, (dh0, dc0) = ours.backward(d_out, d_state)

    tx = torch.tensor(x, requires_grad=True)
    tstate = tuple(torch.tensor(s, requires_grad=True) for s in state)
    tout, (th, tc) = twin(tx, tstate)
    loss = (tout * torch.from_numpy(d_out)).sum() + (th * torch.from_numpy(d_state[0])).sum() + (
        tc * torch.from_numpy(d_state[1])).sum()
    loss.backward()
    for ours_value, theirs in ((out, tout), (h_n, th), (c_n, tc)):
        assert rel_error(ours_value, theirs.detach().numpy()) < 1e-12
    assert rel_error(dx, tx.grad.numpy()) < 1e-10
    assert rel_error(dh0, tstate[0].grad.numpy()) < 1e-10 and rel_error(dc0, tstate[1].grad.numpy()) < 1e-10
    for name, p in twin.named_parameters():
        assert rel_error(ours.grads[name], p.grad.numpy()) < 1e-10, name


def test_np_variant_is_torch_nn_lstm():
    ref = torch.nn.LSTM(I, H, dtype=torch.float64)
    ours = LSTMVariant(I, H, variant="NP")
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    x, state, d_out, _ = _data(5)
    out, (h_n, c_n) = ours.forward(x, state)
    tout, (th, tc) = ref(torch.from_numpy(x), tuple(torch.from_numpy(s) for s in state))
    assert rel_error(out, tout.detach().numpy()) < 1e-12 and rel_error(c_n, tc.detach().numpy()) < 1e-12


@pytest.mark.parametrize("variant, gate", [("NIG", 0), ("NFG", 1), ("NOG", 3)])
def test_removing_a_gate_equals_saturating_it_in_torch_nn_lstm(variant, gate):
    """sigmoid(60) == 1.0 exactly in float64, so torch.nn.LSTM with that gate's rows zeroed and its bias at
    60 computes the variant's function (without peepholes: peepholes are switched off by zeroing them)."""
    ours = LSTMVariant(I, H, variant=variant, rng=6)
    for b in ours.spec.peephole_blocks:
        ours.params[f"peephole_{b}_l0"][:] = 0
    ref = torch.nn.LSTM(I, H, dtype=torch.float64)
    with torch.no_grad():
        blocks = list(ours.spec.blocks)
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            full = getattr(ref, name)
            for k, block in enumerate("ifgo"):
                rows = slice(k * H, (k + 1) * H)
                if block in blocks:
                    ours_rows = slice(blocks.index(block) * H, (blocks.index(block) + 1) * H)
                    full[rows] = torch.from_numpy(ours.params[name][ours_rows])
                else:
                    full[rows] = 60.0 if name == "bias_ih_l0" else 0.0
    x, state, _, _ = _data(7)
    out, (h_n, c_n) = ours.forward(x, state)
    tout, (th, tc) = ref(torch.from_numpy(x), tuple(torch.from_numpy(s) for s in state))
    assert torch.sigmoid(torch.tensor(60.0, dtype=torch.float64)).item() == 1.0
    assert rel_error(out, tout.detach().numpy()) < 1e-12 and rel_error(c_n, tc.detach().numpy()) < 1e-12


def test_cifg_cell_is_a_convex_mix_and_nfg_cell_is_an_integrator():
    """Closed forms, stepped through the public API one time step at a time. CIFG's c_t = (1 - i) c_{t-1} + i z
    mixes c_{t-1} and z in [-1, 1], so |c| < 1 from c0 = 0. Without a forget gate the cell only accumulates:
    c_t = c_{t-1} + i_t z_t, with i and z written out here from the parameters (Greff et al.'s equations)."""
    x, (h0, c0), _, _ = _data(8, T=40)
    cifg = LSTMVariant(I, H, variant="CIFG", rng=0)
    state, cells = None, []
    for t in range(len(x)):
        _, state = cifg.forward(x[t : t + 1], state)
        cells.append(state[1])
    assert np.abs(cells).max() < 1.0

    nfg = LSTMVariant(I, H, variant="NFG", rng=0)
    p = nfg.params
    rows_i, rows_g = nfg.block_rows("i"), nfg.block_rows("g")
    state = (h0, c0)
    for t in range(len(x)):
        h, c = state[0][0], state[1][0]
        a = x[t] @ p["weight_ih_l0"].T + p["bias_ih_l0"] + h @ p["weight_hh_l0"].T + p["bias_hh_l0"]
        i = 1 / (1 + np.exp(-(a[:, rows_i] + p["peephole_i_l0"] * c)))
        z = np.tanh(a[:, rows_g])
        _, state = nfg.forward(x[t : t + 1], state)
        assert rel_error(state[1][0], c + i * z) < 1e-13
    assert np.abs(state[1]).max() > 2.0                              # unbounded, unlike CIFG's


def test_parameter_counts():
    counts = {v: LSTMVariant(I, H, variant=v).num_parameters() for v in VARIANTS}
    lstm = 4 * H * (I + H) + 8 * H
    assert counts["NP"] == lstm == sum(p.numel() for p in torch.nn.LSTM(I, H).parameters())
    assert counts["vanilla"] == lstm + 3 * H
    for v in ("NIG", "NOG"):
        assert counts[v] == 3 * H * (I + H) + 6 * H + 2 * H
    assert counts["NFG"] == counts["NIG"] and counts["CIFG"] == counts["NIG"]
    assert counts["NIAF"] == counts["NOAF"] == counts["vanilla"]
    assert counts["FGR"] == counts["vanilla"] + (3 * H) ** 2


def test_state_dict_shapes_and_bad_input():
    shapes = variant_param_shapes(variant_spec("CIFG"), I, H)
    assert shapes["weight_ih_l0"] == (3 * H, I) and "peephole_f_l0" not in shapes and "peephole_i_l0" in shapes
    model = LSTMVariant(I, H)
    with pytest.raises(ValueError, match="unknown LSTM variant 'XYZ'"):
        LSTMVariant(I, H, variant="XYZ")
    # the same surface, error types and messages as RNN / LSTM / GRU (one module class for all of them)
    with pytest.raises(ValueError, match=r"LSTMVariant.forward: input must have shape \(T, B, I=4\).*got \(5, 3\)"):
        model.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"h_0 must have shape \(L\*D=1, B=3, H=6\); got \(3, 6\)"):
        model.forward(np.zeros((5, 3, I)), (np.zeros((3, H)), np.zeros((1, 3, H))))
    with pytest.raises(ValueError, match="state_dict keys do not match"):
        model.load_state_dict({"weight_ih_l0": np.zeros((4 * H, I))})
    with pytest.raises(RuntimeError, match="before forward"):
        LSTMVariant(I, H).backward(np.zeros((5, 3, H)))


def test_np_variant_stacked_bidirectional_equals_torch_nn_lstm_forward_and_backward():
    """Layers and directions come from the shared engine: a 2-layer bidirectional NP variant is torch.nn.LSTM."""
    ref = torch.nn.LSTM(I, H, num_layers=2, bidirectional=True, dtype=torch.float64)
    ours = LSTMVariant(I, H, "NP", num_layers=2, bidirectional=True)
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    x = torch.randn(T, B, I, dtype=torch.float64, requires_grad=True)
    out, _ = ref(x)
    d_out = torch.randn_like(out)
    (out * d_out).sum().backward()
    ours_out, _ = ours.forward(x.detach().numpy())
    dx, _ = ours.backward(d_out.numpy())
    assert rel_error(ours_out, out.detach().numpy()) < 1e-12 and rel_error(dx, x.grad.numpy()) < 1e-10
    for k, p in ref.named_parameters():
        assert rel_error(ours.grads[k], p.grad.numpy()) < 1e-10, k


def test_load_state_dict_updates_in_place_so_an_optimiser_stays_valid():
    model = LSTMVariant(I, H, "FGR", rng=0)
    before = {k: id(v) for k, v in model.params.items()}
    model.load_state_dict({k: np.full_like(v, 0.5) for k, v in model.params.items()})
    assert {k: id(v) for k, v in model.params.items()} == before
    assert all(np.all(v == 0.5) for v in model.params.values())
