"""Read a CSV file that the statsmodels wheel ships with one of its datasets (no download)."""
from __future__ import annotations

import importlib.resources

import numpy as np


def statsmodels_csv(dataset: str, filename: str, what: str, **genfromtxt):
    """The table of ``statsmodels.datasets.<dataset>/<filename>`` as a NumPy record array (names from the
    header). ``what`` names the series in the error raised when statsmodels is missing."""
    try:
        path = importlib.resources.files(f"statsmodels.datasets.{dataset}") / filename
    except ModuleNotFoundError:
        raise ValueError(f"{what} is read from the statsmodels package; install it "
                         "(pip install statsmodels, or rnncourse's [book] extra)") from None
    with importlib.resources.as_file(path) as csv:
        return np.genfromtxt(csv, delimiter=",", names=True, **genfromtxt)
