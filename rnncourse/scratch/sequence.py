"""Single-layer, single-direction sequence functions: the form exercises and chapters use.

    rnn_forward(x, h0, weight_ih, weight_hh, bias_ih, bias_hh, nonlinearity) -> (hs, cache)
    rnn_backward(dhs, cache, truncation=None)                                -> grads
    lstm_forward(x, h0, c0, ...) -> (hs, c_last, cache);  lstm_backward(dhs, cache, dc_last=None) -> grads
    gru_forward(x, h0, ...)      -> (hs, cache);          gru_backward(dhs, cache)                -> grads

x: (T, B, I), h0 and c0: (B, H), hs: (T, B, H). ``grads`` is a dict keyed by the forward's argument
names (x, h0[, c0], weight_ih, weight_hh[, bias_ih, bias_hh]). dL/dh_T enters as dhs[-1].
"""
from __future__ import annotations

from ._checks import as_float_array, check_shape
from .cell_base import validate_cell_args
from .gru_cell import GRU_KIND
from .layer import layer_backward, layer_forward
from .lstm_cell import LSTM_KIND
from .rnn_cell import rnn_kind


def _validate_sequence(kind, x, states: dict, weight_ih, weight_hh, bias_ih, bias_hh):
    x = as_float_array("x", x)
    check_shape("x", x, (("T", None), ("B", None), ("I", None)))
    _, checked, weight_ih, weight_hh, bias_ih, bias_hh = validate_cell_args(
        kind, x[0] if len(x) else x.reshape(x.shape[1:]), states, weight_ih, weight_hh, bias_ih, bias_hh
    )
    if x.shape[0] == 0:
        raise ValueError("x must have at least one time step (T >= 1); got T = 0")
    return x, checked, weight_ih, weight_hh, bias_ih, bias_hh


def _check_dhs(dhs, cache):
    dhs = as_float_array("dhs", dhs, cache.hs.dtype)
    T, B, H = cache.hs.shape
    check_shape("dhs", dhs, (("T", T), ("B", B), ("H", H)))
    return dhs


def _named(dx, d_state0, grads, state_names):
    out = {"x": dx}
    out.update(zip(state_names, d_state0))
    out.update(grads)
    return out


def rnn_forward(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None, nonlinearity="tanh"):
    """Vanilla RNN over a sequence: h_t = f(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh). Returns (hs, cache)."""
    kind = rnn_kind(nonlinearity)
    x, s, *params = _validate_sequence(kind, x, {"h0": h0}, weight_ih, weight_hh, bias_ih, bias_hh)
    hs, _, cache = layer_forward(kind, x, (s["h0"],), *params)
    return hs, cache


def rnn_backward(dhs, cache, truncation=None) -> dict:
    """BPTT for :func:`rnn_forward`; ``truncation=(k1, k2)`` for truncated BPTT (see ``layer_backward``)."""
    dx, d_state0, grads = layer_backward(_check_dhs(dhs, cache), None, cache, truncation)
    return _named(dx, d_state0, grads, ("h0",))


def lstm_forward(x, h0, c0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """LSTM over a sequence. Returns (hs (T, B, H), c_last (B, H), cache)."""
    x, s, *params = _validate_sequence(LSTM_KIND, x, {"h0": h0, "c0": c0}, weight_ih, weight_hh, bias_ih, bias_hh)
    hs, (_, c_last), cache = layer_forward(LSTM_KIND, x, (s["h0"], s["c0"]), *params)
    return hs, c_last, cache


def lstm_backward(dhs, cache, dc_last=None, truncation=None) -> dict:
    """BPTT for :func:`lstm_forward`. dc_last: (B, H) = dL/dc_T, or None for zeros."""
    dhs = _check_dhs(dhs, cache)
    d_last = None
    if dc_last is not None:
        dc_last = as_float_array("dc_last", dc_last, dhs.dtype)
        check_shape("dc_last", dc_last, (("B", dhs.shape[1]), ("H", dhs.shape[2])))
        d_last = (0 * dc_last, dc_last)
    dx, d_state0, grads = layer_backward(dhs, d_last, cache, truncation)
    return _named(dx, d_state0, grads, ("h0", "c0"))


def gru_forward(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """GRU over a sequence. Returns (hs (T, B, H), cache)."""
    x, s, *params = _validate_sequence(GRU_KIND, x, {"h0": h0}, weight_ih, weight_hh, bias_ih, bias_hh)
    hs, _, cache = layer_forward(GRU_KIND, x, (s["h0"],), *params)
    return hs, cache


def gru_backward(dhs, cache, truncation=None) -> dict:
    """BPTT for :func:`gru_forward`."""
    dx, d_state0, grads = layer_backward(_check_dhs(dhs, cache), None, cache, truncation)
    return _named(dx, d_state0, grads, ("h0",))
