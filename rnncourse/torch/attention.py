"""Additive attention (Bahdanau et al. 2015) and the attention GRU decoder cell, from tensor ops.

    keys = memory W_k^T;  e = v^T tanh(keys + h W_q^T);  alpha = softmax_S(e);  context = alpha @ memory
    h' = GRU([x_t, context], h)            torch's own fused GRU step (torch.gru_cell, what torch.nn.GRUCell runs)

The twin of :mod:`rnncourse.scratch.attention`: same parameter names and shapes (declared by the scratch
cell), the attention written again here in tensor ops and the GRU step taken from torch itself (an
independent reference, and fast); autograd does the backward. State (h, memory, keys) as there.
"""
from __future__ import annotations

import torch

from ..scratch.attention import AttentionGRUCell as _Decl
from .module import TorchCell


def attention(h, memory, keys, attn_query, attn_v):
    """context (B, M) and alpha (B, S) for queries h (B, H), memory (B, S, M), keys (B, S, A)."""
    e = torch.tanh(keys + (h @ attn_query.T).unsqueeze(1))
    alpha = torch.softmax(e @ attn_v, dim=1)
    return torch.bmm(alpha.unsqueeze(1), memory).squeeze(1), alpha


class AttentionGRUCell(TorchCell):
    """One attention-GRU decoder step; ``decl`` is the scratch cell, ``p`` its parameters."""

    decl_class = _Decl

    def initial_state(self, memory, h0):
        """(h0, memory (B, S, M), keys = memory W_k^T)."""
        return (h0, memory, memory @ self.p["attn_key"].T)

    def step(self, u, state):
        h, memory, keys = state
        context, _ = attention(h, memory, keys, self.p["attn_query"], self.p["attn_v"])
        h_next = torch.gru_cell(torch.cat([u, context], dim=1), h, self.p["weight_ih"], self.p["weight_hh"],
                                self.p.get("bias_ih"), self.p.get("bias_hh"))
        return (h_next, memory, keys)
