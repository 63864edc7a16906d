r"""word2vec from scratch in NumPy: skip-gram and CBOW with negative sampling (Mikolov et al. 2013).

Symbols: V vocabulary size, D embedding size, B pairs (or windows) in a batch, K negatives, C = 2 * window
context slots. Two matrices, both (V, D): ``W_in`` (the embeddings, ``syn0`` in the C code) and ``W_out``
(the output vectors, ``syn1neg``). Row i of ``W_in`` is one-hot(i) @ W_in, an embedding lookup.

Skip-gram with negative sampling (SGNS), one (input word c, output word o) pair and K noise words n_k:

.. math::  L = -\log\sigma(u_o^\top v_c) - \sum_{k=1}^{K} \log\sigma(-u_{n_k}^\top v_c),
           \qquad v = W_{in}[c],\ u = W_{out}[\cdot]

with :math:`\partial L/\partial s = \sigma(s) - y` for each score s (y = 1 for o, 0 for the n_k).
CBOW replaces :math:`v_c` by the mean h of the context rows and predicts the centre word; its trainer
(``window_step``) moves every context row by the gradient with respect to h, as the C code and gensim do.

The pieces, each testable on its own:

- ``keep_probability``: subsampling of frequent words (the paper's rule and the C code's / gensim's).
- ``noise_table`` / ``draw_negatives``: the unigram^0.75 noise distribution as a precomputed table.
- ``reduced_windows`` / ``window_pairs`` / ``window_contexts``: (centre, context) pairs with the C code's
  dynamic window.
- ``sgns_loss`` / ``cbow_loss``: loss and sparse gradients (rows touched + values) for a batch.
- ``scatter_add_rows``: the sparse update ``W[rows] += values`` that sums repeated rows.
- ``Word2Vec``: the trainer (batched, in-place, learning rate decaying linearly as in the C code).
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..data.vocab import WordVocab

# ----------------------------------------------------------------------------------------------------------
# Subsampling and noise


def _check_counts(counts) -> np.ndarray:
    counts = np.asarray(counts)
    if counts.ndim != 1 or counts.size == 0 or not np.issubdtype(counts.dtype, np.number) or np.any(counts <= 0):
        raise ValueError(f"counts must be a non-empty 1-D array of positive word counts (V,); got shape "
                         f"{counts.shape}, dtype {counts.dtype}")
    return counts.astype(np.float64)


def keep_probability(counts, sample: float = 1e-3, rule: str = "gensim") -> np.ndarray:
    r"""Probability (V,) of keeping each occurrence of a word of relative frequency f = count / total.

    ``rule="paper"``: Mikolov et al. (2013b) discard with :math:`1 - \sqrt{t/f}`, so keep :math:`\sqrt{t/f}`.
    ``rule="gensim"``: the C code and gensim keep with :math:`\sqrt{t/f} + t/f` (written there as
    ``(sqrt(f / t) + 1) * t / f``). Both are clipped to 1; t = ``sample``.
    """
    f = _check_counts(counts)
    f = f / f.sum()
    if not (isinstance(sample, (float, int)) and sample > 0):
        raise ValueError(f"sample (the threshold t) must be a positive number; got {sample!r}")
    r = np.sqrt(sample / f)
    if rule == "paper":
        p = r
    elif rule == "gensim":
        p = r + sample / f
    else:
        raise ValueError(f"rule must be 'paper' or 'gensim'; got {rule!r}")
    return np.minimum(p, 1.0)


def noise_distribution(counts, power: float = 0.75) -> np.ndarray:
    r"""P_n(w) = count(w)^power / sum_w' count(w')^power, shape (V,)."""
    p = _check_counts(counts) ** power
    return p / p.sum()


def noise_table(counts, power: float = 0.75, size: int = 10_000_000) -> np.ndarray:
    """A table (size,) of word indices in which word w fills a share P_n(w) of the slots (int32).

    As the C code's ``InitUnigramTable``: drawing a uniform slot draws a word from P_n; each word's share
    is within 1/size of P_n(w). Slot j holds the word whose cumulative interval contains (j + 0.5) / size.
    """
    if not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be a positive integer; got {size!r}")
    cum = np.cumsum(noise_distribution(counts, power))
    cum[-1] = 1.0
    slots = (np.arange(size, dtype=np.float64) + 0.5) / size
    return np.searchsorted(cum, slots, side="right").astype(np.int32)


def draw_negatives(table: np.ndarray, shape, rng) -> np.ndarray:
    """Noise words, an int array of ``shape``: uniform slots of the noise table."""
    rng = np.random.default_rng(rng)
    return table[rng.integers(0, len(table), size=shape)]


# ----------------------------------------------------------------------------------------------------------
# Windows


def reduced_windows(n: int, window: int, rng) -> np.ndarray:
    """Half-widths (n,) of each position's window, uniform on 1..window, as the C code's ``b = rand % window``
    (the window spans ``window - b`` words each side). Near words are thus used more often than far ones."""
    if not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive integer; got {window!r}")
    rng = np.random.default_rng(rng)
    return window - rng.integers(0, window, size=n)


def _check_spans(spans, sentence):
    spans = np.asarray(spans)
    if spans.ndim != 1 or not np.issubdtype(spans.dtype, np.integer) or np.any(spans < 0):
        raise ValueError(f"spans must be a 1-D array of non-negative integers (N,); got shape {spans.shape}, "
                         f"dtype {spans.dtype}")
    if sentence is None:
        sentence = np.zeros(len(spans), dtype=np.int64)
    sentence = np.asarray(sentence)
    if sentence.shape != spans.shape:
        raise ValueError(f"sentence must have the shape of spans {spans.shape}; got {sentence.shape}")
    return spans, sentence


def window_pairs(spans, sentence=None) -> tuple[np.ndarray, np.ndarray]:
    """All (centre position, context position) pairs, in text order (by centre, then by context position).

    spans (N,): each position's half-width (``reduced_windows`` for the C code's dynamic window, or a
    constant array for a fixed one). sentence (N,): sentence number of each position; windows never
    cross a sentence boundary. Returns two int arrays (P,).
    """
    spans, sentence = _check_spans(spans, sentence)
    n = len(spans)
    wmax = int(spans.max(initial=0))
    centres, contexts = [], []
    for off in range(-wmax, wmax + 1):
        if off == 0:
            continue
        i = np.arange(max(0, -off), min(n, n - off))
        keep = (spans[i] >= abs(off)) & (sentence[i] == sentence[i + off])
        centres.append(i[keep])
        contexts.append(i[keep] + off)
    c, o = (np.concatenate(centres), np.concatenate(contexts)) if centres else (np.zeros(0, int),) * 2
    order = np.lexsort((o, c))
    return c[order], o[order]


def window_contexts(spans, sentence, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Each position's context as a padded row: ``(context, mask)``, both (N, C = 2 * window).

    context[i, j] is the position at offset ``-window..-1, 1..window`` (slot j) from i, and mask[i, j] says
    whether it is inside i's span and sentence (masked slots hold position i itself, never read).
    Sentence numbers must not decrease along the text (as ``WordVocab.encode`` gives them).
    """
    spans, sentence = _check_spans(spans, sentence)
    n = len(spans)
    idx = np.arange(n, dtype=np.int64)
    # first and one-past-last position of each position's sentence (sentence numbers never decrease)
    change = np.flatnonzero(sentence[1:] != sentence[:-1]) + 1
    bounds = np.concatenate([[0], change, [n]])
    which = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    lo, hi = bounds[which][:, None], bounds[which + 1][:, None]
    offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
    pos = idx[:, None] + offsets[None, :]
    mask = (np.abs(offsets)[None, :] <= spans[:, None]) & (pos >= lo) & (pos < hi)
    return np.where(mask, pos, idx[:, None]), mask


# ----------------------------------------------------------------------------------------------------------
# Loss and sparse gradients


@dataclass
class RowGrad:
    """A sparse gradient of a (V, D) matrix: ``values[j]`` belongs to row ``rows[j]`` (rows may repeat)."""
    rows: np.ndarray     # (R,)
    values: np.ndarray   # (R, D)

    def dense(self, V: int) -> np.ndarray:
        """The (V, D) gradient, repeated rows summed (with np.add.at: the slow, obvious reference)."""
        out = np.zeros((V, self.values.shape[1]), dtype=self.values.dtype)
        np.add.at(out, self.rows, self.values)
        return out


def _log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))   # never overflows


def _nll(p_pos, p_neg, mask=None) -> float:
    """-sum log p_pos - sum log(1 - p_neg) from probabilities already computed (masked entries are 0)."""
    tiny = np.finfo(p_pos.dtype).tiny
    if mask is None:
        return -float(np.sum(np.log(np.maximum(p_pos, tiny))) + np.sum(np.log(np.maximum(1 - p_neg, tiny))))
    return -float(np.sum(np.log(np.maximum(p_pos, tiny)) * mask)
                  + np.sum(np.log(np.maximum(1 - p_neg, tiny))))


def _check_batch(W_in, W_out, idx_named: dict):
    for name, W in (("W_in", W_in), ("W_out", W_out)):
        if not isinstance(W, np.ndarray) or W.ndim != 2 or W.dtype not in (np.float32, np.float64):
            raise ValueError(f"{name} must be a (V, D) float32 or float64 array; got "
                             f"{getattr(W, 'shape', type(W).__name__)} {getattr(W, 'dtype', '')}")
    if W_in.shape != W_out.shape:
        raise ValueError(f"W_in and W_out must both be (V, D); got {W_in.shape} and {W_out.shape}")
    V = W_in.shape[0]
    for name, (idx, shape) in idx_named.items():
        idx = np.asarray(idx)
        if not np.issubdtype(idx.dtype, np.integer) or idx.shape != shape:
            raise ValueError(f"{name} must be an integer array of shape {shape}; got {idx.shape} {idx.dtype}")
        if idx.size and (idx.min() < 0 or idx.max() >= V):
            raise ValueError(f"{name} must hold word indices in [0, V={V}); got values in "
                             f"[{idx.min()}, {idx.max()}]")


def sgns_loss(W_in, W_out, inputs, outputs, negatives):
    r"""Skip-gram negative-sampling loss of a batch and its sparse gradients.

    inputs (B,): the word whose embedding is read, v = W_in[inputs] (B, D). outputs (B,): the word to
    predict. negatives (B, K): noise words. Returns ``(L, dW_in, dW_out)`` with

    .. math:: L = -\sum_b \Big[\log\sigma(u_{o_b}^\top v_b) + \sum_k \log\sigma(-u_{n_{bk}}^\top v_b)\Big]

    and ``dW_in``, ``dW_out`` :class:`RowGrad` s: dL/dv_b = sum_j g_bj u_bj and dL/du_bj = g_bj v_b with
    g = sigma(s) - y over the K + 1 targets of each pair.
    """
    inputs, outputs, negatives = np.asarray(inputs), np.asarray(outputs), np.asarray(negatives)
    B = inputs.shape[0] if inputs.ndim == 1 else -1
    K = negatives.shape[1] if negatives.ndim == 2 else -1
    _check_batch(W_in, W_out, {"inputs": (inputs, (B,)), "outputs": (outputs, (B,)),
                               "negatives": (negatives, (B, K))})
    targets = np.concatenate([outputs[:, None], negatives], axis=1)      # (B, K+1)
    v = W_in[inputs]                                                      # (B, D)
    U = W_out[targets]                                                    # (B, K+1, D)
    s = np.einsum("bkd,bd->bk", U, v)                                     # (B, K+1)
    sign = np.ones_like(s)
    sign[:, 1:] = -1.0
    loss = -float(np.sum(_log_sigmoid(sign * s)))
    g = _sigmoid(s)
    g[:, 0] -= 1.0                                                        # dL/ds = sigma(s) - y
    dv = np.einsum("bk,bkd->bd", g, U)
    dU = g[:, :, None] * v[:, None, :]
    return loss, RowGrad(inputs, dv), RowGrad(targets.reshape(-1), dU.reshape(-1, W_in.shape[1]))


def cbow_loss(W_in, W_out, context, mask, outputs, negatives):
    r"""CBOW negative-sampling loss of a batch and its sparse gradients.

    context (B, C), mask (B, C) bool: the context words of each example (at least one unmasked);
    h_b = mean of W_in[context[b, j]] over unmasked j (B, D). outputs (B,): the centre word to predict;
    negatives (B, K). L as in :func:`sgns_loss` with v_b replaced by h_b; each context row gets
    dL/dh_b / n_b (gensim's ``cbow_mean=1``; the C code adds dL/dh_b undivided).
    """
    context, mask = np.asarray(context), np.asarray(mask)
    outputs, negatives = np.asarray(outputs), np.asarray(negatives)
    B = outputs.shape[0] if outputs.ndim == 1 else -1
    C = context.shape[1] if context.ndim == 2 else -1
    K = negatives.shape[1] if negatives.ndim == 2 else -1
    _check_batch(W_in, W_out, {"context": (context, (B, C)), "outputs": (outputs, (B,)),
                               "negatives": (negatives, (B, K))})
    if mask.shape != (B, C) or mask.dtype != bool or not np.all(mask.any(axis=1)):
        raise ValueError(f"mask must be a bool array of shape {(B, C)} with at least one True per row; got "
                         f"{mask.shape} {mask.dtype}")
    n = mask.sum(axis=1).astype(W_in.dtype)                               # (B,)
    h = np.einsum("bc,bcd->bd", mask.astype(W_in.dtype), W_in[context]) / n[:, None]
    targets = np.concatenate([outputs[:, None], negatives], axis=1)
    U = W_out[targets]
    s = np.einsum("bkd,bd->bk", U, h)
    sign = np.ones_like(s)
    sign[:, 1:] = -1.0
    loss = -float(np.sum(_log_sigmoid(sign * s)))
    g = _sigmoid(s)
    g[:, 0] -= 1.0
    dh = np.einsum("bk,bkd->bd", g, U) / n[:, None]
    dctx = np.broadcast_to(dh[:, None, :], (B, C, W_in.shape[1]))[mask]
    dU = g[:, :, None] * h[:, None, :]
    return loss, RowGrad(context[mask], dctx), RowGrad(targets.reshape(-1), dU.reshape(-1, W_in.shape[1]))


def scatter_add_rows(W: np.ndarray, rows: np.ndarray, values: np.ndarray, alpha: float = 1.0,
                     layers: int = 4) -> None:
    """In place: ``W[rows[j]] += alpha * values[j]`` for every j, repeated rows summed.

    ``W[rows] += values`` would keep only one of each repeated row; ``np.add.at`` is exact but slow, and
    so is ``np.add.reduceat`` over many short runs. So: sort the rows; the k-th occurrences (k < layers)
    of rows that occur at most ``layers`` times form ``layers`` sets of distinct rows, each added with one
    fancy-indexed update; rows that occur more often (the frequent words, few) are summed first with
    ``np.add.reduceat``. W (V, D), rows (R,), values (R, D).
    """
    if len(rows) == 0:
        return
    order = np.argsort(rows, kind="stable")
    r = rows[order]
    new_row = np.empty(len(r), dtype=bool)
    new_row[0] = True
    np.not_equal(r[1:], r[:-1], out=new_row[1:])
    starts = np.flatnonzero(new_row)
    counts = np.diff(starts, append=len(r))
    heavy_group = counts > layers
    rank = np.arange(len(r)) - np.repeat(starts, counts)
    light = ~np.repeat(heavy_group, counts)
    for k in range(min(layers, int(counts.max()))):
        sel = light & (rank == k)
        upd = values[order[sel]]
        W[r[sel]] += upd if alpha == 1.0 else alpha * upd
    if heavy_group.any():
        sel = ~light
        rh, first = r[sel], new_row[sel]
        sums = np.add.reduceat(values[order[sel]], np.flatnonzero(first), axis=0)   # (G, D) heavy totals
        W[rh[first]] += sums if alpha == 1.0 else alpha * sums


# ----------------------------------------------------------------------------------------------------------
# The fast training step: the negatives of a window are shared by its pairs (Ji et al. 2016)


def window_step(W_in, W_out, context, mask, centre, negatives, lr, cbow=False):
    r"""One SGD step on B windows, in place, with the C code's and gensim's update rules; returns the loss.

    context, mask (B, C): each window's context words; centre (B,): its centre word; negatives (B, K),
    shared by all pairs of the window. A noise word equal to the window's centre word is skipped (it
    neither scores nor updates), as in the C code and gensim.

    Skip-gram (cbow=False), as in the C code, reads each context word's embedding and predicts the centre
    word: the pairs (context[b, j], centre[b]) for unmasked j, and the step is ``W -= lr * dL/dW`` for the
    per-pair loss of :func:`sgns_loss` with the window's negatives repeated for each of its pairs.

    CBOW predicts the centre from the mean h_b of the n_b context rows (:func:`cbow_loss`). W_out gets
    ``-lr * dL/dW_out``; every context row gets ``-lr * dL/dh_b``, the gradient with respect to the mean
    itself, which is n_b times the row's own gradient ``dL/dh_b / n_b``. That is the C code's and gensim's
    rule (``cbow_mean=1``): dividing by n_b as well makes the context rows learn n_b times (about 6 times)
    slower, too slowly to learn anything in a few epochs.

    All gradients come from the parameters before the step; repeated rows are summed
    (``scatter_add_rows``). A CBOW window with no unmasked context word changes nothing and adds no loss.
    """
    targets = np.concatenate([centre[:, None], negatives], axis=1)       # (B, K+1)
    Y = W_out[targets]                                                    # (B, K+1, D)
    live = np.ones(targets.shape, dtype=W_in.dtype)
    live[:, 1:] = negatives != centre[:, None]                            # skip noise words == centre
    if cbow:
        rows = context[mask]                                              # (R,) context words, by window
        n = mask.sum(axis=1)                                              # (B,) context words per window
        has = n > 0                                                       # windows without context: no-ops
        h = np.einsum("bc,bcd->bd", mask.astype(W_in.dtype), W_in[context]) / np.maximum(n, 1)[:, None]
        g = _sigmoid(np.einsum("bkd,bd->bk", Y, h))                       # (B, K+1)
        g *= live * has[:, None]
        loss = _nll(g[:, 0], g[:, 1:], has)
        g[:, 0] -= has
        g *= -lr                                                          # dL/ds, times -lr
        dh = np.einsum("bk,bkd->bd", g, Y)                                # -lr dL/dh (B, D), not / n
        dY = g[:, :, None] * h[:, None, :]
        dX = dh[np.repeat(np.arange(len(n)), n)]                          # one copy per context row
    else:
        m = mask.astype(W_in.dtype)
        X = W_in[context]                                                 # (B, C, D)
        s = np.matmul(X, Y.transpose(0, 2, 1))                            # (B, C, K+1)
        g = _sigmoid(s)
        g *= m[:, :, None] * live[:, None, :]
        loss = _nll(g[:, :, 0], g[:, :, 1:], m)
        g[:, :, 0] -= m
        g *= -lr                                                          # dL/ds, times -lr
        rows = context[mask]
        dX = np.matmul(g, Y)[mask]                                        # (pairs, D)
        dY = np.matmul(g.transpose(0, 2, 1), X)                           # (B, K+1, D)
    D = W_in.shape[1]
    scatter_add_rows(W_in, rows, dX)                     # dX, dY already carry the factor -lr
    scatter_add_rows(W_out, targets.reshape(-1), dY.reshape(-1, D))
    return loss


# ----------------------------------------------------------------------------------------------------------
# The trainer


class Word2Vec:
    """Skip-gram (``sg=True``) or CBOW with negative sampling, trained by batched SGD in NumPy.

    Settings and defaults follow gensim's ``Word2Vec`` (vector_size=100, window=5, negative=5,
    sample=1e-3, alpha 0.025 -> min_alpha 0.0001 linearly over all epochs, ns_exponent=0.75).
    W_in starts uniform in [-0.5/D, 0.5/D), W_out at zero, as in the C code. Each epoch subsamples the
    corpus (the C code's rule), draws dynamic windows, shuffles the windows, and runs
    :func:`window_step` on ``batch_size`` windows at a time. ``vectors`` is W_in (V, D).

    ``workers > 1`` runs that many threads, each taking every workers-th batch and updating the shared
    matrices without locks (Hogwild, as the C code's and gensim's threads do; NumPy releases the GIL
    inside its loops). Results then depend on thread timing; ``workers=1`` is deterministic for a seed.

    ``engine="compiled"`` trains with gensim's algorithm instead: one SGD step per window (CBOW) or pair
    (skip-gram), in text order, compiled with numba (:mod:`rnncourse.scratch.word2vec_compiled`, which needs
    numba installed); ``batch_size`` is then unused, ``workers`` threads train disjoint jobs (Hogwild), and
    W_in starts uniform in [-1/D, 1/D), gensim 4's range.
    """

    def __init__(self, vocab: WordVocab, vector_size=100, window=5, negative=5, sample=1e-3, sg=True,
                 alpha=0.025, min_alpha=1e-4, batch_size=512, seed=0, dtype=np.float32, workers=1,
                 engine="numpy"):
        if not isinstance(vocab, WordVocab):
            raise ValueError(f"vocab must be a WordVocab; got {type(vocab).__name__}")
        for name, val in (("vector_size", vector_size), ("window", window), ("negative", negative),
                          ("batch_size", batch_size), ("workers", workers)):
            if not isinstance(val, (int, np.integer)) or val < 1:
                raise ValueError(f"{name} must be a positive integer; got {val!r}")
        if engine not in ("numpy", "compiled"):
            raise ValueError(f"engine must be 'numpy' or 'compiled'; got {engine!r}")
        self.engine = engine
        self.vocab, self.D, self.window, self.K = vocab, int(vector_size), int(window), int(negative)
        self.sample, self.sg, self.alpha, self.min_alpha = sample, bool(sg), alpha, min_alpha
        self.batch_size, self.workers = int(batch_size), int(workers)
        self.rng = np.random.default_rng(seed)
        V = len(vocab)
        # uniform in [-0.5/D, 0.5/D) as in the C code; gensim 4 (prep_vectors) doubles it, and so does the
        # compiled engine, which follows gensim
        spread = 2.0 if engine == "compiled" else 1.0
        self.W_in = (spread * (self.rng.random((V, self.D)) - 0.5) / self.D).astype(dtype)
        self.W_out = np.zeros((V, self.D), dtype=dtype)
        self.keep = keep_probability(vocab.counts, sample, "gensim") if sample else np.ones(V)
        self.table = noise_table(vocab.counts, 0.75, size=max(1_000_000, 100 * V))
        self.losses: list[float] = []
        self.seconds = 0.0

    @property
    def vectors(self) -> np.ndarray:
        return self.W_in

    def _step(self, context, mask, centre, negatives, lr, cbow):
        return window_step(self.W_in, self.W_out, context, mask, centre, negatives, lr, cbow=cbow)

    def train(self, sentences, epochs: int = 5) -> Word2Vec:
        """Train in place for ``epochs`` passes over ``sentences`` (token lists); returns self."""
        if not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer; got {epochs!r}")
        start = time.perf_counter()
        ids, sent = self.vocab.encode(sentences)
        if len(ids) == 0:
            raise ValueError("no token of sentences is in the vocabulary")
        # the learning rate decays with the fraction of (pre-subsampling) words seen, as in the C code
        if self.engine == "compiled":
            from . import word2vec_compiled

            self.losses += word2vec_compiled.train_epochs(self, ids, sent, epochs)
            self.seconds += time.perf_counter() - start
            return self
        total = epochs * len(ids)
        cbow = not self.sg
        for epoch in range(epochs):
            kept = self.rng.random(len(ids)) < self.keep[ids]
            w, s = ids[kept], sent[kept]
            spans = reduced_windows(len(w), self.window, self.rng)
            ctx_pos, mask = window_contexts(spans, s, self.window)
            has = mask.any(axis=1)
            order = self.rng.permutation(np.flatnonzero(has))
            negs = draw_negatives(self.table, (len(order), self.K), self.rng)
            words_per_window = len(ids) / max(len(order), 1)
            starts = range(0, len(order), self.batch_size)

            ctx_words = w[ctx_pos]                                           # (N, C) word of each slot

            def run(my_starts, epoch=epoch, w=w, ctx_words=ctx_words, mask=mask, order=order, negs=negs,
                    words_per_window=words_per_window):
                loss = 0.0
                for a in my_starts:
                    b = order[a:a + self.batch_size]
                    done = (epoch * len(ids) + a * words_per_window) / total
                    lr = max(self.alpha - (self.alpha - self.min_alpha) * done, self.min_alpha)
                    loss += self._step(ctx_words[b], mask[b], w[b], negs[a:a + self.batch_size], lr, cbow)
                return loss

            if self.workers == 1:
                loss = run(starts)
            else:   # Hogwild: each thread takes every workers-th batch; NumPy releases the GIL in its loops
                with ThreadPoolExecutor(self.workers) as pool:
                    loss = sum(pool.map(run, [starts[t::self.workers] for t in range(self.workers)]))
            # the mean loss per pair (skip-gram) or per window (CBOW)
            self.losses.append(loss / max(int(has.sum() if cbow else mask[has].sum()), 1))
        self.seconds += time.perf_counter() - start
        return self


# The book's word2vec setting: the word2vec chapter trains with it, and the language-models chapter averages
# the vectors it gives into sentence features (gensim's defaults, except D = 50 and batches of 256).
BOOK_SETTING = dict(vector_size=50, window=5, negative=5, sample=1e-3, alpha=0.025, min_alpha=1e-4)
BOOK_MIN_COUNT = 5
BOOK_EPOCHS = 5
BOOK_BATCH_SIZE = 256


def train_book_vectors(sentences, seed: int, sg: bool = True) -> Word2Vec:
    """A :class:`Word2Vec` (skip-gram, or CBOW for ``sg=False``) trained on ``sentences`` (token lists) in the
    book's setting: words seen at least ``BOOK_MIN_COUNT`` times, ``BOOK_EPOCHS`` passes. Its words are
    ``model.vocab.words`` (V,), its vectors ``model.vectors`` (V, D)."""
    vocab = WordVocab(sentences, BOOK_MIN_COUNT)
    return Word2Vec(vocab, sg=sg, seed=seed, batch_size=BOOK_BATCH_SIZE, **BOOK_SETTING).train(sentences, BOOK_EPOCHS)
