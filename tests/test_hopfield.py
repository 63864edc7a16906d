"""The Hopfield network (Hopfield 1982), scratch and torch: the Hebbian rule against its closed form, the
local field against -dE/ds (float64 central differences and autograd), the energy never rising at any
single asynchronous update, the two implementations visiting the same states, and clear errors."""
import numpy as np
import pytest
import torch

from rnncourse import scratch
from rnncourse.scratch import hopfield, numerical_gradient, rel_error
from rnncourse.torch import hopfield as thop


def patterns(P, N, seed=0):
    return np.random.default_rng(seed).choice([-1.0, 1.0], size=(P, N))


def test_hebbian_rule_is_the_sum_of_outer_products_with_zero_diagonal():
    xi = patterns(5, 40)
    W = scratch.hebbian_weights(xi)
    ref = sum(np.outer(p, p) for p in xi) / 40 - 5 / 40 * np.eye(40)
    assert rel_error(W, ref) < 1e-15 and np.array_equal(W, W.T)
    assert rel_error(W, thop.hebbian_weights(torch.from_numpy(xi)).numpy()) < 1e-15


def test_local_field_is_minus_the_energy_gradient():
    xi = patterns(4, 30, seed=1)
    W = scratch.hebbian_weights(xi)
    s = patterns(1, 30, seed=2)[0]
    E = lambda: float(-0.5 * s @ W @ s)  # noqa: E731  (the energy, read at the perturbed real-valued s)
    h = hopfield.local_field(W, s)
    assert rel_error(-h, numerical_gradient(E, s)) < 1e-8
    ts = torch.tensor(s, requires_grad=True)
    thop.energy(torch.from_numpy(W), ts).backward()
    assert rel_error(-h, ts.grad.numpy()) < 1e-12
    assert abs(scratch.energy(W, s) - E()) < 1e-12


def test_energy_never_rises_at_any_asynchronous_update_and_recall_ends_at_a_fixed_point():
    N = 120
    xi = patterns(30, N, seed=3)                         # a heavy load: many updates, many spurious flips
    W = scratch.hebbian_weights(xi)
    s0 = scratch.corrupt(xi[:8], 0.3, rng=4)
    s, sweeps, E = scratch.recall(W, s0, rng=5, record_energy=True)
    assert E.shape == (1 + sweeps * N, 8)
    assert np.all(np.diff(E, axis=0) <= 1e-12)
    assert np.any(np.diff(E, axis=0) < 0)
    assert rel_error(E[-1], scratch.energy(W, s)) < 1e-12          # the incremental energy is the energy
    assert np.all(s * (s @ W) >= -1e-12)                            # a fixed point: every unit agrees with its field


def test_scratch_and_torch_visit_the_same_states():
    xi = patterns(12, 80, seed=6)
    W = scratch.hebbian_weights(xi)
    s0 = scratch.corrupt(xi[:4], 0.25, rng=7)
    s, sweeps, E = scratch.recall(W, s0, rng=8, record_energy=True)
    ts, tsweeps, tE = thop.recall(torch.from_numpy(W), torch.from_numpy(s0), rng=8, record_energy=True)
    assert np.array_equal(s, ts.numpy()) and sweeps == tsweeps
    assert rel_error(E, tE.numpy()) < 1e-12


def test_low_load_recalls_stored_patterns_from_corrupted_ones():
    net = scratch.Hopfield(200)
    xi = patterns(5, 200, seed=9)
    net.store(xi)
    s, _ = net.recall(scratch.corrupt(xi, 0.2, rng=10), rng=11)
    assert np.all(scratch.overlap(s, xi) == 1.0)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"W must be symmetric with a zero diagonal"):
        scratch.energy(np.triu(np.ones((3, 3)), 1), np.ones(3))
    with pytest.raises(ValueError, match=r"s must have N=3 units in its last axis; got shape \(4,\)"):
        scratch.energy(np.zeros((3, 3)), np.ones(4))
    with pytest.raises(ValueError, match=r"patterns must hold only \+1 and -1"):
        scratch.hebbian_weights(np.array([[1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"W must be a square \(N, N\) matrix; got shape \(2, 3\)"):
        scratch.recall(np.zeros((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="max_sweeps must be a positive integer; got 0"):
        scratch.recall(np.zeros((3, 3)), np.ones(3), max_sweeps=0)
    with pytest.raises(ValueError, match=r"fraction must be in \[0, 1\]; got 1.5"):
        scratch.corrupt(np.ones(4), 1.5)
    with pytest.raises(ValueError, match="N must be an integer >= 2; got 1"):
        scratch.Hopfield(1)


def test_torch_twin_bad_arguments():
    with pytest.raises(ValueError, match=r"patterns must be a \(P, N\) tensor"):
        thop.hebbian_weights(torch.ones(4))
    with pytest.raises(ValueError, match=r"W must be \(N, N\) and s0 \(N,\) or \(B, N\); got \(3, 3\) and \(4,\)"):
        thop.recall(torch.zeros(3, 3), torch.ones(4))
