"""M independent character LSTM language models in one module, computed in one time loop (torch.nn layers'
arithmetic, autograd backward): the dropout comparison of the training chapter trains every (scheme, seed)
together with it."""
from __future__ import annotations

import numpy as np
import torch


class StackedCharLSTM(torch.nn.Module):
    """M independent character LSTM language models computed together (one time loop for all of them).

    Model m: e_t = E_m[x_t] (E), a_t = (e_t * mx_t) W_ih + (h_{t-1} * mh_t) W_hh + b (4H, torch's gate order
    i, f, g, o; rows are vectors), c_t = f c_{t-1} + i g, h_t = o tanh(c_t), logits_t = (h_t * mo_t) W_out + b_out
    (V). Weights are stored transposed, stacked over models: W_ih (M, E, 4H), W_hh (M, H, 4H), W_out (M, H, V).
    The masks mx (M, T, B, E), mh (M, T, B, H), mo (M, T, B, H) are given (all ones: no dropout)."""

    def __init__(self, models: int, vocab: int, embedding_size: int, hidden_size: int):
        super().__init__()
        M, V, E, H = models, vocab, embedding_size, hidden_size
        k = 1 / np.sqrt(H)
        self.embedding = torch.nn.Parameter(torch.randn(M, V, E))
        self.weight_ih = torch.nn.Parameter(torch.empty(M, E, 4 * H).uniform_(-k, k))
        self.weight_hh = torch.nn.Parameter(torch.empty(M, H, 4 * H).uniform_(-k, k))
        self.bias = torch.nn.Parameter(torch.empty(M, 1, 4 * H).uniform_(-k, k))
        self.weight_out = torch.nn.Parameter(torch.empty(M, H, V).uniform_(-k, k))
        self.bias_out = torch.nn.Parameter(torch.empty(M, 1, V).uniform_(-k, k))
        self.hidden_size = H

    def forward(self, x, mx, mh, mo):
        """x (M, T, B) character indices -> logits (M, T, B, V)."""
        M, T, B = x.shape
        H = self.hidden_size
        one_hot = torch.nn.functional.one_hot(x.reshape(M, T * B), self.embedding.shape[1]).to(self.embedding.dtype)
        e = (one_hot @ self.embedding).reshape(M, T, B, -1) * mx                      # (M, T, B, E): rows of E_m
        u = (e.reshape(M, T * B, -1) @ self.weight_ih + self.bias).reshape(M, T, B, 4 * H)
        h = c = u.new_zeros(M, B, H)
        hs = []
        for u_t, mh_t in zip(u.unbind(1), mh.unbind(1)):      # unbind: one backward for all steps (not T selects)
            a = u_t + (h * mh_t) @ self.weight_hh
            i, f, g, o = a.chunk(4, dim=-1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            hs.append(h)
        out = torch.stack(hs, dim=1) * mo                                            # (M, T, B, H)
        return (out.reshape(M, T * B, H) @ self.weight_out + self.bias_out).reshape(M, T, B, -1)
