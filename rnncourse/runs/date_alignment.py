"""Where the attention model of book/seq2seq.md looks when it writes a date's month and its day
(sec-seq2seq-attention, the alignment matrix).

A source such as "Tuesday, 17 September 1963" is left-padded to S characters and translated to
"1963-09-17": output characters 5 and 6 are the month's digits, 8 and 9 the day's. For each of them we sum
the attention weights alpha_tj (rows t of ``Seq2Seq.alignment``, (T, B, S)) over the source columns j that
spell the month's name, or the day's digits and the character after them (a unidirectional encoder's state
at j has read up to j, so looking just after the day still reads it). The seed study
``benchmarks/experiments/seq2seq_seeds.py dates`` prints these masses for the seeds below, and
``tests/test_claims_seq2seq.py`` asserts what the chapter says about them.
"""
from __future__ import annotations

import datetime

import numpy as np

from ..data.dates import MONTHS, date_pairs, format_date

FORM = "{Weekday}, {d} {Month} {Y}"           # the form of the chapter's example
EXAMPLE = ("Tuesday, 17 September 1963", "1963-09-17")
MONTH_ROWS, DAY_ROWS = (5, 6), (8, 9)         # output characters of YYYY-MM-DD
SEEDS = (0, 1, 2, 3, 4)                       # training seeds of the dates model (setting DATES) in the study
HELD_OUT = {"n": 200, "rng": 31}              # test-part dates in FORM scored by the study


def field_columns(date: datetime.date, S: int, fmt: str = FORM) -> tuple[list, list]:
    """(month columns, day columns) of ``date`` written in ``fmt`` and left-padded to S characters: the month
    name's characters; the day's digits and the character after them."""
    for field in ("{Month}", "{d}"):
        if field not in fmt:
            raise ValueError(f"fmt must contain {{Month}} and {{d}}; got {fmt!r}")
    source = format_date(date, fmt)
    if len(source) > S:
        raise ValueError(f"S must be at least the source's length {len(source)}; got {S}")
    pad = S - len(source)
    month = pad + len(format_date(date, fmt.split("{Month}")[0]))
    day = pad + len(format_date(date, fmt.split("{d}")[0]))
    return (list(range(month, month + len(MONTHS[date.month - 1]))),
            list(range(day, min(day + len(str(date.day)) + 1, S))))


def alignment_masses(run, examples, fmt: str = FORM) -> dict:
    """Attention mass on the month name of each month-digit row and on the day of each day-digit row.

    ``run`` is a trained attention run of rnncourse.runs.seq2seq (its ``batch`` and ``model.alignment``);
    ``examples`` are (source, ISO date) pairs written in ``fmt``. Returns {"month": (N, 2), "day": (N, 2)}.
    """
    src, tgt_in, _ = run.batch(examples)
    alpha = run.model.alignment(src, tgt_in)                                  # (T, N, S)
    month, day = np.zeros((len(examples), 2)), np.zeros((len(examples), 2))
    for b, (source, target) in enumerate(examples):
        date = datetime.date.fromisoformat(target)
        if format_date(date, fmt) != source:
            raise ValueError(f"example {b} is not its date written as {fmt!r}: {source!r} for {target}")
        month_cols, day_cols = field_columns(date, src.shape[0], fmt)
        month[b] = alpha[list(MONTH_ROWS)][:, b][:, month_cols].sum(axis=1)
        day[b] = alpha[list(DAY_ROWS)][:, b][:, day_cols].sum(axis=1)
    return {"month": month, "day": day}


def held_out_dates(fmt: str = FORM) -> list:
    """The study's test-part dates (never trained on), all written in ``fmt``."""
    return date_pairs(HELD_OUT["n"], HELD_OUT["rng"], formats=(fmt,), part="test")


def study_row(run) -> dict:
    """One seed of the study: the example's four masses and, over the held-out dates, the share of dates
    whose two month rows and two day rows all put at least half their weight on the month name and the day."""
    ex = alignment_masses(run, [EXAMPLE])
    held = alignment_masses(run, held_out_dates())
    both = (held["month"] >= 0.5).all(axis=1) & (held["day"] >= 0.5).all(axis=1)
    return {"example_month": ex["month"][0], "example_day": ex["day"][0], "held_out_share": float(both.mean()),
            "held_out_month_median": float(np.median(held["month"])), "held_out_day_median": float(np.median(held["day"]))}
