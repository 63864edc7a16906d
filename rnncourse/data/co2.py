"""Atmospheric CO2 at Mauna Loa, weekly 1958-03-29 to 2001-12-29, read from the copy the statsmodels wheel
ships (``statsmodels.datasets.co2``; no download), and made monthly.

The weekly series has 59 missing weeks (empty fields). :func:`load_co2_monthly` averages the weeks of each
calendar month that are present and fills a month with no observation (there are a few, early on) by linear
interpolation between its neighbours, so the monthly series is complete: 526 months, 1958-03 to 2001-12.

statsmodels is in the ``book`` and ``test`` extras, not the core library.
"""
from __future__ import annotations

import numpy as np

from ._statsmodels import statsmodels_csv


def load_co2_weekly():
    """(dates (N,) int YYYYMMDD, ppm (N,) float64 with NaN for the missing weeks), N = 2,284."""
    table = statsmodels_csv("co2", "co2.csv", "the CO2 series", missing_values="", filling_values=np.nan)
    return table["date"].astype(np.int64), table["co2"].astype(np.float64)


def load_co2_monthly():
    """(months (M,) float64 as decimal years, e.g. 1958.167 for March 1958; ppm (M,) float64, no NaN;
    filled (M,) bool, True for the months with no weekly observation, interpolated)."""
    dates, ppm = load_co2_weekly()
    month_index = (dates // 10000) * 12 + (dates // 100) % 100 - 1            # year * 12 + month - 1
    first, last = month_index.min(), month_index.max()
    sums = np.bincount(month_index - first, weights=np.nan_to_num(ppm), minlength=last - first + 1)
    counts = np.bincount(month_index - first, weights=~np.isnan(ppm), minlength=last - first + 1)
    filled = counts == 0
    monthly = np.divide(sums, counts, out=np.full_like(sums, np.nan), where=~filled)
    idx = np.arange(monthly.size)
    monthly[filled] = np.interp(idx[filled], idx[~filled], monthly[~filled])
    months = (first + idx) / 12.0
    return months, monthly, filled


def forecast_windows(series, context: int, horizon: int):
    """All (input, target) windows of a 1-D series: inputs (N, context), targets (N, horizon), where window i
    reads series[i : i + context] and targets series[i + context : i + context + horizon]."""
    series = np.asarray(series, dtype=np.float64)
    for name, value in (("context", context), ("horizon", horizon)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}")
    if series.ndim != 1 or series.size < context + horizon:
        raise ValueError(f"series must be 1-D with at least context + horizon = {context + horizon} values; "
                         f"got shape {series.shape}")
    win = np.lib.stride_tricks.sliding_window_view(series, context + horizon)
    return win[:, :context].copy(), win[:, context:].copy()
