"""The shipped character LSTM (rnncourse/pretrained/char_lstm, book/language-models.md sec-lm-shipped-chars):
its manifest describes the setting the library names, and a short rerun of its training schedule follows
the learning curve the manifest recorded.

The rerun trains the first 100 of CHAR_SHIPPED's 9,000 steps (same seed, data, setting and learning-rate
schedule; about 20 CPU-seconds) and compares the mean training loss of those 100 steps with the manifest's
first training-curve point. Same seed, so only float32 rounding (another CPU, another BLAS kernel) can
move it. The tolerance, 0.116 bits, is twice the largest gap between seeds 0, 1 and 2 at
that point (SEED_GAP, measured with this setting), while the model has moved from the uniform
log2(27) = 4.75 bits to 3.67 on average over those steps. (The validation points of the manifest's curve
start at step 500; a rerun that long would cost a minute and a half of CPU.)
"""
import dataclasses
import json
import math

import numpy as np
import pytest
import torch

from rnncourse import pretrained
from rnncourse.runs import language_models as lm

pytestmark = pytest.mark.slow

SEED_GAP = 0.058           # seeds 0, 1, 2: 3.668, 3.656, 3.714 bits over steps 1-100
TOLERANCE = 2 * SEED_GAP


def test_the_manifest_is_the_library_setting_and_a_run_that_learned():
    shipped = pretrained.load(lm.CHAR_SHIPPED_NAME)
    manifest = shipped.manifest
    assert manifest["settings"] == json.loads(json.dumps(dataclasses.asdict(lm.CHAR_SHIPPED)))
    assert manifest["script"] == "benchmarks/pretrained/train_char_lstm.py" and manifest["seed"] == 0
    steps, bits = zip(*manifest["curve"])
    assert list(steps) == list(range(lm.CHAR_SHIPPED.eval_every, lm.CHAR_SHIPPED.steps + 1, lm.CHAR_SHIPPED.eval_every))
    assert steps[bits.index(min(bits))] == manifest["metrics"]["best_step"]      # the weights kept were the best
    assert manifest["cpu_seconds"] < 30 * 60                                       # the budget of a shipped model


def test_char_lstm_learning_curve_is_reproduced_by_a_short_schedule():
    torch.set_num_threads(1)
    shipped = pretrained.load(lm.CHAR_SHIPPED_NAME)
    vocab, train_ids, valid_ids, _ = lm.char_data("wiki")
    run = lm.train_lm(train_ids, valid_ids, len(vocab), lm.CHAR_SHIPPED, seed=shipped.manifest["seed"],
                      stop_after=100)
    ours = float(np.mean(run.train_nats) / math.log(2))
    recorded_step, recorded = shipped.manifest["train_curve"][0]
    assert len(run.train_nats) == recorded_step == 100
    assert abs(ours - recorded) < TOLERANCE, (ours, recorded)
    assert math.log2(27) - recorded > 9 * TOLERANCE                               # far from the untrained model
