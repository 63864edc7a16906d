"""What book/training.md says about the initialisation comparison on the adding problem (a seed study too
slow for the page). benchmarks/experiments/init_seeds.py prints the same runs; these tests train them
again, in the named setting INIT_STUDY, and assert the prose. Slow by design (several minutes on one core).
"""
import numpy as np
import pytest
import torch

from rnncourse.data.adding import BASELINE_MSE
from rnncourse.runs.adding import INIT_STUDY, train_adding_init

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _quiet_single_thread(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    torch.set_num_threads(1)


def first_steps(scheme, T):
    """Each seed's first evaluated step below 0.01 (None: never); a run stops there (``until_below``)."""
    return [train_adding_init(scheme, INIT_STUDY, seed=s, T=T, until_below=0.01).first_step_below(0.01)
            for s in INIT_STUDY.seeds]


def median_first_step(firsts):
    """The median over seeds of the first evaluated step below 0.01; a run that never got there counts as later
    than any step."""
    return float(np.median([np.inf if f is None else f for f in firsts]))


def test_the_init_study_is_the_stated_one():
    assert INIT_STUDY.T == 20 and INIT_STUDY.steps == 1500 and len(INIT_STUDY.seeds) == 3
    assert INIT_STUDY.eval_every == 100


# Measured first steps below 0.01 (seeds 0, 1, 2) in two environments (a reviewer's rerun / ours):
# sRNN 1400/1300/1000 / never/1200/900; IRNN 500 at seed 0 / 400/500/400; nRNN 400/800/300 / 400/500/300;
# np-RNN 300/400/900 / 500/300/700; oRNN 500/500/600 / 300/500/300; gRNN 300/500/500 / 500/500/400.
# Single seeds move by up to 500 steps between kernels (seed-to-seed sd about 200-320 steps), so the claims are
# medians over the three seeds, with thresholds at least one such sd beyond what we observed.
@pytest.mark.parametrize("scheme", ["IRNN", "nRNN", "np-RNN", "oRNN", "gRNN"])
def test_t20_relu_schemes_with_radius_one_learn_early_in_median(scheme):
    """"At T = 20 every ReLU scheme with spectral radius near 1 (IRNN, nRNN, np-RNN, oRNN, gRNN) got below an
    MSE of 0.01 in every seed, with a median first step of at most 800 (300 to 500 in our runs)" """
    first = first_steps(scheme, INIT_STUDY.T)
    assert all(f is not None for f in first), first
    assert median_first_step(first) <= 800, first


def test_t20_the_tanh_srnn_learns_late_in_median():
    """"the tanh sRNN's median first step was at least 1,000 (1,200 to 1,300 in our runs)" """
    first = first_steps("sRNN", INIT_STUDY.T)
    assert median_first_step(first) >= 1000, first


def test_t50_the_tanh_rnn_stays_at_the_baseline_and_the_irnn_learns_late_if_at_all():
    """"At T = 50 the tanh sRNN never got below 0.01 in 1,500 steps, in any seed, and ended within 20 % of the
    baseline 0.167 each time; the IRNN got below 0.01 late if at all, never before step 800". Measured: IRNN
    first steps 1000/1200/1400 here, and under another kernel below 0.01 in only one seed (not before 1,000),
    so neither "how many seeds" nor a 1,000-step bound is robust; 800 is one seed-to-seed sd (about 200) below
    the earliest we saw."""
    srnn = [train_adding_init("sRNN", INIT_STUDY, seed=s, T=50) for s in INIT_STUDY.seeds]
    assert all(r.first_step_below(0.01) is None for r in srnn)
    assert all(0.8 * BASELINE_MSE <= r.final <= 1.2 * BASELINE_MSE for r in srnn), [r.final for r in srnn]
    irnn = first_steps("IRNN", 50)
    assert all(f is None or f >= 800 for f in irnn), irnn
