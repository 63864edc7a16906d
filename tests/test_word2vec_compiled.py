"""The compiled word2vec engine (rnncourse/scratch/word2vec_compiled.py) against independent references:
the NumPy ``window_step`` (checked against torch autograd in test_word2vec.py) for single updates, and a
plain Python loop over a short corpus that draws from the C code's generator with Python integers and
steps with ``window_step``, one window (CBOW) or one pair (skip-gram) at a time."""
from pathlib import Path

import numba  # noqa: F401  (in the test extra: without it this file fails, it is never skipped)
import numpy as np
import pytest

from rnncourse.data import WordVocab, lee_background
from rnncourse.scratch import word2vec as w2v
from rnncourse.scratch import word2vec_compiled as wc
from rnncourse.torch import word2vec as tw2v

V, D = 12, 8


@pytest.fixture(scope="module")
def k():
    return wc.kernels()


def weights(seed):
    rng = np.random.default_rng(seed)
    return ((0.6 * rng.standard_normal((V, D))).astype(np.float32),
            (0.6 * rng.standard_normal((V, D))).astype(np.float32))


def test_one_cbow_window_is_the_numpy_step(k):
    """One CBOW window with a repeated context word and a noise word equal to the centre (skipped on both
    sides): the compiled update equals window_step's."""
    W_in, W_out = weights(0)
    context, centre, negatives = np.array([1, 2, 2, 5]), 7, np.array([3, 7, 9, 10, 11])
    A, B = W_in.copy(), W_out.copy()
    L = w2v.window_step(A, B, context[None], np.ones((1, 4), bool), np.array([centre]), negatives[None], 0.1,
                        cbow=True)
    C, E = W_in.copy(), W_out.copy()
    targets = np.r_[centre, np.where(negatives == centre, -1, negatives)].astype(np.int64)
    loss = k.cbow_update(C, E, context.astype(np.int64), targets, 0.1, np.empty(D, np.float32),
                         np.empty(D, np.float32))
    assert loss == pytest.approx(L, rel=1e-5)
    np.testing.assert_allclose(C, A, rtol=0, atol=2e-6)
    np.testing.assert_allclose(E, B, rtol=0, atol=2e-6)
    assert not np.allclose(C, W_in) and not np.allclose(E, W_out)


def test_one_skip_gram_pair_is_the_numpy_step(k):
    W_in, W_out = weights(1)
    word, centre, negatives = 4, 6, np.array([0, 6, 8, 2, 11])
    A, B = W_in.copy(), W_out.copy()
    L = w2v.window_step(A, B, np.array([[word]]), np.ones((1, 1), bool), np.array([centre]), negatives[None],
                        0.05)
    C, E = W_in.copy(), W_out.copy()
    targets = np.r_[centre, np.where(negatives == centre, -1, negatives)].astype(np.int64)
    loss = k.sg_update(C, E, word, targets, 0.05, np.empty(D, np.float32))
    assert loss == pytest.approx(L, rel=1e-5)
    np.testing.assert_allclose(C, A, rtol=0, atol=2e-6)
    np.testing.assert_allclose(E, B, rtol=0, atol=2e-6)


def test_saturated_scores_are_skipped_as_in_gensim(k):
    """gensim skips a target whose score is at least 6 in magnitude: no update, no loss."""
    W_in, W_out = weights(2)
    W_out[3] = 10 * W_in[4] / np.dot(W_in[4], W_in[4])            # score exactly 10
    C, E = W_in.copy(), W_out.copy()
    loss = k.sg_update(C, E, 4, np.array([3], np.int64), 0.1, np.empty(D, np.float32))
    assert loss == 0.0 and np.array_equal(C, W_in) and np.array_equal(E, W_out)


class CGenerator:
    """The C code's (and Java's) generator in Python integers: the reference for the kernels' draws."""

    def __init__(self, state):
        self.state = state

    def draw(self):
        r = self.state >> 16
        self.state = (self.state * 25214903917 + 11) % 2 ** 48
        return r


def reference_training(W_in, W_out, ids, bounds, keep_int, table, window, K, cbow, alpha0, min_alpha, total,
                       state):
    """gensim's loop written plainly: downsample, reduced window, draws, then window_step per window or pair."""
    gen = CGenerator(state)
    for s in range(len(bounds) - 1):
        a, b = bounds[s], bounds[s + 1]
        alpha = max(min_alpha, alpha0 - (alpha0 - min_alpha) * a / total)
        kept = [int(w) for w in ids[a:b] if gen.draw() <= keep_int[w]]
        for i, c in enumerate(kept):
            shrink = (gen.draw() * window) >> 32                 # the high bits of the 32-bit draw
            lo, hi = max(0, i - window + shrink), min(len(kept), i + window + 1 - shrink)
            ctx = [kept[m] for m in range(lo, hi) if m != i]

            def negatives():
                return np.array([[table[(gen.draw() * len(table)) >> 32] for _ in range(K)]])

            if cbow:
                neg = negatives()
                if ctx:
                    w2v.window_step(W_in, W_out, np.array([ctx]), np.ones((1, len(ctx)), bool), np.array([c]),
                                    neg, alpha, cbow=True)
            else:
                for x in ctx:
                    w2v.window_step(W_in, W_out, np.array([[x]]), np.ones((1, 1), bool), np.array([c]),
                                    negatives(), alpha)


@pytest.mark.parametrize("cbow", [True, False])
def test_the_trainer_is_gensims_loop(k, cbow):
    """Two sentences, some words downsampled, with one noise word per target (so no target repeats within a
    step, where window_step, which reads every target before updating, and per-target SGD differ): the
    compiled trainer's parameters equal the plain loop's, for the same generator state."""
    W_in, W_out = weights(3)
    rng = np.random.default_rng(4)
    ids = rng.integers(0, V, size=20).astype(np.int64)
    bounds = np.array([0, 9, 20], dtype=np.int64)
    keep = wc.keep_ints(np.where(np.arange(V) < 3, 0.5, 1.0))
    table = rng.integers(0, V, size=50).astype(np.int64)
    A, B = W_in.copy(), W_out.copy()
    reference_training(A, B, ids, bounds, keep, table, 3, 1, cbow, 0.1, 0.01, 25, 12345)
    C, E = W_in.copy(), W_out.copy()
    k.train_sentences(C, E, ids, bounds, np.array([0, 1], np.int64), keep, table, 3, 1, cbow, 0.1, 0.01, 0,
                      25, np.uint64(12345))
    np.testing.assert_allclose(C, A, rtol=0, atol=1e-5)
    np.testing.assert_allclose(E, B, rtol=0, atol=1e-5)
    assert not np.allclose(C, W_in)


def test_jobs_and_sentence_bounds():
    assert wc.sentence_bounds(np.array([0, 0, 2, 2, 2, 5])).tolist() == [0, 2, 5, 6]
    assert [j.tolist() for j in wc.jobs(np.array([0, 4, 8, 20, 21]), job_words=8)] == [[0, 1], [2], [3]]


@pytest.mark.parametrize("sg", [True, False])
def test_compiled_engine_learns_and_one_worker_is_deterministic(sg):
    sents = lee_background()
    vocab = WordVocab(sents, 5)
    kw = dict(vector_size=20, seed=3, sg=sg, engine="compiled")
    a = w2v.Word2Vec(vocab, **kw).train(sents, epochs=3)
    b = w2v.Word2Vec(vocab, **kw).train(sents, epochs=3)
    two = w2v.Word2Vec(vocab, workers=2, **kw).train(sents, epochs=3)
    assert np.array_equal(a.vectors, b.vectors) and a.losses == b.losses
    assert a.losses[2] < a.losses[0] < 6 * np.log(2)
    assert two.losses[2] < two.losses[0]


def test_bad_engine():
    vocab = WordVocab([["a", "b"] * 5], 1)
    with pytest.raises(ValueError, match="engine must be 'numpy' or 'compiled'"):
        w2v.Word2Vec(vocab, engine="numba")
    with pytest.raises(ValueError, match="engine 'numpy' only"):
        tw2v.Word2Vec(vocab, engine="compiled")


def test_numba_is_imported_only_by_the_compiled_engine():
    """``import rnncourse`` and the NumPy word2vec do not pay numba's import."""
    import subprocess
    import sys

    code = ("import sys, rnncourse, rnncourse.scratch, rnncourse.scratch.word2vec, "
            "rnncourse.scratch.word2vec_compiled; print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out


def test_missing_numba_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(wc, "_KERNELS", None)
    monkeypatch.setattr(wc.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="needs numba: pip install"):
        wc.kernels()


def test_cache_goes_where_it_can_be_written(monkeypatch, tmp_path):
    """Beside the source when its __pycache__ is writable (None: numba's default), else the user cache
    directory, else nowhere ("": no caching, and no warning)."""
    writable = wc._writable
    assert writable(tmp_path / "a" / "b") and not writable(Path(__file__))     # a file is no directory
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(wc, "_writable", lambda path: True)
    assert wc._cache_dir() is None
    monkeypatch.setattr(wc, "_writable", lambda path: path.name != "__pycache__")
    assert wc._cache_dir() == str(tmp_path / "rnncourse" / "numba")
    monkeypatch.setattr(wc, "_writable", lambda path: False)
    assert wc._cache_dir() == ""
