"""The experiment runner the chapters call: it records what it claims and actually learns."""
import pytest
import torch

from rnncourse.data.adding import BASELINE_MSE
from rnncourse.experiments import make_recurrent, train_adding


def test_forget_bias_is_set_on_the_forget_block_only():
    m = make_recurrent("LSTM", 2, 4, forget_bias=2.5)
    assert torch.all(m.bias_ih_l0[4:8] == 2.5) and torch.all(m.bias_hh_l0[4:8] == 0)
    assert not torch.all(m.bias_ih_l0[:4] == 2.5)


def test_train_adding_records_curve_and_learns_a_short_task(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    torch.set_num_threads(1)
    run = train_adding("LSTM", T=6, steps=300, hidden_size=16, eval_every=50, seed=0)
    assert run.steps == [50, 100, 150, 200, 250, 300] and len(run.test_mse) == 6 and run.seconds > 0
    assert run.final < 0.2 * BASELINE_MSE          # a 6-step sum is easy for any gated network


def test_train_adding_is_reproducible(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    a = train_adding("GRU", T=5, steps=20, hidden_size=4, eval_every=10, seed=3)
    b = train_adding("GRU", T=5, steps=20, hidden_size=4, eval_every=10, seed=3)
    assert a.test_mse == b.test_mse
