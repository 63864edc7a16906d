"""Count-based baselines for a language model: unigram and interpolated n-gram models over integer ids.

An order-n model predicts symbol x_t from the n - 1 symbols before it. Counts N(c, v) of context c
followed by v come from the training stream; each order is smoothed towards the next lower one with a
Dirichlet prior of strength beta (MacKay & Peto 1995):

    P_n(v | c) = (N(c, v) + beta * P_{n-1}(v | c')) / (N(c) + beta),   c' = c without its oldest symbol,
    P_0(v) = 1 / V,

so every P_n is a proper distribution over the V symbols and never zero. Order 1 is the smoothed
unigram model. Contexts are coded as base-V integers and counted with ``np.unique`` (no Python loop over
the text).
"""
from __future__ import annotations

import numpy as np


def _codes(ids: np.ndarray, k: int, V: int) -> np.ndarray:
    """Base-V code of the k symbols before each position t >= k: (N - k,) for ids (N,)."""
    n = len(ids)
    code = np.zeros(n - k, dtype=np.int64)
    for i in range(k):
        code = code * V + ids[i:n - k + i]
    return code


def _check_ids(name, ids, V):
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer) or len(ids) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D integer array; got {ids.dtype} {ids.shape}")
    if ids.min() < 0 or ids.max() >= V:
        raise ValueError(f"{name} must hold ids in [0, V={V}); got values from {ids.min()} to {ids.max()}")
    return ids.astype(np.int64)


class NGram:
    """Interpolated order-n model with Dirichlet smoothing beta (see the module docstring).

    NGram(train_ids (N,), V, order, beta). ``log2_probs(ids)`` gives log2 P(x_t | x_{t-n+1..t-1}) for
    t = n-1 .. len(ids)-1; ``bits(ids)`` their negated mean (bits per symbol).
    """

    def __init__(self, train_ids, V: int, order: int, beta: float = 1.0):
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
            raise ValueError(f"order must be a positive integer; got {order!r}")
        if not beta > 0:
            raise ValueError(f"beta must be positive; got {beta!r}")
        if V ** order >= 2 ** 62:
            raise ValueError(f"V**order = {V}**{order} is too large to code contexts in int64")
        self.V, self.order, self.beta = int(V), int(order), float(beta)
        ids = _check_ids("train_ids", train_ids, self.V)
        if len(ids) <= order:
            raise ValueError(f"train_ids needs more than order={order} symbols; got {len(ids)}")
        self.tables = []
        for k in range(order):                     # context length k = 0 .. order-1
            ctx = _codes(ids, k, self.V)[: len(ids) - k]
            joint = ctx * self.V + ids[k:]
            j_codes, j_counts = np.unique(joint, return_counts=True)
            c_codes, c_counts = np.unique(ctx, return_counts=True)
            self.tables.append((j_codes, j_counts, c_codes, c_counts))

    @staticmethod
    def _lookup(codes, counts, query):
        pos = np.searchsorted(codes, query)
        pos = np.minimum(pos, len(codes) - 1)
        return np.where(codes[pos] == query, counts[pos], 0)

    def log2_probs(self, ids) -> np.ndarray:
        ids = _check_ids("ids", ids, self.V)
        n = self.order
        if len(ids) < n:
            raise ValueError(f"ids needs at least order={n} symbols; got {len(ids)}")
        target = ids[n - 1:]
        p = np.full(len(target), 1.0 / self.V)
        for k, (j_codes, j_counts, c_codes, c_counts) in enumerate(self.tables):
            ctx = _codes(ids, k, self.V)[n - 1 - k:]   # the k symbols before each target
            joint = ctx * self.V + target
            nj = self._lookup(j_codes, j_counts, joint)
            nc = self._lookup(c_codes, c_counts, ctx)
            p = (nj + self.beta * p) / (nc + self.beta)
        return np.log2(p)

    def bits(self, ids) -> float:
        """Cross-entropy in bits per symbol on ``ids`` (every position after the first order-1)."""
        return float(-np.mean(self.log2_probs(ids)))
