"""Drawing text from a language model: temperature, top-k, greedy, over any step function.

A model gives logits z (scores) over V symbols. Sampling with temperature tau draws from

    p_tau(v) = exp(z_v / tau) / sum_w exp(z_w / tau)                         (softmax of z / tau)

tau = 1 is the model's own distribution; tau -> 0 puts all mass on the arg-max (greedy decoding);
tau -> infinity tends to uniform. Top-k sampling (Fan et al. 2018) first keeps the k largest logits and
renormalises over them. :func:`generate` runs any step function with the protocol of
:mod:`rnncourse.decoding`: ``logits, state = step(tokens, state)`` with tokens (K,) and logits (K, V)
(log-probabilities work too: they differ from the logits by a constant per row).
"""
from __future__ import annotations

import numpy as np

__all__ = ["softmax_with_temperature", "top_k_logits", "sample", "generate", "generate_parallel"]


def _check_temperature(temperature):
    if isinstance(temperature, bool) or not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive finite number; got {temperature!r}")


def _logits(logits) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim < 1 or z.shape[-1] < 1:
        raise ValueError(f"logits must have a last axis of size V >= 1; got shape {z.shape}")
    return z


def softmax_with_temperature(logits, temperature: float = 1.0) -> np.ndarray:
    """p_tau = softmax(z / tau) along the last axis. logits: (..., V). Returns (..., V), rows sum to 1."""
    _check_temperature(temperature)
    z = _logits(logits) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def top_k_logits(logits, k: int) -> np.ndarray:
    """The logits with all but the k largest of each row set to -inf (ties at the k-th value are kept)."""
    z = _logits(logits)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= z.shape[-1]:
        raise ValueError(f"k must be an integer in [1, V={z.shape[-1]}]; got {k!r}")
    kth = np.sort(z, axis=-1)[..., -k][..., None]
    return np.where(z >= kth, z, -np.inf)


def sample(logits, temperature: float = 1.0, top_k: int | None = None, rng=None) -> np.ndarray:
    """One draw from p_tau (restricted to the top k) per row. logits: (..., V) -> int64 (...).

    Inverse-CDF sampling: with u ~ U[0, 1), return the first v whose cumulative probability exceeds u.
    """
    z = _logits(logits)
    if top_k is not None:
        z = top_k_logits(z, top_k)
    p = softmax_with_temperature(z, temperature)
    u = np.random.default_rng(rng).random(p.shape[:-1] + (1,))
    cdf = np.cumsum(p, axis=-1)
    return np.minimum((cdf <= u).sum(axis=-1), p.shape[-1] - 1).astype(np.int64)


def generate(step, state, first_token: int, n: int, temperature: float = 1.0, top_k: int | None = None,
             greedy: bool = False, rng=None) -> list[int]:
    """n tokens from a step function, one hypothesis: feed ``first_token``, then each token drawn.

    greedy=True takes the arg-max (the tau -> 0 limit); otherwise draws with :func:`sample`.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative integer; got {n!r}")
    rng = np.random.default_rng(rng)
    token, out = int(first_token), []
    for _ in range(n):
        logits, state = step(np.array([token]), state)
        z = _logits(logits)
        if z.shape[0] != 1 or z.ndim != 2:
            raise ValueError(f"step must return logits of shape (1, V); got {z.shape}")
        token = int(np.argmax(z[0])) if greedy else int(sample(z[0], temperature, top_k, rng))
        out.append(token)
    return out


def generate_parallel(step, state, first_tokens, n: int, temperature: float = 1.0, top_k: int | None = None,
                      rng=None) -> np.ndarray:
    """K independent samples of n tokens at once: feed ``first_tokens`` (K,), then each row's draw.

    ``state`` is the step function's state for K rows (say, one primed state repeated K times). Returns
    (K, n) int64. One call of ``step`` per position instead of one per position and sample.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative integer; got {n!r}")
    tokens = np.asarray(first_tokens)
    if tokens.ndim != 1 or len(tokens) < 1 or not np.issubdtype(tokens.dtype, np.integer):
        raise ValueError(f"first_tokens must be a 1-D integer array (K,); got {tokens.dtype} {tokens.shape}")
    rng = np.random.default_rng(rng)
    out = np.zeros((len(tokens), n), dtype=np.int64)
    for i in range(n):
        logits, state = step(tokens, state)
        z = _logits(logits)
        if z.shape[:-1] != tokens.shape:
            raise ValueError(f"step must return logits of shape (K={len(tokens)}, V); got {z.shape}")
        tokens = out[:, i] = sample(z, temperature, top_k, rng)
    return out
