"""What the LSTM and GRU chapters say about runs they cannot afford on the page (seed studies).

The chapters train one seed and assert it; these tests train every seed the prose quotes, in the same
settings (benchmarks/experiments/adding_seeds.py prints the same table), and assert the prose.
Slow by design (about two minutes on one core): they keep the chapters honest.
"""
import pytest
import torch

from rnncourse.data.adding import BASELINE_MSE
from rnncourse.experiments import train_adding

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _quiet_single_thread(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    torch.set_num_threads(1)


def test_lstm_chapter_t100_over_six_seeds():
    """"the LSTM ended at a test MSE between 0.0004 and 0.0015, first dropping below 0.01 between steps 700
    and 1000. The tanh RNN never got below 0.01: five runs ended at the baseline (0.16 to 0.21) and one
    well above it (1.23)." """
    lstm = [train_adding("LSTM", T=100, steps=1500, seed=s) for s in range(6)]
    rnn = [train_adding("RNN", T=100, steps=1500, seed=s) for s in range(6)]
    assert all(0.0003 <= r.final <= 0.0016 for r in lstm), [r.final for r in lstm]
    assert all(700 <= r.first_step_below(0.01) <= 1000 for r in lstm), [r.first_step_below(0.01) for r in lstm]
    assert all(r.first_step_below(0.01) is None for r in rnn)
    finals = sorted(r.final for r in rnn)
    assert 0.155 <= finals[0] and finals[4] <= 0.215 and finals[5] > 1.0, finals
    assert all(f > 0.9 * BASELINE_MSE for f in finals)


def test_gru_chapter_t50_over_three_seeds():
    """"with three seeds [the GRU] was below 0.01 by step 300 each time, the LSTM by step 500" (and the
    tanh RNN stays at the baseline)."""
    runs = {kind: [train_adding(kind, T=50, steps=800, seed=s) for s in range(3)] for kind in ("RNN", "LSTM", "GRU")}
    assert all(r.first_step_below(0.01) <= 300 for r in runs["GRU"])
    assert all(r.first_step_below(0.01) <= 500 for r in runs["LSTM"])
    assert all(r.first_step_below(0.01) is None and r.final > 0.8 * BASELINE_MSE for r in runs["RNN"])
