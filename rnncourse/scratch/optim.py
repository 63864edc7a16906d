"""Optimisers and gradient clipping over dicts of parameters (the ``params``/``grads`` of a module).

Parameters are updated in place, so a module's arrays and the optimiser's stay the same objects.
"""
from __future__ import annotations

import math

import numpy as np


def clip_grad_norm(grads: dict, max_norm: float) -> float:
    r"""Rescale all gradients together so their global L2 norm is at most ``max_norm`` (Pascanu et al. 2013).

    :math:`g \leftarrow g \cdot \min(1, \theta / (\lVert g\rVert + 10^{-6}))`, in place, as
    ``torch.nn.utils.clip_grad_norm_``. Returns the norm before clipping.
    """
    total = math.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values()))
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for g in grads.values():
            g *= coef
    return total


def clip_grad_value(grads: dict, clip_value: float) -> None:
    r"""Clip every gradient entry to [-c, c], in place, as ``torch.nn.utils.clip_grad_value_``.

    Element-wise clipping (Mikolov's practice) changes the gradient's DIRECTION whenever some entries are
    clipped and others are not; norm clipping (:func:`clip_grad_norm`) keeps it and shortens the step.
    """
    if isinstance(clip_value, bool) or not isinstance(clip_value, (int, float)) or not clip_value > 0:
        raise ValueError(f"clip_value must be a positive number; got {clip_value!r}")
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)


class SGD:
    r"""Stochastic gradient descent with optional (heavy-ball) momentum, as ``torch.optim.SGD``.

    :math:`v \leftarrow \mu v + g`, :math:`\theta \leftarrow \theta - \eta v` (plain SGD when :math:`\mu=0`).
    """

    def __init__(self, params: dict, lr: float = 0.01, momentum: float = 0.0):
        if lr <= 0:
            raise ValueError(f"lr must be positive; got {lr}")
        self.params, self.lr, self.momentum = params, lr, momentum
        self.velocity = {k: np.zeros_like(p) for k, p in params.items()}

    def step(self, grads: dict) -> None:
        for k, p in self.params.items():
            v = self.velocity[k]
            v *= self.momentum
            v += grads[k]
            p -= self.lr * v


class Adam:
    r"""Adam (Kingma & Ba 2015) with bias correction, as ``torch.optim.Adam``.

    :math:`m \leftarrow \beta_1 m + (1-\beta_1) g`, :math:`v \leftarrow \beta_2 v + (1-\beta_2) g^2`,
    :math:`\theta \leftarrow \theta - \eta \hat m / (\sqrt{\hat v} + \epsilon)`.
    """

    def __init__(self, params: dict, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        if lr <= 0:
            raise ValueError(f"lr must be positive; got {lr}")
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = {k: np.zeros_like(p) for k, p in params.items()}
        self.v = {k: np.zeros_like(p) for k, p in params.items()}
        self.t = 0

    def step(self, grads: dict) -> None:
        self.t += 1
        b1, b2 = self.betas
        for k, p in self.params.items():
            g = grads[k]
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            m_hat = self.m[k] / (1 - b1**self.t)
            v_hat = self.v[k] / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
