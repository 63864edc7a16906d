"""The dropout runs of the training chapter (book/training.md, section sec-training-dropout)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..data.text import lee_characters
from ..torch.stacked_lstm import StackedCharLSTM
from . import loop

DROPOUT_SCHEMES = ("none", "per-step", "non-recurrent", "variational")
# where each scheme puts its masks: {connection: "step" (a new mask at every step) | "sequence" (one mask per
# sequence) | None}; the connections are the input x_t, the recurrent h_{t-1} -> W_hh and the output h_t -> decoder.
# None of them masks the LSTM's cell state c: that is Gal & Ghahramani's variational LSTM too. ("per-step" is
# per-step recurrent dropout; Gal & Ghahramani's "naive dropout" is the non-recurrent scheme of Zaremba et al.)
DROPOUT_PLACEMENT = {
    "none": {"x": None, "h": None, "out": None},
    "per-step": {"x": "step", "h": "step", "out": "step"},
    "non-recurrent": {"x": "step", "h": None, "out": "step"},            # Zaremba et al. (2014)
    "variational": {"x": "sequence", "h": "sequence", "out": "sequence"},   # Gal & Ghahramani (2016)
}


@dataclass(frozen=True)
class DropoutSetting:
    """A character-level LSTM language model on the first ``train_chars`` characters of gensim's Lee
    background corpus (lower-cased words joined by spaces, one line per document), validated on its last
    ``val_chars``: small enough data that the model overfits. Adam, norm clipping, fresh random windows of
    T characters every step; validation cross-entropy (nats per character, no dropout) every ``eval_every``
    steps on ``val_windows`` fixed windows."""

    hidden_size: int = 64
    embedding_size: int = 16
    T: int = 32
    batch_size: int = 16
    steps: int = 500
    p: float = 0.25
    train_chars: int = 4_000
    val_chars: int = 50_000
    val_windows: int = 128
    lr: float = 3e-3
    clip: float = 1.0
    eval_every: int = 50
    seeds: tuple = (0,)


DROPOUT_STUDY = DropoutSetting(seeds=tuple(range(4)))


def dropout_masks(schemes, T: int, B: int, size: int, connection: str, p: float, generator=None):
    """Masks (M, T, B, size) for ``connection`` ("x", "h" or "out") of each model's scheme: Bernoulli(1-p)/(1-p),
    drawn anew at every step ("step"), once per sequence and repeated over T ("sequence"), or ones."""
    keep = 1.0 - p
    masks = []
    for scheme in schemes:
        where = DROPOUT_PLACEMENT[scheme][connection]
        if where is None or p == 0.0:
            masks.append(torch.ones(T, B, size))
        else:
            shape = (T if where == "step" else 1, B, size)
            masks.append((torch.rand(shape, generator=generator) < keep).float().div(keep).expand(T, B, size))
    return torch.stack(masks)


def _clip_per_model(params, max_norm: float) -> None:
    """Global-norm clipping (Pascanu et al. 2013) of each model's own gradients (dimension 0 indexes models)."""
    sq = sum(p.grad.pow(2).reshape(p.shape[0], -1).sum(dim=1) for p in params)
    scale = (max_norm / (sq.sqrt() + 1e-6)).clamp(max=1.0)
    for p in params:
        p.grad.mul_(scale.reshape(-1, *([1] * (p.dim() - 1))))


@dataclass
class DropoutRun:
    """Validation cross-entropy curves (nats per character) of each (scheme, seed), at ``steps``."""

    steps: list
    val_loss: dict                         # (scheme, seed) -> list of floats
    train_loss: dict                       # (scheme, seed) -> list of floats (with that scheme's dropout)
    seconds: float = 0.0

    def final(self, scheme: str, seed: int) -> float:
        return self.val_loss[scheme, seed][-1]

    def best(self, scheme: str, seed: int) -> float:
        return min(self.val_loss[scheme, seed])


def _seeded_stack(labels, seeds, V: int, setting: DropoutSetting) -> StackedCharLSTM:
    """One model per (scheme, seed) label; the models of one seed start from that seed's weights."""
    model = StackedCharLSTM(len(labels), V, setting.embedding_size, setting.hidden_size)
    with torch.no_grad():
        for seed in seeds:
            torch.manual_seed(seed)
            one = StackedCharLSTM(1, V, setting.embedding_size, setting.hidden_size)
            for m, (_, s) in enumerate(labels):
                if s == seed:
                    for p, q in zip(model.parameters(), one.parameters()):
                        p[m] = q[0]
    return model


def _windows(rng, text, T: int, n: int) -> np.ndarray:
    """``n`` random windows of T + 1 characters of ``text``, as columns (T + 1, n)."""
    starts = rng.integers(0, len(text) - T - 1, n)
    return np.stack([text[s:s + T + 1] for s in starts], axis=1)


def train_dropout_study(setting: DropoutSetting = DROPOUT_STUDY, schemes=DROPOUT_SCHEMES, seeds=None) -> DropoutRun:
    """Train one model per (scheme, seed) in ``setting``, all together (:class:`StackedCharLSTM`). Model (scheme,
    seed) gets its initial weights and training windows from ``seed`` (so the schemes of one seed start from the
    same weights and see the same windows) and its masks from (scheme, seed), so a run does not depend on which
    other schemes or seeds train beside it. Single-threaded runs are reproducible."""
    seeds = tuple(setting.seeds if seeds is None else seeds)
    unknown = [s for s in schemes if s not in DROPOUT_SCHEMES]
    if unknown or not schemes:
        raise ValueError(f"schemes must be a non-empty selection of {DROPOUT_SCHEMES}; got {tuple(schemes)!r}")
    data, alphabet = lee_characters()
    train_text, val_text = data[:setting.train_chars], data[-setting.val_chars:]
    labels = [(s, seed) for seed in seeds for s in schemes]
    M, V, T, B = len(labels), len(alphabet), setting.T, setting.batch_size
    model = _seeded_stack(labels, seeds, V, setting)
    rngs = {seed: np.random.default_rng(seed) for seed in seeds}
    # one mask stream per (scheme, seed): a run's masks do not depend on which other schemes train beside it
    gens = {(s, seed): torch.Generator().manual_seed(10_000 + 100 * seed + DROPOUT_SCHEMES.index(s)) for s, seed in labels}
    val = torch.from_numpy(_windows(np.random.default_rng(123_457), val_text, T, setting.val_windows))
    val_x, val_y = val[:-1].expand(M, T, -1), val[1:].expand(M, T, -1)
    ones = {size: torch.ones(M, T, setting.val_windows, size) for size in (setting.embedding_size, setting.hidden_size)}
    run = DropoutRun([], {k: [] for k in labels}, {k: [] for k in labels})
    last = {}

    def batch(_):
        """Each seed's windows (its own stream), then each (scheme, seed)'s masks: x, y (M, T, B) and masks."""
        per_seed = {seed: torch.from_numpy(_windows(rngs[seed], train_text, T, B)) for seed in seeds}
        x = torch.stack([per_seed[seed][:-1] for _, seed in labels])
        y = torch.stack([per_seed[seed][1:] for _, seed in labels])
        masks = [torch.cat([dropout_masks([s], T, B, size, conn, setting.p, gens[s, seed]) for s, seed in labels])
                 for conn, size in (("x", setting.embedding_size), ("h", setting.hidden_size), ("out", setting.hidden_size))]
        return x, y, masks

    def loss(batch):
        x, y, masks = batch
        logits = model(x, *masks)
        last["losses"] = torch.nn.functional.cross_entropy(logits.reshape(M * T * B, V), y.reshape(-1),
                                                           reduction="none").reshape(M, -1).mean(dim=1)
        return last["losses"].sum()                         # the models share nothing: each gets its own gradient

    def evaluate():
        logits = model(val_x, ones[setting.embedding_size], ones[setting.hidden_size], ones[setting.hidden_size])
        val_losses = torch.nn.functional.cross_entropy(
            logits.reshape(-1, V), val_y.reshape(-1), reduction="none").reshape(M, -1).mean(dim=1)
        for m, key in enumerate(labels):
            run.val_loss[key].append(float(val_losses[m]))
            run.train_loss[key].append(float(last["losses"][m].detach()))

    curve = loop.train(loop.objective(loss, model=model), batch, setting, evaluate=evaluate, label="dropout",
                       clip=lambda params: _clip_per_model(params, setting.clip))
    run.steps, run.seconds = curve.eval_steps, curve.seconds
    return run
