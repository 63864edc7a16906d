"""What book/tdnn-narx.md says about NARX identification runs it cannot afford on the page (seed study).

The chapter trains seed 0 of each example and asserts it; these tests train every seed the prose quotes,
in the same settings (benchmarks/experiments/narx_seeds.py prints the same table), and assert the prose.
The claims are ours: Narendra & Parthasarathy (1990) report figures, not numbers.
"""
from dataclasses import replace

import pytest

from rnncourse.runs.tdnn_narx import NARENDRA_EX2, NARENDRA_EX3, SUNSPOTS, sunspot_comparison, train_narx

pytestmark = pytest.mark.slow

# The ranges the chapter quotes (section sec-narendra), over the setting's eight seeds.
RANGES = {2: {"one": (0.02, 0.05), "free": (0.03, 0.08)}, 3: {"one": (0.04, 0.08), "free": (0.05, 0.12)}}
RATIO = (1.05, 2.5)      # free-run RMSE / one-step RMSE, every series-parallel run
PARALLEL_STEPS = 100


@pytest.fixture(scope="module")
def runs():
    out = {}
    for setting in (NARENDRA_EX2, NARENDRA_EX3):
        assert len(setting.seeds) == 8
        out[setting.example] = [train_narx(setting, s) for s in setting.seeds]
        out[setting.example, "parallel"] = [train_narx(replace(setting, parallel_steps=PARALLEL_STEPS), s)
                                            for s in setting.seeds]
    return out


@pytest.mark.parametrize("example", [2, 3])
def test_one_step_and_free_run_errors_over_eight_seeds(runs, example):
    """"Over eight seeds, Example 2: one-step RMSE between 0.02 and 0.05, free-run between 0.03 and 0.08;
    Example 3: 0.04 to 0.08 and 0.05 to 0.12." """
    lo, hi = RANGES[example]["one"]
    assert all(lo <= r.one_step_rmse <= hi for r in runs[example]), [r.one_step_rmse for r in runs[example]]
    lo, hi = RANGES[example]["free"]
    assert all(lo <= r.free_run_rmse <= hi for r in runs[example]), [r.free_run_rmse for r in runs[example]]


@pytest.mark.parametrize("example", [2, 3])
def test_free_run_error_exceeds_one_step_error_in_every_run(runs, example):
    """"In all sixteen runs the free-run error exceeded the one-step error, by a factor between 1.05 and 2.5." """
    ratios = [r.free_run_rmse / r.one_step_rmse for r in runs[example]]
    assert all(RATIO[0] <= q <= RATIO[1] for q in ratios), ratios


def test_parallel_training_helps_example_3_but_not_consistently_example_2(runs):
    """"100 steps of parallel training lowered the free-run error of Example 3 for every seed; for Example 2
    it raised it for at least three of the eight." """
    assert all(p.free_run_rmse < s.free_run_rmse for s, p in zip(runs[3], runs[3, "parallel"]))
    worse = sum(p.free_run_rmse > s.free_run_rmse for s, p in zip(runs[2], runs[2, "parallel"]))
    assert worse >= 3, worse


def test_sunspot_ranking_over_eight_seeds():
    """"Over eight seeds the TDNN's held-out error was below the linear AR model's every time, though by
    little (normalised MSE 0.13 to 0.18 against the AR model's 0.174); the NARX network and the TDNN traded
    places from seed to seed." """
    assert len(SUNSPOTS.seeds) == 8
    runs = [sunspot_comparison(SUNSPOTS, s) for s in SUNSPOTS.seeds]
    assert all(r["AR"] == pytest.approx(0.174, abs=0.0005) for r in runs)
    assert all(r["TDNN"] < r["AR"] and 0.13 <= r["TDNN"] <= 0.18 for r in runs), runs
    narx_wins = sum(r["NARX"] < r["TDNN"] for r in runs)
    assert 1 <= narx_wins <= 7, runs
