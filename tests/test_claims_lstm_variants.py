"""What the LSTM chapter says about the variant study over six seeds (the page trains seed 0 only).

The chapter's setting and seeds, rnncourse.experiments.VARIANT_STUDY, are the ones
benchmarks/experiments/lstm_variants_seeds.py prints. Which single runs fail is chaotic (it changed with
the BLAS kernel), so the prose states, and this test asserts, only counts with margin and orderings.
Slow by design (24 NumPy training runs).
"""
import pytest

from rnncourse.experiments import VARIANT_STUDY, train_adding_variant

pytestmark = pytest.mark.slow


def test_variant_study_over_six_seeds(monkeypatch):
    """"vanilla and CIFG reached a test MSE below 0.01 within 800 steps in every one of the six runs, and
    CIFG got there first in every run; NFG and NOAF solved the task in at least four of the six runs
    each" """
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    seeds = VARIANT_STUDY.seeds
    assert len(seeds) == 6
    first = {(v, s): train_adding_variant(v, VARIANT_STUDY, seed=s).first_step_below(0.01)
             for v in ("vanilla", "NFG", "NOAF", "CIFG") for s in seeds}
    for s in seeds:
        assert first["vanilla", s] is not None and first["CIFG", s] is not None, first
        assert first["CIFG", s] < first["vanilla", s], first
    for v in ("NFG", "NOAF"):
        assert sum(first[v, s] is not None for s in seeds) >= 4, first
