"""Yearly sunspot numbers 1700-2008, read from the copy the statsmodels wheel ships (no download).

statsmodels is in the ``book`` and ``test`` extras, not the core library: ``pip install rnncourse[book]``.
"""
from __future__ import annotations

import numpy as np

from ._statsmodels import statsmodels_csv


def load_sunspots():
    """Return (years (309,) int, sunspot numbers (309,) float64) for 1700-2008 (Wolfer / SIDC yearly means)."""
    table = statsmodels_csv("sunspots", "sunspots.csv", "the sunspot series")
    return table["YEAR"].astype(int), table["SUNACTIVITY"].astype(np.float64)
