"""What book/images-and-signals.md says about runs it cannot afford on the page (seed studies), and the
shipped captioners' learning curve.

Each seed-study test reruns the setting the prose names (benchmarks/experiments/signals_seeds.py prints the
same tables) and asserts the prose. The statements are medians, orderings and counts over the seeds, with
margins beyond the seed-to-seed spread we observed, so that they also hold on another CPU and under a
second floating-point kernel (ATEN_CPU_CAPABILITY=avx2 for torch, OPENBLAS_CORETYPE=Haswell for NumPy).
"""
from dataclasses import replace

import numpy as np
import pytest
import torch

from rnncourse import pretrained
from rnncourse.runs import signals as runs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("name", sorted(runs.SHIPPED_CAPTIONERS))
def test_shipped_captioner_learning_curve_is_reproduced_by_a_short_schedule(name):
    """Retrain the first 300 steps of the shipped captioner's schedule (same seed, data and settings) and
    compare its loss, averaged over each 100 steps, with the manifest's curve: within 10 % (float32 on
    another CPU drifts a little), and falling."""
    shipped = pretrained.load(name)
    setting = runs.SHIPPED_CAPTIONERS[name]
    assert shipped.manifest["settings"]["steps"] == setting.steps and shipped.manifest["seed"] == 0
    train, _ = runs.caption_data(setting)
    model = runs.new_captioner(setting, train, seed=0)
    curve = runs.fit_captioner(model, setting, train, seed=0, steps=300, every=100)
    expected = shipped.manifest["curve"][:3]
    assert [s for s, _ in curve] == [s for s, _ in expected] == [100, 200, 300]
    for (_, ours), (_, theirs) in zip(curve, expected):
        assert abs(ours - theirs) < 0.1 * theirs, (curve, expected)
    assert curve[2][1] < curve[0][1]


def test_captioning_digit_strips_over_five_seeds():
    """"a median of 0.81 of the digits read right (0.78 to 0.82 in every seed), a median exact match of 0.57
    (0.49 to 0.61), within 0.07 of the per-digit accuracy cubed in every seed, and beam search never lowered
    exact match and raised it by at most 0.025." (and BLEU-4 is 0: a three-word caption has no 4-gram)
    Asserted with margins beyond the seed-to-seed deviations (0.02 and 0.045): medians at least 0.75 and
    0.45, every seed at least 0.7 and 0.4, cube within 0.12, beam within 0.06 either way."""
    setting = runs.DIGITS_STUDY
    assert len(setting.seeds) == 5 and setting.steps == runs.DIGITS_PAGE.steps
    data = runs.caption_data(setting)
    results = [runs.train_captioner(setting, seed, data=data).metrics for seed in setting.seeds]
    words = np.array([m["word_accuracy"] for m in results])
    exact = np.array([m["exact_greedy"] for m in results])
    assert np.median(words) >= 0.75 and np.median(exact) >= 0.45, results
    assert words.min() >= 0.7 and exact.min() >= 0.4, results
    for m in results:
        assert abs(m["exact_greedy"] - m["word_accuracy"] ** 3) < 0.12, m
        assert abs(m["exact_beam"] - m["exact_greedy"]) <= 0.06, m
        assert m["BLEU-4"] == 0, m


def test_forecasting_ranking_over_five_seeds():
    """"the linear AR model best (it has no seed), both LSTMs next, then the seasonal-naive forecast with
    drift and, far behind, the one without (AR 0.60 ppm, the LSTMs 0.63 to 0.68 ppm, 0.79 and 1.68 ppm).
    Direct and recursive LSTMs differed by less than 0.05 ppm in every seed." (asserted: AR below both LSTMs
    in every seed, observed by 0.023 ppm or more against a seed-to-seed deviation of 0.015; both LSTMs at
    least 0.05 ppm below the drift baseline, observed 0.11; the median LSTM below 0.75 ppm; direct and
    recursive within 0.1 ppm)"""
    assert len(runs.FORECAST_STUDY.seeds) == 5
    results = [runs.forecast_comparison(runs.FORECAST_STUDY, s).rmse for s in runs.FORECAST_STUDY.seeds]
    for r in results:
        assert round(r["linear AR"], 2) == 0.60 and round(r["seasonal naive"], 2) == 1.68
        assert r["linear AR"] < min(r["LSTM direct"], r["LSTM recursive"]), r
        assert max(r["LSTM direct"], r["LSTM recursive"]) < r["seasonal naive + drift"] - 0.05, r
        assert round(r["seasonal naive + drift"], 2) == 0.79
    assert np.median([[r["LSTM direct"], r["LSTM recursive"]] for r in results]) < 0.75, results
    assert all(abs(r["LSTM direct"] - r["LSTM recursive"]) < 0.1 for r in results), results


def test_eeg_ordering_over_five_seeds():
    """"Over five seeds the ordering was the same every time: recurrent-convolutional (0.985 to 1.0) above
    conv-only (0.60 to 0.70) above recurrent-only (0.43 to 0.55, below both others in every seed) ... it stays
    above chance (1/3) in every seed." (asserted: the ordering in every seed; medians with margins beyond the
    seed-to-seed deviations of 0.006, 0.04 and 0.045)"""
    assert len(runs.EEG_STUDY.seeds) == 5
    data = runs.eeg_data(runs.EEG_STUDY)
    results = [runs.eeg_comparison(runs.EEG_STUDY, s, data)["accuracy"] for s in runs.EEG_STUDY.seeds]
    for r in results:
        assert r["recurrent-convolutional"] > r["conv-only"] > r["recurrent-only"], r
    median = {k: np.median([r[k] for r in results]) for k in results[0]}
    assert median["recurrent-convolutional"] >= 0.95 and min(r["recurrent-convolutional"] for r in results) >= 0.9
    assert median["conv-only"] <= 0.8 and median["recurrent-only"] < median["conv-only"] - 0.05, median
    assert min(r["recurrent-only"] for r in results) > 1 / 3, results


def test_plant_forecasting_lstm_beats_arx_and_persistence_over_eight_seeds():
    """"Over eight seeds ... the LSTM's RMSE was between 0.09 and 0.13, below the ARX model's 0.86 in every
    seed and at every horizon" (persistence 2.00; the ARX model and persistence have no seed). Observed: the
    LSTM 0.094-0.125 (seed-to-seed deviation 0.01), so its lead over the ARX model at least 0.73 overall.
    Asserted with margins of several deviations: the median LSTM below 0.15, every seed below 0.2 and at
    least 0.5 below the ARX model at every horizon; the ARX model at least 0.5 below persistence."""
    setting = runs.PLANT_STUDY
    assert len(setting.seeds) == 8 and replace(runs.PLANT_PAGE, seeds=setting.seeds) == setting   # the page's setting
    data = runs.plant_data(setting)
    (u_train, _), (u_held, _) = data
    assert setting.train_input_seed != setting.test_input_seed and np.intersect1d(u_train, u_held).size == 0
    results = [runs.plant_comparison(setting, seed, data) for seed in setting.seeds]
    lstm = np.array([r.rmse["LSTM"] for r in results])
    for r in results:
        assert round(r.rmse["linear ARX"], 2) == 0.86 and round(r.rmse["persistence"], 2) == 2.00, r.rmse
        assert r.rmse["LSTM"] < 0.2, r.rmse
        assert np.all(r.by_horizon["LSTM"] < r.by_horizon["linear ARX"] - 0.5), r.by_horizon
        assert r.rmse["linear ARX"] < r.rmse["persistence"] - 0.5, r.rmse
    assert np.median(lstm) < 0.15, lstm
