"""The look-ahead task: labels are the symbols `shift` steps ahead, and no left-to-right predictor beats 1/K."""
import numpy as np
import pytest

from rnncourse.data.lookahead import IGNORE, lookahead_task


def test_labels_are_the_symbols_shift_steps_ahead():
    x, y = lookahead_task(9, 5, K=3, shift=2, rng=0)
    s = x.argmax(-1)
    assert x.shape == (9, 5, 3) and np.all(x.sum(-1) == 1)
    assert np.array_equal(y[:7], s[2:]) and np.all(y[7:] == IGNORE)


def test_the_best_causal_predictor_is_at_chance():
    """The Bayes-optimal causal predictor (majority label given the whole past s_0..s_t, estimated on the
    same data it is scored on, so if anything optimistic) is still right about 1/K of the time."""
    K, T, shift = 2, 4, 1
    x, y = lookahead_task(T, 20000, K=K, shift=shift, rng=1)
    s = x.argmax(-1)
    t = T - shift - 1                                        # the last labelled step: the longest past
    past = (s[: t + 1] * K ** np.arange(t + 1)[:, None]).sum(0)
    counts = np.zeros((K ** (t + 1), K))
    np.add.at(counts, (past, y[t]), 1)
    acc = counts.max(1).sum() / counts.sum()
    assert abs(acc - 1 / K) < 4.5 * np.sqrt(0.25 / 20000) + 0.5 * K ** (t + 1) / 20000


@pytest.mark.parametrize("kwargs,match", [(dict(T=3, shift=3), "shift must be smaller than T"),
                                          (dict(T=1), "T must be an integer >= 2"),
                                          (dict(T=5, K=1), "K must be an integer >= 2")])
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lookahead_task(batch_size=2, **kwargs)
