"""Token vocabularies and padded batches for sequence-to-sequence pairs (source -> target).

A :class:`TokenVocab` maps symbols (characters or words) to indices after three special tokens:
``PAD`` = 0 (fills short sequences), ``BOS`` = 1 (the decoder's first input) and ``EOS`` = 2 (ends every
target). :func:`make_batch` turns (source, target) pairs into the arrays a model reads (time-major, as
every model of the course):

    src      (S, B)  source indices, padded on the LEFT with PAD (so the encoder's last step is a real one)
    tgt_in   (T, B)  BOS y_1 ... y_{n-1} ...: the decoder's inputs under teacher forcing, right-padded
    tgt_out  (T, B)  y_1 ... y_n EOS ...: what it must predict at each step, right-padded with PAD

With ``reverse_source`` the source is read back to front (Sutskever et al. 2014); padding stays on the left.
With ``src_len`` every source is padded to at least that length, so that a model always sees the same
amount of padding, in training and in use, whatever else is in the batch.

:func:`in_test_part` splits a task's items (numbers, days) once and for all into a training part (3/4) and
a test part (1/4) by a fixed hash of an integer key, so that a test set drawn from the test part is disjoint
from every training batch *by construction*, however many batches are drawn.
"""
from __future__ import annotations

import numpy as np

PAD, BOS, EOS = 0, 1, 2
SPECIALS = ("<pad>", "<s>", "</s>")
PARTS = ("all", "train", "test")


def in_test_part(key: int) -> bool:
    """Whether the item with integer ``key`` belongs to the test part (about one key in four).

    A multiplicative (Fibonacci) hash of ``key + 1``, top two bits of 64: a fixed function, the same on every
    machine, spreading neighbouring keys over both parts (of the ten one-digit numbers, 1, 4 and 9 are test).
    """
    return ((((int(key) + 1) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> 62) == 0


def check_part(part: str) -> str:
    """``part`` if it is one of :data:`PARTS`, else a ValueError naming them."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}; got {part!r}")
    return part


class TokenVocab:
    """Symbols after the three specials, in the order given: ``symbols[i]`` has index ``i + 3``.

    >>> v = TokenVocab("abc"); v.encode("cab").tolist(), v.decode([5, 3, 4, 2, 0])
    ([5, 3, 4], ['c', 'a', 'b'])
    """

    def __init__(self, symbols):
        symbols = list(symbols)
        if not symbols:
            raise ValueError("TokenVocab needs at least one symbol; got an empty collection")
        if len(set(symbols)) != len(symbols):
            raise ValueError("TokenVocab symbols must be distinct; got repeats "
                             f"{sorted({s for s in symbols if symbols.count(s) > 1})}")
        clash = [s for s in symbols if s in SPECIALS]
        if clash:
            raise ValueError(f"symbols {clash} clash with the special tokens {SPECIALS}")
        self.symbols = list(SPECIALS) + symbols
        self.index = {s: i for i, s in enumerate(self.symbols)}

    def __len__(self) -> int:
        return len(self.symbols)

    def encode(self, sequence) -> np.ndarray:
        """Indices (n,) of a non-empty sequence of symbols (a string for characters, a list for words)."""
        if len(sequence) == 0:
            raise ValueError("cannot encode an empty sequence: sources and targets need at least one symbol")
        unknown = sorted({s for s in sequence if s not in self.index or self.index[s] < len(SPECIALS)})
        if unknown:
            shown = self.symbols[len(SPECIALS):]
            raise ValueError(f"symbols {unknown} are not in the vocabulary (it has {len(shown)}: "
                             f"{''.join(shown) if all(len(s) == 1 for s in shown) else shown})")
        return np.array([self.index[s] for s in sequence], dtype=np.int64)

    def decode(self, indices) -> list:
        """Symbols of ``indices`` up to (not including) the first EOS; PAD and BOS are dropped."""
        out = []
        for i in np.asarray(indices).tolist():
            if i == EOS:
                break
            if i >= len(SPECIALS):
                out.append(self.symbols[i])
        return out


def make_batch(pairs, src_vocab: TokenVocab, tgt_vocab: TokenVocab, reverse_source: bool = False,
               src_len: int | None = None):
    """(src (S, B), tgt_in (T, B), tgt_out (T, B)) int64 arrays from (source, target) pairs; see the module.

    S = the longest source, or ``src_len`` if that is longer."""
    if len(pairs) == 0:
        raise ValueError("make_batch needs at least one (source, target) pair; got none")
    srcs = [src_vocab.encode(s)[::-1] if reverse_source else src_vocab.encode(s) for s, _ in pairs]
    tgts = [tgt_vocab.encode(t) for _, t in pairs]
    S, T, B = max(max(map(len, srcs)), src_len or 0), max(map(len, tgts)) + 1, len(pairs)
    src = np.full((S, B), PAD, dtype=np.int64)
    tgt_in = np.full((T, B), PAD, dtype=np.int64)
    tgt_out = np.full((T, B), PAD, dtype=np.int64)
    for b, (s, t) in enumerate(zip(srcs, tgts)):
        src[S - len(s):, b] = s
        tgt_in[0, b] = BOS
        tgt_in[1:len(t) + 1, b] = t
        tgt_out[:len(t), b] = t
        tgt_out[len(t), b] = EOS
    return src, tgt_in, tgt_out
