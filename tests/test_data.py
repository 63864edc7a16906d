"""Dataset generators: shapes, the definition of each task, reproducibility, and errors."""
import numpy as np
import pytest

from rnncourse.data import CharVocab
from rnncourse.data.adding import BASELINE_MSE, adding_problem


def test_adding_problem_follows_its_definition():
    T, B = 30, 500
    x, y = adding_problem(T, B, rng=3, dtype=np.float64)
    assert x.shape == (T, B, 2) and y.shape == (B, 1) and x.dtype == y.dtype == np.float64
    values, markers = x[..., 0], x[..., 1]
    assert np.all((values >= 0) & (values <= 1))
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert np.all(markers[: T // 2].sum(axis=0) == 1) and np.all(markers[T // 2:].sum(axis=0) == 1)
    for b in range(B):  # target = the two marked values, found independently of the generator's indices
        assert y[b, 0] == pytest.approx(values[markers[:, b] == 1, b].sum())


def test_adding_problem_is_reproducible_and_float32_by_default():
    a, b, c = adding_problem(10, 4, rng=1), adding_problem(10, 4, rng=1), adding_problem(10, 4, rng=2)
    assert a[0].dtype == np.float32
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and not np.array_equal(a[0], c[0])


def test_baseline_mse_is_the_variance_of_a_sum_of_two_uniforms():
    # Var(U1 + U2) = 2/12. With S - 1 triangular on [-1, 1], Var((S-1)^2) = E[(S-1)^4] - (1/6)^2 = 1/15 - 1/36.
    assert BASELINE_MSE == pytest.approx(2 / 12)
    n = 200_000
    _, y = adding_problem(4, n, rng=0, dtype=np.float64)
    standard_error = np.sqrt((1 / 15 - 1 / 36) / n)
    assert abs(np.mean((y - 1) ** 2) - BASELINE_MSE) < 4 * standard_error


@pytest.mark.parametrize("T,B,match", [(1, 5, "T must be an integer >= 2"), (10, 0, "batch_size must be a positive"),
                                       (2.5, 3, "T must be")])
def test_adding_problem_rejects_bad_sizes(T, B, match):
    with pytest.raises(ValueError, match=match):
        adding_problem(T, B)


def test_char_vocab_round_trip_and_one_hot():
    v = CharVocab("hello world")
    assert v.chars == sorted(set("hello world")) and len(v) == 8
    assert v.decode(v.encode("hello")) == "hello"
    oh = v.one_hot("lol")
    assert oh.shape == (3, 8) and np.array_equal(oh.argmax(axis=1), v.encode("lol")) and oh.sum() == 3


def test_char_vocab_errors():
    with pytest.raises(ValueError, match=r"characters \['z'\] are not in the vocabulary"):
        CharVocab("hello").encode("hez")
    with pytest.raises(ValueError, match="non-empty string"):
        CharVocab("")
