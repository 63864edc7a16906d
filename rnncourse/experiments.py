"""Training runs the chapters report, as functions, so a chapter calls them instead of pasting loops.

Training uses PyTorch modules (torch.nn, or any module with torch.nn's (output, state) interface, such
as the LSTM variants) for speed; the chapters show separately that these compute exactly what the
from-scratch NumPy models compute.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from .data.adding import adding_problem
from .scratch import Adam, Linear, LSTMVariant, clip_grad_norm, mse_loss


def progress(iterable, desc: str = "", total: int | None = None):
    """A tqdm progress bar on stdout for long loops; silent when RNNCOURSE_PROGRESS=0 (the book build)."""
    if os.environ.get("RNNCOURSE_PROGRESS", "1") == "0":
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, total=total, file=sys.stdout, mininterval=1.0, leave=False)


@dataclass
class Run:
    """One training run: the test MSE measured every ``eval_every`` steps, and its wall time."""

    label: str
    steps: list = field(default_factory=list)
    test_mse: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def final(self) -> float:
        return self.test_mse[-1]

    def first_step_below(self, level: float) -> int | None:
        """The first evaluated step whose test MSE is below ``level`` (None if it never was)."""
        return next((step for step, mse in zip(self.steps, self.test_mse) if mse < level), None)


def make_recurrent(kind: str, input_size: int, hidden_size: int, forget_bias: float | None = None) -> torch.nn.Module:
    """torch.nn.RNN / LSTM / GRU; for the LSTM, optionally set the forget-gate bias (split as b_ih=fb, b_hh=0)."""
    module = getattr(torch.nn, kind)(input_size, hidden_size)
    if kind == "LSTM" and forget_bias is not None:
        H = hidden_size
        with torch.no_grad():
            module.bias_ih_l0[H : 2 * H].fill_(forget_bias)
            module.bias_hh_l0[H : 2 * H].fill_(0.0)
    return module


def train_adding(kind: str = "LSTM", T: int = 100, steps: int = 2000, hidden_size: int = 32, batch_size: int = 64,
                 lr: float = 1e-2, forget_bias: float | None = 1.0, clip: float = 1.0, eval_every: int = 100,
                 test_size: int = 1000, seed: int = 0, module: torch.nn.Module | None = None, label: str | None = None) -> Run:
    """Train a recurrent module + linear read-out of the last state on the adding problem.

    Adam (Kingma & Ba 2015) with global gradient-norm clipping (Pascanu et al. 2013); a fresh batch every
    step; test MSE on a fixed held-out set of ``test_size`` sequences. ``module`` overrides ``kind``.
    Seeds make a run reproducible (single-threaded CPU).
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    rnn = module if module is not None else make_recurrent(kind, 2, hidden_size, forget_bias)
    head = torch.nn.Linear(rnn.hidden_size, 1)
    params = list(rnn.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=lr)
    x_test, y_test = map(torch.from_numpy, adding_problem(T, test_size, rng=1_000_003 + seed))
    run = Run(label or kind)
    start = time.perf_counter()
    for step in progress(range(1, steps + 1), desc=run.label):
        x, y = map(torch.from_numpy, adding_problem(T, batch_size, rng=rng))
        out, _ = rnn(x)
        loss = torch.nn.functional.mse_loss(head(out[-1]), y)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, clip)
        optimizer.step()
        if step % eval_every == 0:
            with torch.no_grad():
                out, _ = rnn(x_test)
                run.test_mse.append(torch.nn.functional.mse_loss(head(out[-1]), y_test).item())
            run.steps.append(step)
    run.seconds = time.perf_counter() - start
    return run


def train_adding_variant(variant: str = "vanilla", T: int = 50, steps: int = 800, hidden_size: int = 32,
                         batch_size: int = 64, lr: float = 1e-2, clip: float = 1.0, eval_every: int = 100,
                         test_size: int = 1000, seed: int = 0, dtype=np.float32) -> Run:
    """Train a from-scratch ``LSTMVariant`` + linear read-out on the adding problem, NumPy only.

    The same recipe as :func:`train_adding` (Adam, global-norm clipping, fresh batches, fixed test set),
    with the hand-written backward doing the work. The forget gate starts open as in :func:`train_adding`
    (b_f = 1); CIFG has no forget-gate parameters, so its input-gate bias starts at -1 instead, which
    gives the same initial f = 1 - sigmoid(-1) = sigmoid(1).
    """
    rng = np.random.default_rng(seed)
    rnn = LSTMVariant(2, hidden_size, variant=variant, dtype=dtype, rng=seed)
    head = Linear(hidden_size, 1, dtype=dtype, rng=seed + 1)
    bias_ih, bias_hh = rnn.params["bias_ih_l0"], rnn.params["bias_hh_l0"]
    if "f" in rnn.spec.blocks:
        bias_ih[rnn.block_rows("f")], bias_hh[rnn.block_rows("f")] = 1.0, 0.0
    elif rnn.spec.coupled:
        bias_ih[rnn.block_rows("i")], bias_hh[rnn.block_rows("i")] = -1.0, 0.0
    params = {**{f"rnn.{k}": v for k, v in rnn.params.items()}, **{f"head.{k}": v for k, v in head.params.items()}}
    optimizer = Adam(params, lr=lr)
    x_test, y_test = adding_problem(T, test_size, rng=1_000_003 + seed, dtype=dtype)
    run = Run(variant)
    start = time.perf_counter()
    for step in progress(range(1, steps + 1), desc=run.label):
        x, y = adding_problem(T, batch_size, rng=rng, dtype=dtype)
        out, _ = rnn.forward(x)
        _, d_pred = mse_loss(head.forward(out[-1]), y)
        rnn.zero_grad()
        head.zero_grad()
        d_out = np.zeros_like(out)
        d_out[-1] = head.backward(d_pred)
        rnn.backward(d_out)
        grads = {**{f"rnn.{k}": g for k, g in rnn.grads.items()}, **{f"head.{k}": g for k, g in head.grads.items()}}
        clip_grad_norm(grads, clip)
        optimizer.step(grads)
        if step % eval_every == 0:
            out, _ = rnn.forward(x_test)
            run.test_mse.append(float(np.mean((head.forward(out[-1]) - y_test) ** 2)))
            run.steps.append(step)
    run.seconds = time.perf_counter() - start
    return run
