"""Variational dropout (Gal & Ghahramani 2016) for recurrent cells: ONE mask per sequence, reused at every step.

For a cell h_t = F(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, h_{t-1}) with dropout probability p, draw once
per forward call

    m_x ~ Bernoulli(1 - p)^(B, I) / (1 - p),    m_h ~ Bernoulli(1 - p)^(B, H) / (1 - p)

and use (x_t * m_x) W_ih^T and (h_{t-1} * m_h) W_hh^T at EVERY step t (inverted dropout: the 1/(1-p)
scale keeps expectations, so nothing changes at test time). A naive per-step mask would drop a different
part of the memory at each step and, over T steps, destroy the state; Gal & Ghahramani's reading of
dropout as approximate Bayesian inference ties the mask to the weights, hence one mask per sequence. The
skip path h_{t-1} -> h_t of a leaky or residual cell is NOT masked: only the connections into W_hh are.

Dropout acts at train time only: a cell draws masks when ``training`` is True and p > 0, and is the plain
cell otherwise. ``fixed_masks = (m_x (B, I), m_h (B, H))`` pins the masks (already scaled) instead of
drawing them: that is how gradients are checked under fixed masks. Backward multiplies by the same masks:
dx_t = (du_t W_ih) * m_x,  dL/dh_{t-1} gets (da_t W_hh) * m_h, dW_hh += da_t^T (h_{t-1} * m_h).
"""
from __future__ import annotations

import numpy as np

from .cell import Cell


def check_dropout(p) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p < 1.0:
        raise ValueError(f"dropout must be a probability in [0, 1); got {p!r}")
    return float(p)


def variational_masks(rng, batch: int, input_size: int, hidden_size: int, p: float, dtype=np.float64):
    """(m_x (B, I), m_h (B, H)): Bernoulli(1 - p) entries scaled by 1/(1 - p), drawn once per sequence."""
    keep = 1.0 - check_dropout(p)
    m_x = (rng.random((batch, input_size)) < keep).astype(dtype) / keep
    m_h = (rng.random((batch, hidden_size)) < keep).astype(dtype) / keep
    return m_x, m_h


class VariationalDropoutCell(Cell):
    """A Cell with an optional variational-dropout option (``variational_dropout=p``); see the module docstring.

    Subclasses call :meth:`masked_h` on h_{t-1} before W_hh and multiply the recurrent gradient by
    :attr:`mask_h` (None when no dropout is active). ``mask_rng`` (a seed or Generator) draws the masks.
    """

    fold_bias_hh = True

    def __init__(self, input_size, hidden_size, bias=True, *, dtype=np.float64, params=None, variational_dropout=0.0,
                 mask_rng=None):
        self.dropout = check_dropout(variational_dropout)
        self.training, self.fixed_masks = True, None
        self.mask_rng = np.random.default_rng(mask_rng)
        self.mask_x = self.mask_h = None
        super().__init__(input_size, hidden_size, bias, dtype=dtype, params=params)

    def _draw_masks(self, batch: int):
        if not self.training or self.dropout == 0.0:
            self.mask_x = self.mask_h = None
        elif self.fixed_masks is not None:
            m_x, m_h = (np.asarray(m, dtype=self.dtype) for m in self.fixed_masks)
            if m_x.shape != (batch, self.input_size) or m_h.shape != (batch, self.hidden_size):
                raise ValueError(f"fixed_masks must have shapes (B={batch}, I={self.input_size}) and "
                                 f"(B={batch}, H={self.hidden_size}); got {m_x.shape} and {m_h.shape}")
            self.mask_x, self.mask_h = m_x, m_h
        else:
            self.mask_x, self.mask_h = variational_masks(self.mask_rng, batch, self.input_size, self.hidden_size,
                                                         self.dropout, self.dtype)

    def project(self, x):
        """u = (x * m_x) W_ih^T + b_ih + b_hh for all steps; draws this sequence's masks."""
        self._draw_masks(x.shape[-2])
        xm = x if self.mask_x is None else x * self.mask_x
        u, _ = super().project(xm)
        return u, (xm, self.mask_x)

    def project_backward(self, du, cache, grads):
        xm, m_x = cache
        dx = super().project_backward(du, xm, grads)
        return dx if m_x is None else dx * m_x

    def masked_h(self, h):
        return h if self.mask_h is None else h * self.mask_h

    def extra_repr(self) -> str:
        return f", dropout={self.dropout}" if self.dropout else ""


class TrainEval:
    """``train()`` / ``eval()`` for a scratch module whose cells have variational dropout (as torch.nn.Module)."""

    def train(self, mode: bool = True):
        for row in self.cells:
            for cell in row:
                cell.training = bool(mode)
        return self

    def eval(self):
        return self.train(False)

    @property
    def training(self) -> bool:
        return self.cell.training
