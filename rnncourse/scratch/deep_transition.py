"""Deep recurrent networks of Pascanu et al. (2014), "How to construct deep recurrent neural networks":
one cell with a deep transition (DT), optionally a shortcut (DT(S)), and optionally a deep output (DO).

    shallow transition:  h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T)                       (the RNN)
    deep transition:     z_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T)                       intermediate layer
                         h_t = tanh(z_t W_zh^T + b_zh [+ h_{t-1} W_sh^T])                     [shortcut: DT(S)]
    deep output:         o_t = tanh(h_t W_ho^T + b_ho)                                         the layer's output

Without a deep output the layer outputs h_t; with one it outputs o_t (a read-out such as a softmax goes on
top of either). DOT is deep transition + deep output. A *stacked* RNN is ``num_layers > 1`` of any cell
(:class:`rnncourse.scratch.module.Recurrent` does that for every model). Backward, given dh_t (from step t+1)
and do_t (from the read-out):

    dao = do_t * (1 - o_t^2);  dW_ho += dao^T h_t;  db_ho += sum dao;  dh_t += dao W_ho
    da2 = dh_t * (1 - h_t^2);  dW_zh += da2^T z_t;  db_zh += sum da2;  dz = da2 W_zh
    [DT(S): dW_sh += da2^T h_{t-1};  dh_{t-1} += da2 W_sh]
    da1 = dz * (1 - z_t^2);    dW_hh += da1^T h_{t-1};  dh_{t-1} += da1 W_hh;  (W_ih, b_ih, x_t through da1)

Shapes: x (T, B, I), h, z, o (B, H); weight_ih (H, I), weight_hh, weight_zh, weight_sh, weight_ho (H, H);
bias_ih, bias_zh, bias_ho (H,).
"""
from __future__ import annotations

import numpy as np

from .cell import Cell
from .module import Recurrent

KINDS = {   # name: (deep_transition, shortcut, deep_output)
    "RNN": (False, False, False), "DT": (True, False, False), "DT(S)": (True, True, False),
    "DO": (False, False, True), "DOT": (True, False, True), "DOT(S)": (True, True, True),
}


def kind_flags(kind: str) -> dict:
    """The constructor flags of a kind by name: kind_flags("DOT") == {"deep_transition": True, ...}."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {tuple(KINDS)}; got {kind!r}")
    return dict(zip(("deep_transition", "shortcut", "deep_output"), KINDS[kind]))


class DeepTransitionCell(Cell):
    """One step of a deep-transition / deep-output RNN (see the module docstring). State (h,) or, with a
    deep output, (h, o) with output o (o is never fed back; only h is exposed as the module's state)."""

    name = "DeepRNN"

    def __init__(self, input_size, hidden_size, bias=True, *, dtype=np.float64, params=None, deep_transition=True,
                 shortcut=False, deep_output=False):
        if shortcut and not deep_transition:
            raise ValueError("shortcut=True needs deep_transition=True (the shortcut bypasses the intermediate layer)")
        self.deep_transition, self.shortcut, self.deep_output = bool(deep_transition), bool(shortcut), bool(deep_output)
        if self.deep_output:
            self.state_names, self.output_name, self.exposed = ("h", "o"), "o", ("h",)
        super().__init__(input_size, hidden_size, bias, dtype=dtype, params=params)

    def param_shapes(self) -> dict:
        H, bias = self.hidden_size, self.bias
        shapes = {"weight_ih": (H, self.input_size), "weight_hh": (H, H)} | ({"bias_ih": (H,)} if bias else {})
        if self.deep_transition:
            shapes |= {"weight_zh": (H, H)} | ({"bias_zh": (H,)} if bias else {})
            if self.shortcut:
                shapes |= {"weight_sh": (H, H)}
        if self.deep_output:
            shapes |= {"weight_ho": (H, H)} | ({"bias_ho": (H,)} if bias else {})
        return shapes

    def step(self, u, state):
        p, h_prev = self.params, state[0]
        a1 = u + h_prev @ p["weight_hh"].T
        if self.deep_transition:
            z = np.tanh(a1)
            a2 = z @ p["weight_zh"].T
            if self.bias:
                a2 += p["bias_zh"]
            if self.shortcut:
                a2 += h_prev @ p["weight_sh"].T
            h = np.tanh(a2)
        else:
            z, h = None, np.tanh(a1)
        if not self.deep_output:
            return (h,), (h_prev, z, h, None)
        o = h @ p["weight_ho"].T
        if self.bias:
            o += p["bias_ho"]
        o = np.tanh(o)
        return (h, o), (h_prev, z, h, o)

    def step_backward(self, d_state, cache, grads):
        p, (h_prev, z, h, o) = self.params, cache
        dh, deferred = d_state[0], {}
        if self.deep_output:
            dao = d_state[1] * (1 - o * o)
            deferred["weight_ho"] = (dao, h)
            if self.bias:
                deferred["bias_ho"] = (dao, None)
            dh = dh + dao @ p["weight_ho"]
        da = dh * (1 - h * h)
        dh_prev = 0.0
        if self.deep_transition:
            deferred["weight_zh"] = (da, z)
            if self.bias:
                deferred["bias_zh"] = (da, None)
            if self.shortcut:
                deferred["weight_sh"] = (da, h_prev)
                dh_prev = da @ p["weight_sh"]
            da = (da @ p["weight_zh"]) * (1 - z * z)
        deferred["weight_hh"] = (da, h_prev)
        dh_prev = dh_prev + da @ p["weight_hh"]
        d_prev = (dh_prev, np.zeros_like(o)) if self.deep_output else (dh_prev,)
        return da, d_prev, deferred

    def extra_repr(self) -> str:
        flags = [("deep_transition", self.deep_transition, True), ("shortcut", self.shortcut, False),
                 ("deep_output", self.deep_output, False)]
        return "".join(f", {k}={v}" for k, v, default in flags if v != default)


class DeepRNN(Recurrent):
    """A deep-transition / deep-output RNN over time (Pascanu et al. 2014), stacked with ``num_layers``.

    DeepRNN(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
            deep_transition=True, shortcut=False, deep_output=False, *, dtype=np.float64, rng=None)
    forward(x (T, B, I), h_0 (L*D, B, H) or None) -> (output (T, B, D*H): h_t, or o_t with a deep output,
    h_n (L*D, B, H)). ``DeepRNN.of_kind("DOT", ...)`` picks the flags by name (see ``KINDS``).
    """

    cell_class = DeepTransitionCell

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
                 deep_transition=True, shortcut=False, deep_output=False, *, dtype=np.float64, rng=None):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, dtype=dtype,
                         rng=rng, deep_transition=deep_transition, shortcut=shortcut, deep_output=deep_output)

    @classmethod
    def of_kind(cls, kind: str, input_size, hidden_size, **kwargs):
        return cls(input_size, hidden_size, **kind_flags(kind), **kwargs)


def deep_rnn_parameters(kind: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True) -> int:
    """Parameters of ``DeepRNN.of_kind(kind, ...)`` (num_layers stacked, one direction), in closed form:
    per layer H I + H^2 + H (the RNN part, bias b_ih only), + H^2 + H (DT), + H^2 (shortcut), + H^2 + H (DO)."""
    deep_transition, shortcut, deep_output = kind_flags(kind).values()
    H, b = hidden_size, int(bias)
    total = 0
    for layer in range(num_layers):
        I = input_size if layer == 0 else H
        total += H * I + H * H + b * H + deep_transition * (H * H + b * H) + shortcut * H * H + deep_output * (H * H + b * H)
    return total
