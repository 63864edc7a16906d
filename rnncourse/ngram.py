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


def _discounts(counts: np.ndarray, modified: bool) -> np.ndarray:
    """(D_1, D_2, D_3+) from the count-of-counts n_r of one level (Chen & Goodman 1999, eq. 26):
    Y = n1 / (n1 + 2 n2), D_r = r - (r + 1) Y n_{r+1} / n_r; one discount Y for all r when not
    ``modified`` (or when some n_r, r <= 4, is zero). Each D_r is kept in [0.1, r], so that unseen
    symbols keep some probability even when a level has no singletons (n1 = 0 would give Y = 0)."""
    n = [int(np.sum(counts == r)) for r in (1, 2, 3, 4)]
    y = n[0] / (n[0] + 2 * n[1]) if n[0] + 2 * n[1] > 0 else 0.5
    if modified and min(n) > 0:
        d = [r - (r + 1) * y * n[r] / n[r - 1] for r in (1, 2, 3)]
    else:
        d = [y, y, y]
    return np.clip(np.array(d, dtype=np.float64), 0.1, [1.0, 2.0, 3.0])


class KneserNey:
    """Interpolated Kneser-Ney model of order n (Kneser & Ney 1995; Chen & Goodman 1999), modified
    (three discounts per order) by default. KneserNey(train_ids (N,), V, order, modified=True, discount=None).

    For a context c of length k (k = n-1 at the top), with counts N(c, w) and the absolute discount D(N)
    (D_1, D_2, D_3+ for counts 1, 2, >= 3; zero for zero):

        P_k(w | c) = [max(N(c, w) - D(N(c, w)), 0) + gamma(c) P_{k-1}(w | c')] / N(c, .),
        gamma(c) = D_1 n_1(c .) + D_2 n_2(c .) + D_3+ n_3+(c .),     P_{-1}(w) = 1 / V,

    where c' drops the oldest symbol of c, n_r(c .) counts the words seen r times (r >= 3 for n_3+)
    after c, and a context never seen (N(c, .) = 0) passes P_{k-1} through unchanged. At the top order
    N is the raw count; at every lower order it is the *continuation* count, the number of distinct
    symbols seen before (c, w). Since sum_w D(N(c, w)) = gamma(c), each P_k sums to 1 over the V symbols.
    ``discount`` fixes one D for every count and order (for hand-checkable cases); otherwise the
    discounts come from each order's count-of-counts (:func:`_discounts`).
    ``log2_probs(ids)`` gives log2 P(x_t | x_{t-n+1..t-1}) for t = n-1 .. len(ids)-1, as :class:`NGram`.
    """

    def __init__(self, train_ids, V: int, order: int, modified: bool = True, discount: float | None = None):
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
            raise ValueError(f"order must be a positive integer; got {order!r}")
        if discount is not None and not 0 < discount <= 1:
            raise ValueError(f"discount must be in (0, 1]; got {discount!r}")
        if V ** order >= 2 ** 62:
            raise ValueError(f"V**order = {V}**{order} is too large to code contexts in int64")
        self.V, self.order = int(V), int(order)
        ids = _check_ids("train_ids", train_ids, self.V)
        if len(ids) <= order:
            raise ValueError(f"train_ids needs more than order={order} symbols; got {len(ids)}")
        self.levels = []
        for k in range(order):                                # context length k
            if k == order - 1:                                # top level: raw counts of n-grams
                codes, counts = np.unique(_codes(ids, k, self.V) * self.V + ids[k:], return_counts=True)
            else:                                             # distinct (k+2)-grams, then drop the oldest
                longer = np.unique(_codes(ids, k + 1, self.V) * self.V + ids[k + 1:])
                codes, counts = np.unique(longer % self.V ** (k + 1), return_counts=True)
            self.levels.append(self._level(codes, counts, modified, discount))

    def _level(self, codes, counts, modified, discount):
        d = np.full(3, float(discount)) if discount is not None else _discounts(counts, modified)
        ctx = codes // self.V
        c_codes, start = np.unique(ctx, return_index=True)
        total = np.add.reduceat(counts, start)
        n_r = [np.add.reduceat((counts == r).astype(np.int64), start) for r in (1, 2)]
        n_3 = np.add.reduceat((counts >= 3).astype(np.int64), start)
        gamma = d[0] * n_r[0] + d[1] * n_r[1] + d[2] * n_3
        return {"codes": codes, "counts": counts, "d": d, "ctx": c_codes, "total": total, "gamma": gamma}

    def discounts(self, k: int) -> np.ndarray:
        """(D_1, D_2, D_3+) of the level with contexts of length k."""
        return self.levels[k]["d"].copy()

    def _probs(self, ctx_codes, targets):
        """P(target | context) for (context code of order-1 symbols, target) pairs, all levels."""
        p = np.full(len(targets), 1.0 / self.V)
        for k, lv in enumerate(self.levels):
            ctx = ctx_codes % self.V ** k
            nj = NGram._lookup(lv["codes"], lv["counts"], ctx * self.V + targets)
            pos = np.minimum(np.searchsorted(lv["ctx"], ctx), len(lv["ctx"]) - 1)
            seen = lv["ctx"][pos] == ctx
            total = np.where(seen, lv["total"][pos], 1)
            gamma = np.where(seen, lv["gamma"][pos], 0.0)
            dn = np.where(nj == 0, 0.0, lv["d"][np.minimum(nj, 3) - 1])
            p = np.where(seen, (np.maximum(nj - dn, 0.0) + gamma * p) / total, p)
        return p

    def distribution(self, context) -> np.ndarray:
        """P(. | context) over all V symbols, (V,); ``context`` holds the last order-1 symbols."""
        context = np.asarray(context, dtype=np.int64).reshape(-1)
        if len(context) != self.order - 1:
            raise ValueError(f"context must hold order-1 = {self.order - 1} symbols; got {len(context)}")
        code = 0
        for s in context:
            if not 0 <= s < self.V:
                raise ValueError(f"context symbols must be in [0, V={self.V}); got {s}")
            code = code * self.V + int(s)
        return self._probs(np.full(self.V, code, dtype=np.int64), np.arange(self.V, dtype=np.int64))

    def distributions(self, contexts) -> np.ndarray:
        """P(. | context) for K contexts at once: contexts (K, order-1) symbols -> (K, V), rows as
        :meth:`distribution` gives them."""
        contexts = np.asarray(contexts)
        if contexts.ndim != 2 or contexts.shape[1] != self.order - 1 or len(contexts) == 0:
            raise ValueError(f"contexts must have shape (K, order-1 = {self.order - 1}); got {contexts.shape}")
        flat = _check_ids("contexts", contexts.reshape(-1), self.V).reshape(contexts.shape)
        codes = flat @ self.V ** np.arange(self.order - 2, -1, -1, dtype=np.int64)
        targets = np.tile(np.arange(self.V, dtype=np.int64), len(codes))
        return self._probs(np.repeat(codes, self.V), targets).reshape(len(codes), self.V)

    def log2_probs(self, ids) -> np.ndarray:
        ids = _check_ids("ids", ids, self.V)
        n = self.order
        if len(ids) < n:
            raise ValueError(f"ids needs at least order={n} symbols; got {len(ids)}")
        return np.log2(self._probs(_codes(ids, n - 1, self.V), ids[n - 1:]))

    def bits(self, ids) -> float:
        """Cross-entropy in bits per symbol on ``ids`` (every position after the first order-1)."""
        return float(-np.mean(self.log2_probs(ids)))
