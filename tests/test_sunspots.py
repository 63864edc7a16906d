"""The sunspot series is read offline from the statsmodels wheel and equals statsmodels' own loader."""
import numpy as np
import statsmodels.datasets.sunspots as reference

from rnncourse.data.sunspots import load_sunspots


def test_sunspots_equal_statsmodels_loader_and_cover_1700_to_2008():
    years, values = load_sunspots()
    ref = reference.load_pandas().data
    assert years.tolist() == list(range(1700, 2009))
    assert np.array_equal(years, ref["YEAR"].to_numpy().astype(int))
    assert np.array_equal(values, ref["SUNACTIVITY"].to_numpy())
    assert values.min() >= 0 and values.dtype == np.float64
