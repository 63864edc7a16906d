"""Additive attention (Bahdanau et al. 2015) and the GRU decoder cell that uses it.

Attention over a memory of S encoder outputs m_1..m_S (each M wide) for a query h (H wide):

    k_j       = m_j W_k^T                        keys, once per source sentence ("attn_key", W_k (A, M))
    e_j       = v^T tanh(k_j + h W_q^T)          scores ("attn_query" W_q (A, H), "attn_v" v (A,))
    alpha     = softmax_j(e)                     the alignment weights, (B, S): each row sums to 1
    context   = sum_j alpha_j m_j                (B, M)

The decoder cell (Bahdanau's, with a GRU): at step t it attends with its previous state h_{t-1}, reads
[x_t, context_t] (the embedded previous target token and the context) and updates h with torch's GRU
step. It follows the cell protocol of :mod:`rnncourse.scratch.cell`, so the one engine runs it (teacher
forcing, BPTT): the memory and its keys ride along in the state, unchanged from step to step, and their
gradients flow back through time like any state's. A 0-d zero stands for their "zero" state gradient.

Shapes: x_t (B, I), h (B, H), memory (B, S, M), keys (B, S, A); weight_ih (3H, I + M), weight_hh (3H, H),
biases (3H,), attn_query (A, H), attn_key (A, M), attn_v (A,).
"""
from __future__ import annotations

import numpy as np

from .cell import Cell
from .gru import GRUCell


def attention_forward(h, memory, keys, attn_query, attn_v):
    """alpha (B, S) and context (B, M) for queries h (B, H); returns (context, alpha, cache)."""
    e = np.tanh(keys + (h @ attn_query.T)[:, None, :])            # (B, S, A)
    scores = e @ attn_v                                           # (B, S)
    scores = scores - scores.max(axis=1, keepdims=True)
    alpha = np.exp(scores)
    alpha /= alpha.sum(axis=1, keepdims=True)
    context = np.einsum("bs,bsm->bm", alpha, memory)
    return context, alpha, (h, memory, e, alpha)


def attention_backward(d_context, cache, attn_query, attn_v):
    """Backward of :func:`attention_forward`.

    Returns (dh (B, H), d_memory (B, S, M), d_keys (B, S, A), d_query_pre (B, A), dv_rows (B, A)):
    dW_q = d_query_pre^T h and dv = sum_b dv_rows are left to the caller (the engine defers them).
    """
    h, memory, e, alpha = cache
    d_alpha = np.einsum("bm,bsm->bs", d_context, memory)
    d_memory = alpha[:, :, None] * d_context[:, None, :]
    d_scores = alpha * (d_alpha - np.sum(alpha * d_alpha, axis=1, keepdims=True))     # softmax backward
    dv_rows = np.einsum("bs,bsa->ba", d_scores, e)
    d_keys = d_scores[:, :, None] * attn_v * (1 - e * e)
    d_query_pre = d_keys.sum(axis=1)
    return d_query_pre @ attn_query, d_memory, d_keys, d_query_pre, dv_rows


class AttentionGRUCell(Cell):
    """GRU decoder step with additive attention; state (h, memory, keys), output h. See the module docstring.

    AttentionGRUCell(input_size, hidden_size, bias=True, *, memory_size, attention_size, dtype, params)
    """

    name = "AttentionGRU"
    gates = 3
    hoist_input = False                   # the input [x_t, context_t] depends on h_{t-1}
    state_names = ("h", "memory", "keys")
    exposed = ("h",)

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *, memory_size: int,
                 attention_size: int, dtype=np.float64, params=None):
        self.memory_size, self.attention_size = int(memory_size), int(attention_size)
        super().__init__(input_size, hidden_size, bias, dtype=dtype, params=params)

    def param_shapes(self) -> dict:
        H, A = self.hidden_size, self.attention_size
        shapes = {"weight_ih": (3 * H, self.input_size + self.memory_size), "weight_hh": (3 * H, H)}
        if self.bias:
            shapes |= {"bias_ih": (3 * H,), "bias_hh": (3 * H,)}
        return shapes | {"attn_query": (A, H), "attn_key": (A, self.memory_size), "attn_v": (A,)}

    def _gru(self) -> GRUCell:
        """The plain GRU step on [x_t, context_t], holding this cell's GRU parameters (the same arrays)."""
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh") if self.bias else ("weight_ih", "weight_hh")
        return GRUCell(self.input_size + self.memory_size, self.hidden_size, self.bias, dtype=self.dtype,
                       params={k: self.params[k] for k in names})

    def zero_state(self, batch: int) -> tuple:
        zero = np.zeros((), dtype=self.dtype)
        return (np.zeros((batch, self.hidden_size), dtype=self.dtype), zero, zero)

    def initial_state(self, memory, h0):
        """(h0, memory (B, S, M), keys = memory W_k^T): the state the engine starts from."""
        return (h0, memory, memory @ self.params["attn_key"].T)

    def initial_state_backward(self, d_state0, memory, grads: dict):
        """Gradients of :meth:`initial_state`: adds dW_k into ``grads``; returns (dh0, d_memory)."""
        dh0, d_memory, d_keys = d_state0
        d_keys = np.broadcast_to(d_keys, memory.shape[:2] + (self.attention_size,))
        grads["attn_key"] += d_keys.reshape(-1, self.attention_size).T @ memory.reshape(-1, self.memory_size)
        return dh0, d_memory + d_keys @ self.params["attn_key"]

    def step(self, u, state):
        h, memory, keys = state
        p = self.params
        context, alpha, attn_cache = attention_forward(h, memory, keys, p["attn_query"], p["attn_v"])
        x_cat = np.concatenate([u, context], axis=1)
        gx = x_cat @ p["weight_ih"].T
        if self.bias:
            gx += p["bias_ih"]
        gru = self._gru()
        (h_next,), gru_cache = gru.step(gx, (h,))
        return (h_next, memory, keys), (x_cat, attn_cache, gru_cache, alpha)

    def step_backward(self, d_state, cache, grads):
        dh_next, d_memory_next, d_keys_next = d_state
        x_cat, attn_cache, gru_cache, _ = cache
        p = self.params
        d_gx, (dh,), deferred = self._gru().step_backward((dh_next,), gru_cache, grads)
        d_x_cat = d_gx @ p["weight_ih"]
        I = self.input_size
        dh_attn, d_memory, d_keys, d_query_pre, dv_rows = attention_backward(
            d_x_cat[:, I:], attn_cache, p["attn_query"], p["attn_v"])
        deferred = dict(deferred)
        deferred["weight_ih"] = (d_gx, x_cat)
        if self.bias:
            deferred["bias_ih"] = (d_gx, None)
        deferred["attn_query"] = (d_query_pre, attn_cache[0])
        deferred["attn_v"] = (dv_rows, None)
        return d_x_cat[:, :I], (dh + dh_attn, d_memory_next + d_memory, d_keys_next + d_keys), deferred

    @staticmethod
    def alignment(caches) -> np.ndarray:
        """The alignment matrix (T, B, S) of a run: alpha of every decoder step, from the step caches."""
        return np.stack([c[3] for c in caches])

    def extra_repr(self) -> str:
        return f", memory_size={self.memory_size}, attention_size={self.attention_size}"
