"""Hand-written cell and sequence backward passes against central finite differences in float64."""
import numpy as np
import pytest

from rnncourse import scratch
from rnncourse.scratch import numerical_gradient_array, rel_error

B, I, H, T = 3, 4, 5, 4


def _params(G, rng, bias=True):
    p = {"weight_ih": rng.standard_normal((G * H, I)) * 0.5, "weight_hh": rng.standard_normal((G * H, H)) * 0.5}
    if bias:
        p["bias_ih"], p["bias_hh"] = rng.standard_normal(G * H) * 0.5, rng.standard_normal(G * H) * 0.5
    return p


CELLS = {
    # name: (gates, state names, forward(inputs) -> tuple of outputs, backward(douts, cache) -> grads)
    "rnn_tanh": (1, ["h"], lambda a: scratch.rnn_cell_forward(**a), lambda d, c: scratch.rnn_cell_backward(d[0], c)),
    "rnn_relu": (1, ["h"], lambda a: scratch.rnn_cell_forward(**a, nonlinearity="relu"),
                 lambda d, c: scratch.rnn_cell_backward(d[0], c)),
    "lstm": (4, ["h", "c"], lambda a: scratch.lstm_cell_forward(**a), lambda d, c: scratch.lstm_cell_backward(d[0], d[1], c)),
    "gru": (3, ["h"], lambda a: scratch.gru_cell_forward(**a), lambda d, c: scratch.gru_cell_backward(d[0], c)),
}


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("name", list(CELLS))
def test_cell_backward_matches_finite_differences(name, bias):
    G, states, forward, backward = CELLS[name]
    rng = np.random.default_rng(0)
    args = {"x": rng.standard_normal((B, I)), **{s: rng.standard_normal((B, H)) for s in states}, **_params(G, rng, bias)}
    *outs, cache = forward(args)
    douts = [rng.standard_normal(o.shape) for o in outs]
    grads = backward(douts, cache)
    assert set(grads) == set(args)
    for key, value in args.items():
        num = numerical_gradient_array(lambda: np.concatenate([o.ravel() for o in forward(args)[:-1]]), value,
                                       np.concatenate([d.ravel() for d in douts]))
        assert grads[key].shape == value.shape, key
        assert rel_error(grads[key], num) < 1e-8, (name, key, rel_error(grads[key], num))


SEQUENCES = {
    "rnn": (1, ["h0"], lambda a: scratch.rnn_forward(**a), lambda d, c: scratch.rnn_backward(d[0], c)),
    "lstm": (4, ["h0", "c0"], lambda a: scratch.lstm_forward(**a), lambda d, c: scratch.lstm_backward(d[0], c, dc_last=d[1])),
    "gru": (3, ["h0"], lambda a: scratch.gru_forward(**a), lambda d, c: scratch.gru_backward(d[0], c)),
}


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_sequence_backward_matches_finite_differences(name):
    G, states, forward, backward = SEQUENCES[name]
    rng = np.random.default_rng(1)
    args = {"x": rng.standard_normal((T, B, I)), **{s: rng.standard_normal((B, H)) for s in states}, **_params(G, rng)}
    *outs, cache = forward(args)
    douts = [rng.standard_normal(o.shape) for o in outs]
    grads = backward(douts, cache)
    flat = lambda: np.concatenate([o.ravel() for o in forward(args)[:-1]])  # noqa: E731
    dflat = np.concatenate([d.ravel() for d in douts])
    for key, value in args.items():
        assert rel_error(grads[key], numerical_gradient_array(flat, value, dflat)) < 1e-8, (name, key)


def test_linear_backward_matches_finite_differences():
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((T, B, I)), rng.standard_normal((H, I)), rng.standard_normal(H)
    y, cache = scratch.linear_forward(x, w, b)
    dy = rng.standard_normal(y.shape)
    grads = scratch.linear_backward(dy, cache)
    for key, value in {"x": x, "weight": w, "bias": b}.items():
        num = numerical_gradient_array(lambda: scratch.linear_forward(x, w, b)[0], value, dy)
        assert rel_error(grads[key], num) < 1e-8, key


def test_numerical_gradient_on_closed_form():
    # f(x) = sum(sin(x)) has gradient cos(x): checks the checker itself against calculus.
    x = np.linspace(-2, 2, 7)
    num = scratch.numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert rel_error(num, np.cos(x)) < 1e-9
