"""Date normalisation: a date written in one of several English forms -> ISO 8601 ("2021-03-03").

Generated with the standard library (``datetime``): a uniformly random day between 1 January of
``years[0]`` and 31 December of ``years[1]``, written in a random form from :data:`FORMATS`. Every form
spells the year with four digits and names the month (or, in the numeric form, puts the day first, with
dots, the European order), so no source is ambiguous. Month and weekday names are fixed English lists,
not the machine's locale. ``part="train"`` / ``"test"`` draws only days outside / inside the test part of
:func:`rnncourse.data.pairs.in_test_part` (keyed on the day's ordinal), so test days are never training days.

>>> format_date(datetime.date(2021, 3, 3), "{d} {Month} {Y}"), iso(datetime.date(2021, 3, 3))
('3 March 2021', '2021-03-03')
"""
from __future__ import annotations

import datetime

import numpy as np

from .pairs import check_part, in_test_part

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FORMATS = ("{d} {Month} {Y}", "{Month} {d}, {Y}", "{d} {Mon} {Y}", "{Mon} {d} {Y}", "{Weekday}, {d} {Month} {Y}",
           "{Weekday} {Month} {d}, {Y}", "{dd}.{mm}.{Y}", "{Y} {Month} {d}")
SOURCE_SYMBOLS = "".join(sorted(set("".join(MONTHS + WEEKDAYS) + "0123456789 ,.")))
TARGET_SYMBOLS = "0123456789-"
MAX_SOURCE_LENGTH = max(len(f.format(d="30", dd="30", m="12", mm="12", Y="2000", Month=max(MONTHS, key=len),
                                     Mon="Sep", Weekday=max(WEEKDAYS, key=len))) for f in FORMATS)


def format_date(date: datetime.date, fmt: str) -> str:
    """``date`` written in form ``fmt`` (fields d, dd, m, mm, Y, Month, Mon, Weekday)."""
    return fmt.format(d=date.day, dd=f"{date.day:02d}", m=date.month, mm=f"{date.month:02d}", Y=f"{date.year:04d}",
                      Month=MONTHS[date.month - 1], Mon=MONTHS[date.month - 1][:3], Weekday=WEEKDAYS[date.weekday()])


def iso(date: datetime.date) -> str:
    """YYYY-MM-DD."""
    return date.isoformat()


def date_pairs(n: int, rng=None, years: tuple = (1900, 2099), formats: tuple = FORMATS, part: str = "all") -> list:
    """``n`` pairs (source string, ISO string) of random days in ``years`` (inclusive), random forms; ``part``
    "all", "train" or "test" (see the module docstring)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    first, last = years
    if not (1000 <= first <= last <= 9999):
        raise ValueError(f"years must be four-digit years (first, last) with first <= last; got {years!r}")
    if not formats:
        raise ValueError("formats must name at least one form; got none")
    check_part(part)
    rng = np.random.default_rng(rng)
    start = datetime.date(first, 1, 1).toordinal()
    span = datetime.date(last, 12, 31).toordinal() - start + 1
    days = rng.integers(0, span, size=n)
    forms = rng.integers(0, len(formats), size=n)
    out = []
    for day, form in zip(days.tolist(), forms.tolist()):
        while part != "all" and in_test_part(start + day) != (part == "test"):
            day = int(rng.integers(0, span))
        date = datetime.date.fromordinal(start + day)
        out.append((format_date(date, formats[form]), iso(date)))
    return out
