"""Text for language models: character streams, a fixed split, word ids with ``<unk>``, stream batching.

A language model reads one long stream of symbols. We make it from gensim's shipped corpora (see
:mod:`rnncourse.data.gensim_data`): the tokens of each document joined by single spaces, documents one
after the other, keeping only tokens spelled in :data:`ALPHABET` (lower-case a-z; the wiki cleaning has
already removed digits and punctuation). The stream is cut into a fixed train / validation / test split
(:data:`SPLIT`, contiguous pieces, in that order), and a piece is turned into B parallel streams
(:func:`batchify`) read in consecutive windows of T steps (:func:`stream_windows`), so the state at the
end of one window is the right initial state of the next: truncated BPTT carries it across batches.

===========================  ==================================================================
``char_corpus(name)``        ``"wiki"`` (about 2.8 M characters) or ``"lee"`` (about 0.35 M), as one string
``split_text(text)``         (train, validation, test) strings, fractions :data:`SPLIT`
``batchify(ids, B)``         (N, B) int array: column b is the b-th contiguous 1/B of the stream
``stream_windows(s, T)``     (x, y) pairs of (T, B) ids, y the next symbol of x
``word_ids(tokens, vocab)``  word ids with every out-of-vocabulary word mapped to ``<unk>``
===========================  ==================================================================
"""
from __future__ import annotations

import functools

import numpy as np

ALPHABET = " abcdefghijklmnopqrstuvwxyz"
SPLIT = (0.90, 0.05, 0.05)
UNK = "<unk>"


def _corpus_tokens(name: str) -> list:
    from .gensim_data import lee_background, wiki_sample

    if name == "wiki":
        return wiki_sample(max_sentence_length=None)
    if name == "lee":
        return lee_background()
    raise ValueError(f"char_corpus expects 'wiki' or 'lee'; got {name!r}")


def join_tokens(documents, alphabet: str = ALPHABET) -> str:
    """One string: the tokens spelled in ``alphabet`` joined by single spaces, documents in order."""
    allowed = set(alphabet) - {" "}
    words = [w for doc in documents for w in doc if w and set(w) <= allowed]
    if not words:
        raise ValueError(f"the corpus is empty: no token is spelled in the alphabet {alphabet!r}")
    return " ".join(words)


@functools.lru_cache(maxsize=2)
def char_corpus(name: str = "wiki") -> str:
    """gensim's wiki sample (``"wiki"``) or Lee background corpus (``"lee"``) as one character stream."""
    return join_tokens(_corpus_tokens(name))


def encode_chars(text: str, chars) -> np.ndarray:
    """Indices (len(text),) of each character of ``text`` in the sorted list ``chars`` (vectorised
    CharVocab.encode for long ASCII streams); ValueError names characters not in ``chars``."""
    if len(text) == 0:
        raise ValueError("encode_chars needs a non-empty text; got an empty one")
    unknown = sorted(set(text) - set(chars))
    if unknown:
        raise ValueError(f"characters {unknown} are not in the vocabulary {list(chars)}")
    table = np.zeros(128, dtype=np.int64)
    table[[ord(c) for c in chars]] = np.arange(len(chars))
    return table[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]


def word_corpus(name: str = "wiki") -> list:
    """The same stream as :func:`char_corpus`, as a list of words."""
    return char_corpus(name).split(" ")


def split_text(sequence, fractions=SPLIT):
    """Cut a string (or list) into contiguous (train, validation, test) pieces of the given fractions."""
    if len(sequence) == 0:
        raise ValueError("split_text needs a non-empty corpus; got an empty one")
    if len(fractions) != 3 or min(fractions) <= 0 or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(f"fractions must be three positive numbers summing to 1; got {fractions!r}")
    n = len(sequence)
    a, b = int(round(n * fractions[0])), int(round(n * (fractions[0] + fractions[1])))
    if not 0 < a < b < n:
        raise ValueError(f"a corpus of {n} symbols is too short to split into {fractions}")
    return sequence[:a], sequence[a:b], sequence[b:]


def batchify(ids, batch_size: int) -> np.ndarray:
    """B parallel streams: ids (N*B + r,) -> (N, B), column b = ids[b*N:(b+1)*N] (the r left over dropped)."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D integer array; got {ids.dtype} {ids.shape}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    n = len(ids) // batch_size
    if n < 2:
        raise ValueError(f"a stream of {len(ids)} ids is too short for {batch_size} streams of at least 2")
    return ids[: n * batch_size].reshape(batch_size, n).T.copy()


def stream_windows(streams, T: int):
    """Yield (x, y) of shape (T, B): consecutive windows of (N, B) streams; y[t] = x[t + 1] (the next id).

    The last window is shorter when N - 1 is not a multiple of T. Window k + 1 starts where window k
    ended, so the final state of one is the initial state of the next.
    """
    streams = np.asarray(streams)
    if streams.ndim != 2:
        raise ValueError(f"streams must have shape (N, B); got {streams.shape}")
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T must be a positive integer; got {T!r}")
    for start in range(0, streams.shape[0] - 1, T):
        end = min(start + T, streams.shape[0] - 1)
        yield streams[start:end], streams[start + 1:end + 1]


def word_ids(tokens, words) -> np.ndarray:
    """Ids (N,) of ``tokens`` in the word list ``words`` (index = position); unknown words -> ``words.index("<unk>")``."""
    index = {w: i for i, w in enumerate(words)}
    if UNK not in index:
        raise ValueError(f"the word list must contain {UNK!r} for out-of-vocabulary words")
    if len(tokens) == 0:
        raise ValueError("word_ids needs a non-empty token list; got an empty one")
    unk = index[UNK]
    return np.array([index.get(w, unk) for w in tokens], dtype=np.int64)


def word_list(tokens, max_size: int) -> list:
    """The ``max_size - 1`` most frequent words of ``tokens`` (ties by first appearance) plus ``<unk>``."""
    from collections import Counter

    if isinstance(max_size, bool) or not isinstance(max_size, (int, np.integer)) or max_size < 2:
        raise ValueError(f"max_size must be an integer >= 2; got {max_size!r}")
    if len(tokens) == 0:
        raise ValueError("word_list needs a non-empty token list; got an empty one")
    counts = Counter(tokens)
    ranked = sorted(counts, key=lambda w: -counts[w])[: max_size - 1]
    return ranked + [UNK]
