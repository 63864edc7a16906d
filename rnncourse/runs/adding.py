"""The adding-problem runs of the LSTM, GRU and training chapters: named settings and their trainers.

:func:`train` trains any recurrent module (torch.nn, rnncourse.torch, or rnncourse.scratch with its
hand-written backward) on the adding problem in a named :class:`AddingSetting`. The chapters, the seed
scripts in ``benchmarks/experiments/`` and the claim tests in ``tests/test_claims_*.py`` import the same
settings (:data:`LSTM_CHAPTER`, :data:`GRU_CHAPTER`, :data:`VARIANT_STUDY`, :data:`INIT_STUDY`, and the
smaller on-page runs :data:`LSTM_PAGE`, :data:`GRU_PAGE`, :data:`VARIANT_PAGE`), so a number a chapter
quotes and the test that asserts it cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import torch

from ..data.adding import adding_problem
from ..scratch import LSTMVariant
from ..scratch.readout import LastStepRegressor as ScratchRegressor
from ..torch.readout import LastStepRegressor
from . import loop


@dataclass
class Run:
    """One training run: the test MSE measured every ``eval_every`` steps, and its wall time."""

    label: str
    steps: list = field(default_factory=list)
    test_mse: list = field(default_factory=list)
    seconds: float = 0.0
    stopped_below: float | None = None   # trained with until_below=level and stopped at its first step below it

    @property
    def final(self) -> float:
        """The test MSE after the last step of the setting (a run stopped early has none: ValueError)."""
        if self.stopped_below is not None:
            raise ValueError(f"{self.label}: this run stopped at step {self.steps[-1]}, its first evaluation below "
                             f"{self.stopped_below}; it has no final test MSE (train without until_below)")
        return self.test_mse[-1]

    def first_step_below(self, level: float) -> int | None:
        """The first evaluated step whose test MSE is below ``level`` (None if it never was). A run stopped at
        its first step below ``until_below`` answers only for levels at or above that one."""
        if self.stopped_below is not None and level < self.stopped_below:
            raise ValueError(f"{self.label}: this run stopped at its first evaluation below {self.stopped_below}; "
                             f"it cannot say when it first got below {level} (train with until_below={level})")
        return next((step for step, mse in zip(self.steps, self.test_mse) if mse < level), None)


@dataclass(frozen=True)
class AddingSetting:
    """One named training setting on the adding problem: the chapters, the seed scripts in
    benchmarks/experiments/ and the claim tests import these, so a quoted number has one source."""

    T: int
    steps: int
    hidden_size: int = 32
    batch_size: int = 64
    lr: float = 1e-2
    clip: float = 1.0
    eval_every: int = 100
    test_size: int = 1000
    forget_bias: float | None = 1.0      # LSTM forget-gate bias at initialisation (None: the module's default)
    seeds: tuple = (0,)                  # the seeds a seed study of this setting runs


# The seed studies (benchmarks/experiments/, asserted by tests/test_claims_*.py) and the smaller runs the
# pages train themselves at seed 0 to stay within the chapter time budget (the page names its study).
LSTM_CHAPTER = AddingSetting(T=100, steps=1500, seeds=tuple(range(4)))   # book/lstm.md, sec-adding: the seed study
LSTM_CHAPTER_RNN_SEEDS = LSTM_CHAPTER.seeds[:2]   # its tanh RNN baseline: two seeds (it never learns; 7 CPU-s each)
GRU_CHAPTER = AddingSetting(T=50, steps=800, seeds=tuple(range(3)))      # book/gru.md: the seed study
LSTM_PAGE = GRU_CHAPTER                                                  # book/lstm.md, sec-adding: the run on the page
GRU_PAGE = replace(GRU_CHAPTER, steps=600)                               # book/gru.md: the run on the page
VARIANT_STUDY = AddingSetting(T=50, steps=800, seeds=tuple(range(6)))    # book/lstm.md, sec-lstm-variants: the seed study
VARIANT_PAGE = replace(VARIANT_STUDY, T=25, steps=500, eval_every=50, seeds=(0,))     # book/lstm.md, sec-lstm-variants: the run on the page
INIT_STUDY = AddingSetting(T=20, steps=1500, seeds=tuple(range(3)))      # book/training.md, section sec-training-init


def held_out_seed(seed: int) -> int:
    """The seed of a run's held-out test set: fixed per run, never one of the training batches' streams."""
    return 1_000_003 + seed


def set_forget_bias(model, value: float) -> None:
    """Open (or close) every LSTM forget gate at initialisation: b_ih[f rows] = value, b_hh[f rows] = 0.

    Works on torch.nn.LSTM, rnncourse.torch.LSTM / LSTMVariant and their rnncourse.scratch twins. A CIFG
    variant has no forget gate (f = 1 - i), so its input-gate bias is set to -value instead, which gives
    the same initial f = 1 - sigmoid(-value) = sigmoid(value).
    """
    H = model.hidden_size
    spec = getattr(model, "spec", None)
    if spec is not None and "f" not in spec.blocks:
        if not spec.coupled:
            return                                     # NFG: f = 1 already
        block, value = "i", -value
    else:
        block = "f"
    k = spec.blocks.index(block) if spec is not None else "ifgo".index(block)
    rows = slice(k * H, (k + 1) * H)
    for layer in range(model.num_layers):
        for sfx in ("", "_reverse")[: 2 if model.bidirectional else 1]:
            if isinstance(model, torch.nn.Module):
                with torch.no_grad():
                    getattr(model, f"bias_ih_l{layer}{sfx}")[rows] = value
                    getattr(model, f"bias_hh_l{layer}{sfx}")[rows] = 0.0
            else:
                model.params[f"bias_ih_l{layer}{sfx}"][rows] = value
                model.params[f"bias_hh_l{layer}{sfx}"][rows] = 0.0


def train(model, setting: AddingSetting, seed: int = 0, label: str | None = None, dtype=np.float32,
          until_below: float | None = None) -> Run:
    """Train ``model`` + a linear read-out of its last output on the adding problem, in ``setting``.

    Adam (Kingma & Ba 2015) with global gradient-norm clipping (Pascanu et al. 2013); a fresh batch every
    step; test MSE every ``eval_every`` steps on a fixed held-out set of ``test_size`` sequences. Any
    module with torch.nn's (output, state) interface works: a torch.nn.Module trains with autograd and
    torch.optim, an rnncourse.scratch module with its own hand-written backward, scratch Adam and
    clipping (both through :func:`rnncourse.runs.loop.train`). Seeds make a run reproducible
    (single-threaded CPU). ``until_below=level`` stops the run at its first evaluation below ``level``: for
    a study that asks only :meth:`Run.first_step_below` (the steps up to there are those of the full run).
    """
    x_test, y_test = adding_problem(setting.T, setting.test_size, rng=held_out_seed(seed), dtype=dtype)
    task = (LastStepRegressor(model) if isinstance(model, torch.nn.Module)
            else ScratchRegressor(model, dtype=dtype, rng=seed + 1))
    curve = loop.train(task, lambda rng: adding_problem(setting.T, setting.batch_size, rng=rng, dtype=dtype),
                       setting, seed, evaluate=lambda: float(task.mse(x_test, y_test)),
                       stop_when=None if until_below is None else (lambda mse: mse < until_below),
                       label=label or type(model).__name__)
    return Run(curve.label, curve.eval_steps, curve.evals, curve.seconds,
               None if curve.stopped_at is None else until_below)


def train_adding(kind: str = "LSTM", setting: AddingSetting = GRU_CHAPTER, seed: int = 0,
                 until_below: float | None = None, **overrides) -> Run:
    """torch.nn.RNN / LSTM / GRU (hidden_size from the setting, forget bias set for the LSTM), trained by
    :func:`train` (``until_below`` as there). Keyword ``overrides`` replace fields of ``setting`` (e.g.
    ``T=6, steps=300``)."""
    setting = replace(setting, **overrides)
    torch.manual_seed(seed)
    module = getattr(torch.nn, kind)(2, setting.hidden_size)
    if kind == "LSTM" and setting.forget_bias is not None:
        set_forget_bias(module, setting.forget_bias)
    return train(module, setting, seed, label=kind, until_below=until_below)


def train_adding_init(scheme: str, setting: AddingSetting = INIT_STUDY, seed: int = 0,
                      until_below: float | None = None, **overrides) -> Run:
    """torch.nn.RNN with the scheme's nonlinearity and W_hh from :func:`rnncourse.torch.initialise_` (the initialisation
    table of deck C, :mod:`rnncourse.scratch.init`), trained by :func:`train` (``until_below`` as there).
    ``overrides`` replace setting fields."""
    from ..scratch.init import SCHEMES
    from ..torch.init import initialise_

    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {tuple(SCHEMES)}; got {scheme!r}")
    setting = replace(setting, **overrides)
    torch.manual_seed(seed)
    module = torch.nn.RNN(2, setting.hidden_size, nonlinearity=SCHEMES[scheme])
    initialise_(module, scheme, rng=seed)
    return train(module, setting, seed, label=scheme, until_below=until_below)


def train_adding_variant(variant: str = "vanilla", setting: AddingSetting = VARIANT_STUDY, seed: int = 0,
                         dtype=np.float32, until_below: float | None = None, **overrides) -> Run:
    """A from-scratch ``LSTMVariant`` (NumPy, hand-written BPTT) trained by :func:`train` (``until_below`` as
    there), forget gate opened as in :func:`train_adding` (see :func:`set_forget_bias` for CIFG)."""
    setting = replace(setting, **overrides)
    rnn = LSTMVariant(2, setting.hidden_size, variant=variant, dtype=dtype, rng=seed)
    if setting.forget_bias is not None:
        set_forget_bias(rnn, setting.forget_bias)
    return train(rnn, setting, seed, label=variant, dtype=dtype, until_below=until_below)
