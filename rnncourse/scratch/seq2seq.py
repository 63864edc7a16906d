"""The encoder-decoder (Sutskever et al. 2014; Cho et al. 2014), with or without additive attention.

    encoder:  h_s = GRU(E_src[x_s], h_{s-1}),  s = 1..S,  h_0 = 0           memory m = (h_1 .. h_S)
    decoder:  d_0 = h_S;  d_t = GRU(E_tgt[y_{t-1}], d_{t-1})                   (plain)
              d_t = AttentionGRU(E_tgt[y_{t-1}], d_{t-1}; m)                     (attention=True)
    read-out: z_t = d_t W_out^T + b_out,   p(y_t | y_<t, x) = softmax(z_t)

Training uses *teacher forcing*: the decoder reads the true previous token y_{t-1} (``tgt_in``, starting
with BOS), and the loss is the mean cross-entropy of the true next tokens (``tgt_out``) over all non-PAD
positions. Decoding feeds the model's own tokens back through :meth:`Seq2Seq.step` (a step function for
:mod:`rnncourse.decoding`). Every backward is written by hand; the gradients are checked against float64
central differences and against the torch twin :class:`rnncourse.torch.Seq2Seq` (same ``state_dict`` keys).

Shapes: src (S, B), tgt_in and tgt_out (T, B) int64 with PAD = 0 (see :mod:`rnncourse.data.pairs`);
logits (T, B, V_tgt). Parameters: src_embed.weight (V_src, E), encoder.{weight_ih_l0 (3H, E), weight_hh_l0,
bias_ih_l0, bias_hh_l0}, tgt_embed.weight (V_tgt, E), decoder.* (torch.nn.GRU's names for the plain
decoder; the attention cell's names, see :mod:`rnncourse.scratch.attention`), out.weight (V_tgt, H), out.bias.
"""
from __future__ import annotations

import numpy as np

from . import engine
from .attention import AttentionGRUCell
from .functional import log_softmax
from .gru import GRUCell
from .losses import masked_cross_entropy
from .parameters import Parameterized

PAD = 0


def _check_tokens(name: str, value, vocab: int, labels=("T", "B")) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 2 or not np.issubdtype(arr.dtype, np.integer) or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty int array of shape ({', '.join(labels)}); "
                         f"got {arr.dtype} {arr.shape}")
    if arr.min() < 0 or arr.max() >= vocab:
        raise ValueError(f"{name} must hold token indices in [0, {vocab}); got values from {arr.min()} to {arr.max()}")
    return arr


class Seq2Seq(Parameterized):
    """Seq2Seq(src_vocab, tgt_vocab, embed_size, hidden_size, attention=False, attention_size=None, *,
    dtype=np.float64, rng=None): see the module docstring. Initialisation: embeddings N(0, 1) as
    torch.nn.Embedding, GRU and attention weights U(-1/sqrt(H), 1/sqrt(H)) as torch.nn.GRU, read-out as
    torch.nn.Linear."""

    def __init__(self, src_vocab: int, tgt_vocab: int, embed_size: int, hidden_size: int,
                 attention: bool = False, attention_size: int | None = None, *, dtype=np.float64, rng=None):
        for name, value in (("src_vocab", src_vocab), ("tgt_vocab", tgt_vocab), ("embed_size", embed_size),
                            ("hidden_size", hidden_size)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        self.src_vocab, self.tgt_vocab, self.embed_size, self.hidden_size = src_vocab, tgt_vocab, embed_size, hidden_size
        self.attention = bool(attention)
        self.attention_size = int(attention_size or hidden_size)
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng(rng)
        E, H = embed_size, hidden_size
        self.encoder = GRUCell(E, H, dtype=self.dtype)
        self.encoder.init_params(rng)
        if self.attention:
            self.decoder = AttentionGRUCell(E, H, memory_size=H, attention_size=self.attention_size, dtype=self.dtype)
        else:
            self.decoder = GRUCell(E, H, dtype=self.dtype)
        self.decoder.init_params(rng)
        bound = 1 / np.sqrt(H)
        self.params = {"src_embed.weight": rng.standard_normal((src_vocab, E)).astype(self.dtype)}
        self.params |= {f"encoder.{k}_l0": v for k, v in self.encoder.params.items()}
        self.params["tgt_embed.weight"] = rng.standard_normal((tgt_vocab, E)).astype(self.dtype)
        suffix = "" if self.attention else "_l0"
        self.params |= {f"decoder.{k}{suffix}": v for k, v in self.decoder.params.items()}
        self.params["out.weight"] = rng.uniform(-bound, bound, (tgt_vocab, H)).astype(self.dtype)
        self.params["out.bias"] = rng.uniform(-bound, bound, tgt_vocab).astype(self.dtype)
        self._cell_grads()
        self._cache = None

    def _cell_grads(self):
        """self.grads under the state_dict keys; the cells' own grads dicts ARE these arrays."""
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        suffix = "" if self.attention else "_l0"
        self.encoder.grads = {k: self.grads[f"encoder.{k}_l0"] for k in self.encoder.params}
        self.decoder.grads = {k: self.grads[f"decoder.{k}{suffix}"] for k in self.decoder.params}

    # ---- forward / backward -------------------------------------------------------------------------
    def encode(self, src):
        """Run the encoder over src (S, B). Returns (memory (S, B, H), final state h_S (B, H), cache)."""
        src = _check_tokens("src", src, self.src_vocab, ("S", "B"))
        x = self.params["src_embed.weight"][src]
        memory, (h_last,), cache = engine.forward(self.encoder, x, self.encoder.zero_state(src.shape[1]))
        return memory, h_last, (src, cache)

    def decoder_state(self, memory, h_last) -> tuple:
        """The decoder's initial state: (h_S,) plain, or (h_S, memory (B, S, H), keys) with attention."""
        if self.attention:
            return self.decoder.initial_state(np.ascontiguousarray(memory.transpose(1, 0, 2)), h_last)
        return (h_last,)

    def forward(self, src, tgt_in):
        """Teacher-forced logits (T, B, V_tgt) of the targets after tgt_in (T, B); keeps a cache for backward."""
        tgt_in = _check_tokens("tgt_in", tgt_in, self.tgt_vocab)
        memory, h_last, enc = self.encode(src)
        if tgt_in.shape[1] != memory.shape[1]:
            raise ValueError(f"src and tgt_in must have the same batch size B; got {memory.shape[1]} and {tgt_in.shape[1]}")
        state0 = self.decoder_state(memory, h_last)
        y = self.params["tgt_embed.weight"][tgt_in]
        ds, _, dec = engine.forward(self.decoder, y, state0)
        logits = ds @ self.params["out.weight"].T + self.params["out.bias"]
        self._cache = (enc, state0, tgt_in, dec, ds)
        return logits

    __call__ = forward

    def backward(self, d_logits) -> None:
        """BPTT through decoder and encoder from dL/dlogits (T, B, V_tgt); ADDS into ``self.grads``."""
        if self._cache is None:
            raise RuntimeError("Seq2Seq.backward called before forward")
        (src, enc), state0, tgt_in, dec, ds = self._cache
        g, p = self.grads, self.params
        d2 = d_logits.reshape(-1, self.tgt_vocab)
        g["out.weight"] += d2.T @ ds.reshape(-1, self.hidden_size)
        g["out.bias"] += d2.sum(axis=0)
        d_ds = d_logits @ p["out.weight"]
        dy, d_state0 = engine.backward(dec, d_ds)
        np.add.at(g["tgt_embed.weight"], tgt_in, dy)
        if self.attention:
            dh_last, d_mem = self.decoder.initial_state_backward(d_state0, state0[1], self.decoder.grads)
            d_memory = d_mem.transpose(1, 0, 2)
        else:
            (dh_last,), d_memory = d_state0, None
        d_memory = np.zeros_like(enc.outputs) if d_memory is None else d_memory
        dx, _ = engine.backward(enc, d_memory, (dh_last,))
        np.add.at(g["src_embed.weight"], src, dx)

    def loss(self, src, tgt_in, tgt_out) -> float:
        """Forward, masked cross-entropy and backward in one call; gradients ADDED into ``self.grads``."""
        logits = self.forward(src, tgt_in)
        L, d_logits = masked_cross_entropy(logits, _check_tokens("tgt_out", tgt_out, self.tgt_vocab))
        self.backward(d_logits)
        return L

    def alignment(self) -> np.ndarray:
        """alpha (T, B, S) of the last forward (attention models only)."""
        if not self.attention or self._cache is None:
            raise ValueError("alignment needs an attention model (attention=True) after a forward")
        return AttentionGRUCell.alignment(self._cache[3].steps)

    # ---- decoding -----------------------------------------------------------------------------------
    def start(self, src) -> tuple:
        """The decoder state after reading src (S, K): the ``state`` argument of :meth:`step`."""
        memory, h_last, _ = self.encode(src)
        return self.decoder_state(memory, h_last)

    def step(self, tokens, state):
        """One free-running decoder step: tokens (K,) int, state from :meth:`start` or the last step.

        Returns (log p(next token) (K, V_tgt), new state). A step function for rnncourse.decoding."""
        x = self.params["tgt_embed.weight"][np.asarray(tokens)]
        state, _ = engine.step_forward(self.decoder, x, tuple(state))
        logits = state[0] @ self.params["out.weight"].T + self.params["out.bias"]
        return log_softmax(logits, axis=1), state
