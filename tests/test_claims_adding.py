"""What the LSTM and GRU chapters say about runs they cannot afford on the page (seed studies).

The chapters train seed 0 and assert it; these tests train every seed of the chapters' named settings
(rnncourse.experiments.LSTM_CHAPTER, GRU_CHAPTER; benchmarks/experiments/adding_seeds.py prints the same
table) and assert the prose, which states ranges with margin and orderings, never one seed's outcome.
Slow by design (about two minutes on one core).
"""
import pytest
import torch

from rnncourse.data.adding import BASELINE_MSE
from rnncourse.experiments import GRU_CHAPTER, LSTM_CHAPTER, train_adding

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _quiet_single_thread(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    torch.set_num_threads(1)


def test_lstm_chapter_t100_over_six_seeds():
    """"in every run the LSTM ended below a test MSE of 0.002 and first dropped below 0.01 between steps
    600 and 1100, while the tanh RNN never got below 0.01 and ended above 0.8 x 1/6 ~ 0.13" """
    assert len(LSTM_CHAPTER.seeds) == 6
    lstm = [train_adding("LSTM", LSTM_CHAPTER, seed=s) for s in LSTM_CHAPTER.seeds]
    rnn = [train_adding("RNN", LSTM_CHAPTER, seed=s) for s in LSTM_CHAPTER.seeds]
    assert all(r.final < 0.002 for r in lstm), [r.final for r in lstm]
    assert all(600 <= (r.first_step_below(0.01) or 0) <= 1100 for r in lstm), [r.first_step_below(0.01) for r in lstm]
    assert all(r.first_step_below(0.01) is None and r.final > 0.8 * BASELINE_MSE for r in rnn), [r.final for r in rnn]


def test_gru_chapter_t50_over_three_seeds():
    """"in each of three runs the GRU dropped below 0.01 before the LSTM did, and the tanh RNN never
    left the baseline" (the ordering issue 17 asked to assert, not just the two step bounds)."""
    assert len(GRU_CHAPTER.seeds) == 3
    runs = {kind: [train_adding(kind, GRU_CHAPTER, seed=s) for s in GRU_CHAPTER.seeds] for kind in ("RNN", "LSTM", "GRU")}
    for gru, lstm in zip(runs["GRU"], runs["LSTM"]):
        assert gru.first_step_below(0.01) is not None and lstm.first_step_below(0.01) is not None
        assert gru.first_step_below(0.01) < lstm.first_step_below(0.01)
    assert all(r.first_step_below(0.01) is None and r.final > 0.8 * BASELINE_MSE for r in runs["RNN"])
