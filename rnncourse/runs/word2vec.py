"""The word2vec runs of the book: one set of settings shared by the chapter, the seed study in
``benchmarks/experiments/word2vec_seeds.py`` and ``tests/test_claims_word2vec.py``.

The chapter trains on a slice of gensim's wiki sample small enough for the page; the benchmark
(``benchmarks/bench_word2vec.py``) trains on all of it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..data import WordVocab, wiki_sample, word_pairs
from ..data.gensim_data import BOOK_SLICE_TOKENS, wiki_slice
from ..scratch.embedding_eval import random_pair_cosine, similarity_rho
from ..scratch.word2vec import BOOK_EPOCHS, BOOK_MIN_COUNT, BOOK_SETTING, Word2Vec, train_book_vectors

# the chapter's slice: the first SLICE_TOKENS tokens of the wiki sample, in its 10,000-token sentences;
# the training setting is the book's (rnncourse.scratch.word2vec.BOOK_SETTING), for ours and gensim's alike
SLICE_TOKENS = BOOK_SLICE_TOKENS
SETTINGS = BOOK_SETTING
MIN_COUNT = BOOK_MIN_COUNT
EPOCHS = BOOK_EPOCHS


def chapter_corpus(tokens: int = SLICE_TOKENS) -> list[list[str]]:
    """The first ``tokens`` tokens of the wiki sample, as sentences of at most 10,000 tokens."""
    return wiki_slice(tokens)


@dataclass
class Run:
    """One trained model: its words (V,), vectors (V, D), training seconds, WordSim353 / SimLex-999 rho (and
    the numbers of pairs they cover), the same rho for the centred vectors (the mean vector subtracted),
    and the mean cosine of random word pairs (``RANDOM_PAIRS`` pairs, drawn with seed 0)."""
    name: str
    words: list
    vectors: np.ndarray
    seconds: float
    wordsim: float
    simlex: float
    n_wordsim: int = 0
    n_simlex: int = 0
    wordsim_centred: float = float("nan")
    simlex_centred: float = float("nan")
    random_cosine: float = float("nan")


RANDOM_PAIRS = 20_000


def centred(vectors) -> np.ndarray:
    """The vectors (V, D) minus their mean vector: what stays once the direction all words share is gone."""
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors - vectors.mean(axis=0)


def _evaluate(name, words, vectors, seconds) -> Run:
    ws, n_ws = similarity_rho(words, vectors, word_pairs("wordsim353"))
    sl, n_sl = similarity_rho(words, vectors, word_pairs("simlex999"))
    c = centred(vectors)
    return Run(name, list(words), np.asarray(vectors), seconds, ws, sl, n_ws, n_sl,
               similarity_rho(words, c, word_pairs("wordsim353"))[0],
               similarity_rho(words, c, word_pairs("simlex999"))[0],
               random_pair_cosine(vectors, RANDOM_PAIRS, 0))


def train_ours(sentences, seed: int, sg: bool = True) -> Run:
    start = time.perf_counter()
    model = train_book_vectors(sentences, seed, sg=sg)
    return _evaluate("ours (NumPy)" + ("" if sg else ", CBOW"), model.vocab.words, model.vectors,
                     time.perf_counter() - start)


def train_gensim(sentences, seed: int, sg: bool = True, workers: int = 2) -> Run:
    from gensim.models import Word2Vec as GensimWord2Vec

    start = time.perf_counter()
    model = GensimWord2Vec(sentences, sg=int(sg), min_count=MIN_COUNT, epochs=EPOCHS, workers=workers,
                           seed=seed, **SETTINGS)
    return _evaluate("gensim" + ("" if sg else ", CBOW"), model.wv.index_to_key, model.wv.vectors,
                     time.perf_counter() - start)


SEEDS = range(5)
STUDY = ("ours", "gensim", "ours CBOW", "gensim CBOW")


def seed_study(seeds=SEEDS) -> dict[str, list[Run]]:
    """The chapter's comparison over seeds: for each seed, skip-gram and CBOW, ours and gensim's, on the
    chapter's slice with the chapter's settings. Returns ``{name: [Run per seed]}`` for the names of
    ``STUDY``. ``seeds`` may be wrapped in a progress bar."""
    corpus = chapter_corpus()
    out = {name: [] for name in STUDY}
    for seed in seeds:
        for name in STUDY:
            train = train_gensim if name.startswith("gensim") else train_ours
            out[name].append(train(corpus, seed, sg=not name.endswith("CBOW")))
    return out


# The whole wiki sample (about 453k tokens), as benchmarks/bench_word2vec.py trains it: gensim's defaults
# (D = 100), min_count 5, 5 epochs, 2 workers on both sides.
WIKI_SETTING = dict(vector_size=100, window=5, negative=5, sample=1e-3, alpha=0.025, min_alpha=1e-4)
WIKI_MIN_COUNT = 5
WIKI_EPOCHS = 5


def wiki_cbow_study(seeds=SEEDS) -> dict[str, np.ndarray]:
    """WordSim353 rho (one per seed) of CBOW on the whole wiki sample in ``WIKI_SETTING``: gensim's and ours
    (``Word2Vec(engine="compiled")``, gensim's algorithm compiled with numba), both with 2 worker threads.
    Returns ``{"gensim CBOW": rho (S,), "compiled CBOW": rho (S,)}``."""
    from gensim.models import Word2Vec as GensimWord2Vec

    corpus, pairs = wiki_sample(), word_pairs("wordsim353")
    vocab = WordVocab(corpus, WIKI_MIN_COUNT)
    out = {"gensim CBOW": [], "compiled CBOW": []}
    for seed in seeds:
        g = GensimWord2Vec(corpus, sg=0, min_count=WIKI_MIN_COUNT, epochs=WIKI_EPOCHS, workers=2, seed=seed,
                           **WIKI_SETTING)
        out["gensim CBOW"].append(similarity_rho(g.wv.index_to_key, g.wv.vectors, pairs)[0])
        m = Word2Vec(vocab, sg=False, seed=seed, workers=2, engine="compiled", **WIKI_SETTING).train(corpus,
                                                                                                  WIKI_EPOCHS)
        out["compiled CBOW"].append(similarity_rho(vocab.words, m.vectors, pairs)[0])
    return {k: np.array(v) for k, v in out.items()}
