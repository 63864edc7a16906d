"""Bad input raises ValueError naming what was expected and what arrived (never a NumPy traceback).

The scratch modules and their torch twins share one surface (rnncourse._surface): fed the same bad input
they raise the same message, and they reject what torch.nn rejects.
"""
import re

import numpy as np
import pytest
import torch

import rnncourse.torch as twin
from rnncourse import scratch

rng = np.random.default_rng(0)


def test_module_input_shape():
    m = scratch.LSTM(8, 16)
    with pytest.raises(ValueError, match=r"input must have shape \(T, B, I=8\).*got \(5, 3, 7\)"):
        m.forward(np.zeros((5, 3, 7)))
    with pytest.raises(ValueError, match=r"\(B, T, I=8\)"):
        scratch.GRU(8, 4, batch_first=True).forward(np.zeros((2, 3)))


def test_module_input_dtype():
    m = scratch.RNN(2, 3)
    with pytest.raises(ValueError, match="input has dtype float32 but the module's dtype float64 was expected"):
        m.forward(np.zeros((4, 1, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="floats of the module's dtype float64; got dtype int64"):
        m.forward(np.zeros((4, 1, 2), dtype=np.int64))


def test_module_state_shape():
    m = scratch.LSTM(2, 3, num_layers=2, bidirectional=True)
    x = np.zeros((4, 5, 2))
    with pytest.raises(ValueError, match=r"h_0 must have shape \(L\*D=4, B=5, H=3\); got \(2, 5, 3\)"):
        m.forward(x, (np.zeros((2, 5, 3)), np.zeros((4, 5, 3))))
    with pytest.raises(ValueError, match=r"pair \(h, c\)"):
        m.forward(x, np.zeros((4, 5, 3)))
    with pytest.raises(ValueError, match=r"c_0 must have shape"):
        m.forward(x, (np.zeros((4, 5, 3)), np.zeros((4, 5, 4))))


def test_backward_checks():
    m = scratch.GRU(2, 3)
    with pytest.raises(RuntimeError, match="before forward"):
        m.backward(np.zeros((4, 1, 3)))
    m.forward(np.zeros((4, 1, 2)))
    with pytest.raises(ValueError, match=r"d_output must have shape \(T, B, D\*H=3\).*got \(4, 1, 2\)"):
        m.backward(np.zeros((4, 1, 2)))
    with pytest.raises(ValueError, match="shape of the last forward"):
        m.backward(np.zeros((5, 1, 3)))


def test_constructor_arguments():
    with pytest.raises(ValueError, match="hidden_size must be a positive integer; got 0"):
        scratch.LSTM(3, 0)
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu'; got 'sigmoid'"):
        scratch.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout"):
        scratch.GRU(3, 4, dropout=0.5)


def test_load_state_dict_checks_keys_and_shapes():
    m = scratch.GRU(3, 4)
    sd = m.state_dict()
    with pytest.raises(ValueError, match=r"missing \['bias_hh_l0'\]"):
        m.load_state_dict({k: v for k, v in sd.items() if k != "bias_hh_l0"})
    sd["weight_hh_l0"] = np.zeros((12, 5))
    with pytest.raises(ValueError, match=r"weight_hh_l0.*\(12, 4\); got \(12, 5\)"):
        m.load_state_dict(sd)


def test_cell_functions_name_the_bad_argument():
    x, h, c = rng.standard_normal((3, 4)), rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    w_ih, w_hh = rng.standard_normal((20, 4)), rng.standard_normal((20, 5))
    with pytest.raises(ValueError, match=r"c must have shape \(B=3, H=5\); got \(3, 6\)"):
        scratch.lstm_cell_forward(x, h, np.zeros((3, 6)), w_ih, w_hh)
    with pytest.raises(ValueError, match=r"weight_ih must have shape \(20, 4\); got \(20, 3\)"):
        scratch.lstm_cell_forward(x, h, c, w_ih[:, :3], w_hh)
    with pytest.raises(ValueError, match=r"weight_hh must have shape \(4H, H\) for a LSTM cell; got \(15, 5\)"):
        scratch.lstm_cell_forward(x, h, c, w_ih, w_hh[:15])
    with pytest.raises(ValueError, match=r"x must have shape \(B, I\); got \(2, 3, 4\)"):
        scratch.rnn_cell_forward(np.zeros((2, 3, 4)), h, w_ih[:5], w_hh[:5])
    with pytest.raises(ValueError, match="both be arrays or both be None"):
        scratch.gru_cell_forward(x, h, w_ih[:15], w_hh[:15], bias_ih=np.zeros(15))


def test_sequence_functions():
    with pytest.raises(ValueError, match=r"x must have shape \(T, B, I\); got \(3, 4\)"):
        scratch.rnn_forward(np.zeros((3, 4)), np.zeros((1, 2)), np.zeros((2, 4)), np.zeros((2, 2)))
    hs, cache = scratch.rnn_forward(np.zeros((3, 1, 4)), np.zeros((1, 2)), np.zeros((2, 4)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"dhs must have shape \(T=3, B=1, H=2\); got \(3, 2\)"):
        scratch.rnn_backward(np.zeros((3, 2)), cache)


def test_losses():
    with pytest.raises(ValueError, match=r"same shape; got \(3,\) and \(4,\)"):
        scratch.mse_loss(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"targets must lie in \[0, C=3\)"):
        scratch.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"targets must be integers of shape \(N=2,\)"):
        scratch.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))


# (module, constructor kwargs, input, hx, the message, written out by hand). Sizes: I=2, H=3, T=5, B=4.
Z = np.zeros
SAME_BAD_INPUT = [
    ("GRU", {}, Z((5, 4, 7)), None,
     "GRU.forward: input must have shape (T, B, I=2) or unbatched (T, I=2); got (5, 4, 7)"),
    ("RNN", {}, Z((5,)), None,
     "RNN.forward: input must have shape (T, B, I=2) or unbatched (T, I=2); got (5,)"),
    ("LSTM", {}, Z((5, 4, 1, 2)), None,
     "LSTM.forward: input must have shape (T, B, I=2) or unbatched (T, I=2); got (5, 4, 1, 2)"),
    ("GRU", {"batch_first": True}, Z((4, 5, 3)), None,
     "GRU.forward: input must have shape (B, T, I=2) or unbatched (T, I=2); got (4, 5, 3)"),
    ("RNN", {}, Z((0, 4, 2)), None,
     "RNN.forward: input must have shape (T, B, I=2) or unbatched (T, I=2); got (0, 4, 2)"),
    ("GRU", {}, Z((5, 4, 2)), Z((2, 4, 3)),
     "GRU.forward: h_0 must have shape (L*D=1, B=4, H=3); got (2, 4, 3)"),
    ("RNN", {"num_layers": 2, "bidirectional": True}, Z((5, 4, 2)), Z((2, 4, 3)),
     "RNN.forward: h_0 must have shape (L*D=4, B=4, H=3); got (2, 4, 3)"),
    ("RNN", {}, Z((5, 4, 2)), Z((1, 3)),
     "RNN.forward: h_0 must have shape (L*D=1, B=4, H=3); got (1, 3)"),
    ("GRU", {}, Z((5, 2)), Z((1, 4, 3)),
     "GRU.forward: h_0 must have shape (L*D=1, H=3); got (1, 4, 3)"),
    ("LSTM", {}, Z((5, 4, 2)), Z((1, 4, 3)),
     "LSTM.forward: the LSTM state must be a pair (h, c); got one array of shape (1, 4, 3)"),
    ("LSTM", {}, Z((5, 4, 2)), (Z((1, 4, 3)),) * 3,
     "LSTM.forward: the LSTM state must be a pair (h, c); got a tuple of 3"),
    ("LSTM", {}, Z((5, 4, 2)), (Z((1, 4, 3)), Z((1, 4, 4))),
     "LSTM.forward: c_0 must have shape (L*D=1, B=4, H=3); got (1, 4, 4)"),
    ("RNN", {}, Z((5, 4, 2), dtype=np.float32), None,
     "RNN.forward: input has dtype float32 but the module's dtype float64 was expected; "
     "cast the input or build the module with dtype float32"),
    ("GRU", {}, Z((5, 4, 2)), Z((1, 4, 3), dtype=np.float32),
     "GRU.forward: h_0 has dtype float32 but the module's dtype float64 was expected; "
     "cast the h_0 or build the module with dtype float32"),
    ("LSTM", {}, Z((5, 4, 2), dtype=np.int64), None,
     "LSTM.forward: input must be floats of the module's dtype float64; got dtype int64"),
    # a time-major input given to a batch_first module: B is read as 5, and the message says why
    ("GRU", {"batch_first": True}, Z((5, 4, 2)), Z((1, 4, 3)),
     "GRU.forward: h_0 must have shape (L*D=1, B=5, H=3); got (1, 4, 3) (batch_first=True reads the input "
     "as (B, T, I), so B=5; a time-major input needs batch_first=False)"),
]


def _torch(value):
    return tuple(map(_torch, value)) if isinstance(value, tuple) else torch.from_numpy(value)


def _message(call) -> str:
    with pytest.raises(ValueError) as info:
        call()
    return str(info.value)


@pytest.mark.parametrize("kind,options,x,hx,message", SAME_BAD_INPUT)
def test_scratch_and_twin_raise_the_same_message(kind, options, x, hx, message):
    ours = getattr(scratch, kind)(2, 3, **options)
    ref = getattr(twin, kind)(2, 3, dtype=torch.float64, **options)
    assert _message(lambda: ours.forward(x, hx)) == message
    assert _message(lambda: ref(_torch(x), None if hx is None else _torch(hx))) == message
    # torch.nn rejects it too, so neither side is stricter than torch; torch.nn's own exception varies
    # (RuntimeError, ValueError, or an IndexError from inside torch.nn.LSTM for a bare h_0)
    nn_module = getattr(torch.nn, kind)(2, 3, dtype=torch.float64, **options)
    with pytest.raises((RuntimeError, ValueError, IndexError)):
        nn_module(_torch(x), None if hx is None else _torch(hx))


@pytest.mark.parametrize("make", [lambda kind, **kw: getattr(scratch, kind)(**kw),
                                  lambda kind, **kw: getattr(twin, kind)(**kw)], ids=["scratch", "twin"])
@pytest.mark.parametrize("kw,message", [
    ({"input_size": 2, "hidden_size": 0}, "hidden_size must be a positive integer; got 0"),
    ({"input_size": 2.0, "hidden_size": 3}, "input_size must be a positive integer; got 2.0"),
    ({"input_size": 2, "hidden_size": 3, "num_layers": True}, "num_layers must be a positive integer; got True"),
    ({"input_size": 2, "hidden_size": 3, "dropout": 0.5},
     "dropout between layers is not implemented; got dropout=0.5, use dropout=0"),
])
def test_constructors_raise_the_same_message(make, kw, message):
    for kind in ("RNN", "LSTM", "GRU"):
        with pytest.raises(ValueError, match=re.escape(message)):
            make(kind, **kw)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("x_shape,hx_shape", [((5, 4, 2), (1, 4, 3)), ((5, 2), (1, 3))])
def test_valid_input_is_accepted_by_both_sides_and_torch_nn(kind, x_shape, hx_shape):
    """The checks are not stricter than torch.nn: batched and unbatched input with its state pass everywhere."""
    rng = np.random.default_rng(1)
    x, h = rng.standard_normal(x_shape), rng.standard_normal(hx_shape)
    hx = (h, h) if kind == "LSTM" else h
    ours = getattr(scratch, kind)(2, 3, rng=0)
    ref = getattr(twin, kind)(2, 3, dtype=torch.float64)
    nn_module = getattr(torch.nn, kind)(2, 3, dtype=torch.float64)
    nn_module.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    ref.load_state_dict(nn_module.state_dict())
    out, _ = ours.forward(x, hx)
    want, _ = nn_module(_torch(x), _torch(hx))
    got, _ = ref(_torch(x), _torch(hx))
    assert out.shape == tuple(want.shape) == tuple(got.shape)
    assert scratch.rel_error(out, want.detach().numpy()) < 1e-10
    assert scratch.rel_error(got.detach().numpy(), want.detach().numpy()) < 1e-10
