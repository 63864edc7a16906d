"""A word vocabulary: counts, a min_count cut, word <-> index maps, and a corpus as one flat index array."""
from __future__ import annotations

from collections import Counter

import numpy as np


class WordVocab:
    """Words of a tokenised corpus that occur at least ``min_count`` times, most frequent first.

    Ties keep the order of first appearance (gensim orders ties arbitrarily; the words and counts agree).
    ``words[i]`` is the word of index i, ``counts[i]`` its count, ``index[word]`` its index.

    >>> v = WordVocab([["a", "b", "a"], ["c", "a", "b"]], min_count=2); v.words, v.counts.tolist()
    (['a', 'b'], [3, 2])
    """

    def __init__(self, sentences, min_count: int = 5):
        if not isinstance(min_count, (int, np.integer)) or isinstance(min_count, bool) or min_count < 1:
            raise ValueError(f"min_count must be a positive integer; got {min_count!r}")
        if isinstance(sentences, str) or not hasattr(sentences, "__iter__"):
            raise ValueError(f"sentences must be a list of token lists; got {type(sentences).__name__}")
        counter: Counter = Counter()
        for s in sentences:
            if isinstance(s, str):
                raise ValueError("sentences must be a list of token lists; got a list of strings "
                                 f"(first: {s[:30]!r}); split each sentence into tokens first")
            counter.update(s)
        kept = [(w, c) for w, c in counter.items() if c >= min_count]   # Counter keeps first-seen order
        kept.sort(key=lambda wc: -wc[1])                                 # stable: ties stay in that order
        if not kept:
            raise ValueError(f"no word occurs at least min_count={min_count} times "
                             f"(the corpus has {len(counter)} distinct words)")
        self.min_count = int(min_count)
        self.words = [w for w, _ in kept]
        self.counts = np.array([c for _, c in kept], dtype=np.int64)
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    def encode(self, sentences) -> tuple[np.ndarray, np.ndarray]:
        """The corpus as ``(ids, sentence)``: word indices (N,) and each token's sentence number (N,).

        Words below min_count are dropped before anything else, as in word2vec's C code and gensim, so
        windows reach across them.
        """
        ids, sent = [], []
        for k, s in enumerate(sentences):
            if isinstance(s, str):
                raise ValueError(f"encode expects token lists; sentence {k} is a string {s[:30]!r}")
            row = [self.index[w] for w in s if w in self.index]
            ids.extend(row)
            sent.extend([k] * len(row))
        return np.array(ids, dtype=np.int64), np.array(sent, dtype=np.int64)
