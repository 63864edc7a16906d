"""The word2vec runs of the book: one set of settings shared by the chapter, the seed study in
``benchmarks/experiments/word2vec_seeds.py`` and ``tests/test_claims_word2vec.py``.

The chapter trains on a slice of gensim's wiki sample small enough for the page; the benchmark
(``benchmarks/bench_word2vec.py``) trains on all of it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .data import WordVocab, wiki_sample, word_pairs
from .scratch.embedding_eval import similarity_rho
from .scratch.word2vec import Word2Vec

# the chapter's slice: the first SLICE_TOKENS tokens of the wiki sample, in its 10,000-token sentences
SLICE_TOKENS = 200_000
SETTINGS = dict(vector_size=50, window=5, negative=5, sample=1e-3, alpha=0.025, min_alpha=1e-4)
MIN_COUNT = 5
EPOCHS = 5
BATCH_SIZE = 256


def chapter_corpus(tokens: int = SLICE_TOKENS) -> list[list[str]]:
    """The first ``tokens`` tokens of the wiki sample, as sentences of at most 10,000 tokens."""
    out, n = [], 0
    for s in wiki_sample():
        if n >= tokens:
            break
        out.append(s[: tokens - n])
        n += len(out[-1])
    return out


@dataclass
class Run:
    """One trained model: its words (V,), vectors (V, D), training seconds and WordSim353 / SimLex-999 rho."""
    name: str
    words: list
    vectors: np.ndarray
    seconds: float
    wordsim: float
    simlex: float


def _evaluate(name, words, vectors, seconds) -> Run:
    ws, _ = similarity_rho(words, vectors, word_pairs("wordsim353"))
    sl, _ = similarity_rho(words, vectors, word_pairs("simlex999"))
    return Run(name, list(words), np.asarray(vectors), seconds, ws, sl)


def train_ours(sentences, seed: int, sg: bool = True) -> Run:
    start = time.perf_counter()
    vocab = WordVocab(sentences, MIN_COUNT)
    model = Word2Vec(vocab, sg=sg, seed=seed, batch_size=BATCH_SIZE, **SETTINGS).train(sentences, EPOCHS)
    return _evaluate("ours (NumPy)", vocab.words, model.vectors, time.perf_counter() - start)


def train_gensim(sentences, seed: int, sg: bool = True, workers: int = 2) -> Run:
    from gensim.models import Word2Vec as GensimWord2Vec

    start = time.perf_counter()
    model = GensimWord2Vec(sentences, sg=int(sg), min_count=MIN_COUNT, epochs=EPOCHS, workers=workers,
                           seed=seed, **SETTINGS)
    return _evaluate("gensim", model.wv.index_to_key, model.wv.vectors, time.perf_counter() - start)
