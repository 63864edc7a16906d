"""Evaluating word vectors: cosine neighbours, Spearman rho against human similarity scores, analogies.

Every function takes the vocabulary's ``words`` (list of V strings) and a ``vectors`` array (V, D), so
it applies alike to our models and to gensim's ``KeyedVectors`` (``kv.index_to_key``, ``kv.vectors``).
"""
from __future__ import annotations

import numpy as np


def _unit(vectors) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be a (V, D) array; got shape {vectors.shape}")
    norm = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norm == 0, 1.0, norm)


def _index(words, vectors) -> dict:
    if len(words) != len(vectors):
        raise ValueError(f"words ({len(words)}) and vectors ({len(vectors)} rows) must have the same length")
    return {w: i for i, w in enumerate(words)}


def rankdata(x) -> np.ndarray:
    """Ranks 1..n of x (n,), ties given the mean of the ranks they span."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])
    ends = np.r_[starts[1:], len(x)]
    mean_rank = (starts + ends + 1) / 2.0                      # mean of ranks starts+1 .. ends
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def spearman(a, b) -> float:
    """Spearman's rank correlation: Pearson's correlation of the (tie-averaged) ranks of a and b (n,)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError(f"spearman needs two 1-D arrays of one length >= 2; got {a.shape} and {b.shape}")
    ra, rb = rankdata(a), rankdata(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    return float(ra @ rb / np.sqrt((ra @ ra) * (rb @ rb)))


def similarity_rho(words, vectors, pairs) -> tuple[float, int]:
    """Spearman rho between cosine similarities and human scores, over the pairs whose two words are in
    ``words``; returns ``(rho, number of pairs used)``. pairs: ``[(word1, word2, score), ...]``."""
    index = _index(words, vectors)
    unit = _unit(vectors)
    used = [(index[a], index[b], s) for a, b, s in pairs if a in index and b in index]
    if len(used) < 2:
        raise ValueError(f"fewer than 2 of the {len(pairs)} pairs have both words in the vocabulary")
    i, j, human = (np.array(col) for col in zip(*used))
    cos = np.sum(unit[i] * unit[j], axis=1)
    return spearman(cos, human), len(used)


def most_similar(words, vectors, word, topn: int = 5) -> list[tuple[str, float]]:
    """The ``topn`` words of highest cosine similarity to ``word`` (itself excluded), with the cosines."""
    index = _index(words, vectors)
    if word not in index:
        raise ValueError(f"{word!r} is not in the vocabulary of {len(words)} words")
    unit = _unit(vectors)
    cos = unit @ unit[index[word]]
    cos[index[word]] = -np.inf
    best = np.argsort(-cos, kind="stable")[:topn]
    return [(words[k], float(cos[k])) for k in best]


def analogy_accuracy(words, vectors, questions) -> tuple[float, int]:
    """Accuracy of 3CosAdd on the questions ``a : b :: c : d`` whose four words are all in ``words``.

    The answer is the word w not in {a, b, c} that maximises cos(w, b - a + c) with unit-length rows (as
    gensim's ``evaluate_word_analogies``). Returns ``(accuracy, number of questions used)``.
    """
    index = _index(words, vectors)
    unit = _unit(vectors)
    q = np.array([[index[w] for w in qq] for qq in questions if all(w in index for w in qq)], dtype=np.int64)
    if len(q) == 0:
        return 0.0, 0
    correct = 0
    for start in range(0, len(q), 512):
        a, b, c, d = q[start:start + 512].T
        target = unit[b] - unit[a] + unit[c]
        scores = target @ unit.T
        rows = np.arange(len(a))
        for col in (a, b, c):
            scores[rows, col] = -np.inf
        correct += int(np.sum(np.argmax(scores, axis=1) == d))
    return correct / len(q), len(q)


def rho_interval(rho: float, n: int, level: float = 0.95) -> tuple[float, float, float]:
    r"""Standard error and confidence interval of a Spearman rho measured on n pairs.

    Fisher's transform z = artanh(rho) is close to normal with standard error
    :math:`\sqrt{1.06 / (n - 3)}` for Spearman's rho (Fieller, Hartley and Pearson 1957; 1 / sqrt(n - 3)
    for Pearson's r). Returns ``(se, low, high)``: se of z, and the interval tanh(z -+ q se) with q the
    normal quantile of ``level`` (1.96 for 0.95).
    """
    if not (isinstance(n, (int, np.integer)) and n > 3):
        raise ValueError(f"n (the number of pairs) must be an integer > 3; got {n!r}")
    if not -1 < rho < 1:
        raise ValueError(f"rho must lie strictly between -1 and 1; got {rho!r}")
    from statistics import NormalDist

    q = NormalDist().inv_cdf(0.5 + level / 2)
    se = float(np.sqrt(1.06 / (n - 3)))
    z = np.arctanh(rho)
    return se, float(np.tanh(z - q * se)), float(np.tanh(z + q * se))


def random_pair_cosine(vectors, n_pairs: int, rng) -> float:
    """Mean cosine of ``n_pairs`` random pairs of distinct rows of ``vectors`` (V, D), drawn uniformly.

    Near 0 for directions spread evenly in D dimensions; near 1 when the vectors share one direction.
    """
    unit = _unit(vectors)
    if len(unit) < 2:
        raise ValueError(f"vectors must have at least 2 rows; got {len(unit)}")
    rng = np.random.default_rng(rng)
    i = rng.integers(0, len(unit), n_pairs)
    j = (i + rng.integers(1, len(unit), n_pairs)) % len(unit)      # j != i
    return float(np.mean(np.sum(unit[i] * unit[j], axis=1)))
