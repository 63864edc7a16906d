"""CHILD side: call the student's functions with the grader's arrays and return plain arrays.

Each driver takes the student's namespace and the inputs (a dict of float64 arrays / ints) and returns
a dict of arrays. Caches are opaque: the driver calls the student's forward, then the student's backward
with that cache, inside the child. Nothing here imports reference code, and nothing here decides a verdict.
A missing key or a wrong return type raises ``DriverError`` with a message for the student.

Where a part builds on an earlier one, its test feeds the earlier part's reference values: a cache given
as arrays (the exercise fixes the cache's layout), and sealed answers of the earlier function for the calls
a right later function makes (``replay``), so that a bug in the earlier part costs only that part.
"""
from __future__ import annotations

import numpy as np

from . import replay


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


def _dict_of(value, keys, what, prefix):
    """value[k] for every k of ``keys``, renamed prefix + k; a DriverError naming what is missing."""
    if not isinstance(value, dict):
        raise DriverError(f"{what} must be a dict with keys {list(keys)}; got {type(value).__name__}")
    missing = [k for k in keys if k not in value]
    if missing:
        raise DriverError(f"{what} is a dict without the keys {missing} (it has {sorted(map(str, value))})")
    return {f"{prefix}{k}": value[k] for k in keys}


def _grads(value, keys, what):
    """The gradients dict a graded backward returned, keyed d<name>."""
    return _dict_of(value, keys, f"the value {what} returned (a dict of gradients)", "d")


PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _params(inp):
    return [inp[k] for k in PARAMS]


def _call(ns, name, args, n_outputs):
    """Call the student's ``name`` with ``args``; it must return a tuple of ``n_outputs`` items."""
    return _tuple(_fn(ns, name)(*args), n_outputs, name)


def _cache_items(cache, names, what):
    """The items of a cache whose layout the exercise fixes, as outputs cache_<item> (checked in the grader)."""
    if not isinstance(cache, tuple) or len(cache) != len(names):
        got = f"a tuple of length {len(cache)}" if isinstance(cache, tuple) else type(cache).__name__
        raise DriverError(f"{what}'s cache must be the tuple ({', '.join(names)}) the exercise gives (the later "
                          f"parts are graded with caches in that layout); got {got}")
    return {f"cache_{k}": v for k, v in zip(names, cache)}


def _fixed_cache(inp, names, t=None):
    """A cache in the exercise's layout built from the grader's arrays: the step's x, h and weights, and the
    other items fed as cache_<item> (for step t of a sequence: x[t], cache_h[t], cache_<item>[t])."""
    def item(k):
        if k.startswith(("weight", "bias")):
            return inp[k]
        if t is None:
            return inp[k] if k in inp else inp[f"cache_{k}"]        # the step's own inputs, else fed
        return inp["x"][t] if k == "x" else inp[f"cache_{k}"][t]
    return tuple(item(k) for k in names)


def _single_state_drivers(kind: str, cache_names=None):
    """Drivers for a cell whose state is h alone (the RNN, the GRU): <kind>_cell_forward(x, h, *params)
    -> (h_next, cache), <kind>_cell_backward(dh_next, cache), <kind>_forward(x, h0, *params) -> (hs, cache),
    <kind>_backward(dhs, cache). With ``cache_names`` (the exercise fixes the cache's layout) the backward
    drivers build the caches from the grader's arrays (each part on its own); without, they run the
    student's forward to get the student's cache."""
    def cell_forward(ns, inp):
        h_next, cache = _call(ns, f"{kind}_cell_forward", (inp["x"], inp["h"], *_params(inp)), 2)
        return {"h_next": h_next, **(_cache_items(cache, cache_names, f"{kind}_cell_forward") if cache_names else {})}

    def cell_backward(ns, inp):
        if cache_names:
            cache = _fixed_cache(inp, cache_names)
        else:
            _, cache = _call(ns, f"{kind}_cell_forward", (inp["x"], inp["h"], *_params(inp)), 2)
        grads = _fn(ns, f"{kind}_cell_backward")(inp["dh_next"], cache)
        return _grads(grads, ("x", "h") + PARAMS, f"{kind}_cell_backward")

    def forward(ns, inp):
        return {"hs": _call(ns, f"{kind}_forward", (inp["x"], inp["h0"], *_params(inp)), 2)[0]}

    def backward(ns, inp):
        cache = sequence_cache(ns, inp)
        return _grads(_fn(ns, f"{kind}_backward")(inp["dhs"], cache), ("x", "h0") + PARAMS, f"{kind}_backward")

    def sequence_cache(ns, inp):
        if cache_names:
            return [_fixed_cache(inp, cache_names, t) for t in range(inp["x"].shape[0])]
        return _call(ns, f"{kind}_forward", (inp["x"], inp["h0"], *_params(inp)), 2)[1]

    return cell_forward, cell_backward, forward, backward, sequence_cache


# ---- rnn-bptt ----------------------------------------------------------------------------------
RNN_CACHE = ("x", "h", "weight_ih", "weight_hh", "h_next")      # fixed by the exercise (Part 1)
rnn_cell_forward, rnn_cell_backward, rnn_forward, rnn_backward, _rnn_cache = _single_state_drivers("rnn", RNN_CACHE)


def rnn_backward_truncated(ns, inp):
    cache = _rnn_cache(ns, inp)
    grads = _fn(ns, "rnn_backward_truncated")(inp["dhs"], cache, int(inp["k"]))
    return _grads(grads, ("x", "h0") + PARAMS, "rnn_backward_truncated")


# ---- lstm-backward -----------------------------------------------------------------------------
# The exercise fixes the cache of one step (Part 1), so that Parts 5 and 6 can be fed the reference's:
LSTM_CACHE = ("x", "h", "c", "weight_ih", "weight_hh", "i", "f", "g", "o", "tanh_c")


def lstm_cell_forward(ns, inp):
    h_next, c_next, cache = _call(ns, "lstm_cell_forward", (inp["x"], inp["h"], inp["c"], *_params(inp)), 3)
    return {"h_next": h_next, "c_next": c_next, **_cache_items(cache, LSTM_CACHE, "lstm_cell_forward")}


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
    grads = _fn(ns, "lstm_cell_backward")(inp["dh_next"], inp["dc_next"], _fixed_cache(inp, LSTM_CACHE))
    return _grads(grads, ("x", "h", "c") + PARAMS, "lstm_cell_backward")


def lstm_forward(ns, inp):
    hs, c_last, _ = _call(ns, "lstm_forward", (inp["x"], inp["h0"], inp["c0"], *_params(inp)), 3)
    return {"hs": hs, "c_last": c_last}


def lstm_backward(ns, inp):
    cache = [_fixed_cache(inp, LSTM_CACHE, t) for t in range(inp["x"].shape[0])]
    grads = _fn(ns, "lstm_backward")(inp["dhs"], cache, inp["dc_last"])
    return _grads(grads, ("x", "h0", "c0") + PARAMS, "lstm_backward")


# ---- gru --------------------------------------------------------------------------------------
GRU_CACHE = ("x", "h", "weight_ih", "weight_hh", "r", "z", "n", "gh_n")      # fixed by the exercise (Part 1)
gru_cell_forward, gru_cell_backward, gru_forward, gru_backward, _ = _single_state_drivers("gru", GRU_CACHE)


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


LEAKY_CACHE = ("x", "h", "weight_ih", "weight_hh", "f", "alpha")      # fixed by the exercise (Part 4)


def leaky_cell_forward(ns, inp):
    h_next, cache = _call(ns, "leaky_cell_forward", (inp["x"], inp["h"], *_params(inp), float(inp["alpha"])), 2)
    return {"h_next": h_next, **_cache_items(cache, LEAKY_CACHE, "leaky_cell_forward")}


def leaky_cell_backward(ns, inp):
    cache = _fixed_cache({**inp, "alpha": float(inp["alpha"])}, LEAKY_CACHE)       # the student's forward is not run
    return _grads(_fn(ns, "leaky_cell_backward")(inp["dh_next"], cache), ("x", "h") + PARAMS, "leaky_cell_backward")


# ---- char-lm ----------------------------------------------------------------------------------
LM_PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hy", "bias_y")
N_SAMPLES = 100_000


def softmax_cross_entropy(ns, inp):
    loss, dlogits = _call(ns, "softmax_cross_entropy", (inp["logits"], inp["targets"].astype(np.int64)), 2)
    return {"loss": loss, "dlogits": dlogits}


def softmax_with_temperature(ns, inp):
    return {"probs": _fn(ns, "softmax_with_temperature")(inp["logits"], float(inp["temperature"]))}


def sample_with_temperature(ns, inp):
    """N draws from the rows of N copies of the logits, twice with a generator seeded by the grader's input
    and once with another seed. The verdict (indices, the seed's role, frequencies) is computed in the
    grader from these raw draws (assignments/char_lm.check_sampling)."""
    z, seed, tau = inp["logits"], int(inp["sample_seed"]), float(inp["temperature"])
    f = _fn(ns, "sample_with_temperature")

    def draws(s):
        return np.asarray(f(np.tile(z, (N_SAMPLES, 1)), tau, np.random.default_rng(s)), dtype=np.float64)
    return {"draws": draws(seed), "draws_again": draws(seed), "draws_other_seed": draws(seed + 1)}


def _lm_outputs(name, out, first):
    loss_or_losses, params, h_last = _tuple(out, 3, name)
    if not isinstance(params, dict):
        raise DriverError(f"{name} must return ({first}, dict of updated parameters, h_last); "
                          f"got {type(params).__name__} second")
    missing = [k for k in LM_PARAMS if k not in params]
    if missing:
        raise DriverError(f"{name} returned parameters without the keys {missing}")
    return {**{f"new_{k}": params[k] for k in LM_PARAMS}, "h_last": h_last}


def train_step(ns, inp):
    params = {k: inp[k] for k in LM_PARAMS}
    out = _fn(ns, "train_step")(params, inp["ids"].astype(np.int64), inp["h"], float(inp["lr"]))
    return {"loss": _tuple(out, 3, "train_step")[0], **_lm_outputs("train_step", out, "loss")}


def train_stream(ns, inp):
    params = {k: inp[k] for k in LM_PARAMS}
    out = _fn(ns, "train_stream")(params, inp["streams"].astype(np.int64), int(inp["T"]), float(inp["lr"]))
    return {"losses": _tuple(out, 3, "train_stream")[0], **_lm_outputs("train_stream", out, "losses")}


# ---- deep-bidirectional-recursive ---------------------------------------------------------------
BIRNN_PARAMS = tuple(name + sfx for sfx in ("", "_reverse") for name in PARAMS)


# The exercise fixes the caches (Parts 1 and 3), so that Parts 2 and 4 are given the reference's: birnn's
# is [the forward direction's rnn_forward cache, the reverse one's] (each (x, h0, hs, weight_ih, weight_hh),
# the reverse one over x[::-1]); the tree's is (h, children, n, weight).
RNN_GIVEN_CACHE = ("x", "h0", "hs", "weight_ih", "weight_hh")
TREE_CACHE = ("h", "children", "n", "weight")


def birnn_forward(ns, inp):
    params = {k: inp[k] for k in BIRNN_PARAMS}
    out, cache = _call(ns, "birnn_forward", (inp["x"], inp["h0"], params), 2)
    if not isinstance(cache, (list, tuple)) or len(cache) != 2:
        raise DriverError("birnn_forward's cache must be the list of the two directions' rnn_forward caches "
                          f"(forward first) the exercise gives; got {type(cache).__name__}")
    items = {}
    for d, direction in enumerate(cache):     # cache_<item> of each direction, renamed cache<d>_<item>
        checked = _cache_items(direction, RNN_GIVEN_CACHE, f"birnn_forward (direction {d})")
        items.update({f"cache{d}_{k[len('cache_'):]}": v for k, v in checked.items()})
    return {"out": out, **items}


def birnn_backward(ns, inp):
    cache = [(inp["x"][::-1] if d else inp["x"], inp["h0"][d], inp["cache_hs"][d], inp["weight_ih" + sfx],
              inp["weight_hh" + sfx]) for d, sfx in enumerate(("", "_reverse"))]      # the student's forward is not run
    return _grads(_fn(ns, "birnn_backward")(inp["dout"], cache), ("x", "h0") + BIRNN_PARAMS, "birnn_backward")


def _tree_args(inp):
    return inp["x"], np.asarray(inp["children"]).astype(np.int64), inp["weight"], inp["bias"]


def tree_forward(ns, inp):
    h, cache = _call(ns, "tree_forward", _tree_args(inp), 2)
    return {"h": h, **_cache_items(cache, TREE_CACHE, "tree_forward")}


def tree_backward(ns, inp):
    x, children, weight, _ = _tree_args(inp)
    cache = (inp["cache_h"], children, x.shape[0], weight)              # the student's forward is not run
    return _grads(_fn(ns, "tree_backward")(inp["dh_root"], cache), ("x", "weight", "bias"), "tree_backward")
# ---- seq2seq ----------------------------------------------------------------------------------
def decoder_step(inp):
    """The notebook's tiny decoder as a step function (the grader's own copy, built from the inputs):
    h' = tanh(E[token] + h W_hh^T),  log p = log_softmax(h' W_out^T + b_out);  tokens (K,), h (K, H)."""
    embed, weight_hh, weight_out, bias_out = inp["embed"], inp["weight_hh"], inp["weight_out"], inp["bias_out"]

    def step(tokens, h):
        h = np.tanh(embed[np.asarray(tokens)] + h @ weight_hh.T)
        z = h @ weight_out.T + bias_out
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True)), h
    return step


def _hypothesis(value, what):
    value = _tuple(value, 2, what)
    tokens = np.asarray(value[0])
    if tokens.ndim != 1:
        raise DriverError(f"{what} must return (tokens, log_prob) with tokens a flat list of ints; got shape {tokens.shape}")
    return {"tokens": tokens, "log_prob": value[1]}


def _search_args(inp):
    return (decoder_step(inp), inp["h0"].copy(), int(inp["start_token"]), int(inp["end_token"]), int(inp["max_len"]))


def sequence_log_prob(ns, inp):
    step, h0, start = decoder_step(inp), inp["h0"].copy(), int(inp["start_token"])
    tokens = [int(t) for t in inp["tokens"]]
    return {"log_prob": _fn(ns, "sequence_log_prob")(step, h0, start, tokens)}


def greedy_decode(ns, inp):
    return _hypothesis(_fn(ns, "greedy_decode")(*_search_args(inp)), "greedy_decode")


def beam_expand(ns, inp):
    out = _call(ns, "beam_expand", (inp["log_probs"], inp["scores"], int(inp["beam_width"])), 3)
    return {"parents": out[0], "tokens": out[1], "totals": out[2]}


def beam_search(ns, inp):
    found = _fn(ns, "beam_search")(*_search_args(inp), int(inp["beam_width"]))
    if not isinstance(found, list) or not found:
        raise DriverError(f"beam_search must return a non-empty list of (tokens, log_prob), best first; got {type(found).__name__}")
    return _hypothesis(found[0], "beam_search (its first hypothesis)")
# ---- narx -------------------------------------------------------------------------------------
NARX_PARAMS = ("weight_h1", "bias_h1", "weight_h2", "bias_h2", "weight_out", "bias_out")


def _narx_params(inp):
    return {k: inp[f"param_{k}"] for k in NARX_PARAMS}


def _narx_series(inp):
    return inp["y"], inp["u"], _narx_params(inp), int(inp["q_y"]), int(inp["q_u"])


def narx_lagged_regressors(ns, inp):
    r, target = _call(ns, "lagged_regressors", (inp["y"], inp["u"], int(inp["q_y"]), int(inp["q_u"])), 2)
    return {"r": r, "target": target}


def narx_forward(ns, inp):
    return {"y_hat": _call(ns, "narx_forward", (inp["r"], _narx_params(inp)), 2)[0]}


def narx_backward(ns, inp):
    _, cache = _call(ns, "narx_forward", (inp["r"], _narx_params(inp)), 2)
    return _grads(_fn(ns, "narx_backward")(inp["dy"], cache), ("r",) + NARX_PARAMS, "narx_backward")


def narx_series_parallel_step(ns, inp):
    y, u, params, q_y, q_u = _narx_series(inp)
    loss, grads, new = _call(ns, "series_parallel_step", (y, u, params, q_y, q_u, float(inp["lr"])), 3)
    return {"loss": loss, **_dict_of(grads, NARX_PARAMS, "the gradients (second item)", "d"),
            **_dict_of(new, NARX_PARAMS, "new_params (third item)", "new_")}


def narx_free_run(ns, inp):
    y, u, params, q_y, q_u = _narx_series(inp)
    return {"y_hat": _fn(ns, "free_run")(y[:max(q_y, q_u)], u, params, q_y, q_u)}


def narx_rmse(ns, inp):
    one, free = _call(ns, "one_step_and_free_run_rmse", _narx_series(inp), 2)
    return {"rmse_one_step": one, "rmse_free_run": free}


# ---- word2vec ---------------------------------------------------------------------------------
def _int(a):
    return np.asarray(a).astype(np.int64)


def w2v_keep_probability(ns, inp):
    return {"keep": _fn(ns, "keep_probability")(_int(inp["counts"]), float(inp["t"]))}


def w2v_sgns_loss(ns, inp):
    out = _call(ns, "sgns_loss", (inp["W_in"], inp["W_out"], _int(inp["inputs"]), _int(inp["outputs"]),
                                  _int(inp["negatives"])), 3)
    return dict(zip(("loss", "dv", "du"), out))


def w2v_noise_table(ns, inp):
    return {"table": _fn(ns, "noise_table")(_int(inp["counts"]), int(inp["size"]))}


def w2v_draw_negatives(ns, inp):
    draw, table, B, K = _fn(ns, "draw_negatives"), _int(inp["table"]), int(inp["B"]), int(inp["K"])
    return {"negatives": draw(table, B, K, int(inp["seed"])),
            "negatives_other_seed": draw(table, B, K, int(inp["other_seed"]))}


def w2v_sparse_update(ns, inp):
    return {"W": _fn(ns, "sparse_update")(inp["W"], _int(inp["rows"]), inp["values"], float(inp["lr"]))}
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
    plain, sealed = replay.split(inputs)
    with replay.installed(ns, sealed):      # an earlier part's reference answers, for this call only
        outputs = driver(ns, {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in plain.items()})
    clean = {}
    for key, value in outputs.items():
        try:
            arr = np.array(value, dtype=np.float64)     # a plain float64 ndarray, whatever the student returned
        except Exception as exc:
            raise DriverError(f"output {key!r} is not an array of numbers ({type(value).__name__}: {exc})") from None
        clean[key] = arr
    return clean
