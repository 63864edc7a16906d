"""The Hopfield network (Hopfield 1982): a recurrent network with symmetric weights that stores patterns as
fixed points and recalls them from an initial condition. Not a cell over time: there is no input
sequence, only a state s of N units s_i = +-1 that updates itself until it stops changing.

    W = (1/N) sum_mu xi^mu (xi^mu)^T, diag(W) = 0            the Hebbian rule, P patterns xi^mu: (P, N)
    h = s W   (W symmetric, so h_i = sum_j W_ij s_j)          the local field
    E(s) = -1/2 s W s^T                                       the energy; dE/ds = -h, so h = -grad E
    s_i <- sign(h_i)  (s_i kept when h_i = 0)                 one asynchronous update, one unit at a time

With W symmetric and diag(W) = 0, flipping unit i to the sign of h_i changes the energy by
Delta E = -(s_i' - s_i) h_i <= 0: the energy never rises, so asynchronous updates stop at a fixed point.
The quality of recall is the overlap m = (1/N) s . xi^mu (1 = the pattern, 0 = unrelated). Amit,
Gutfreund and Sompolinsky (1985) showed that, for random patterns and large N, stored patterns are
recalled with m > 0.96 up to the load alpha = P/N ~ 0.138 and the recall collapses above it.

Shapes: patterns (P, N) of +-1; W (N, N); states s (N,) or (B, N) (B initial conditions updated together,
unit by unit in one shared order); energies (B,) or scalars.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array


def _check_spins(name: str, s, N: int | None = None) -> np.ndarray:
    arr = np.asarray(s)
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise ValueError(f"{name} must have shape (N,) or (B, N) with entries +-1; got shape {arr.shape}")
    if N is not None and arr.shape[-1] != N:
        raise ValueError(f"{name} must have N={N} units in its last axis; got shape {arr.shape}")
    if not np.all((arr == 1) | (arr == -1)):
        raise ValueError(f"{name} must hold only +1 and -1 (bipolar states); got values {np.unique(arr)[:5]}")
    return arr.astype(np.float64)


def _check_weights(W) -> np.ndarray:
    W = as_float_array("W", W)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square (N, N) matrix; got shape {W.shape}")
    if not np.allclose(W, W.T, rtol=0, atol=1e-12) or np.any(np.diag(W) != 0):
        raise ValueError("W must be symmetric with a zero diagonal (else the energy can rise)")
    return W


def hebbian_weights(patterns) -> np.ndarray:
    """The Hebbian rule W = (1/N) sum_mu xi^mu xi^mu^T with zero diagonal. patterns: (P, N) of +-1 -> W (N, N)."""
    xi = _check_spins("patterns", patterns)
    if xi.ndim != 2:
        raise ValueError(f"patterns must have shape (P, N); got {xi.shape}")
    N = xi.shape[1]
    W = xi.T @ xi / N
    np.fill_diagonal(W, 0.0)
    return W


def energy(W, s):
    """E(s) = -1/2 s W s^T for s (N,) (a float) or (B, N) (an array (B,))."""
    W = _check_weights(W)
    s = _check_spins("s", s, W.shape[0])
    return -0.5 * np.einsum("...i,ij,...j->...", s, W, s)


def local_field(W, s) -> np.ndarray:
    """h = s W, the negative gradient of the energy with respect to the state: h = -dE/ds. s (N,) or (B, N)."""
    W = _check_weights(W)
    return np.asarray(s, dtype=np.float64) @ W


def overlap(s, pattern):
    """m = (1/N) s . xi for s (N,) or (B, N) and pattern(s) (N,) or (B, N)."""
    s, pattern = np.asarray(s, dtype=np.float64), np.asarray(pattern, dtype=np.float64)
    if s.shape[-1] != pattern.shape[-1]:
        raise ValueError(f"s and pattern must have the same N; got {s.shape} and {pattern.shape}")
    return np.sum(s * pattern, axis=-1) / s.shape[-1]


def corrupt(pattern, fraction: float, rng=None) -> np.ndarray:
    """Flip round(fraction * N) randomly chosen units of each row of ``pattern`` ((N,) or (B, N))."""
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be in [0, 1]; got {fraction!r}")
    rng = np.random.default_rng(rng)
    s = _check_spins("pattern", pattern).copy()
    rows = s.reshape(-1, s.shape[-1])
    k = int(round(fraction * rows.shape[1]))
    for row in rows:
        row[rng.choice(rows.shape[1], size=k, replace=False)] *= -1
    return s


def recall(W, s0, max_sweeps: int = 50, rng=None, record_energy: bool = False):
    """Asynchronous recall: sweep the units one at a time in a random order (a new order each sweep,
    the same for every row of a batch), s_i <- sign(h_i), until a whole sweep changes nothing.

    W (N, N) symmetric, zero diagonal; s0 (N,) or (B, N) of +-1. Returns (s, sweeps) where ``sweeps`` is the
    number of sweeps run (the last one changed nothing unless ``max_sweeps`` was reached), or, with
    ``record_energy``, (s, sweeps, energies) with energies (1 + updates, B): E before any update and
    after every single-unit update (the energy is kept up to date incrementally: Delta E = -(s_i' - s_i) h_i).
    """
    W = _check_weights(W)
    N = W.shape[0]
    s0 = _check_spins("s0", s0, N)
    if not isinstance(max_sweeps, (int, np.integer)) or max_sweeps < 1:
        raise ValueError(f"max_sweeps must be a positive integer; got {max_sweeps!r}")
    rng = np.random.default_rng(rng)
    s = np.atleast_2d(s0).copy()
    h = s @ W                                     # local fields, updated when a unit flips
    E = -0.5 * np.sum(s * h, axis=1)
    energies = [E.copy()] if record_energy else None
    sweeps = 0
    while sweeps < max_sweeps:
        sweeps += 1
        changed = False
        for i in rng.permutation(N):
            new = np.where(h[:, i] > 0, 1.0, np.where(h[:, i] < 0, -1.0, s[:, i]))
            flip = new != s[:, i]
            if flip.any():
                changed = True
                delta = new[flip] - s[flip, i]    # +-2
                if record_energy:
                    E[flip] -= delta * h[flip, i]
                s[flip, i] = new[flip]
                h[flip] += delta[:, None] * W[i]
            if record_energy:
                energies.append(E.copy())
        if not changed:
            break
    s = s[0] if s0.ndim == 1 else s
    if record_energy:
        return s, sweeps, np.array(energies)
    return s, sweeps


class Hopfield:
    """A Hopfield network of N bipolar units: ``store(patterns)`` (Hebbian), ``recall(s0)``, ``energy(s)``.

    Hopfield(N); attributes ``W`` (N, N) and ``patterns`` (P, N).
    """

    def __init__(self, N: int):
        if not isinstance(N, (int, np.integer)) or isinstance(N, bool) or N < 2:
            raise ValueError(f"N must be an integer >= 2; got {N!r}")
        self.N = int(N)
        self.W = np.zeros((self.N, self.N))
        self.patterns = np.zeros((0, self.N))

    def store(self, patterns) -> None:
        """Store (P, N) patterns of +-1 with the Hebbian rule (replacing what was stored)."""
        patterns = _check_spins("patterns", patterns, self.N)
        self.patterns = np.atleast_2d(patterns)
        self.W = hebbian_weights(self.patterns)

    def energy(self, s):
        return energy(self.W, s)

    def recall(self, s0, max_sweeps: int = 50, rng=None, record_energy: bool = False):
        return recall(self.W, s0, max_sweeps, rng, record_energy)

    def __repr__(self) -> str:
        return f"Hopfield(N={self.N}, patterns={len(self.patterns)})"


def recall_overlap(N: int, P: int, rng=None, flip: float = 0.0, max_sweeps: int = 50, starts: int | None = None):
    """Store P random patterns in a network of N units and start recall from the first ``starts`` of them
    (all when None), with a fraction ``flip`` of their units flipped. Returns the final overlaps with the
    starting patterns, (min(P, starts),)."""
    rng = np.random.default_rng(rng)
    xi = rng.choice([-1.0, 1.0], size=(P, N))
    W = hebbian_weights(xi)
    xi0 = xi if starts is None else xi[:starts]
    s0 = corrupt(xi0, flip, rng) if flip else xi0
    s, _ = recall(W, s0, max_sweeps, rng)
    return overlap(s, xi0)
