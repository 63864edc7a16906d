"""The residual (unit-feedback-gain) RNN: the new state is the old one PLUS an update.

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
    h_t = h_{t-1} + F(x_t, h_{t-1}),   F = tanh(a_t)

Deck C's "unit feedback gain (ResNet idea)": dh_t/dh_{t-1} = I + diag(1 - tanh(a_t)^2) W_hh^T (column
form), so the identity path carries every gradient back unchanged however many steps there are, whatever
the tanh path does. (The price: nothing bounds h, which can drift.) Backward, given dh_t:

    da = dh_t * (1 - f_t^2),  f_t = tanh(a_t);   dh_{t-1} = dh_t + (da W_hh) [* m_h]
    dW_hh += da^T h_{t-1} [* m_h];  dW_ih, b_ih, b_hh, x_t through da

Optional variational dropout (``dropout=p``, :mod:`rnncourse.scratch.dropout`) masks x_t and the h_{t-1} that
enters W_hh, never the identity path. Shapes: x (T, B, I), h (B, H), weight_ih (H, I), weight_hh (H, H),
biases (H,).
"""
from __future__ import annotations

import numpy as np

from .dropout import TrainEval, VariationalDropoutCell
from .module import Recurrent


class ResidualCell(VariationalDropoutCell):
    """h_t = h_{t-1} + tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); state (h,)."""

    name = "Residual"

    def step(self, u, state):
        (h,) = state
        hm = self.masked_h(h)
        f = np.tanh(u + self.hh(hm))
        return (h + f,), (hm, f, self.mask_h)

    def step_backward(self, d_state, cache, grads):
        (dh,) = d_state
        hm, f, m_h = cache
        da = dh * (1 - f * f)
        dh_rec = da @ self.params["weight_hh"]
        return da, (dh + (dh_rec if m_h is None else dh_rec * m_h),), {"weight_hh": (da, hm)}


class Residual(TrainEval, Recurrent):
    """Residual RNN over time, h_t = h_{t-1} + tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).

    Residual(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
             dropout=0.0, *, dtype=np.float64, rng=None, mask_rng=None)
    forward(x (T, B, I), h_0 (L*D, B, H) or None) -> (output (T, B, D*H), h_n (L*D, B, H)).
    ``dropout`` is variational dropout inside each cell, active after ``train()``, off after ``eval()``.
    """

    cell_class = ResidualCell

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
                 dropout=0.0, *, dtype=np.float64, rng=None, mask_rng=None):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, dtype=dtype,
                         rng=rng, variational_dropout=dropout, mask_rng=np.random.default_rng(mask_rng))
