"""The clipping runs of the training chapter (book/training.md, section sec-training-clipping)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..data.adding import adding_problem
from ..torch.readout import LastStepRegressor
from . import loop
from .loop import Curve, clip_value

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
class ClipRun(Curve):
    """The loop's curve of one run (training loss and gradient norm before clipping at every step; a run stops
    at its first non-finite loss, see ``diverged_at``) and its clipping kind."""

    kind: str = ""

    def mean_last(self, n: int = 100) -> float:
        return float(np.mean(self.loss[-n:]))


def train_clipping(kind: str, setting: ClipSetting = CLIP_STUDY, seed: int = 0) -> ClipRun:
    """One run of ``setting`` with clipping ``kind`` ("none", "norm" or "value"). The weights and batches come
    from ``seed`` alone, so the three kinds of one seed start alike and see the same batches."""
    if kind not in CLIP_KINDS:
        raise ValueError(f"kind must be one of {CLIP_KINDS}; got {kind!r}")
    torch.manual_seed(seed)
    task = LastStepRegressor(torch.nn.RNN(2, setting.hidden_size))
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((setting.hidden_size, setting.hidden_size)))
    with torch.no_grad():
        task.rnn.weight_hh_l0.copy_(torch.from_numpy(setting.gain * q))
    clip = {"none": None, "norm": setting.norm_threshold, "value": clip_value(setting.value_threshold)}[kind]
    curve = loop.train(task, lambda rng: adding_problem(setting.T, setting.batch_size, rng=rng), setting, seed,
                       rng=rng, optimizer="sgd", clip=clip, label=f"clipping: {kind}")
    return ClipRun(**vars(curve), kind=kind)
