"""Additive attention (Bahdanau et al. 2015) and the attention GRU decoder cell, from tensor ops.

    keys = memory W_k^T;  e = v^T tanh(keys + h W_q^T);  alpha = softmax_S(e);  context = alpha @ memory
    h' = GRU([x_t, context], h)                                   (torch.nn.GRU's step, gate order r, z, n)

The twin of :mod:`rnncourse.scratch.attention`: same parameter names and shapes (declared by the scratch
cell), arithmetic written again here; autograd does the backward. State (h, memory, keys) as there.
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
        gx = torch.cat([u, context], dim=1) @ self.p["weight_ih"].T
        gh = h @ self.p["weight_hh"].T
        if "bias_ih" in self.p:
            gx, gh = gx + self.p["bias_ih"], gh + self.p["bias_hh"]
        gx_r, gx_z, gx_n = gx.chunk(3, dim=-1)
        gh_r, gh_z, gh_n = gh.chunk(3, dim=-1)
        r, z = torch.sigmoid(gx_r + gh_r), torch.sigmoid(gx_z + gh_z)
        n = torch.tanh(gx_n + r * gh_n)
        return ((1 - z) * n + z * h, memory, keys)
