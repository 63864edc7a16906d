"""What book/training.md says about the initialisation comparison on the adding problem (a seed study too
slow for the page). benchmarks/experiments/init_seeds.py prints the same runs; these tests train them
again, in the named setting INIT_STUDY, and assert the prose. Slow by design (several minutes on one core).
"""
import pytest
import torch

from rnncourse.data.adding import BASELINE_MSE
from rnncourse.experiments import INIT_STUDY, train_adding_init
from rnncourse.scratch import SCHEMES

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _quiet_single_thread(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    torch.set_num_threads(1)


def first_steps(scheme, T):
    return [train_adding_init(scheme, INIT_STUDY, seed=s, T=T).first_step_below(0.01) for s in INIT_STUDY.seeds]


def test_t20_relu_schemes_with_radius_one_learn_first():
    """"At T = 20 ... the IRNN was below 0.01 by step 500 in each of the three seeds, the tanh sRNN not
    before step 1,000 (but it got there in all three). Every ReLU scheme with spectral radius near 1 (IRNN,
    nRNN, np-RNN, oRNN, gRNN) was below 0.01 by step 900 in every seed; the sRNN, the np-tanhRNN and the
    iRNN took 900 steps or more, or did not get there within 1,500." """
    first = {scheme: first_steps(scheme, INIT_STUDY.T) for scheme in SCHEMES}
    assert INIT_STUDY.T == 20 and INIT_STUDY.steps == 1500 and len(INIT_STUDY.seeds) == 3
    assert all(f is not None and f <= 500 for f in first["IRNN"]), first["IRNN"]
    assert all(f is not None and 1000 <= f <= 1500 for f in first["sRNN"]), first["sRNN"]
    for scheme in ("IRNN", "nRNN", "np-RNN", "oRNN", "gRNN"):
        assert all(f is not None and f <= 900 for f in first[scheme]), (scheme, first[scheme])
    for scheme in ("sRNN", "np-tanhRNN", "iRNN"):
        assert all(f is None or f >= 900 for f in first[scheme]), (scheme, first[scheme])


def test_t50_the_tanh_rnn_stays_at_the_baseline_and_the_irnn_learns_at_most_once_late():
    """"At T = 50 the tanh sRNN never got below 0.01 in 1,500 steps, in any seed, and ended within 20 % of the
    baseline 0.167 each time; the IRNN got below 0.01 in at most one of the three seeds, and not before
    step 1,000." """
    srnn = [train_adding_init("sRNN", INIT_STUDY, seed=s, T=50) for s in INIT_STUDY.seeds]
    assert all(r.first_step_below(0.01) is None for r in srnn)
    assert all(0.8 * BASELINE_MSE <= r.final <= 1.2 * BASELINE_MSE for r in srnn), [r.final for r in srnn]
    irnn = [train_adding_init("IRNN", INIT_STUDY, seed=s, T=50).first_step_below(0.01) for s in INIT_STUDY.seeds]
    learned = [f for f in irnn if f is not None]
    assert len(learned) <= 1 and all(f >= 1000 for f in learned), irnn
