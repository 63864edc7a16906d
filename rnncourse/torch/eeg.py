"""Three classifiers of multichannel signal windows x (B, T, C) into 3 classes (book/images-and-signals.md,
the EEG-style section): convolutions only, an LSTM only, and a recurrent-convolutional network (a
convolution per window of samples, an LSTM over the windows, after Bashivan et al. 2016).
"""
from __future__ import annotations

import torch


class ConvOnly(torch.nn.Module):
    """Two 1-D convolutions over time (ReLU), global average over time, linear read-out: x (B, T, C) -> (B, 3)."""

    def __init__(self, channels: int = 8, features: int = 16):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(channels, features, 9)
        self.conv2 = torch.nn.Conv1d(features, features, 5)
        self.out = torch.nn.Linear(features, 3)

    def forward(self, x):
        a = torch.relu(self.conv2(torch.relu(self.conv1(x.transpose(1, 2)))))
        return self.out(a.mean(dim=2))


class RecurrentOnly(torch.nn.Module):
    """An LSTM over the raw samples, linear read-out of its last state: x (B, T, C) -> (B, 3)."""

    def __init__(self, channels: int = 8, hidden: int = 20):
        super().__init__()
        self.lstm = torch.nn.LSTM(channels, hidden, batch_first=True)
        self.out = torch.nn.Linear(hidden, 3)

    def forward(self, x):
        return self.out(self.lstm(x)[0][:, -1])


class RecurrentConv(torch.nn.Module):
    """Bashivan et al. (2016) in one dimension: per window of ``window`` samples a convolution over time
    (ReLU) averaged over the window (a learned band-power feature per window), then an LSTM over the
    windows and a linear read-out of its last state: x (B, T, C) -> (B, 3)."""

    def __init__(self, channels: int = 8, features: int = 16, hidden: int = 10, window: int = 20):
        super().__init__()
        self.window = window
        self.conv = torch.nn.Conv1d(channels, features, 9)
        self.lstm = torch.nn.LSTM(features, hidden, batch_first=True)
        self.out = torch.nn.Linear(hidden, 3)

    def forward(self, x):
        B, T, C = x.shape
        W = T // self.window
        frames = x[:, :W * self.window].reshape(B * W, self.window, C).transpose(1, 2)
        feats = torch.relu(self.conv(frames)).mean(dim=2).reshape(B, W, -1)
        return self.out(self.lstm(feats)[0][:, -1])
