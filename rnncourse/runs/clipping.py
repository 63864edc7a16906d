"""The clipping runs of the training chapter (book/training.md, section sec-training-clipping)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ..data.adding import adding_problem

CLIP_KINDS = ("none", "norm", "value")


@dataclass(frozen=True)
class ClipSetting:
    """A tanh torch.nn.RNN (+ linear read-out of the last output) on the adding problem, trained by plain SGD
    on fresh batches, with W_hh initialised to ``gain`` times a random orthogonal matrix (spectral radius
    ``gain`` > 1: gradients explode). Clipping: none, global norm at ``norm_threshold`` (Pascanu et al. 2013),
    or every entry to [-value_threshold, value_threshold]."""

    T: int = 10
    hidden_size: int = 32
    batch_size: int = 32
    steps: int = 600
    lr: float = 0.2
    gain: float = 1.2
    norm_threshold: float = 1.0
    value_threshold: float = 0.1
    seeds: tuple = (0,)


CLIP_STUDY = ClipSetting(seeds=tuple(range(8)))


@dataclass
class ClipRun:
    """Training loss and gradient norm (before clipping) at every step; a run stops at its first non-finite loss."""

    kind: str
    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)

    @property
    def diverged_at(self) -> int | None:
        """The first step (1-based) whose loss was not finite, or None."""
        return len(self.loss) if self.loss and not np.isfinite(self.loss[-1]) else None

    def mean_last(self, n: int = 100) -> float:
        return float(np.mean(self.loss[-n:]))


def train_clipping(kind: str, setting: ClipSetting = CLIP_STUDY, seed: int = 0) -> ClipRun:
    """One run of ``setting`` with clipping ``kind`` ("none", "norm" or "value"). The weights and batches come
    from ``seed`` alone, so the three kinds of one seed start alike and see the same batches."""
    if kind not in CLIP_KINDS:
        raise ValueError(f"kind must be one of {CLIP_KINDS}; got {kind!r}")
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(2, setting.hidden_size)
    head = torch.nn.Linear(setting.hidden_size, 1)
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((setting.hidden_size, setting.hidden_size)))
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.from_numpy(setting.gain * q))
    params = list(rnn.parameters()) + list(head.parameters())
    optimizer = torch.optim.SGD(params, lr=setting.lr)
    run = ClipRun(kind)
    for _ in range(setting.steps):
        x, y = adding_problem(setting.T, setting.batch_size, rng=rng)
        out, _ = rnn(torch.from_numpy(x))
        loss = torch.nn.functional.mse_loss(head(out[-1]), torch.from_numpy(y))
        optimizer.zero_grad()
        loss.backward()
        norm = torch.nn.utils.get_total_norm([p.grad for p in params])
        run.loss.append(loss.item())
        run.grad_norm.append(norm.item())
        if not (np.isfinite(run.loss[-1]) and np.isfinite(run.grad_norm[-1])):
            run.loss[-1] = float("inf")
            break
        if kind == "norm":
            torch.nn.utils.clip_grad_norm_(params, setting.norm_threshold)
        elif kind == "value":
            torch.nn.utils.clip_grad_value_(params, setting.value_threshold)
        optimizer.step()
    return run
