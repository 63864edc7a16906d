"""The encoder-decoder with or without additive attention, from PyTorch modules and tensor ops.

The twin of :class:`rnncourse.scratch.Seq2Seq` (same ``state_dict`` keys and shapes, same equations):
torch.nn.Embedding, a torch.nn.GRU encoder, a torch.nn.GRU decoder (plain) or the attention cell of
:mod:`rnncourse.torch.attention` run by :func:`rnncourse.torch.module.run` (attention), torch.nn.Linear.

    forward(src (S, B), tgt_in (T, B)) -> logits (T, B, V_tgt)        teacher forcing
    start(src) -> state;  step(tokens (K,), state) -> (log-probs (K, V_tgt), state)   for rnncourse.decoding
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..scratch.attention import AttentionGRUCell as _AttentionDecl
from .attention import AttentionGRUCell, attention
from .module import run, uniform_init_

PAD = 0


class Seq2Seq(nn.Module):
    """Seq2Seq(src_vocab, tgt_vocab, embed_size, hidden_size, attention=False, attention_size=None,
    dtype=None): see the module docstring."""

    def __init__(self, src_vocab: int, tgt_vocab: int, embed_size: int, hidden_size: int,
                 attention: bool = False, attention_size: int | None = None, dtype=None):
        super().__init__()
        for name, value in (("src_vocab", src_vocab), ("tgt_vocab", tgt_vocab), ("embed_size", embed_size),
                            ("hidden_size", hidden_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        self.attention, self.hidden_size = bool(attention), hidden_size
        E, H = embed_size, hidden_size
        self.src_embed = nn.Embedding(src_vocab, E, dtype=dtype)
        self.encoder = nn.GRU(E, H, dtype=dtype)
        self.tgt_embed = nn.Embedding(tgt_vocab, E, dtype=dtype)
        if self.attention:
            decl = _AttentionDecl(E, H, memory_size=H, attention_size=attention_size or H)
            self.decoder = nn.Module()
            params = {}
            for name, shape in decl.param_shapes().items():
                params[name] = nn.Parameter(torch.empty(shape, dtype=dtype))
                self.decoder.register_parameter(name, params[name])
            uniform_init_(self.decoder.parameters(), H)
            self._cell = AttentionGRUCell(decl, params)
        else:
            self.decoder = nn.GRU(E, H, dtype=dtype)
        self.out = nn.Linear(H, tgt_vocab, dtype=dtype)

    def _tokens(self, value) -> torch.Tensor:
        t = torch.as_tensor(np.asarray(value) if not isinstance(value, torch.Tensor) else value)
        if t.dim() != 2 or t.dtype != torch.int64:
            raise ValueError(f"token arrays must be int64 of shape (T, B); got {t.dtype} {tuple(t.shape)}")
        return t

    def encode(self, src):
        """memory (S, B, H) and h_S (B, H)."""
        memory, h_n = self.encoder(self.src_embed(self._tokens(src)))
        return memory, h_n[0]

    def start(self, src) -> tuple:
        """The decoder's initial state for src (S, K)."""
        memory, h_last = self.encode(src)
        if self.attention:
            return self._cell.initial_state(memory.transpose(0, 1), h_last)
        return (h_last,)

    def forward(self, src, tgt_in):
        state = self.start(src)
        y = self.tgt_embed(self._tokens(tgt_in))
        if self.attention:
            ds, _ = run([[self._cell]], y, [[state]])
        else:
            ds, _ = self.decoder(y, state[0].unsqueeze(0))
        return self.out(ds)

    def loss(self, src, tgt_in, tgt_out):
        """Mean cross-entropy over the non-PAD positions of tgt_out (T, B)."""
        logits = self.forward(src, tgt_in)
        target = self._tokens(tgt_out)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1),
                                           ignore_index=PAD)

    def step(self, tokens, state):
        """One free-running step: tokens (K,) -> (log-probs (K, V_tgt) as a float64 ndarray, new state)."""
        with torch.no_grad():
            x = self.tgt_embed(torch.as_tensor(np.asarray(tokens), dtype=torch.int64))
            if self.attention:
                state = self._cell.step(x, tuple(state))
            else:
                _, h = self.decoder(x.unsqueeze(0), state[0].unsqueeze(0))
                state = (h[0],)
            return torch.log_softmax(self.out(state[0]), dim=1).double().numpy(), state

    def alignment(self, src, tgt_in) -> np.ndarray:
        """alpha (T, B, S): the alignment weights of every teacher-forced decoder step."""
        if not self.attention:
            raise ValueError("alignment needs an attention model (attention=True)")
        with torch.no_grad():
            state = self.start(src)
            alphas = []
            for x in self.tgt_embed(self._tokens(tgt_in)):
                alphas.append(attention(state[0], state[1], state[2], self._cell.p["attn_query"],
                                        self._cell.p["attn_v"])[1])
                state = self._cell.step(x, state)
            return torch.stack(alphas).double().numpy()

    @torch.no_grad()
    def greedy(self, src, max_len: int) -> np.ndarray:
        """Greedy decoding of a whole batch src (S, B) at once: tokens (max_len, B), each column the same
        as rnncourse.decoding.greedy_decode(self.step, ...) on that example (after its first EOS: EOS)."""
        from ..data.pairs import BOS, EOS
        state = self.start(src)
        B = state[0].shape[0]
        tokens = np.full(B, BOS)
        out = np.empty((max_len, B), dtype=np.int64)
        done = np.zeros(B, dtype=bool)
        for t in range(max_len):
            log_probs, state = self.step(tokens, state)
            tokens = np.where(done, EOS, log_probs.argmax(axis=1))
            out[t] = tokens
            done |= tokens == EOS
            if done.all():
                return out[:t + 1]
        return out
