r"""word2vec's per-word SGD, as the C code and gensim run it, compiled with numba: the ``engine="compiled"``
of :class:`rnncourse.scratch.word2vec.Word2Vec`.

The NumPy trainer (``engine="numpy"``) takes one step on a batch of windows at a time; this one takes one
step per window (CBOW) or per (context, centre) pair (skip-gram), in text order, each step reading the
parameters the previous step wrote, exactly the loops of gensim's ``word2vec_inner.pyx``. Symbols as in
:mod:`rnncourse.scratch.word2vec`: W_in (V, D) the embeddings (``syn0``), W_out (V, D) the output vectors
(``syn1neg``), u_t = W_out[t], K noise words, learning rate alpha.

Per sentence (the words of one token list that are in the vocabulary, in order):

1. **Downsampling**: word w is kept when a 32-bit draw r satisfies :math:`r \le p_w (2^{32} - 1)`, with
   gensim's keep probability :math:`p_w = \min(1, \sqrt{t/f_w} + t/f_w)` (``keep_probability``); windows
   reach across the words dropped. alpha for the sentence decays linearly with the words (before
   downsampling) that come before it: :math:`\alpha = \max(\alpha_{min}, \alpha_0 - (\alpha_0 - \alpha_{min})
   \cdot \text{words before} / (\text{epochs} \cdot N))`.
2. **Reduced window**: for each centre position i, b uniform on 0..window-1 and the context is the kept
   words at offsets 1..window - b on each side, within the sentence.
3. **Targets**: the centre word c (label y = 1) and K draws from the unigram^0.75 noise table
   (``noise_table``, label y = 0). A draw equal to c is skipped, not redrawn, as in the C code and gensim
   (so a window may have fewer than K negatives).

   Draws in a range [0, n) (window shrink b, noise-table slot) take the high bits of the 32-bit draw r,
   ``(r * n) >> 32``, as gensim's bisection of its cumulative table does for noise words (``r % n``
   would read the generator's low bits, whose periods are short); gensim draws b from NumPy's generator.
4. **Steps**, for the input vector h: CBOW's :math:`h = \frac{1}{n}\sum_{j} W_{in}[x_j]` over the n context
   words (gensim's ``cbow_mean=1``), skip-gram's :math:`h = W_{in}[x_j]` for each context word x_j in turn,
   each with its own K draws. With :math:`e = 0` (gensim's ``neu1e``, ``work``), for each target t in order:

   .. math:: s = u_t^\top h,\quad g = \alpha\,(y - \sigma(s)),\quad e \mathrel{+}= g\,u_t,\quad
             u_t \mathrel{+}= g\,h

   skipping a target with :math:`|s| \ge 6` (gensim's ``MAX_EXP``: no update, no loss). Then every row
   that made h moves by e: :math:`W_{in}[x_j] \mathrel{+}= e` (CBOW: each context row by the whole e, the
   gradient with respect to the mean; skip-gram: the one row). Since :math:`-g/\alpha = \partial L/\partial s`
   for :math:`L = -\log\sigma(s)` (y = 1) or :math:`-\log\sigma(-s)` (y = 0), this is SGD on the loss of
   ``cbow_loss`` / ``sgns_loss``, one target at a time for W_out.

The sigmoid is exact, :math:`1/(1 + e^{-s})` in float64 (gensim reads a 1000-entry table of
:math:`\sigma` on [-6, 6), an error below 0.003); the score s is summed and g rounded in float32, as
gensim's float32 ``sdot`` and ``saxpy`` do, and vectors are stored in W's dtype. The random stream
(downsampling, windows, noise draws) is the C code's 48-bit linear congruential generator, seeded per
worker and epoch from the model's NumPy generator.

**Workers.** The sentence stream is cut into jobs of whole sentences of at most ``JOB_WORDS`` words
(gensim's ``batch_words``, 10,000); with ``workers`` threads, thread k trains jobs k, k + workers, ... and
calls the nogil kernel on them, updating the shared W_in and W_out without locks (Hogwild, as gensim's
threads do). ``workers=1`` is deterministic for a seed.

The kernels live in ``_word2vec_kernels`` and are compiled on first use (about 2 s of CPU; :func:`warm_up`
compiles them ahead). numba is imported only then, so ``import rnncourse`` does not pay for it. Compiled
code is cached on disk in numba's ``__pycache__`` beside the source when that is writable, else in
``$XDG_CACHE_HOME/rnncourse/numba`` (or ``~/.cache/...``); where neither is writable nothing is cached.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

JOB_WORDS = 10_000          # gensim's batch_words: the words of one job handed to a worker
_KERNELS = None


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
        return True
    except OSError:
        return False


def _cache_dir() -> str | None:
    """Where numba may cache compiled kernels: None for beside the source (writable ``__pycache__``), a user
    cache directory otherwise, or "" when nothing is writable (then nothing is cached)."""
    if _writable(Path(__file__).parent / "__pycache__"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    user = base / "rnncourse" / "numba"
    return str(user) if _writable(user) else ""


def kernels():
    """The numba kernels module, imported (and numba with it) on first call.

    Raises ImportError saying how to install numba when it is missing."""
    global _KERNELS
    if _KERNELS is None:
        if importlib.util.find_spec("numba") is None:
            raise ImportError("Word2Vec(engine='compiled') needs numba: pip install 'numba>=0.68.1,<0.69' "
                              "(or install rnncourse with its test or book extra)")
        where = _cache_dir()
        if where == "":
            os.environ["RNNCOURSE_NUMBA_CACHE"] = "0"
        elif where is not None and "NUMBA_CACHE_DIR" not in os.environ:
            os.environ["NUMBA_CACHE_DIR"] = where
            import numba.core.config  # reads the environment again if numba was imported before
            numba.core.config.reload_config()
        _KERNELS = importlib.import_module("rnncourse.scratch._word2vec_kernels")
    return _KERNELS


def keep_ints(keep: np.ndarray) -> np.ndarray:
    """gensim's ``sample_int``: keep probabilities (V,) as uint64 thresholds for 32-bit draws."""
    return np.floor(np.asarray(keep, dtype=np.float64) * (2 ** 32 - 1)).astype(np.uint64)


def sentence_bounds(sentence: np.ndarray) -> np.ndarray:
    """Start of each (non-empty) sentence and the end of the last, (S + 1,) int64, from the sentence number
    of each token (N,), non-decreasing (``WordVocab.encode``)."""
    n = len(sentence)
    change = np.flatnonzero(sentence[1:] != sentence[:-1]) + 1
    return np.concatenate([[0], change, [n]]).astype(np.int64)


def jobs(bounds: np.ndarray, job_words: int = JOB_WORDS) -> list[np.ndarray]:
    """Consecutive sentences grouped into jobs of at most ``job_words`` words (a longer sentence is a job of
    its own): a list of arrays of sentence indices."""
    out, current, words = [], [], 0
    for s, length in enumerate(np.diff(bounds)):
        if current and words + length > job_words:
            out.append(np.array(current, dtype=np.int64))
            current, words = [], 0
        current.append(s)
        words += int(length)
    if current:
        out.append(np.array(current, dtype=np.int64))
    return out


def train_epochs(model, ids: np.ndarray, sentence: np.ndarray, epochs: int) -> list[float]:
    """Train ``model`` (a :class:`~rnncourse.scratch.word2vec.Word2Vec`: its W_in, W_out, keep, table,
    window, K, alpha, min_alpha, sg, workers and rng) in place for ``epochs`` passes over the encoded corpus
    (ids, sentence) (N,). Returns the mean loss per window (CBOW) or pair (skip-gram) of each epoch."""
    k = kernels()
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    bounds = sentence_bounds(np.asarray(sentence))
    keep = keep_ints(model.keep)
    table = np.ascontiguousarray(model.table, dtype=np.int64)
    per_worker = [np.concatenate(js) if js else np.zeros(0, np.int64)
                  for js in (jobs(bounds)[t::model.workers] for t in range(model.workers))]
    N = len(ids)
    losses = []
    for epoch in range(epochs):
        seeds = model.rng.integers(1, 2 ** 48, size=model.workers, dtype=np.uint64)

        def run(t, epoch=epoch, seeds=seeds):
            return k.train_sentences(model.W_in, model.W_out, ids, bounds, per_worker[t], keep, table,
                                     model.window, model.K, not model.sg, float(model.alpha),
                                     float(model.min_alpha), epoch * N, epochs * N, np.uint64(seeds[t]))

        if model.workers == 1:
            results = [run(0)]
        else:
            with ThreadPoolExecutor(model.workers) as pool:
                results = list(pool.map(run, range(model.workers)))
        loss = sum(r[0] for r in results)
        examples = sum(r[1] for r in results)
        losses.append(loss / max(examples, 1))
    return losses


def warm_up(dtype=np.float32) -> float:
    """Compile (or load from the cache) the kernels for W of ``dtype``; returns the seconds it took."""
    start = time.perf_counter()
    k = kernels()
    W_in = np.zeros((3, 2), dtype=dtype)
    W_out = np.zeros((3, 2), dtype=dtype)
    ids = np.array([0, 1, 2], dtype=np.int64)
    bounds = np.array([0, 3], dtype=np.int64)
    sents = np.zeros(1, dtype=np.int64)
    keep = keep_ints(np.ones(3))
    table = np.array([0, 1, 2], dtype=np.int64)
    for cbow in (True, False):
        k.train_sentences(W_in, W_out, ids, bounds, sents, keep, table, 1, 1, cbow, 0.025, 1e-4, 0, 3,
                          np.uint64(1))
    return time.perf_counter() - start
