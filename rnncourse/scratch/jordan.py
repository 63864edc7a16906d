"""The Jordan network (Jordan 1986): the recurrence runs through the OUTPUT, not the hidden layer.

    h_t = tanh(x_t W_ih^T + b_ih + y_{t-1} W_yh^T)          hidden layer, fed the previous output
    y_t = g(h_t W_hy^T + b_hy),   g = identity, tanh or sigmoid

Compare the Elman network (:class:`rnncourse.scratch.RNN`), whose hidden layer is fed its own previous
value h_{t-1}. The carried state is y alone, so whatever the network must remember has to be visible in
its output. Backward, given dy_t (from the loss at t and from step t+1):

    do = dy_t * g'(o_t);   dW_hy += do^T h_t;   db_hy += sum_b do;   dh = do W_hy
    da = dh * (1 - h_t^2); dW_yh += da^T y_{t-1};   dy_{t-1} = da W_yh;   (W_ih, b_ih, x_t through da)

Shapes: x (T, B, I), h (B, H), y (B, O); weight_ih (H, I), weight_yh (H, O), bias_ih (H,),
weight_hy (O, H), bias_hy (O,).
"""
from __future__ import annotations

import numpy as np

from .cell import Cell
from .functional import sigmoid
from .module import Recurrent

OUTPUT_ACTIVATIONS = ("identity", "tanh", "sigmoid")


class JordanCell(Cell):
    """One Jordan step (see the module docstring); state (y,), output y of size O = ``output_size``."""

    name = "Jordan"
    state_names = ("y",)

    def __init__(self, input_size, hidden_size, bias=True, *, dtype=np.float64, params=None, output_size=1,
                 output_activation="identity"):
        if not isinstance(output_size, (int, np.integer)) or isinstance(output_size, bool) or output_size < 1:
            raise ValueError(f"output_size must be a positive integer; got {output_size!r}")
        if output_activation not in OUTPUT_ACTIVATIONS:
            raise ValueError(f"output_activation must be one of {OUTPUT_ACTIVATIONS}; got {output_activation!r}")
        self.out_size, self.output_activation = int(output_size), output_activation
        super().__init__(input_size, hidden_size, bias, dtype=dtype, params=params)

    def param_shapes(self) -> dict:
        H, O = self.hidden_size, self.out_size
        shapes = {"weight_ih": (H, self.input_size), "weight_yh": (H, O), "weight_hy": (O, H)}
        if self.bias:
            shapes |= {"bias_ih": (H,), "bias_hy": (O,)}
        return shapes

    def state_size(self, name: str) -> int:
        return self.out_size

    def _g(self, o):
        if self.output_activation == "tanh":
            return np.tanh(o)
        return sigmoid(o) if self.output_activation == "sigmoid" else o

    def _g_prime(self, y):
        """g'(o) from the output y = g(o) alone."""
        if self.output_activation == "tanh":
            return 1 - y * y
        return y * (1 - y) if self.output_activation == "sigmoid" else 1.0

    def step(self, u, state):
        (y_prev,) = state
        h = np.tanh(u + y_prev @ self.params["weight_yh"].T)
        o = h @ self.params["weight_hy"].T
        if self.bias:
            o += self.params["bias_hy"]
        y = self._g(o)
        return (y,), (y_prev, h, y)

    def step_backward(self, d_state, cache, grads):
        (dy,) = d_state
        y_prev, h, y = cache
        do = dy * self._g_prime(y)
        da = (do @ self.params["weight_hy"]) * (1 - h * h)
        deferred = {"weight_hy": (do, h), "weight_yh": (da, y_prev)}
        if self.bias:
            deferred["bias_hy"] = (do, None)
        return da, (da @ self.params["weight_yh"],), deferred

    def extra_repr(self) -> str:
        extra = f", output_size={self.out_size}"
        return extra + ("" if self.output_activation == "identity" else f", output_activation={self.output_activation!r}")


class Jordan(Recurrent):
    """A Jordan network over time: h_t = tanh(x_t W_ih^T + b_ih + y_{t-1} W_yh^T), y_t = g(h_t W_hy^T + b_hy).

    Jordan(input_size, hidden_size, output_size=1, num_layers=1, bias=True, batch_first=False,
           bidirectional=False, output_activation="identity", *, dtype=np.float64, rng=None)
    forward(x (T, B, I), y_0 (L*D, B, O) or None) -> (output y (T, B, D*O), y_n (L*D, B, O)).
    """

    cell_class = JordanCell
    state_labels = {"y": "y_0"}

    def __init__(self, input_size, hidden_size, output_size=1, num_layers=1, bias=True, batch_first=False,
                 bidirectional=False, output_activation="identity", *, dtype=np.float64, rng=None):
        self.output_size = output_size
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, dtype=dtype,
                         rng=rng, output_size=output_size, output_activation=output_activation)
