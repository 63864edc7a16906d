"""The seven Tomita grammars (Tomita 1982), the regular languages over {0, 1} on which Giles et al. (1992)
trained second-order recurrent networks, and every string of given lengths with its label.

    1  1*                                   5  even number of 0s and even number of 1s
    2  (10)*                                6  (number of 0s - number of 1s) divisible by 3
    3  no odd run of 1s directly followed by an odd run of 0s   7  0*1*0*1*
    4  no three consecutive 0s (no "000")

Generated, never downloaded.
"""
from __future__ import annotations

import itertools
import re

import numpy as np


def _tomita3(s: str) -> bool:
    # reject when a run of 1s of odd length is immediately followed by a run of 0s of odd length
    runs = [m.group() for m in re.finditer(r"0+|1+", s)]
    return not any(a[0] == "1" and len(a) % 2 and b[0] == "0" and len(b) % 2 for a, b in zip(runs, runs[1:]))


GRAMMARS = {
    1: lambda s: "0" not in s,
    2: lambda s: len(s) % 2 == 0 and s == "10" * (len(s) // 2),
    3: _tomita3,
    4: lambda s: "000" not in s,
    5: lambda s: s.count("0") % 2 == 0 and s.count("1") % 2 == 0,
    6: lambda s: (s.count("0") - s.count("1")) % 3 == 0,
    7: lambda s: re.fullmatch(r"0*1*0*1*", s) is not None,
}


def accepts(grammar: int, string: str) -> bool:
    """Whether Tomita grammar ``grammar`` (1..7) accepts ``string`` (a str of '0' and '1')."""
    if grammar not in GRAMMARS:
        raise ValueError(f"grammar must be one of 1..7; got {grammar!r}")
    if set(string) - {"0", "1"}:
        raise ValueError(f"string must consist of '0' and '1'; got {string!r}")
    return bool(GRAMMARS[grammar](string))


def strings_of_length(grammar: int, length: int):
    """Every binary string of ``length`` as one-hot inputs and labels.

    Returns (x (T=length, B=2^length, I=2) one-hot float64, y (B,) float64 1 = accepted, strings list)."""
    if not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"length must be a positive integer; got {length!r}")
    strings = ["".join(bits) for bits in itertools.product("01", repeat=length)]
    codes = np.array([[int(c) for c in s] for s in strings])          # (B, T)
    x = np.eye(2)[codes].transpose(1, 0, 2)                           # (T, B, 2)
    y = np.array([accepts(grammar, s) for s in strings], dtype=np.float64)
    return x, y, strings
