"""Statistical verdicts on random draws (parent side): Pearson's chi-square of observed counts against
the shares they should have, judged on both sides: too far from the shares (a wrong distribution) and
too close to them to be random (counts laid out to match, not drawn).
"""
from __future__ import annotations

import math

import numpy as np


def chi_square_z(draws, share):
    """Pearson's chi-square of the draws' word counts against the shares (words of share > 0), as a standard
    normal z by the Wilson-Hilferty transform (chi^2/df)^(1/3) ~ N(1 - 2/(9 df), 2/(9 df))."""
    words = np.flatnonzero(share > 0)
    df = len(words) - 1
    if df < 1:
        return 0.0
    observed = np.bincount(draws, minlength=share.size)[words]
    expected = draws.size * share[words]
    chi2 = float(np.sum((observed - expected) ** 2 / expected))
    return ((chi2 / df) ** (1 / 3) - (1 - 2 / (9 * df))) / np.sqrt(2 / (9 * df))


def chi_square_lower_tail(x: float, df: int) -> float:
    """P(chi^2_df <= x), the regularized lower incomplete gamma P(df/2, x/2) by its power series
    (exact where it matters here, the small-x tail: a draw that matches its expected counts too well)."""
    if x <= 0:
        return 0.0
    s, h = df / 2, x / 2
    term = math.exp(s * math.log(h) - h - math.lgamma(s + 1))
    total, n = term, 1
    while term > 1e-17 * total and n < 100_000:
        term *= h / (s + n)
        total += term
        n += 1
    return min(1.0, total)


def pooled_chi_square(counts, expected, min_expected: float = 25.0) -> tuple:
    """(chi^2, df) over the categories expected at least ``min_expected`` times, the rest pooled into one
    category when that is expected often enough (the chi-square law holds only for large expected counts)."""
    counts, expected = np.asarray(counts, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    big = expected >= min_expected
    obs, exp = list(counts[big]), list(expected[big])
    if expected[~big].sum() >= min_expected:
        obs.append(counts[~big].sum())
        exp.append(expected[~big].sum())
    obs, exp = np.array(obs), np.array(exp)
    return float(np.sum((obs - exp) ** 2 / exp)), len(obs) - 1
