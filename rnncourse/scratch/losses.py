"""Losses as (value, gradient) pairs: each returns the scalar loss and dL/d(prediction)."""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array
from .functional import log_softmax


def mse_loss(prediction, target) -> tuple[float, np.ndarray]:
    r"""Mean squared error :math:`L = \frac{1}{N}\sum_n (\hat y_n - y_n)^2` over all N elements.

    prediction, target: any equal shapes. Returns ``(L, dL/dprediction)`` (same shape as prediction),
    matching ``torch.nn.functional.mse_loss(reduction="mean")``.
    """
    prediction = as_float_array("prediction", prediction)
    target = as_float_array("target", target)
    if prediction.shape != target.shape:
        raise ValueError(f"prediction and target must have the same shape; got {prediction.shape} and {target.shape}")
    diff = prediction - target
    return float(np.mean(diff**2)), (2.0 / diff.size) * diff


def softmax_cross_entropy(logits, targets) -> tuple[float, np.ndarray]:
    r"""Mean cross-entropy of softmax(logits) against integer class targets.

    logits: (N, C) scores; targets: (N,) integers in [0, C). Implements
    :math:`L = -\frac1N\sum_n \log \mathrm{softmax}(z_n)_{y_n}` and returns ``(L, dL/dlogits)`` with
    :math:`\partial L/\partial z_n = (\mathrm{softmax}(z_n) - \mathrm{onehot}(y_n)) / N`, matching
    ``torch.nn.functional.cross_entropy(reduction="mean")``.
    """
    logits = as_float_array("logits", logits)
    targets = np.asarray(targets)
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (N, C); got {logits.shape}")
    if targets.shape != (logits.shape[0],) or not np.issubdtype(targets.dtype, np.integer):
        raise ValueError(f"targets must be integers of shape (N={logits.shape[0]},); got {targets.dtype} {targets.shape}")
    n, c = logits.shape
    if n and (targets.min() < 0 or targets.max() >= c):
        raise ValueError(f"targets must lie in [0, C={c}); got values from {targets.min()} to {targets.max()}")
    logp = log_softmax(logits, axis=1)
    loss = -float(np.mean(logp[np.arange(n), targets]))
    dlogits = np.exp(logp)
    dlogits[np.arange(n), targets] -= 1.0
    return loss, dlogits / n


def masked_cross_entropy(logits, targets, pad: int = 0) -> tuple[float, np.ndarray]:
    r"""Mean cross-entropy over the positions whose target is not ``pad`` (padding of unequal sequences).

    logits: (..., V), e.g. (T, B, V) or (B, T, V); targets: the same leading shape, integers in [0, V).
    :math:`L = -\frac1M \sum_{n:\,y_n \ne \mathrm{pad}} \log \mathrm{softmax}(z_n)_{y_n}` with M the number of
    such positions; returns ``(L, dL/dlogits)``, zero at padded positions. Matches
    ``torch.nn.functional.cross_entropy(..., ignore_index=pad)``.
    """
    logits = as_float_array("logits", logits)
    targets = np.asarray(targets)
    if logits.ndim < 2:
        raise ValueError(f"logits must have shape (..., V) with at least one leading axis; got {logits.shape}")
    if targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets must have the shape of logits without its last axis, {logits.shape[:-1]}; "
                         f"got {targets.shape}")
    mask = targets != pad
    if not mask.any():
        raise ValueError(f"every target is padding ({pad}): there is nothing to predict, the loss is undefined")
    loss, d_rows = softmax_cross_entropy(logits[mask], targets[mask])
    d_logits = np.zeros_like(logits)
    d_logits[mask] = d_rows
    return loss, d_logits
