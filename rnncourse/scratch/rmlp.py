"""The recurrent multilayer perceptron (RMLP; Puskorius & Feldkamp 1994, as in Haykin's textbook): a
multilayer perceptron in which EVERY layer, the output layer included, feeds back to itself.

    h1_t = tanh(x_t W_ih^T + b_ih + h1_{t-1} W_hh^T)                    first hidden layer
    hl_t = tanh(h(l-1)_t W_in{l}^T + hl_{t-1} W_rec{l}^T + b{l})         hidden layers l = 2..K
    y_t  = g(hK_t W_hy^T + y_{t-1} W_yy^T + b_hy),  g = identity, tanh or sigmoid

The state is (h1, ..., hK, y), all carried from step to step; the output is y. With K = 1 and W_yy = 0
this is an Elman network with a read-out; with W_rec = W_yy = 0 it is a plain MLP applied at every step.
Backward, given the state gradients (dh1, ..., dhK, dy) at step t:

    do = dy * g'(o);  dW_hy += do^T hK;  dW_yy += do^T y_{t-1};  dy_{t-1} = do W_yy;  dhK += do W_hy
    for l = K..2:  da = dhl * (1 - hl^2);  dW_in{l} += da^T h(l-1);  dW_rec{l} += da^T hl_{t-1};
                   dhl_{t-1} = da W_rec{l};  dh(l-1) += da W_in{l}
    da1 = dh1 * (1 - h1^2);  dW_hh += da1^T h1_{t-1};  dh1_{t-1} = da1 W_hh;  (W_ih, b_ih, x_t through da1)

Shapes: x (T, B, I), every hl (B, H), y (B, O); weight_ih (H, I), weight_hh (H, H), bias_ih (H,),
weight_in{l}, weight_rec{l} (H, H), bias{l} (H,), weight_hy (O, H), weight_yy (O, O), bias_hy (O,).
"""
from __future__ import annotations

import numpy as np

from .cell import Cell
from .functional import sigmoid
from .jordan import OUTPUT_ACTIVATIONS
from .module import Recurrent, _positive_int


class RMLPCell(Cell):
    """One RMLP step with ``hidden_layers`` = K hidden layers of H units and an output layer of O units,
    each fed back to itself; state (h1, ..., hK, y), output y."""

    name = "RMLP"

    def __init__(self, input_size, hidden_size, bias=True, *, dtype=np.float64, params=None, output_size=1,
                 hidden_layers=2, output_activation="identity"):
        self.out_size = _positive_int("output_size", output_size)
        self.hidden_layers = _positive_int("hidden_layers", hidden_layers)
        if output_activation not in OUTPUT_ACTIVATIONS:
            raise ValueError(f"output_activation must be one of {OUTPUT_ACTIVATIONS}; got {output_activation!r}")
        self.output_activation = output_activation
        self.state_names = tuple(f"h{l}" for l in range(1, self.hidden_layers + 1)) + ("y",)
        self.output_name = "y"
        super().__init__(input_size, hidden_size, bias, dtype=dtype, params=params)

    def param_shapes(self) -> dict:
        H, O = self.hidden_size, self.out_size
        shapes = {"weight_ih": (H, self.input_size), "weight_hh": (H, H)}
        if self.bias:
            shapes["bias_ih"] = (H,)
        for l in range(2, self.hidden_layers + 1):
            shapes |= {f"weight_in{l}": (H, H), f"weight_rec{l}": (H, H)} | ({f"bias{l}": (H,)} if self.bias else {})
        shapes |= {"weight_hy": (O, H), "weight_yy": (O, O)} | ({"bias_hy": (O,)} if self.bias else {})
        return shapes

    def state_size(self, name: str) -> int:
        return self.out_size if name == "y" else self.hidden_size

    def step(self, u, state):
        p, K = self.params, self.hidden_layers
        hs = [np.tanh(u + state[0] @ p["weight_hh"].T)]
        for l in range(2, K + 1):
            a = hs[-1] @ p[f"weight_in{l}"].T + state[l - 1] @ p[f"weight_rec{l}"].T
            if self.bias:
                a += p[f"bias{l}"]
            hs.append(np.tanh(a))
        o = hs[-1] @ p["weight_hy"].T + state[K] @ p["weight_yy"].T
        if self.bias:
            o += p["bias_hy"]
        g = self.output_activation
        y = np.tanh(o) if g == "tanh" else sigmoid(o) if g == "sigmoid" else o
        return tuple(hs) + (y,), (state, tuple(hs), y)

    def step_backward(self, d_state, cache, grads):
        p, K = self.params, self.hidden_layers
        prev, hs, y = cache
        g = self.output_activation
        dy = d_state[K]
        do = dy * (1 - y * y) if g == "tanh" else dy * y * (1 - y) if g == "sigmoid" else dy
        deferred = {"weight_hy": (do, hs[-1]), "weight_yy": (do, prev[K])}
        if self.bias:
            deferred["bias_hy"] = (do, None)
        d_prev = [None] * (K + 1)
        d_prev[K] = do @ p["weight_yy"]
        dh = d_state[K - 1] + do @ p["weight_hy"]
        for l in range(K, 1, -1):
            da = dh * (1 - hs[l - 1] ** 2)
            deferred[f"weight_in{l}"] = (da, hs[l - 2])
            deferred[f"weight_rec{l}"] = (da, prev[l - 1])
            if self.bias:
                deferred[f"bias{l}"] = (da, None)
            d_prev[l - 1] = da @ p[f"weight_rec{l}"]
            dh = d_state[l - 2] + da @ p[f"weight_in{l}"]
        da1 = dh * (1 - hs[0] ** 2)
        deferred["weight_hh"] = (da1, prev[0])
        d_prev[0] = da1 @ p["weight_hh"]
        return da1, tuple(d_prev), deferred

    def extra_repr(self) -> str:
        extra = f", output_size={self.out_size}, hidden_layers={self.hidden_layers}"
        return extra + ("" if self.output_activation == "identity" else f", output_activation={self.output_activation!r}")


class RMLP(Recurrent):
    """A recurrent multilayer perceptron over time (see the module docstring).

    RMLP(input_size, hidden_size, output_size=1, hidden_layers=2, num_layers=1, bias=True, batch_first=False,
         bidirectional=False, output_activation="identity", *, dtype=np.float64, rng=None)
    forward(x (T, B, I), (h1_0, ..., hK_0, y_0) each (L*D, B, size), or None) -> (y (T, B, D*O), final states).
    """

    cell_class = RMLPCell

    def __init__(self, input_size, hidden_size, output_size=1, hidden_layers=2, num_layers=1, bias=True,
                 batch_first=False, bidirectional=False, output_activation="identity", *, dtype=np.float64, rng=None):
        self.output_size = output_size
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, dtype=dtype,
                         rng=rng, output_size=output_size, hidden_layers=hidden_layers,
                         output_activation=output_activation)
