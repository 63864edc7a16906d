"""The language model of book/language-models.md in torch: embedding (or one-hot) -> torch.nn.LSTM / RNN ->
linear read-out, ids (T, B) -> logits (T, B, V). Its NumPy twin is
:class:`rnncourse.scratch.language_model.ScratchLM`; the runs of :mod:`rnncourse.runs.language_models` train it.

``setting`` is any object with the fields of :class:`rnncourse.runs.language_models.LMSetting` that
shape the network: ``kind`` ("LSTM" or "RNN"), ``hidden_size``, ``embedding_dim`` (None: one-hot),
``num_layers``, ``tie``, ``dropout`` and ``readout_scale``.
"""
from __future__ import annotations

import torch
from torch import nn


class TorchLM(nn.Module):
    """Embedding (or one-hot) -> torch.nn.LSTM / RNN -> Linear read-out. ids (T, B) long -> logits (T, B, V).

    With ``setting.tie`` the read-out shares the embedding (Press & Wolf 2017): z_t = h_t E^T + b_y when
    D = H, and z_t = (h_t P^T) E^T + b_y with a projection P (D, H) (``proj.weight``) when D < H, so a
    large state H does not make the V x D tables larger. The state_dict holds E once (``embed.weight``
    (V, D)) and b_y as ``out_bias`` (V,). ``setting.dropout`` drops inputs and states (training only)."""

    def __init__(self, V: int, setting):
        super().__init__()
        if setting.kind not in ("LSTM", "RNN"):
            raise ValueError(f"kind must be 'LSTM' or 'RNN'; got {setting.kind!r}")
        D = setting.embedding_dim
        if setting.tie and (D is None or D > setting.hidden_size):
            raise ValueError(f"a tied read-out needs an embedding no wider than the state; got D={D}, "
                             f"H={setting.hidden_size}")
        self.V, self.setting = int(V), setting
        self.embed = None if D is None else nn.Embedding(V, D)
        rnn = nn.LSTM if setting.kind == "LSTM" else nn.RNN
        self.rnn = rnn(V if D is None else D, setting.hidden_size, num_layers=setting.num_layers,
                       dropout=setting.dropout if setting.num_layers > 1 else 0.0)
        self.drop = nn.Dropout(setting.dropout)
        if setting.tie:
            self.head = None
            self.proj = None if D == setting.hidden_size else nn.Linear(setting.hidden_size, D, bias=False)
            self.out_bias = nn.Parameter(torch.zeros(V))
            with torch.no_grad():
                self.embed.weight.uniform_(-0.1, 0.1)
        else:
            self.head = nn.Linear(setting.hidden_size, V)
            with torch.no_grad():
                self.head.weight.uniform_(-setting.readout_scale, setting.readout_scale)
                self.head.bias.zero_()

    def inputs(self, ids):
        if self.embed is not None:
            return self.embed(ids)
        return nn.functional.one_hot(ids, self.V).to(self.head.weight.dtype)

    def readout(self, h):
        """Logits (..., V) of states h (..., H)."""
        if self.head is None:
            return (h if self.proj is None else self.proj(h)) @ self.embed.weight.T + self.out_bias
        return self.head(h)

    def forward(self, ids, state=None):
        out, state = self.rnn(self.drop(self.inputs(ids)), state)
        return self.readout(self.drop(out)), state
