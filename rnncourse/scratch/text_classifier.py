"""A GRU sentence classifier in NumPy with a hand-written backward (the language-models chapter's many-to-one
model): e_t = E[x_t] (D,), h_t = GRU(e_t, h_{t-1}) (H,), logit = w . h_T + b."""
from __future__ import annotations

import numpy as np

from .gru import GRU
from .linear import Linear


class ScratchClassifier:
    """:class:`rnncourse.torch.text_classifier.RNNClassifier` in NumPy (embedding, GRU, Linear on h_T), with
    a hand-written backward.

    ``params`` / ``grads`` use the torch model's state_dict keys, so ``load_torch`` copies its weights;
    the pad row of the embedding gets no gradient (torch's ``padding_idx``).
    """

    def __init__(self, V: int, D: int, H: int, pad: int = 0):
        self.pad = pad
        self.rnn = GRU(D, H)
        self.head = Linear(H, 1)
        self.params = {"embed.weight": np.zeros((V, D)), **{f"rnn.{k}": v for k, v in self.rnn.params.items()},
                       **{f"head.{k}": v for k, v in self.head.params.items()}}
        self.grads = {"embed.weight": np.zeros((V, D)), **{f"rnn.{k}": v for k, v in self.rnn.grads.items()},
                      **{f"head.{k}": v for k, v in self.head.grads.items()}}

    def load_torch(self, model) -> None:
        for k, v in model.state_dict().items():
            self.params[k][...] = v.detach().double().numpy()

    def loss_and_grads(self, ids, labels) -> float:
        """Mean binary cross-entropy of sigmoid(w . h_T + b) for ids (B, T), labels (B,); grads zeroed first.

        dL/dlogit = (sigmoid(logit) - label) / B; h_T's gradient enters BPTT at the last step only.
        """
        ids = np.asarray(ids)
        x = self.params["embed.weight"][ids.T]                       # (T, B, D): time-major
        out, _ = self.rnn.forward(x)
        logit = self.head.forward(out[-1])[:, 0]                     # (B,)
        y = np.asarray(labels, dtype=np.float64)
        loss = float(np.mean(np.logaddexp(0, logit) - y * logit))
        for g in self.grads.values():
            g.fill(0)
        dh_last = self.head.backward(((1 / (1 + np.exp(-logit)) - y) / len(y))[:, None])
        d_out = np.zeros_like(out)
        d_out[-1] = dh_last
        dx, _ = self.rnn.backward(d_out)
        np.add.at(self.grads["embed.weight"], ids.T.reshape(-1), dx.reshape(-1, dx.shape[-1]))
        self.grads["embed.weight"][self.pad] = 0.0
        return loss
