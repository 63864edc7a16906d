"""Two sentence classifiers in torch.nn layers (the many-to-one section of the language-models chapter).

- :class:`BagOfWords`: logistic regression on word counts, logit = w . counts(x) + b;
- :class:`RNNClassifier`: e_t = E[x_t] (D,), h_t = GRU(e_t, h_{t-1}) (H,), logit = w . h_T + b, the
  many-to-one reading of the last state. Its NumPy twin is :class:`rnncourse.scratch.text_classifier.ScratchClassifier`.
"""
from __future__ import annotations

from torch import nn


class RNNClassifier(nn.Module):
    """ids (B, T) -> logit (B,): embedding, GRU, linear read-out of the last state h_T."""

    def __init__(self, V: int, D: int, H: int, pad: int = 0):
        super().__init__()
        self.embed = nn.Embedding(V, D, padding_idx=pad)
        self.rnn = nn.GRU(D, H, batch_first=True)
        self.head = nn.Linear(H, 1)

    def forward(self, ids):
        _, h = self.rnn(self.embed(ids))
        return self.head(h[-1]).squeeze(-1)


class BagOfWords(nn.Module):
    """counts (B, V) -> logit (B,): logistic regression on word counts."""

    def __init__(self, V: int):
        super().__init__()
        self.linear = nn.Linear(V, 1)

    def forward(self, counts):
        return self.linear(counts).squeeze(-1)
