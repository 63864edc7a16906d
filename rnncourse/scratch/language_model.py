"""The language model of book/language-models.md in NumPy, with the hand-written backward: the twin of
:class:`rnncourse.torch.language_model.TorchLM` (same state_dict keys).

``setting`` is any object with the fields of :class:`rnncourse.runs.language_models.LMSetting` that
shape the network: ``kind`` ("LSTM" or "RNN"), ``hidden_size``, ``embedding_dim`` (None: one-hot),
``num_layers``, ``tie``, ``dropout`` and ``readout_scale``.
"""
from __future__ import annotations

import numpy as np

from .linear import Linear
from .losses import softmax_cross_entropy
from .lstm import LSTM
from .rnn import RNN


class ScratchLM:
    """:class:`TorchLM` in NumPy: one-hot input or an embedding, LSTM / RNN + Linear, with
    the hand-written backward of :mod:`rnncourse.scratch`.

    ``params`` and ``grads`` use the torch model's ``state_dict`` keys (``embed.weight`` (V, D) when
    ``setting.embedding_dim`` is set, ``rnn.weight_ih_l0``, ..., ``head.weight``, ``head.bias``), so
    ``load_torch`` copies an initialisation across. The embedding's gradient is the sum of dL/de_t over
    the positions that looked up each row (``np.add.at``), as an embedding layer does (book/word2vec.md).
    """

    def __init__(self, V: int, setting, dtype=np.float64):
        H, D = setting.hidden_size, setting.embedding_dim
        self.V = int(V)
        self.dtype = np.dtype(dtype)
        I = V if D is None else D
        self.rnn = (LSTM(I, H, dtype=dtype) if setting.kind == "LSTM"
                    else RNN(I, H, nonlinearity="tanh", dtype=dtype))
        self.head = Linear(H, V, dtype=dtype)
        self.params = {**{f"rnn.{k}": v for k, v in self.rnn.params.items()},
                       **{f"head.{k}": v for k, v in self.head.params.items()}}
        self.grads = {**{f"rnn.{k}": v for k, v in self.rnn.grads.items()},
                      **{f"head.{k}": v for k, v in self.head.grads.items()}}
        if D is not None:
            self.params["embed.weight"] = np.random.default_rng(0).standard_normal((V, D)).astype(dtype)
            self.grads["embed.weight"] = np.zeros((V, D), dtype=dtype)
        self._ids = None

    def load_torch(self, model) -> None:
        for k, v in model.state_dict().items():
            if k not in self.params:
                raise ValueError(f"no parameter {k!r} in the scratch model (it has {sorted(self.params)})")
            self.params[k][...] = v.detach().numpy()

    def forward(self, ids, state=None):
        """ids (T, B) -> (logits (T, B, V), final state)."""
        self._ids = np.asarray(ids)
        if "embed.weight" in self.params:
            x = self.params["embed.weight"][self._ids]                 # e_t = E[x_t]: a row lookup
        else:
            x = np.eye(self.V, dtype=self.dtype)[self._ids]            # e_t = onehot(x_t)
        out, state = self.rnn.forward(x, state)
        return self.head.forward(out), state

    def loss_and_grads(self, x_ids, y_ids, state=None):
        """Mean cross-entropy (nats) of one window, its gradients in ``self.grads`` (zeroed first), final state.

        The backward stops at the window's start (the state that came in is a constant): BPTT(T, T).
        """
        logits, state = self.forward(x_ids, state)
        T, B, V = logits.shape
        loss, dz = softmax_cross_entropy(logits.reshape(T * B, V), np.asarray(y_ids).reshape(-1))
        for g in self.grads.values():
            g.fill(0)
        dh = self.head.backward(dz.reshape(T, B, V))
        dx, _ = self.rnn.backward(dh)
        if "embed.weight" in self.params:
            np.add.at(self.grads["embed.weight"], self._ids.reshape(-1), dx.reshape(T * B, -1))
        return loss, state
