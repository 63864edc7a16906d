"""A many-to-many LSTM forecaster: an LSTM over the (normalised) series, a linear read-out after every step.

The forecasting runs of book/images-and-signals.md (CO2's monthly changes, the Narendra plant) train it
through :func:`rnncourse.runs.loop.train`.
"""
from __future__ import annotations

import torch


class Forecaster(torch.nn.Module):
    """Many-to-many: an LSTM reads the (normalised) monthly changes d_1..d_T and after every step t emits
    ``outputs`` values, y_t = h_t W^T + b: the next ``outputs`` changes d_{t+1..t+outputs} (direct, outputs =
    horizon) or the next one (recursive, outputs = 1). ``inputs`` > 1 reads several series per step (the
    plant forecaster reads x_t = [y(k), u(k)])."""

    def __init__(self, hidden_size: int, outputs: int, inputs: int = 1):
        super().__init__()
        self.lstm = torch.nn.LSTM(inputs, hidden_size)
        self.out = torch.nn.Linear(hidden_size, outputs)

    def forward(self, d, state=None):
        """d (T, B, I) -> (y (T, B, outputs), state)."""
        h, state = self.lstm(d, state)
        return self.out(h), state
