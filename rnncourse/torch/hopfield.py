"""The Hopfield network from tensor ops; twin of :mod:`rnncourse.scratch.hopfield` (written again).

    W = (1/N) xi^T xi with zero diagonal;   E(s) = -1/2 s W s^T;   s_i <- sign(sum_j W_ij s_j) one unit at a time

Here each asynchronous update recomputes the local field h_i = W_i . s from scratch (the scratch version
keeps all fields up to date incrementally), and the energy is recomputed after every update, so the two
check each other. Shapes: patterns (P, N); W (N, N); s (N,) or (B, N).
"""
from __future__ import annotations

import numpy as np
import torch


def hebbian_weights(patterns: torch.Tensor) -> torch.Tensor:
    """patterns (P, N) of +-1 -> W (N, N) = (1/N) sum_mu xi xi^T, diagonal zeroed."""
    if not isinstance(patterns, torch.Tensor) or patterns.dim() != 2:
        raise ValueError(f"patterns must be a (P, N) tensor; got {getattr(patterns, 'shape', type(patterns))}")
    N = patterns.shape[1]
    W = patterns.T @ patterns / N
    return W - torch.diag(torch.diagonal(W))


def energy(W: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """E(s) = -1/2 s W s^T for s (N,) or (B, N) (differentiable: autograd gives dE/ds = -s W)."""
    return -0.5 * ((s @ W) * s).sum(-1)


def recall(W: torch.Tensor, s0: torch.Tensor, max_sweeps: int = 50, rng=None, record_energy: bool = False):
    """Asynchronous recall with the unit order drawn exactly as the scratch version draws it
    (``numpy.random.default_rng(rng).permutation(N)`` per sweep), so both visit the same units.

    Returns (s, sweeps) or, with ``record_energy``, (s, sweeps, energies (1 + updates, B))."""
    if W.dim() != 2 or W.shape[0] != W.shape[1] or s0.shape[-1] != W.shape[0]:
        raise ValueError(f"W must be (N, N) and s0 (N,) or (B, N); got {tuple(W.shape)} and {tuple(s0.shape)}")
    N = W.shape[0]
    gen = np.random.default_rng(rng)
    s = torch.atleast_2d(s0).clone()
    energies = [energy(W, s)] if record_energy else None
    sweeps = 0
    while sweeps < max_sweeps:
        sweeps += 1
        before = s.clone()
        for i in gen.permutation(N).tolist():
            h_i = s @ W[:, i]
            s[:, i] = torch.where(h_i > 0, 1.0, torch.where(h_i < 0, -1.0, s[:, i])).to(s.dtype)
            if record_energy:
                energies.append(energy(W, s))
        if torch.equal(before, s):
            break
    s = s[0] if s0.dim() == 1 else s
    if record_energy:
        return s, sweeps, torch.stack(energies)
    return s, sweeps
