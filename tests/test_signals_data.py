"""The data of book/images-and-signals.md: the monthly CO2 series (against pandas' own resampling of
statsmodels' loader), the linear AR fit (against statsmodels' AutoReg), matplotlib's sample EEG, the
synthetic EEG generator (its 1/f background against the exponent it was given), and loading everything
with the network switched off."""
import subprocess
import sys

import numpy as np
import pytest

from rnncourse.data.co2 import forecast_windows, load_co2_monthly, load_co2_weekly
from rnncourse.data.eeg import CLASSES, load_sample_eeg, pink_noise, spectral_slope, synthetic_eeg
from rnncourse.runs.signals import fit_ar


def test_monthly_co2_equals_pandas_resampling_of_the_statsmodels_loader():
    import statsmodels.datasets.co2 as co2
    weekly = co2.load_pandas().data["co2"]
    monthly = weekly.resample("MS").mean()                  # NaN where a month has no observation
    months, ppm, filled = load_co2_monthly()
    assert len(months) == len(monthly) == 526 and filled.sum() == monthly.isna().sum() == 5
    assert np.array_equal(filled, monthly.isna().to_numpy())
    assert np.allclose(ppm[~filled], monthly.dropna().to_numpy(), rtol=0, atol=1e-12)
    assert np.allclose(ppm, monthly.interpolate().to_numpy(), atol=1e-12)   # linear in the month index
    assert not np.isnan(ppm).any() and months[0] == pytest.approx(1958 + 2 / 12)
    dates, weekly_ppm = load_co2_weekly()
    assert dates.size == 2284 and np.isnan(weekly_ppm).sum() == 59


def test_ar_fit_equals_statsmodels_autoreg():
    from statsmodels.tsa.ar_model import AutoReg
    _, ppm, _ = load_co2_monthly()
    d = np.diff(ppm)[:380]
    ours = fit_ar(d, 24)
    ref = AutoReg(d, lags=24, trend="c").fit().params            # [const, lag 1, ..., lag 24]
    assert np.allclose(ours[:24], ref[1:], atol=1e-9) and abs(ours[24] - ref[0]) < 1e-9


def test_forecast_windows_and_their_errors():
    x, y = forecast_windows(np.arange(10.0), 3, 2)
    assert x.shape == (6, 3) and y.shape == (6, 2) and x[2].tolist() == [2, 3, 4] and y[2].tolist() == [5, 6]
    with pytest.raises(ValueError, match="at least context \\+ horizon = 12"):
        forecast_windows(np.arange(10.0), 8, 4)
    with pytest.raises(ValueError, match="horizon must be a positive int"):
        forecast_windows(np.arange(10.0), 3, 0)


def test_sample_eeg_is_matplotlibs_eeg_dat():
    from matplotlib import cbook
    x, fs = load_sample_eeg()
    with cbook.get_sample_data("eeg.dat") as f:
        raw = np.frombuffer(f.read(), dtype=np.float64)
    assert x.shape == (800, 4) and fs == 80.0 and np.array_equal(x.ravel(), raw)


@pytest.mark.parametrize("slope", [1.0, 2.0])
def test_pink_noise_has_the_exponent_it_was_given(slope):
    rng = np.random.default_rng(0)
    noise = pink_noise(rng, (200, 1024), slope)                # 200 realisations of one channel
    fitted = np.mean([spectral_slope(n[:, None], 80.0) for n in noise])
    assert abs(fitted - slope) < 0.1 and np.allclose(noise.std(axis=-1), 1)


def test_synthetic_eeg_shapes_labels_and_rhythms():
    x, y = synthetic_eeg(90, seed=3)
    assert x.shape == (90, 160, 8) and set(y.tolist()) == {0, 1, 2} and len(CLASSES) == 3
    # class 0 (alpha then beta) has more 20 Hz power in its second second than in its first; class 1 the reverse
    f = np.fft.rfftfreq(80, 1 / 80)
    beta = (f >= 18) & (f <= 22)
    def beta_power(part):
        return (np.abs(np.fft.rfft(part, axis=1)) ** 2)[:, beta].sum(axis=(1, 2))
    late_minus_early = beta_power(x[:, 80:]) - beta_power(x[:, :80])
    assert np.mean(late_minus_early[y == 0] > 0) > 0.8 and np.mean(late_minus_early[y == 1] < 0) > 0.8


@pytest.mark.parametrize("kwargs, message", [
    (dict(n=0), "n must be a positive int"), (dict(n=5, channels=1), "channels must be an int >= 2"),
    (dict(n=5, fs=40), "fs must exceed 45 Hz"), (dict(n=5, seconds=0.5), "seconds must be at least 1"),
])
def test_synthetic_eeg_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        synthetic_eeg(**kwargs)


def test_all_chapter_data_loads_with_the_network_off():
    """Nothing downloads: the CO2 series, the sample EEG, scikit-learn's digits and the scenes load inside a
    fresh network namespace (``unshare -rn``: no interface but a down loopback)."""
    code = ("from rnncourse.data.co2 import load_co2_monthly; from rnncourse.data.eeg import load_sample_eeg, "
            "synthetic_eeg; from rnncourse.data.scenes import digit_strips, shape_scenes; import nltk.translate.bleu_score;"
            "import socket\n"
            "try:\n    socket.create_connection(('pypi.org', 443), timeout=3); print('NETWORK')\n"
            "except OSError:\n    pass\n"
            "print(load_co2_monthly()[1].size, load_sample_eeg()[0].shape, synthetic_eeg(2)[0].shape, "
            "digit_strips(2).images.shape, shape_scenes(2).images.shape)")
    proc = subprocess.run(["unshare", "-rn", sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "NETWORK" not in proc.stdout
    assert proc.stdout.split("\n")[0] == "526 (800, 4) (2, 160, 8) (2, 1, 8, 24) (2, 3, 16, 16)"
