"""Bad input raises ValueError naming what was expected and what arrived (never a NumPy traceback)."""
import numpy as np
import pytest

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
    with pytest.raises(ValueError, match="float32 but float float64 was expected"):
        m.forward(np.zeros((4, 1, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="float32 or float64.*int64"):
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
