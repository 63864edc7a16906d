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


def _call(ns, name, args, n_outputs):
    """Call the student's ``name`` with ``args``; it must return a tuple of ``n_outputs`` items."""
    return _tuple(_fn(ns, name)(*args), n_outputs, name)


def _single_state_drivers(kind: str):
    """Drivers for a cell whose state is h alone (the RNN, the GRU): <kind>_cell_forward(x, h, *params)
    -> (h_next, cache), <kind>_cell_backward(dh_next, cache), <kind>_forward(x, h0, *params) -> (hs, cache),
    <kind>_backward(dhs, cache). Backward drivers run the student's forward to get the student's cache."""
    def cell_forward(ns, inp):
        return {"h_next": _call(ns, f"{kind}_cell_forward", (inp["x"], inp["h"], *_params(inp)), 2)[0]}

    def cell_backward(ns, inp):
        _, cache = _call(ns, f"{kind}_cell_forward", (inp["x"], inp["h"], *_params(inp)), 2)
        grads = _fn(ns, f"{kind}_cell_backward")(inp["dh_next"], cache)
        return _grads(grads, ("x", "h") + PARAMS, f"{kind}_cell_backward")

    def forward(ns, inp):
        return {"hs": _call(ns, f"{kind}_forward", (inp["x"], inp["h0"], *_params(inp)), 2)[0]}

    def backward(ns, inp):
        _, cache = _call(ns, f"{kind}_forward", (inp["x"], inp["h0"], *_params(inp)), 2)
        return _grads(_fn(ns, f"{kind}_backward")(inp["dhs"], cache), ("x", "h0") + PARAMS, f"{kind}_backward")

    return cell_forward, cell_backward, forward, backward


# ---- rnn-bptt ----------------------------------------------------------------------------------
rnn_cell_forward, rnn_cell_backward, rnn_forward, rnn_backward = _single_state_drivers("rnn")


def rnn_backward_truncated(ns, inp):
    _, cache = _call(ns, "rnn_forward", (inp["x"], inp["h0"], *_params(inp)), 2)
    grads = _fn(ns, "rnn_backward_truncated")(inp["dhs"], cache, int(inp["k"]))
    return _grads(grads, ("x", "h0") + PARAMS, "rnn_backward_truncated")


# ---- lstm-backward -----------------------------------------------------------------------------
def lstm_cell_forward(ns, inp):
    out = _call(ns, "lstm_cell_forward", (inp["x"], inp["h"], inp["c"], *_params(inp)), 3)
    return {"h_next": out[0], "c_next": out[1]}


def lstm_output_backward(ns, inp):
    out = _call(ns, "lstm_output_backward", (inp["dh_next"], inp["dc_next"], inp["o"], inp["tanh_c"]), 2)
    return {"do": out[0], "dc": out[1]}


def lstm_cell_state_backward(ns, inp):
    out = _call(ns, "lstm_cell_state_backward", (inp["dc"], inp["i"], inp["f"], inp["g"], inp["c_prev"]), 4)
    return dict(zip(("di", "df", "dg", "dc_prev"), out))


def lstm_gates_backward(ns, inp):
    da = _fn(ns, "lstm_gates_backward")(inp["di"], inp["df"], inp["dg"], inp["do"], inp["i"], inp["f"], inp["g"], inp["o"])
    return {"da": da}


def lstm_cell_backward(ns, inp):
    _, _, cache = _call(ns, "lstm_cell_forward", (inp["x"], inp["h"], inp["c"], *_params(inp)), 3)
    grads = _fn(ns, "lstm_cell_backward")(inp["dh_next"], inp["dc_next"], cache)
    return _grads(grads, ("x", "h", "c") + PARAMS, "lstm_cell_backward")


def lstm_backward(ns, inp):
    hs, c_last, cache = _call(ns, "lstm_forward", (inp["x"], inp["h0"], inp["c0"], *_params(inp)), 3)
    grads = _fn(ns, "lstm_backward")(inp["dhs"], cache, inp["dc_last"])
    out = _grads(grads, ("x", "h0", "c0") + PARAMS, "lstm_backward")
    out.update(hs=hs, c_last=c_last)
    return out


# ---- gru --------------------------------------------------------------------------------------
gru_cell_forward, gru_cell_backward, gru_forward, gru_backward = _single_state_drivers("gru")


# ---- training ---------------------------------------------------------------------------------
def clip_grad_norm(ns, inp):
    grads = {k[5:]: inp[k] for k in inp if k.startswith("grad_")}
    clipped, norm = _call(ns, "clip_grad_norm", (grads, float(inp["max_norm"])), 2)
    if not isinstance(clipped, dict):
        raise DriverError(f"clip_grad_norm must return (dict of clipped gradients, norm); got {type(clipped).__name__} first")
    missing = [k for k in grads if k not in clipped]
    if missing:
        raise DriverError(f"clip_grad_norm returned a dict without the keys {missing}")
    return {**{k: clipped[k] for k in grads}, "norm": norm}


def np_rnn_weight(ns, inp):
    return {"W": _fn(ns, "np_rnn_weight")(inp["R"])}


def normalise_spectral_radius(ns, inp):
    return {"W": _fn(ns, "normalise_spectral_radius")(inp["R"])}


def leaky_cell_forward(ns, inp):
    return {"h_next": _call(ns, "leaky_cell_forward", (inp["x"], inp["h"], *_params(inp), float(inp["alpha"])), 2)[0]}


def leaky_cell_backward(ns, inp):
    _, cache = _call(ns, "leaky_cell_forward", (inp["x"], inp["h"], *_params(inp), float(inp["alpha"])), 2)
    return _grads(_fn(ns, "leaky_cell_backward")(inp["dh_next"], cache), ("x", "h") + PARAMS, "leaky_cell_backward")


# ---- captioning ---------------------------------------------------------------------------------
DECODER = ("embed", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "out_weight", "out_bias")


def caption_lstm_step(ns, inp):
    h, c = _call(ns, "lstm_step", (inp["x"], inp["h"], inp["c"], *_params(inp)), 2)
    return {"h_next": h, "c_next": c}


def caption_decoder_forward(ns, inp):
    args = (inp["features"], inp["captions"].astype(np.int64), *[inp[k] for k in DECODER])
    return {"logits": _fn(ns, "decoder_forward")(*args)}


def caption_loss(ns, inp):
    loss, dlogits = _call(ns, "caption_loss", (inp["logits"], inp["targets"].astype(np.int64)), 2)
    return {"loss": loss, "dlogits": dlogits}


def greedy_caption(ns, inp):
    return {"tokens": _fn(ns, "greedy_caption")(inp["features"], *[inp[k] for k in DECODER], int(inp["max_len"]))}


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
