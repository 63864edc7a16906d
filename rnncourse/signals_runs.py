"""The runs of book/images-and-signals.md: captioning, forecasting and EEG-style classification.

One set of named settings shared by the chapter, the seed study ``benchmarks/experiments/signals_seeds.py``
and ``tests/test_claims_signals.py``, so a number the chapter quotes and the test asserting it cannot
drift apart. The page runs the ``*_PAGE`` settings (small, seconds); the seed study runs ``*_STUDY``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch

from .bleu import bleu_scores
from .data.scenes import compositional_split, digit_strips, shape_scenes
from .decoding import beam_search, greedy_decode
from .torch.captioning import ShowAndTell

# ---- captioning ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptionSetting:
    """Show-and-Tell training: Adam, minibatches of ``batch_size`` scenes drawn with replacement of batches."""

    steps: int
    data: str = "scenes"                  # "scenes" (1,000 scenes: 800 train, 200 held out) or "digits"
    embed_size: int = 32
    hidden_size: int = 64
    channels: tuple = (8, 16)
    batch_size: int = 32
    lr: float = 3e-3
    beam_width: int = 3
    held_out_pairs: tuple = ()            # non-empty: the compositional split
    seeds: tuple = (0,)


HELD_OUT_PAIRS = (("red", "triangle"), ("blue", "circle"), ("green", "square"), ("yellow", "circle"))
CAPTION_PAGE = CaptionSetting(steps=300)                                  # book/images-and-signals.md
CAPTION_STUDY = CaptionSetting(steps=1200, seeds=(0, 1, 2))              # benchmarks/experiments/signals_seeds.py
COMPOSITIONAL_STUDY = CaptionSetting(steps=1200, held_out_pairs=HELD_OUT_PAIRS, seeds=(0, 1, 2))
DIGITS_PAGE = CaptionSetting(steps=300, data="digits")


def caption_data(setting: CaptionSetting, seed: int = 0):
    """(train, test) CaptionData of a setting. The scene data do not depend on the training seed."""
    if setting.held_out_pairs:
        return compositional_split(800, 200, setting.held_out_pairs, seed=0)
    if setting.data == "digits":
        return digit_strips(1000, 3, seed=0, part="train"), digit_strips(200, 3, seed=1, part="test")
    data = shape_scenes(1000, seed=0)
    return data.subset(np.arange(800)), data.subset(np.arange(800, 1000))


@dataclass
class CaptionRun:
    model: ShowAndTell
    losses: list
    greedy: list                    # greedy captions of the test images (strings)
    beam: list                      # best beam-search captions
    references: list                # the true test captions
    seconds: float = 0.0
    metrics: dict = field(default_factory=dict)


def caption_step_fn(model: ShowAndTell, image):
    return model.step_function(np.asarray(image, dtype=np.float32))


def train_captioner(setting: CaptionSetting, seed: int = 0, data=None) -> CaptionRun:
    """Train the torch Show-and-Tell model with teacher forcing; decode the test images greedily and with
    beam search; metrics: exact match (greedy, beam), token accuracy under teacher forcing, BLEU-1..4."""
    start = time.perf_counter()
    train, test = data or caption_data(setting, seed)
    torch.manual_seed(seed)
    model = ShowAndTell(train.images.shape[1:], len(train.vocab), setting.embed_size, setting.hidden_size,
                        setting.channels)
    opt = torch.optim.Adam(model.parameters(), lr=setting.lr)
    X, Y = torch.tensor(train.images, dtype=torch.float32), torch.tensor(train.tokens)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(setting.steps):
        idx = torch.from_numpy(rng.choice(len(Y), setting.batch_size, replace=False))
        loss = model.loss(X[idx], Y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    vocab, max_len = test.vocab, test.tokens.shape[1]
    greedy, beam = [], []
    for image in test.images:
        step, state = caption_step_fn(model, image)
        greedy.append(vocab.decode(greedy_decode(step, state, vocab.start, vocab.end, max_len).tokens))
        step, state = caption_step_fn(model, image)
        best = beam_search(step, state, vocab.start, vocab.end, max_len, beam_width=setting.beam_width)[0]
        beam.append(vocab.decode(best.tokens))
    with torch.no_grad():
        Yt = torch.tensor(test.tokens)
        pred = model(torch.tensor(test.images, dtype=torch.float32), Yt[:, :-1]).argmax(-1)
        mask = Yt[:, 1:] != vocab.pad
        token_acc = float((pred == Yt[:, 1:])[mask].float().mean())
    refs = test.captions
    metrics = {"exact_greedy": float(np.mean([g == r for g, r in zip(greedy, refs)])),
               "exact_beam": float(np.mean([b == r for b, r in zip(beam, refs)])),
               "token_accuracy": token_acc,
               **bleu_scores([[r.split()] for r in refs], [g.split() for g in greedy])}
    return CaptionRun(model, losses, greedy, beam, refs, time.perf_counter() - start, metrics)
