"""The sequence-to-sequence runs of the book: named settings and one training helper shared by
book/seq2seq.md, the seed study ``benchmarks/experiments/seq2seq_seeds.py`` and
``tests/test_claims_seq2seq.py``, so a number the chapter quotes and the test that asserts it have one source.

Models are :class:`rnncourse.torch.Seq2Seq` (torch.nn.GRU encoder, GRU or attention-GRU decoder) trained
with teacher forcing, Adam and norm clipping, on fresh generated batches every step; they are evaluated by
greedy decoding (:meth:`rnncourse.torch.Seq2Seq.greedy`) on a held-out set drawn from its own seed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import torch

from .data import dates, numberwords
from .data.pairs import EOS, TokenVocab, make_batch
from .torch.seq2seq import Seq2Seq


@dataclass(frozen=True)
class Seq2SeqSetting:
    """One named training setting (task "dates" or "numbers")."""

    task: str
    steps: int
    attention: bool = False
    reverse_source: bool = False
    embed_size: int = 16
    hidden_size: int = 64
    batch_size: int = 64
    lr: float = 1e-2
    clip: float = 1.0
    min_digits: int = 1                  # numbers: the digit counts trained and tested on
    max_digits: int = 8
    test_size: int = 800
    seeds: tuple = (0, 1, 2)


DATES = Seq2SeqSetting(task="dates", steps=250, attention=True)                      # book/seq2seq.md
NUMBERS = Seq2SeqSetting(task="numbers", steps=300)                                 # plain; attention=True beside it


def vocabularies(task: str) -> tuple[TokenVocab, TokenVocab]:
    """(source vocabulary, target vocabulary) of a task: characters -> characters, or digits -> French words."""
    if task == "dates":
        return TokenVocab(dates.SOURCE_SYMBOLS), TokenVocab(dates.TARGET_SYMBOLS)
    if task == "numbers":
        return TokenVocab(numberwords.DIGITS), TokenVocab(numberwords.FRENCH_WORDS)
    raise ValueError(f"task must be 'dates' or 'numbers'; got {task!r}")


def pairs(setting: Seq2SeqSetting, n: int, rng) -> list:
    """``n`` (source, target) pairs of the setting's task."""
    if setting.task == "dates":
        return dates.date_pairs(n, rng)
    return numberwords.number_pairs(n, rng, setting.min_digits, setting.max_digits)


def source_length(setting: Seq2SeqSetting) -> int:
    """Every source is left-padded to this length (the task's longest), in training and in use alike."""
    return dates.MAX_SOURCE_LENGTH if setting.task == "dates" else setting.max_digits


def held_out_seed(seed: int) -> int:
    """The seed of a run's test set: never one of the training batches' streams."""
    return 2_000_003 + seed


@dataclass
class Seq2SeqRun:
    """A trained model, its setting and vocabularies, the training loss every 50 steps, and its seconds."""

    setting: Seq2SeqSetting
    model: Seq2Seq
    src_vocab: TokenVocab
    tgt_vocab: TokenVocab
    losses: list
    seconds: float
    seed: int = 0

    def batch(self, examples):
        return make_batch(examples, self.src_vocab, self.tgt_vocab, self.setting.reverse_source,
                          source_length(self.setting))

    def translate(self, examples) -> list:
        """Greedy translations (symbol lists) of the sources of ``examples``."""
        src, _, tgt_out = self.batch(examples)
        out = self.model.greedy(src, tgt_out.shape[0] + 5)
        return [self.tgt_vocab.decode(out[:, b]) for b in range(len(examples))]

    def correct(self, examples) -> np.ndarray:
        """Whether each greedy translation is exactly right (bool (N,)), all examples in one padded batch."""
        return np.array([o == list(t) for o, (_, t) in zip(self.translate(examples), examples)])

    def test_set(self, seed: int | None = None, n: int | None = None) -> list:
        seed = held_out_seed(self.seed if seed is None else seed)
        return pairs(self.setting, n or self.setting.test_size, seed)


def train(setting: Seq2SeqSetting, seed: int = 0, **overrides) -> Seq2SeqRun:
    """Train a fresh model in ``setting`` (fields overridden by ``overrides``) from ``seed``."""
    setting = replace(setting, **overrides) if overrides else setting
    src_vocab, tgt_vocab = vocabularies(setting.task)
    torch.manual_seed(seed)
    model = Seq2Seq(len(src_vocab), len(tgt_vocab), setting.embed_size, setting.hidden_size,
                    attention=setting.attention)
    opt = torch.optim.Adam(model.parameters(), lr=setting.lr)
    rng = np.random.default_rng(seed)
    losses, start = [], time.perf_counter()
    for step in range(setting.steps):
        examples = pairs(setting, setting.batch_size, rng)
        src, tgt_in, tgt_out = make_batch(examples, src_vocab, tgt_vocab, setting.reverse_source, source_length(setting))
        opt.zero_grad()
        loss = model.loss(src, tgt_in, tgt_out)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), setting.clip)
        opt.step()
        if step % 50 == 0 or step == setting.steps - 1:
            losses.append((step, loss.item()))
    return Seq2SeqRun(setting, model, src_vocab, tgt_vocab, losses, time.perf_counter() - start, seed)


def accuracy_by_digits(run: Seq2SeqRun, n_per_length: int = 100, seed: int | None = None) -> dict:
    """Exact-match accuracy of greedy translations for each digit count of the setting (numbers task)."""
    rng = np.random.default_rng(held_out_seed(run.seed if seed is None else seed))
    digits = range(run.setting.min_digits, run.setting.max_digits + 1)
    examples = [pair for d in digits for pair in numberwords.number_pairs(n_per_length, rng, d, d)]
    ok = run.correct(examples).reshape(len(digits), n_per_length)     # one batch, padded as in training
    return {d: float(row.mean()) for d, row in zip(digits, ok)}


@torch.no_grad()
def position_errors(run: Seq2SeqRun, examples) -> dict:
    """Token errors by output position, teacher-forced and free-running (greedy), over ``examples``.

    Returns {"forced": wrong (T, N) bool, "free": wrong (T, N) bool, "valid": (T, N) bool}: position t of
    example n is wrong when the predicted token differs from the true one (EOS included). Free-running
    predictions come from greedy decoding, which feeds back the model's own tokens."""
    src, tgt_in, tgt_out = run.batch(examples)
    valid = tgt_out != 0
    forced = run.model(src, tgt_in).argmax(dim=2).numpy()
    free = run.model.greedy(src, tgt_out.shape[0])
    if free.shape[0] < tgt_out.shape[0]:
        free = np.concatenate([free, np.full((tgt_out.shape[0] - free.shape[0], free.shape[1]), EOS)])
    return {"forced": (forced != tgt_out) & valid, "free": (free != tgt_out) & valid, "valid": valid}


# the three models of the seed study (benchmarks/experiments/seq2seq_seeds.py), as overrides of NUMBERS
STUDY_MODELS = {"plain": {}, "reversed": {"reverse_source": True}, "attention": {"attention": True}}
