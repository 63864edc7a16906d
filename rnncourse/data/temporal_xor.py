"""Elman's (1990) temporal XOR: a stream of bits in which every third bit is the XOR of the two before it.

    b_{3k}, b_{3k+1} random,  b_{3k+2} = b_{3k} XOR b_{3k+1}

The task is to predict the next bit. Two of every three bits are coin flips (no network can do better than
guessing), the third is determined by the two before it: a network that learns the task has a low error
at every third step, and its error over time has period 3. Generated, never downloaded.
"""
from __future__ import annotations

import numpy as np


def temporal_xor(triples: int, batch: int, rng=None):
    """Streams of 3*``triples`` bits, each starting at the first bit of a triple.

    Returns (x (T, B, 1), target (T, B, 1)) with T = 3*triples - 1: x_t = b_t and target_t = b_{t+1}.
    """
    for name, v in (("triples", triples), ("batch", batch)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer; got {v!r}")
    rng = np.random.default_rng(rng)
    pairs = rng.integers(0, 2, size=(triples, 2, batch))
    bits = np.concatenate([pairs, (pairs[:, :1] ^ pairs[:, 1:])], axis=1).reshape(3 * triples, batch)
    bits = bits.astype(np.float64)[:, :, None]
    return bits[:-1], bits[1:]
