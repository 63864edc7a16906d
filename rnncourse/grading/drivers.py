"""CHILD side: call the student's functions with the grader's arrays and return plain arrays.

Each driver takes the student's namespace and the inputs (a dict of float64 arrays / ints) and returns
a dict of arrays. Caches are opaque: the driver calls the student's forward, then the student's backward
with that cache, inside the child. Nothing here imports reference code, and nothing here decides a verdict.
A missing key or a wrong return type raises ``DriverError`` with a message for the student.
"""
from __future__ import annotations

import numpy as np


class DriverError(Exception):
    pass


def _fn(ns, name):
    f = ns.get(name)
    if not callable(f):
        raise DriverError(f"function `{name}` is not defined (or not callable) in your notebook")
    return f


def _tuple(value, n, what):
    if not isinstance(value, tuple) or len(value) != n:
        got = f"a tuple of length {len(value)}" if isinstance(value, tuple) else type(value).__name__
        raise DriverError(f"{what} must return a tuple of {n} items; got {got}")
    return value


def _grads(value, keys, what):
    if not isinstance(value, dict):
        raise DriverError(f"{what} must return a dict of gradients with keys {list(keys)}; got {type(value).__name__}")
    missing = [k for k in keys if k not in value]
    if missing:
        raise DriverError(f"{what} returned a dict without the keys {missing} (it has {sorted(map(str, value))})")
    return {f"d{k}": value[k] for k in keys}


PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _params(inp):
    return [inp[k] for k in PARAMS]


# ---- 01-rnn-bptt ----------------------------------------------------------------------------------
def rnn_cell_forward(ns, inp):
    out = _tuple(_fn(ns, "rnn_cell_forward")(inp["x"], inp["h"], *_params(inp)), 2, "rnn_cell_forward")
    return {"h_next": out[0]}


def rnn_cell_backward(ns, inp):
    h_next, cache = _tuple(_fn(ns, "rnn_cell_forward")(inp["x"], inp["h"], *_params(inp)), 2, "rnn_cell_forward")
    grads = _fn(ns, "rnn_cell_backward")(inp["dh_next"], cache)
    return _grads(grads, ("x", "h") + PARAMS, "rnn_cell_backward")


def rnn_forward(ns, inp):
    out = _tuple(_fn(ns, "rnn_forward")(inp["x"], inp["h0"], *_params(inp)), 2, "rnn_forward")
    return {"hs": out[0]}


def rnn_backward(ns, inp):
    hs, cache = _tuple(_fn(ns, "rnn_forward")(inp["x"], inp["h0"], *_params(inp)), 2, "rnn_forward")
    return _grads(_fn(ns, "rnn_backward")(inp["dhs"], cache), ("x", "h0") + PARAMS, "rnn_backward")


def rnn_backward_truncated(ns, inp):
    hs, cache = _tuple(_fn(ns, "rnn_forward")(inp["x"], inp["h0"], *_params(inp)), 2, "rnn_forward")
    grads = _fn(ns, "rnn_backward_truncated")(inp["dhs"], cache, int(inp["k"]))
    return _grads(grads, ("x", "h0") + PARAMS, "rnn_backward_truncated")


# ---- 02-lstm-backward -----------------------------------------------------------------------------
def lstm_cell_forward(ns, inp):
    out = _tuple(_fn(ns, "lstm_cell_forward")(inp["x"], inp["h"], inp["c"], *_params(inp)), 3, "lstm_cell_forward")
    return {"h_next": out[0], "c_next": out[1]}


def lstm_output_backward(ns, inp):
    out = _tuple(_fn(ns, "lstm_output_backward")(inp["dh_next"], inp["dc_next"], inp["o"], inp["tanh_c"]), 2,
                 "lstm_output_backward")
    return {"do": out[0], "dc": out[1]}


def lstm_cell_state_backward(ns, inp):
    out = _tuple(_fn(ns, "lstm_cell_state_backward")(inp["dc"], inp["i"], inp["f"], inp["g"], inp["c_prev"]), 4,
                 "lstm_cell_state_backward")
    return dict(zip(("di", "df", "dg", "dc_prev"), out))


def lstm_gates_backward(ns, inp):
    da = _fn(ns, "lstm_gates_backward")(inp["di"], inp["df"], inp["dg"], inp["do"], inp["i"], inp["f"], inp["g"], inp["o"])
    return {"da": da}


def lstm_cell_backward(ns, inp):
    h, c, cache = _tuple(_fn(ns, "lstm_cell_forward")(inp["x"], inp["h"], inp["c"], *_params(inp)), 3, "lstm_cell_forward")
    grads = _fn(ns, "lstm_cell_backward")(inp["dh_next"], inp["dc_next"], cache)
    return _grads(grads, ("x", "h", "c") + PARAMS, "lstm_cell_backward")


def lstm_backward(ns, inp):
    hs, c_last, cache = _tuple(_fn(ns, "lstm_forward")(inp["x"], inp["h0"], inp["c0"], *_params(inp)), 3, "lstm_forward")
    grads = _fn(ns, "lstm_backward")(inp["dhs"], cache, inp["dc_last"])
    out = _grads(grads, ("x", "h0", "c0") + PARAMS, "lstm_backward")
    out.update(hs=hs, c_last=c_last)
    return out


# ---- 03-gru --------------------------------------------------------------------------------------
def gru_cell_forward(ns, inp):
    out = _tuple(_fn(ns, "gru_cell_forward")(inp["x"], inp["h"], *_params(inp)), 2, "gru_cell_forward")
    return {"h_next": out[0]}


def gru_cell_backward(ns, inp):
    h_next, cache = _tuple(_fn(ns, "gru_cell_forward")(inp["x"], inp["h"], *_params(inp)), 2, "gru_cell_forward")
    return _grads(_fn(ns, "gru_cell_backward")(inp["dh_next"], cache), ("x", "h") + PARAMS, "gru_cell_backward")


def gru_forward(ns, inp):
    out = _tuple(_fn(ns, "gru_forward")(inp["x"], inp["h0"], *_params(inp)), 2, "gru_forward")
    return {"hs": out[0]}


def gru_backward(ns, inp):
    hs, cache = _tuple(_fn(ns, "gru_forward")(inp["x"], inp["h0"], *_params(inp)), 2, "gru_forward")
    return _grads(_fn(ns, "gru_backward")(inp["dhs"], cache), ("x", "h0") + PARAMS, "gru_backward")


def run(name: str, ns: dict, inputs: dict) -> dict:
    """Run driver ``name``; return {key: float64 ndarray}. Raises DriverError for unusable returns."""
    driver = globals().get(name)
    if driver is None or name.startswith("_") or name in ("run", "DriverError"):
        raise DriverError(f"unknown driver {name!r}")
    outputs = driver(ns, {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs.items()})
    clean = {}
    for key, value in outputs.items():
        try:
            arr = np.array(value, dtype=np.float64)     # a plain float64 ndarray, whatever the student returned
        except Exception as exc:
            raise DriverError(f"output {key!r} is not an array of numbers ({type(value).__name__}: {exc})") from None
        clean[key] = arr
    return clean
