"""A recurrent module with a linear read-out of its last output, trained on MSE (the adding problem's model).

y_hat = h_T W^T + b (B, O) from ``rnn``'s output (T, B, H) at the last step; ``loss((x, y))`` is the MSE
of y_hat against y (B, O) for x (T, B, I), both NumPy arrays. The scratch twin is
:class:`rnncourse.scratch.readout.LastStepRegressor`; both serve :func:`rnncourse.runs.loop.train`.
"""
from __future__ import annotations

import torch


class LastStepRegressor(torch.nn.Module):
    """``rnn`` (torch.nn's (output, state) interface, time-major) + torch.nn.Linear(H, O) on h_T."""

    def __init__(self, rnn: torch.nn.Module, out_features: int = 1):
        super().__init__()
        self.rnn = rnn
        # the read-out draws from torch's global generator: seed it before building the rnn and this
        self.head = torch.nn.Linear(rnn.hidden_size, out_features, dtype=next(rnn.parameters()).dtype)

    def forward(self, x):
        """x (T, B, I) tensor -> y_hat (B, O)."""
        out, _ = self.rnn(x)
        return self.head(out[-1])

    def mse(self, x, y) -> torch.Tensor:
        """Mean squared error of the prediction for x (T, B, I) against y (B, O), NumPy arrays."""
        return torch.nn.functional.mse_loss(self(torch.from_numpy(x)), torch.from_numpy(y))

    def loss(self, batch) -> torch.Tensor:
        return self.mse(*batch)
