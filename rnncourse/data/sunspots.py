"""Yearly sunspot numbers 1700-2008, read from the copy the statsmodels wheel ships (no download).

statsmodels is in the ``book`` and ``test`` extras, not the core library: ``pip install rnncourse[book]``.
"""
from __future__ import annotations

import importlib.resources

import numpy as np


def load_sunspots():
    """Return (years (309,) int, sunspot numbers (309,) float64) for 1700-2008 (Wolfer / SIDC yearly means)."""
    try:
        path = importlib.resources.files("statsmodels.datasets.sunspots") / "sunspots.csv"
    except ModuleNotFoundError:
        raise ValueError("the sunspot series is read from the statsmodels package; install it "
                         "(pip install statsmodels, or rnncourse's [book] extra)") from None
    with importlib.resources.as_file(path) as csv:
        table = np.genfromtxt(csv, delimiter=",", names=True)
    return table["YEAR"].astype(int), table["SUNACTIVITY"].astype(np.float64)
