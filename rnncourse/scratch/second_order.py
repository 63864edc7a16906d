"""The second-order recurrent network (Giles et al. 1992): input and state meet MULTIPLICATIVELY, through a
third-order weight tensor, so each input symbol selects its own state-transition matrix.

    h_t[i] = sigmoid( sum_{j,k} W[i, j, k] h_{t-1}[j] x_t[k] + b[i] )

With one-hot inputs x_t = e_a this is h_t = sigmoid(W[:, :, a] h_{t-1} + b): a finite-state automaton's
transition table delta(state, a) made continuous, which is why such networks learn regular languages
and why an automaton can be read back out of them. Backward, given dh_t:

    dz = dh_t * h_t (1 - h_t);   dW[i, j, k] += sum_b dz[b, i] h_{t-1}[b, j] x_t[b, k];   db += sum_b dz
    dh_{t-1}[j] = sum_{i,k} dz[i] W[i, j, k] x_t[k];      dx_t[k] = sum_{i,j} dz[i] W[i, j, k] h_{t-1}[j]

Shapes: x (T, B, I), h (B, H); weight (H, H, I) (third-order: [to, from, symbol]), bias (H,).
"""
from __future__ import annotations

import numpy as np

from .cell import Cell
from .functional import sigmoid
from .module import Recurrent


class SecondOrderCell(Cell):
    """One second-order step (see the module docstring); state (h,), output h. The input enters the
    product with the state, so it cannot be projected for all steps at once (``hoist_input = False``)."""

    name = "SecondOrder"
    hoist_input = False

    def param_shapes(self) -> dict:
        H = self.hidden_size
        return {"weight": (H, H, self.input_size)} | ({"bias": (H,)} if self.bias else {})

    def step(self, u, state):
        (h_prev,) = state
        B, H, I = u.shape[0], self.hidden_size, self.input_size
        # the products h_{t-1, j} x_{t, k} of every pair, flattened: then z is one matmul with W as (H, H*I)
        outer = (h_prev[:, :, None] * u[:, None, :]).reshape(B, H * I)
        z = outer @ self.params["weight"].reshape(H, H * I).T
        if self.bias:
            z += self.params["bias"]
        h = sigmoid(z)
        return (h,), (u, h_prev, outer, h)

    def step_backward(self, d_state, cache, grads):
        (dh,) = d_state
        x, h_prev, outer, h = cache
        B, H, I = x.shape[0], self.hidden_size, self.input_size
        dz = dh * h * (1 - h)
        grads["weight"] += (dz.T @ outer).reshape(H, H, I)        # dW[i, j, k] = sum_b dz_i h_{t-1, j} x_{t, k}
        d_outer = (dz @ self.params["weight"].reshape(H, H * I)).reshape(B, H, I)
        dh_prev = np.einsum("bjk,bk->bj", d_outer, x)
        dx = np.einsum("bjk,bj->bk", d_outer, h_prev)
        return dx, (dh_prev,), ({"bias": (dz, None)} if self.bias else {})


class SecondOrder(Recurrent):
    """A second-order RNN over time: h_t = sigmoid(sum_jk W_ijk h_{t-1, j} x_{t, k} + b_i) (Giles et al. 1992).

    SecondOrder(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
                *, dtype=np.float64, rng=None)
    forward(x (T, B, I), h_0 (L*D, B, H) or None) -> (output (T, B, D*H), h_n (L*D, B, H)).
    """

    cell_class = SecondOrderCell
