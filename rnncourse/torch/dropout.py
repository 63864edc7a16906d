"""Variational dropout on the torch side (twin of :mod:`rnncourse.scratch.dropout`): one mask per sequence.

A :class:`VariationalTorchCell` multiplies x_t by m_x before W_ih and h_{t-1} by m_h before W_hh at every
step, with m ~ Bernoulli(1 - p) / (1 - p) drawn once per forward call while the module is training, or the
scratch declaration's ``fixed_masks`` when set (for gradient checks). Off in ``eval()``.
"""
from __future__ import annotations

import torch

from .module import Recurrent, TorchCell


class VariationalTorchCell(TorchCell):
    mask_x = mask_h = None

    def project(self, x):
        xm = x if self.mask_x is None else x * self.mask_x
        return super().project(xm)

    def masked_h(self, h):
        return h if self.mask_h is None else h * self.mask_h

    def preactivation(self, u, h):
        """a = u + (h * m_h) W_hh^T + b_hh: the recurrent pre-activation both cells share."""
        a = u + self.masked_h(h) @ self.p["weight_hh"].T
        return a + self.p["bias_hh"] if "bias_hh" in self.p else a


class VariationalRecurrent(Recurrent):
    """A Recurrent whose forward sets each cell's masks first (train mode and dropout > 0 only)."""

    def forward(self, input, hx=None):
        self._check_input(input)
        B = 1 if input.dim() == 2 else input.shape[0 if self.batch_first else 1]
        for row in self._cells:
            for cell in row:
                decl, p = cell.decl, cell.decl.dropout
                if not self.training or p == 0.0:
                    cell.mask_x = cell.mask_h = None
                elif decl.fixed_masks is not None:
                    cell.mask_x, cell.mask_h = (torch.as_tensor(m, dtype=input.dtype, device=input.device)
                                                for m in decl.fixed_masks)
                else:
                    keep = 1.0 - p
                    cell.mask_x = torch.bernoulli(input.new_full((B, decl.input_size), keep)) / keep
                    cell.mask_h = torch.bernoulli(input.new_full((B, decl.hidden_size), keep)) / keep
        return super().forward(input, hx)
