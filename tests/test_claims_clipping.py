"""What book/training.md says about clipping on a training run (section sec-training-clipping), a seed study
too slow for the page. benchmarks/experiments/clipping_seeds.py prints the same runs; these tests train them
again, in the named setting CLIP_STUDY, and assert the prose (about 20 s of CPU).
"""
import numpy as np
import pytest
import torch

from rnncourse.data.adding import BASELINE_MSE
from rnncourse.experiments import CLIP_STUDY, train_clipping

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs():
    torch.set_num_threads(1)
    return {(kind, seed): train_clipping(kind, CLIP_STUDY, seed) for seed in CLIP_STUDY.seeds
            for kind in ("none", "norm", "value")}


def test_without_clipping_every_seed_diverges_within_30_steps(runs):
    """"Without clipping, each of the eight seeds diverged: the loss overflowed within the first 30 steps." """
    assert len(CLIP_STUDY.seeds) == 8 and CLIP_STUDY.steps == 600
    diverged = [runs["none", s].diverged_at for s in CLIP_STUDY.seeds]
    assert all(d is not None and d <= 30 for d in diverged), diverged


def test_clipped_runs_never_diverge_and_learn_below_the_baseline(runs):
    """"With norm clipping at 1, and with value clipping at 0.1, no seed diverged, and every seed's mean training
    loss over its last 100 steps was between 0.06 and 0.11, below the 0.167 of always answering the mean." """
    for kind in ("norm", "value"):
        finals = [runs[kind, s].mean_last(100) for s in CLIP_STUDY.seeds]
        assert all(runs[kind, s].diverged_at is None for s in CLIP_STUDY.seeds), kind
        assert all(0.06 <= f <= 0.11 for f in finals), (kind, finals)
    assert 0.11 < BASELINE_MSE


def test_the_gradients_that_clipping_caps_are_large_only_at_the_start(runs):
    """"The clipped runs saw gradient norms above 1 (so norm clipping acted) in their first steps in every seed;
    the unclipped runs saw norms above 10 at most of their steps before overflowing." """
    for s in CLIP_STUDY.seeds:
        assert max(runs["norm", s].grad_norm[:20]) > 1
        none = np.array(runs["none", s].grad_norm[:-1])
        assert np.mean(none > 10) > 0.5, s
