"""Character-level text helpers: a vocabulary that turns strings into indices and one-hot arrays."""
from __future__ import annotations

import numpy as np


class CharVocab:
    """Characters of a text, sorted, with index <-> character maps.

    >>> v = CharVocab("hello"); v.chars
    ['e', 'h', 'l', 'o']
    >>> v.decode(v.encode("hell"))
    'hell'
    """

    def __init__(self, text: str):
        if not isinstance(text, str) or not text:
            raise ValueError(f"CharVocab needs a non-empty string; got {text!r}")
        self.chars = sorted(set(text))
        self.index = {ch: i for i, ch in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """Indices (len(text),) of each character; ValueError names any character not in the vocabulary."""
        unknown = sorted(set(text) - set(self.index))
        if unknown:
            raise ValueError(f"characters {unknown} are not in the vocabulary {self.chars}")
        return np.array([self.index[ch] for ch in text], dtype=np.int64)

    def decode(self, indices) -> str:
        return "".join(self.chars[int(i)] for i in indices)

    def one_hot(self, text_or_indices, dtype=np.float64) -> np.ndarray:
        """One-hot rows (len, V) for a string or an index sequence."""
        idx = self.encode(text_or_indices) if isinstance(text_or_indices, str) else np.asarray(text_or_indices)
        out = np.zeros((len(idx), len(self)), dtype=dtype)
        out[np.arange(len(idx)), idx] = 1.0
        return out


def lee_characters() -> tuple[np.ndarray, str]:
    """gensim's Lee background corpus (lower-cased words joined by spaces, one line per document) as character
    indices (N,) and its alphabet (a string, in index order)."""
    from .gensim_data import lee_background

    text = "\n".join(" ".join(doc) for doc in lee_background())
    vocab = CharVocab(text)
    return vocab.encode(text), "".join(vocab.chars)


def lee_text_split(train_fraction: float = 0.9):
    """The Lee corpus (gensim's test data) as one string of lower-case letters and spaces, and its split:
    (vocabulary, training indices (the first ``train_fraction``), held-out indices (the rest))."""
    from .gensim_data import lee_background

    text = " ".join(" ".join(doc) for doc in lee_background())
    vocab = CharVocab(text)
    idx = vocab.encode(text)
    cut = int(train_fraction * len(idx))
    return vocab, idx[:cut], idx[cut:]
