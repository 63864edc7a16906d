"""The shipped word LSTM (rnncourse/pretrained/word_lstm, book/language-models.md sec-lm-words): a short
rerun of its training schedule follows the learning curve its manifest recorded.

The rerun trains the first 200 of WORD_LSTM's steps (same seed, data, setting and learning-rate schedule;
about a minute of CPU) and scores the whole validation split at steps 100 and 200. Same seed, so only
float32 rounding (another CPU, another BLAS kernel) can move it; the tolerance, 0.12 bits per word, is
twice the largest gap we saw between seeds 0, 1 and 2 at these two points (0.06 bits), while the curve
falls by 0.17 bits between them.
"""
import numpy as np
import pytest
import torch

from rnncourse import pretrained
from rnncourse.runs import language_models as lm

pytestmark = pytest.mark.slow


def test_word_lstm_learning_curve_is_reproduced_by_a_short_schedule():
    torch.set_num_threads(1)
    shipped = pretrained.load(lm.WORD_LSTM_NAME)
    assert shipped.manifest["seed"] == 0 and shipped.manifest["settings"]["steps"] == lm.WORD_LSTM.steps
    run, fields = lm.train_word_lstm(lm.WORD_LSTM, seed=0, stop_after=200, show_progress=False)
    expected = shipped.manifest["curve"][:2]
    assert [s for s, _ in fields["curve"]] == [s for s, _ in expected] == [100, 200]
    gaps = [abs(ours - theirs) for (_, ours), (_, theirs) in zip(fields["curve"], expected)]
    assert max(gaps) < 0.12, (fields["curve"], expected)
    assert fields["curve"][1][1] < fields["curve"][0][1] < np.log2(lm.WORD_VOCAB)
