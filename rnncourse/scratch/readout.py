"""A recurrent module with a linear read-out of its last output, trained on MSE (the adding problem's model),
in NumPy with the hand-written backward: twin of :class:`rnncourse.torch.readout.LastStepRegressor`.

y_hat = h_T W^T + b (B, O); ``loss_and_grads((x, y))`` runs forward and BPTT, the gradient entering the
recurrent module at h_T only, and ADDS into ``grads`` (keys ``rnn.*`` and ``head.*``).
"""
from __future__ import annotations

import numpy as np

from .linear import Linear
from .losses import mse_loss
from .parameters import Composite


class LastStepRegressor(Composite):
    """``rnn`` (a scratch module with torch.nn's surface) + Linear(H, O) on h_T, drawn from ``rng``."""

    def __init__(self, rnn, out_features: int = 1, dtype=np.float32, rng=None):
        super().__init__(rnn=rnn, head=Linear(rnn.hidden_size, out_features, dtype=dtype, rng=rng))
        self.rnn, self.head = rnn, self.children["head"]

    def forward(self, x) -> np.ndarray:
        """x (T, B, I) -> y_hat (B, O)."""
        out, _ = self.rnn.forward(x)
        return self.head.forward(out[-1])

    def mse(self, x, y) -> float:
        return float(np.mean((self.forward(x) - y) ** 2))

    def loss_and_grads(self, batch) -> float:
        out, _ = self.rnn.forward(batch[0])
        loss, d_pred = mse_loss(self.head.forward(out[-1]), batch[1])
        d_out = np.zeros_like(out)
        d_out[-1] = self.head.backward(d_pred)
        self.rnn.backward(d_out)
        return loss
