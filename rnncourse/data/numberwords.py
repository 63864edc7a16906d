"""Number words: a number written in digits ("1984") -> its French words, as word tokens.

    "1984" -> ["mille", "neuf", "cent", "quatre", "-", "vingt", "-", "quatre"]

The French comes from the ``num2words`` package (a ``book``/``test`` extra; it runs offline). Tokens are
the words and the hyphens between them, so the target vocabulary is small (:data:`FRENCH_WORDS`) and
:func:`join_french` puts a token list back into text. French numbers are a good small translation task:
the alignment is mostly monotone, but a word often depends on several digits (71 soixante et onze, 80
quatre-vingts with an s only when nothing follows, "un" dropped before cent and mille).

Numbers are drawn by length: a digit count uniform in [min_digits, max_digits], then a number uniform
among those with that many digits (0 counts as a one-digit number). With ``part="train"`` only numbers
outside the test part of :func:`rnncourse.data.pairs.in_test_part` are drawn, with ``part="test"`` only
numbers inside it, so no test number is ever a training number. With ``source="english"`` the source is
the English words instead (num2words' English, characters), for an English -> French translation.
"""
from __future__ import annotations

import functools
import re

import numpy as np

from .pairs import check_part, in_test_part

DIGITS = "0123456789"
ENGLISH_SYMBOLS = " ,-abdefghilmnorstuvwxyz"
FRENCH_WORDS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
                "douze", "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente", "quarante",
                "cinquante", "soixante", "cent", "cents", "mille", "million", "millions", "milliard",
                "milliards", "et", "-")
MAX_DIGITS = 12


@functools.lru_cache(maxsize=1 << 16)
def _num2words(value: int, lang: str) -> str:
    """num2words, remembered: short numbers recur in every batch, and num2words takes ~0.1 ms a call."""
    from num2words import num2words

    return num2words(value, lang=lang)


def french_tokens(value: int) -> list:
    """The French words of a non-negative integer below 10**12, split into words and hyphens."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < 10**MAX_DIGITS:
        raise ValueError(f"value must be an integer in [0, 10**{MAX_DIGITS}); got {value!r}")
    return re.findall(r"[^\s-]+|-", _num2words(int(value), "fr"))


def join_french(tokens) -> str:
    """Token list -> text: words separated by spaces, hyphens attached to both neighbours."""
    return re.sub(r" ?- ?", "-", " ".join(tokens))


def number_pairs(n: int, rng=None, min_digits: int = 1, max_digits: int = 6, source: str = "digits",
                 part: str = "all") -> list:
    """``n`` pairs (source string, French token list); see the module docstring (``part``: "all", "train" or
    "test")."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    if not (isinstance(min_digits, (int, np.integer)) and isinstance(max_digits, (int, np.integer))
            and 1 <= min_digits <= max_digits <= MAX_DIGITS):
        raise ValueError(f"digit counts must satisfy 1 <= min_digits <= max_digits <= {MAX_DIGITS}; "
                         f"got min_digits={min_digits!r}, max_digits={max_digits!r}")
    if source not in ("digits", "english"):
        raise ValueError(f"source must be 'digits' or 'english'; got {source!r}")
    check_part(part)
    rng = np.random.default_rng(rng)
    out = []
    for d in rng.integers(min_digits, max_digits + 1, size=n).tolist():
        low = 0 if d == 1 else 10 ** (d - 1)
        value = int(rng.integers(low, 10**d))
        while part != "all" and in_test_part(value) != (part == "test"):    # rejection: every count has both
            value = int(rng.integers(low, 10**d))                            # parts (1-digit test: 1, 4, 9)
        src = str(value) if source == "digits" else _num2words(value, "en")
        out.append((src, french_tokens(value)))
    return out
