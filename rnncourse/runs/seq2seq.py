"""The sequence-to-sequence runs of the book: named settings and one training helper shared by
book/seq2seq.md, the seed study ``benchmarks/experiments/seq2seq_seeds.py`` and
``tests/test_claims_seq2seq.py``, so a number the chapter quotes and the test that asserts it have one source.

Models are :class:`rnncourse.torch.Seq2Seq` (torch.nn.GRU encoder, GRU or attention-GRU decoder) trained
with teacher forcing, Adam and norm clipping, on fresh generated batches every step; they are evaluated by
greedy decoding (:meth:`rnncourse.torch.Seq2Seq.greedy`) on a held-out set drawn from its own seed and
from the test part of the task (:func:`rnncourse.data.pairs.in_test_part`): training batches are drawn from
the training part only, so no test number or test day is ever seen in training.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

import numpy as np
import torch

from ..bleu import corpus_bleu, edit_distance
from ..data import dates, numberwords
from ..data.pairs import EOS, TokenVocab, make_batch
from ..torch.seq2seq import Seq2Seq
from . import loop


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


def pairs(setting: Seq2SeqSetting, n: int, rng, part: str = "train") -> list:
    """``n`` (source, target) pairs of the setting's task, from its training part (or ``part="test"``)."""
    if setting.task == "dates":
        return dates.date_pairs(n, rng, part=part)
    return numberwords.number_pairs(n, rng, setting.min_digits, setting.max_digits, part=part)


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
        return pairs(self.setting, n or self.setting.test_size, seed, part="test")


def train(setting: Seq2SeqSetting, seed: int = 0, **overrides) -> Seq2SeqRun:
    """Train a fresh model in ``setting`` (fields overridden by ``overrides``) from ``seed``."""
    setting = replace(setting, **overrides) if overrides else setting
    src_vocab, tgt_vocab = vocabularies(setting.task)
    torch.manual_seed(seed)
    model = Seq2Seq(len(src_vocab), len(tgt_vocab), setting.embed_size, setting.hidden_size,
                    attention=setting.attention)

    def batch(rng):
        return make_batch(pairs(setting, setting.batch_size, rng), src_vocab, tgt_vocab, setting.reverse_source,
                          source_length(setting))

    curve = loop.train(loop.objective(lambda b: model.loss(*b), model=model), batch, setting, seed,
                       label=f"seq2seq {setting.task}")
    losses = [(step, loss) for step, loss in enumerate(curve.loss) if step % 50 == 0 or step == setting.steps - 1]
    return Seq2SeqRun(setting, model, src_vocab, tgt_vocab, losses, curve.seconds, seed)


def accuracy_by_digits(run: Seq2SeqRun, n_per_length: int = 100, seed: int | None = None) -> dict:
    """Exact-match accuracy of greedy translations of ``n_per_length`` test-part numbers (never trained on) for
    each digit count of the setting (numbers task)."""
    rng = np.random.default_rng(held_out_seed(run.seed if seed is None else seed))
    digits = range(run.setting.min_digits, run.setting.max_digits + 1)
    examples = [pair for d in digits for pair in numberwords.number_pairs(n_per_length, rng, d, d, part="test")]
    ok = run.correct(examples).reshape(len(digits), n_per_length)     # one batch, padded as in training
    return {d: float(row.mean()) for d, row in zip(digits, ok)}


@torch.no_grad()
def exposure_errors(run: Seq2SeqRun, examples) -> dict:
    """Teacher-forced against free-running (greedy) errors over ``examples``, scored so that one dropped or
    added word is one error, not a shift that makes every later word wrong.

    Returns a dict of floats and counts:
      "forced"       word error rate under teacher forcing (every position reads the true history; </s>
                     not counted);
      "free"         word error rate of the greedy outputs: summed edit distance / summed reference length
                     (</s> not counted);
      "wrong_length" number of greedy outputs whose length differs from the reference's; "n" the examples;
      "p_after", "p_clean", "n_after", "n_clean": on the greedy outputs of the right length only (where
                     position t of the output is aligned with position t of the reference), the error rate
                     at positions after the first wrong word and at positions with a correct history so
                     far, and how many positions each rate is over.
    """
    src, tgt_in, tgt_out = run.batch(examples)
    valid = (tgt_out != 0) & (tgt_out != EOS)                    # word positions
    forced = (run.model(src, tgt_in).argmax(dim=2).numpy() != tgt_out) & valid
    free = run.model.greedy(src, tgt_out.shape[0] + 5)
    outputs = [run.tgt_vocab.decode(free[:, b]) for b in range(len(examples))]
    refs = [list(t) for _, t in examples]
    after = clean = n_after = n_clean = 0
    for out, ref in zip(outputs, refs):
        if len(out) != len(ref):
            continue
        wrong = np.array([a != b for a, b in zip(out, ref)])
        seen = np.cumsum(wrong) - wrong > 0                     # an earlier word was already wrong
        after, n_after = after + wrong[seen].sum(), n_after + seen.sum()
        clean, n_clean = clean + wrong[~seen].sum(), n_clean + (~seen).sum()
    return {"forced": float(forced.sum() / valid.sum()),
            "free": sum(edit_distance(o, r) for o, r in zip(outputs, refs)) / sum(map(len, refs)),
            "wrong_length": sum(len(o) != len(r) for o, r in zip(outputs, refs)), "n": len(examples),
            "p_after": float(after / max(n_after, 1)), "p_clean": float(clean / max(n_clean, 1)),
            "n_after": int(n_after), "n_clean": int(n_clean), "outputs": outputs}


def test_scores(run: Seq2SeqRun, examples) -> dict:
    """Exact match and corpus BLEU-4 (:func:`rnncourse.bleu.corpus_bleu`) of the greedy translations."""
    outputs = run.translate(examples)
    refs = [[list(t)] for _, t in examples]
    return {"exact": float(np.mean([o == r[0] for o, r in zip(outputs, refs)])),
            "BLEU-4": corpus_bleu(refs, outputs, 4)}


# the three models of the seed study (benchmarks/experiments/seq2seq_seeds.py), as overrides of NUMBERS
STUDY_MODELS = {"plain": {}, "reversed": {"reverse_source": True}, "attention": {"attention": True}}
EXPOSURE_SET = {"n": 400, "rng": 12, "min_digits": 1, "max_digits": 8}    # test-part numbers of sec-seq2seq-exposure


def exposure_examples() -> list:
    """The 400 test-part numbers of 1-8 digits on which book/seq2seq.md scores exposure bias."""
    return numberwords.number_pairs(part="test", **EXPOSURE_SET)


def study_row(name: str, seed: int) -> dict:
    """One row of the seed study: train model ``name`` of STUDY_MODELS from ``seed`` in NUMBERS and score it
    (accuracy by digit count, exact match and BLEU-4 on its test set, the exposure-bias scores)."""
    run = train(NUMBERS, seed, **STUDY_MODELS[name])
    row = {"accuracy": accuracy_by_digits(run), **test_scores(run, run.test_set()),
           **exposure_errors(run, exposure_examples()), "seconds": run.seconds}
    row.pop("outputs")
    return row


# ----------------------------------------------------------------------------------------------------------
# The dates study: where the attention model looks when it writes a date's month and day
#
# Where the attention model of book/seq2seq.md looks when it writes a date's month and its day
# (sec-seq2seq-attention, the alignment matrix).
#
# A source such as "Tuesday, 17 September 1963" is left-padded to S characters and translated to
# "1963-09-17": output characters 5 and 6 are the month's digits, 8 and 9 the day's. For each of them we sum
# the attention weights alpha_tj (rows t of ``Seq2Seq.alignment``, (T, B, S)) over the source columns j that
# spell the month's name, or the day's digits and the character after them (a unidirectional encoder's state
# at j has read up to j, so looking just after the day still reads it). The seed study
# ``benchmarks/experiments/seq2seq_seeds.py dates`` prints these masses for the seeds below, and
# ``tests/test_claims_seq2seq_dates.py`` asserts what the chapter says about them.

DATE_FORM = "{Weekday}, {d} {Month} {Y}"           # the form of the chapter's example
DATE_EXAMPLE = ("Tuesday, 17 September 1963", "1963-09-17")
MONTH_ROWS, DAY_ROWS = (5, 6), (8, 9)         # output characters of YYYY-MM-DD
DATE_SEEDS = (0, 1, 2, 3, 4)                       # training seeds of the dates model (setting DATES) in the study
DATE_HELD_OUT = {"n": 200, "rng": 31}              # test-part dates in DATE_FORM scored by the study


def field_columns(date: datetime.date, S: int, fmt: str = DATE_FORM) -> tuple[list, list]:
    """(month columns, day columns) of ``date`` written in ``fmt`` and left-padded to S characters: the month
    name's characters; the day's digits and the character after them."""
    for field in ("{Month}", "{d}"):
        if field not in fmt:
            raise ValueError(f"fmt must contain {{Month}} and {{d}}; got {fmt!r}")
    source = dates.format_date(date, fmt)
    if len(source) > S:
        raise ValueError(f"S must be at least the source's length {len(source)}; got {S}")
    pad = S - len(source)
    month = pad + len(dates.format_date(date, fmt.split("{Month}")[0]))
    day = pad + len(dates.format_date(date, fmt.split("{d}")[0]))
    return (list(range(month, month + len(dates.MONTHS[date.month - 1]))),
            list(range(day, min(day + len(str(date.day)) + 1, S))))


def alignment_masses(run, examples, fmt: str = DATE_FORM) -> dict:
    """Attention mass on the month name of each month-digit row and on the day of each day-digit row.

    ``run`` is a trained attention run of rnncourse.runs.seq2seq (its ``batch`` and ``model.alignment``);
    ``examples`` are (source, ISO date) pairs written in ``fmt``. Returns {"month": (N, 2), "day": (N, 2)}.
    """
    src, tgt_in, _ = run.batch(examples)
    alpha = run.model.alignment(src, tgt_in)                                  # (T, N, S)
    month, day = np.zeros((len(examples), 2)), np.zeros((len(examples), 2))
    for b, (source, target) in enumerate(examples):
        date = datetime.date.fromisoformat(target)
        if dates.format_date(date, fmt) != source:
            raise ValueError(f"example {b} is not its date written as {fmt!r}: {source!r} for {target}")
        month_cols, day_cols = field_columns(date, src.shape[0], fmt)
        month[b] = alpha[list(MONTH_ROWS)][:, b][:, month_cols].sum(axis=1)
        day[b] = alpha[list(DAY_ROWS)][:, b][:, day_cols].sum(axis=1)
    return {"month": month, "day": day}


def held_out_dates(fmt: str = DATE_FORM) -> list:
    """The study's test-part dates (never trained on), all written in ``fmt``."""
    return dates.date_pairs(DATE_HELD_OUT["n"], DATE_HELD_OUT["rng"], formats=(fmt,), part="test")


def date_study_row(run) -> dict:
    """One seed of the study: the example's four masses and, over the held-out dates, the share of dates
    whose two month rows and two day rows all put at least half their weight on the month name and the day."""
    ex = alignment_masses(run, [DATE_EXAMPLE])
    held = alignment_masses(run, held_out_dates())
    both = (held["month"] >= 0.5).all(axis=1) & (held["day"] >= 0.5).all(axis=1)
    return {"example_month": ex["month"][0], "example_day": ex["day"][0], "held_out_share": float(both.mean()),
            "held_out_month_median": float(np.median(held["month"])), "held_out_day_median": float(np.median(held["day"]))}
