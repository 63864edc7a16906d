r"""The numba kernels of :mod:`rnncourse.scratch.word2vec_compiled` (imported only by it, lazily: importing
this module imports numba). The equations and the algorithm are documented there.

Every kernel is ``@numba.njit(nogil=True)``: a Python thread that calls one releases the GIL, so two threads
train at once (Hogwild). The random stream is the C code's and gensim's 48-bit linear congruential generator,
``state <- (state * 25214903917 + 11) mod 2^48``, whose draw is ``state >> 16`` (32 bits); each call of
:func:`train_sentences` carries its own state, so threads never share one.

``CACHE`` says whether compiled machine code is cached on disk (numba's ``cache=True``): only when numba has
a writable place for it (see ``word2vec_compiled._cache_dir``, which sets ``NUMBA_CACHE_DIR`` before numba is
imported); otherwise every process compiles afresh, silently.
"""
from __future__ import annotations

import os

import numba
import numpy as np

CACHE = os.environ.get("RNNCOURSE_NUMBA_CACHE", "1") == "1"
FASTMATH = {"contract", "reassoc", "arcp"}   # vectorised sums; no finite-math assumptions
MAX_EXP = 6.0                                  # gensim's MAX_EXP: scores with |s| >= 6 are skipped
_MUL = np.uint64(25214903917)
_ADD = np.uint64(11)
_MASK = np.uint64((1 << 48) - 1)
_SHIFT = np.uint64(16)
_S32 = np.uint64(32)


def _jit(fn):
    return numba.njit(nogil=True, cache=CACHE, fastmath=FASTMATH)(fn)


@_jit
def lcg_draw(state):
    """One draw of the C code's generator: returns ``(state >> 16, next state)``, both uint64."""
    return state >> _SHIFT, (state * _MUL + _ADD) & _MASK


@_jit
def sgd_on_targets(h, W_out, targets, alpha, work):
    r"""Score the input vector h (D,) against each target row of W_out and take gensim's SGD steps.

    targets (K+1,): targets[0] the word to predict (label 1), the rest noise words (label 0); an entry -1
    is skipped. For each target t in order, with s = u_t . h: skip if |s| >= MAX_EXP; else
    g = alpha (y - sigma(s)), ``work += g u_t`` (u_t before its update), then ``u_t += g h``.
    Returns the loss -log sigma(s) (y = 1) or -log sigma(-s) (y = 0) summed over the targets scored.
    """
    loss = 0.0
    D = h.shape[0]
    for d in range(targets.shape[0]):
        t = targets[d]
        if t < 0:
            continue
        u = W_out[t]
        s = np.float32(0.0)
        for a in range(D):
            s += h[a] * u[a]
        if s <= -MAX_EXP or s >= MAX_EXP:
            continue
        f = 1.0 / (1.0 + np.exp(-np.float64(s)))
        if d == 0:
            g = np.float32((1.0 - f) * alpha)
            loss -= np.log(f)
        else:
            g = np.float32(-f * alpha)
            loss -= np.log(1.0 - f)
        for a in range(D):
            work[a] += g * u[a]
        for a in range(D):
            u[a] += g * h[a]
    return loss


@_jit
def cbow_update(W_in, W_out, context, targets, alpha, neu1, work):
    """One CBOW window (gensim's ``cbow_mean=1``): h = mean of W_in[context] (n,), SGD on the targets, then
    every context row += work (the gradient with respect to h, undivided). neu1, work (D,) are scratch.
    A window with no context word changes nothing. Returns the loss."""
    n = context.shape[0]
    if n == 0:
        return 0.0
    D = W_in.shape[1]
    for a in range(D):
        neu1[a] = 0.0
        work[a] = 0.0
    for m in range(n):
        row = W_in[context[m]]
        for a in range(D):
            neu1[a] += row[a]
    inv = np.float32(1.0 / n)
    for a in range(D):
        neu1[a] *= inv
    loss = sgd_on_targets(neu1, W_out, targets, alpha, work)
    for m in range(n):
        row = W_in[context[m]]
        for a in range(D):
            row[a] += work[a]
    return loss


@_jit
def sg_update(W_in, W_out, word, targets, alpha, work):
    """One skip-gram pair: h = W_in[word], SGD on the targets (targets[0] the centre word), then
    W_in[word] += work. Returns the loss."""
    D = W_in.shape[1]
    for a in range(D):
        work[a] = 0.0
    row = W_in[word]
    loss = sgd_on_targets(row, W_out, targets, alpha, work)
    for a in range(D):
        row[a] += work[a]
    return loss


@_jit
def _draw_targets(centre, table, targets, state):
    """targets[0] = centre; targets[1:] noise words from the table (slot from the draw's high bits), -1 where
    one equals the centre."""
    targets[0] = centre
    T = np.uint64(table.shape[0])
    for d in range(1, targets.shape[0]):
        r, state = lcg_draw(state)
        t = table[np.int64((r * T) >> _S32)]
        targets[d] = -1 if t == centre else t
    return state


@_jit
def train_sentences(W_in, W_out, ids, bounds, sentences, keep_int, table, window, negative, cbow,
                    alpha0, min_alpha, words_before, total_words, state):
    """Train in place on the sentences ``sentences`` (indices into ``bounds``), in that order.

    ids (N,) int64: the corpus's word indices; sentence s is ``ids[bounds[s]:bounds[s + 1]]``.
    keep_int (V,) uint64: a word is kept when the 32-bit draw is <= keep_int[w] (gensim's ``sample_int``).
    table (T,) int64: the noise table. alpha decays linearly with the words before each sentence
    (``words_before + bounds[s]``, of ``total_words``). Returns ``(loss, examples, state)``: the summed
    loss, the number of windows (CBOW, those with a context) or pairs (skip-gram) trained, the generator's
    final state.
    """
    D = W_in.shape[1]
    longest = 0
    for s in sentences:
        longest = max(longest, bounds[s + 1] - bounds[s])
    buf = np.empty(longest, dtype=np.int64)
    context = np.empty(2 * window, dtype=np.int64)
    targets = np.empty(negative + 1, dtype=np.int64)
    neu1 = np.empty(D, dtype=W_in.dtype)
    work = np.empty(D, dtype=W_in.dtype)
    win = np.uint64(window)
    loss = 0.0
    examples = 0
    for s in sentences:
        start, stop = bounds[s], bounds[s + 1]
        progress = (words_before + start) / total_words
        alpha = max(min_alpha, alpha0 - (alpha0 - min_alpha) * progress)
        n = 0
        for p in range(start, stop):                  # downsampling, one draw per word
            r, state = lcg_draw(state)
            if r <= keep_int[ids[p]]:
                buf[n] = ids[p]
                n += 1
        for i in range(n):
            r, state = lcg_draw(state)
            b = np.int64((r * win) >> _S32)          # reduced window: span window - b each side
            j = max(0, i - window + b)
            k = min(n, i + window + 1 - b)
            if cbow:
                c = 0
                for m in range(j, k):
                    if m != i:
                        context[c] = buf[m]
                        c += 1
                state = _draw_targets(buf[i], table, targets, state)
                if c > 0:
                    loss += cbow_update(W_in, W_out, context[:c], targets, alpha, neu1, work)
                    examples += 1
            else:
                for m in range(j, k):
                    if m == i:
                        continue
                    state = _draw_targets(buf[i], table, targets, state)
                    loss += sg_update(W_in, W_out, buf[m], targets, alpha, work)
                    examples += 1
    return loss, examples, state
