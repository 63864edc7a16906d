"""The leaky-integrator RNN: the state moves only a fraction alpha of the way to the new tanh value.

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
    h_t = (1 - alpha) h_{t-1} + alpha tanh(a_t),          0 < alpha <= 1 (alpha = 1: the vanilla RNN)

The lecture writes the same unit as h_t = alpha' h_{t-1} + (1 - alpha') F(h_{t-1}, x_t) with alpha' = 1 - alpha.
dh_t/dh_{t-1} = (1 - alpha) I + alpha diag(1 - tanh(a_t)^2) W_hh^T (in column form): even when the tanh path
vanishes, the leak path carries the gradient back T steps with factor (1 - alpha)^T, a slower geometric
decay the smaller alpha is. Backward, given dh_t:

    da = alpha dh_t * (1 - f_t^2),  f_t = tanh(a_t);   dh_{t-1} = (1 - alpha) dh_t + (da W_hh) [* m_h]
    dW_hh += da^T h_{t-1} [* m_h];  dW_ih, b_ih, b_hh, x_t through da (the hoisted input projection)

Optional variational dropout (``dropout=p``, see :mod:`rnncourse.scratch.dropout`) masks x_t and the h_{t-1}
that enters W_hh, never the leak path. Shapes: x (T, B, I), h (B, H), weight_ih (H, I), weight_hh (H, H),
biases (H,).
"""
from __future__ import annotations

import numpy as np

from .dropout import TrainEval, VariationalDropoutCell
from .module import Recurrent


def check_alpha(alpha) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0.0 < alpha <= 1.0:
        raise ValueError(f"alpha must be a number in (0, 1]; got {alpha!r}")
    return float(alpha)


class LeakyCell(VariationalDropoutCell):
    """h_t = (1 - alpha) h_{t-1} + alpha tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); state (h,)."""

    name = "Leaky"

    def __init__(self, input_size, hidden_size, bias=True, *, dtype=np.float64, params=None, alpha=0.5,
                 variational_dropout=0.0, mask_rng=None):
        self.alpha = check_alpha(alpha)
        super().__init__(input_size, hidden_size, bias, dtype=dtype, params=params, variational_dropout=variational_dropout,
                         mask_rng=mask_rng)

    def step(self, u, state):
        (h,) = state
        hm = self.masked_h(h)
        f = np.tanh(u + self.hh(hm))
        return ((1 - self.alpha) * h + self.alpha * f,), (hm, f, self.mask_h)

    def step_backward(self, d_state, cache, grads):
        (dh,) = d_state
        hm, f, m_h = cache
        da = self.alpha * dh * (1 - f * f)
        dh_rec = da @ self.params["weight_hh"]
        dh_prev = (1 - self.alpha) * dh + (dh_rec if m_h is None else dh_rec * m_h)
        return da, (dh_prev,), {"weight_hh": (da, hm)}

    def extra_repr(self) -> str:
        return f", alpha={self.alpha}" + super().extra_repr()


class Leaky(TrainEval, Recurrent):
    """Leaky-integrator RNN over time; torch.nn.RNN's arguments plus alpha and (variational) dropout.

    Leaky(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
          alpha=0.5, dropout=0.0, *, dtype=np.float64, rng=None, mask_rng=None)
    forward(x (T, B, I), h_0 (L*D, B, H) or None) -> (output (T, B, D*H), h_n (L*D, B, H)).
    ``dropout`` is the variational dropout INSIDE each cell (not torch.nn's between-layer dropout), active
    after ``train()`` (the default) and off after ``eval()``; ``mask_rng`` seeds the masks.
    """

    cell_class = LeakyCell

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False,
                 alpha=0.5, dropout=0.0, *, dtype=np.float64, rng=None, mask_rng=None):
        self.alpha = check_alpha(alpha)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, 0.0, bidirectional, dtype=dtype,
                         rng=rng, alpha=alpha, variational_dropout=dropout, mask_rng=np.random.default_rng(mask_rng))
