"""The one training loop of the chapters' runs: ``train(model, data, setting, seed)``.

The protocol is small. The loop owns the steps, the optimiser, clipping, the learning-rate schedule, the
evaluation every ``eval_every`` steps, the progress bar and the record of the curve; the model (a task: a
network together with its loss) owns what one step computes:

- a ``torch.nn.Module`` gives ``loss(batch) -> scalar tensor``; the loop calls ``backward()`` and
  steps a ``torch.optim`` optimiser (Adam by default);
- a scratch model (``params`` / ``grads`` dicts under torch's keys, ``zero_grad()``) gives
  ``loss_and_grads(batch) -> float``: its forward pass and its hand-written backward, which ADDS the
  gradients into ``grads``; the loop zeroes them first and steps a scratch optimiser with
  ``optimizer.step(grads)``.

``data(rng) -> batch`` draws one step's batch from the run's NumPy generator (``np.random.default_rng(seed)``
unless ``rng=`` is given); a full-batch run returns the same batch every time. ``setting`` is any named
setting with ``steps`` and, when used, ``lr``, ``clip`` and ``eval_every`` (keyword overrides replace them).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from ..progress import progress
from ..scratch.optim import SGD, Adam, clip_grad_norm, clip_grad_value
from ..scratch.parameters import Composite


@dataclass
class Curve:
    """What one run of :func:`train` recorded.

    ``loss[i]`` and ``grad_norm[i]`` belong to step ``i + 1`` (the batch's loss before the update, and the
    global L2 norm of the gradient before clipping); ``evals[j]`` is ``evaluate()`` after step
    ``eval_steps[j]`` (every ``eval_every`` steps, and after the last step). A run stops at its first
    non-finite loss or gradient norm: that loss is recorded as ``inf`` and ``diverged_at`` is its step.
    A run given ``stop_when`` stops after the first evaluation it accepts: ``stopped_at`` is that step.
    """

    label: str = ""
    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    eval_steps: list = field(default_factory=list)
    evals: list = field(default_factory=list)
    seconds: float = 0.0
    stopped_at: int | None = None

    @property
    def diverged_at(self) -> int | None:
        """The first step (1-based) whose loss was not finite, or None."""
        return len(self.loss) if self.loss and not math.isfinite(self.loss[-1]) else None


_OPTIMIZERS = {"adam": (torch.optim.Adam, Adam), "sgd": (torch.optim.SGD, SGD)}
_MISSING = object()


def _field(setting, overrides: dict, name: str, default=_MISSING):
    if name in overrides:
        return overrides[name]
    value = getattr(setting, name, default)
    if value is _MISSING:
        raise ValueError(f"train: the setting must have {name!r} (or pass {name}=...); "
                         f"got a {type(setting).__name__} without it")
    return value


class _TorchSide:
    def __init__(self, model, optimizer, lr, clip):
        self.model, self.params = model, [p for p in model.parameters() if p.requires_grad]
        self.optimizer = _OPTIMIZERS[optimizer][0](self.params, lr=lr) if isinstance(optimizer, str) else optimizer
        self.clip = clip

    def step(self, batch):
        self.optimizer.zero_grad()
        loss = self.model.loss(batch)
        if not (isinstance(loss, torch.Tensor) and loss.dim() == 0):
            raise ValueError(f"train: {type(self.model).__name__}.loss(batch) must return a scalar tensor; got "
                             f"{type(loss).__name__}{tuple(loss.shape) if isinstance(loss, torch.Tensor) else ''}")
        loss.backward()
        if self.clip is None or callable(self.clip):
            norm = torch.nn.utils.get_total_norm([p.grad for p in self.params if p.grad is not None])
            if self.clip is not None:
                self.clip(self.params)
        else:
            norm = torch.nn.utils.clip_grad_norm_(self.params, self.clip)
        value, norm = loss.item(), norm.item()
        if math.isfinite(value) and math.isfinite(norm):
            self.optimizer.step()
        return value, norm

    def set_lr(self, lr):
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def evaluate(self, evaluate):
        with torch.no_grad():
            return evaluate()


class _ScratchSide:
    def __init__(self, model, optimizer, lr, clip):
        self.model = model
        self.optimizer = _OPTIMIZERS[optimizer][1](model.params, lr=lr) if isinstance(optimizer, str) else optimizer
        self.clip = clip

    def step(self, batch):
        self.model.zero_grad()
        value = float(self.model.loss_and_grads(batch))
        grads = self.model.grads
        if self.clip is None or callable(self.clip):
            norm = clip_grad_norm(grads, math.inf)              # measures only: nothing is above an infinite norm
            if self.clip is not None:
                self.clip(grads)
        else:
            norm = clip_grad_norm(grads, self.clip)
        if math.isfinite(value) and math.isfinite(norm):
            self.optimizer.step(grads)
        return value, norm

    def set_lr(self, lr):
        self.optimizer.lr = lr

    def evaluate(self, evaluate):
        return evaluate()


def clip_value(threshold: float):
    """A ``clip=`` for :func:`train` that clips every gradient entry to [-threshold, threshold], either side."""
    def clip(params_or_grads):
        if isinstance(params_or_grads, dict):
            clip_grad_value(params_or_grads, threshold)
        else:
            torch.nn.utils.clip_grad_value_(params_or_grads, threshold)
    return clip


def train(model, data, setting, seed: int = 0, *, rng=None, optimizer="adam", evaluate=None, schedule=None,
          stop_when=None, label: str = "", **overrides) -> Curve:
    """Train ``model`` on batches ``data(rng)`` for ``setting.steps`` steps; return the :class:`Curve`.

    ``optimizer``: "adam" or "sgd" (built on the model's parameters with ``setting.lr``), or a built
    optimiser of the model's side. Clipping: ``setting.clip`` (a number: the global gradient norm, as
    ``torch.nn.utils.clip_grad_norm_``; None: none) or ``clip=`` a callable given the parameter list
    (torch) or the ``grads`` dict (scratch), such as :func:`clip_value`. ``schedule(step) -> lr`` sets the
    learning rate before each step (1-based). ``evaluate() -> value`` runs every ``setting.eval_every`` steps
    and after the last one (under ``torch.no_grad()`` for a torch model). ``stop_when(value) -> bool`` ends
    the run after the first evaluation it accepts (``curve.stopped_at``): a study that only asks *when* a
    run first reaches a level need not train it further, and every step up to there is the same as in the
    full run. Keyword ``overrides`` (``steps``, ``lr``, ``clip``, ``eval_every``) replace the setting's fields.
    Seeds make a run reproducible (single-threaded CPU).
    """
    steps = _field(setting, overrides, "steps")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"train: steps must be a non-negative int; got {steps!r}")
    needs_lr = isinstance(optimizer, str)
    if needs_lr and optimizer not in _OPTIMIZERS:
        raise ValueError(f"train: optimizer must be one of {tuple(_OPTIMIZERS)} or an optimiser; got {optimizer!r}")
    lr = _field(setting, overrides, "lr") if needs_lr else None
    clip = _field(setting, overrides, "clip", None)
    eval_every = _field(setting, overrides, "eval_every", None) if evaluate is not None else None
    if stop_when is not None and not (callable(stop_when) and eval_every):
        raise ValueError("train: stop_when must be a callable, given with evaluate= and an eval_every; "
                         f"got stop_when={stop_when!r}, eval_every={eval_every!r}")
    if isinstance(model, torch.nn.Module):
        if not callable(getattr(model, "loss", None)):
            raise ValueError(f"train: a torch model must define loss(batch) -> scalar tensor; "
                             f"{type(model).__name__} does not")
        side = _TorchSide(model, optimizer, lr, clip)
    elif all(hasattr(model, a) for a in ("params", "grads", "zero_grad", "loss_and_grads")):
        side = _ScratchSide(model, optimizer, lr, clip)
    else:
        raise ValueError("train: model must be a torch.nn.Module with loss(batch), or a scratch model with "
                         f"params, grads, zero_grad() and loss_and_grads(batch); got {type(model).__name__}")
    rng = np.random.default_rng(seed) if rng is None else rng
    curve = Curve(label or type(model).__name__)
    start = time.perf_counter()
    for step in progress(range(1, steps + 1), desc=curve.label):
        if schedule is not None:
            side.set_lr(schedule(step))
        value, norm = side.step(data(rng))
        curve.loss.append(value)
        curve.grad_norm.append(norm)
        if not (math.isfinite(value) and math.isfinite(norm)):
            curve.loss[-1] = math.inf
            break
        if eval_every and (step % eval_every == 0 or step == steps):
            curve.evals.append(side.evaluate(evaluate))
            curve.eval_steps.append(step)
            if stop_when is not None and stop_when(curve.evals[-1]):
                curve.stopped_at = step
                break
    curve.seconds = time.perf_counter() - start
    return curve


class _TorchObjective(torch.nn.Module):
    def __init__(self, loss, parts):
        super().__init__()
        for name, module in parts.items():
            self.add_module(name, module)
        self._loss = loss

    def loss(self, batch):
        return self._loss(batch)


class _ScratchObjective(Composite):
    def __init__(self, loss_and_grads, parts):
        super().__init__(**parts)
        self._loss_and_grads = loss_and_grads

    def loss_and_grads(self, batch) -> float:
        return self._loss_and_grads(batch)


def objective(loss, **parts):
    """Named modules and one batch's loss as a model :func:`train` accepts, for a run whose network does not
    define the protocol itself. Torch modules: ``loss(batch) -> scalar tensor``. Scratch modules: ``loss(batch)
    -> float`` runs forward and the hand-written backward (adding into the parts' ``grads``). The parameters
    are the parts' own, in the order given."""
    if parts and all(isinstance(p, torch.nn.Module) for p in parts.values()):
        return _TorchObjective(loss, parts)
    if any(isinstance(p, torch.nn.Module) for p in parts.values()):
        sides = {n: "torch" if isinstance(p, torch.nn.Module) else "scratch" for n, p in parts.items()}
        raise ValueError(f"objective: parts must be all torch modules or all scratch modules; got {sides}")
    return _ScratchObjective(loss, parts)
