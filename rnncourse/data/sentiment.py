"""Sentiment data: a generated language where word order decides the label, and Pang & Lee's sentences.

**Contrast sentences** (generated; nothing real). A clause is ``<noun> was [not] <adjective>``; its
polarity is the adjective's (+1 or -1), flipped by ``not``. A sentence is ``<clause 1> but <clause 2>``,
where "but" contrasts: clause 1 has the opposite polarity of clause 2, and the label is clause 2's.
Everything else is drawn independently and uniformly, so exchanging the two clauses gives a sentence
with the same words, the same probability and the opposite label. A bag of words therefore carries no
information about the label: every classifier of word counts is right half the time on average,
however it is trained. Reading in order (which clause follows "but", which adjective follows "not")
decides the label.

**Pang & Lee polarity sentences**: the 200 labelled sentences gensim's wheel ships (latin-1 encoded), a
tiny sample of the movie-review sentences of Pang & Lee (2005).
"""
from __future__ import annotations

import numpy as np

NOUNS = ("the film", "the plot", "the acting", "the music", "the ending", "the cast")
POSITIVE = ("good", "great", "funny", "clever", "moving")
NEGATIVE = ("bad", "dull", "boring", "weak", "silly")
PAD = "<pad>"
POLARITY_FILE = "pang_lee_polarity.cor"


def _clause(rng, polarity: int) -> list:
    negated = bool(rng.integers(2))
    adjectives = POSITIVE if polarity * (-1 if negated else 1) > 0 else NEGATIVE
    words = NOUNS[rng.integers(len(NOUNS))].split() + ["was"] + (["not"] if negated else [])
    return words + [adjectives[rng.integers(len(adjectives))]]


def contrast_sentences(n: int, rng=None) -> tuple[list, np.ndarray]:
    """n sentences ``<clause 1> but <clause 2>`` as token lists, and labels (n,) in {0, 1} (1: positive)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    rng = np.random.default_rng(rng)
    labels = rng.integers(2, size=n)
    sentences = []
    for label in labels:
        sign = 1 if label else -1
        sentences.append(_clause(rng, -sign) + ["but"] + _clause(rng, sign))
    return sentences, labels.astype(np.int64)


def contrast_vocabulary() -> list:
    """Every word of the contrast language, with ``<pad>`` first (index 0)."""
    words = [PAD]
    for w in (" ".join(NOUNS) + " was not but " + " ".join(POSITIVE + NEGATIVE)).split():
        if w not in words:
            words.append(w)
    return words


def encode_padded(sentences, words) -> np.ndarray:
    """Token lists -> ids (N, T_max), LEFT-padded with ``<pad>`` (index ``words.index('<pad>')``) so that
    every sentence ends at the last step; ValueError names an unknown word."""
    index = {w: i for i, w in enumerate(words)}
    if PAD not in index:
        raise ValueError(f"the word list must contain {PAD!r}")
    if len(sentences) == 0:
        raise ValueError("encode_padded needs at least one sentence; got none")
    T = max(len(s) for s in sentences)
    if T == 0:
        raise ValueError("every sentence is empty")
    out = np.full((len(sentences), T), index[PAD], dtype=np.int64)
    for k, s in enumerate(sentences):
        unknown = [w for w in s if w not in index]
        if unknown:
            raise ValueError(f"sentence {k} has words {unknown} that are not in the vocabulary")
        if s:
            out[k, T - len(s):] = [index[w] for w in s]
    return out


def bag_of_words(ids, V: int, pad: int = 0) -> np.ndarray:
    """Word counts (N, V) of padded ids (N, T), the pad index not counted."""
    ids = np.asarray(ids)
    counts = np.zeros((ids.shape[0], V))
    np.add.at(counts, (np.repeat(np.arange(ids.shape[0]), ids.shape[1]), ids.ravel()), 1.0)
    counts[:, pad] = 0.0
    return counts


def pang_lee_sentences() -> tuple[list, np.ndarray]:
    """The 200 polarity sentences in gensim's test data: token lists (lower case, split at spaces as
    shipped) and labels (200,) in {0, 1} (1: positive). The file is latin-1 encoded; 100 of each label,
    negatives first (shuffle before cutting folds)."""
    from .gensim_data import _path

    sentences, labels = [], []
    with open(_path(POLARITY_FILE), encoding="latin-1") as fh:
        for k, line in enumerate(fh):
            if not line.strip():
                continue
            tag, *words = line.split()
            if tag not in ("__label__neg", "__label__pos"):
                raise ValueError(f"{POLARITY_FILE} line {k + 1}: expected __label__neg or __label__pos; got {tag!r}")
            sentences.append([w.lower() for w in words])
            labels.append(int(tag == "__label__pos"))
    return sentences, np.array(labels, dtype=np.int64)


def contrast_data(n_train: int, n_test: int, seed: int):
    """(words, train ids (N, T), train labels, test ids, test labels) of the contrast language."""
    words = contrast_vocabulary()
    s_train, y_train = contrast_sentences(n_train, rng=2 * seed)
    s_test, y_test = contrast_sentences(n_test, rng=2 * seed + 1)
    return words, encode_padded(s_train, words), y_train, encode_padded(s_test, words), y_test
