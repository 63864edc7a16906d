"""The NARX network (nonlinear autoregressive with exogenous input): a feed-forward map F over tapped
delay lines of past outputs and past inputs, run as a cell on the shared engine.

    y(n+1) = F(y(n), ..., y(n-q_y+1); u(n), ..., u(n-q_u+1))
    F(r)   = W_out tanh(W_h2 tanh(W_h1 r + b_h1) + b_h2) + b_out           (two tanh layers, linear output)

with the regressor r = [y(n), ..., y(n-q_y+1), u(n), ..., u(n-q_u+1)] (newest first, width
R = q_y O + q_u I), always assembled by :func:`regressor`. Two ways to use the same F:

* **parallel** (closed loop, free run): the cell feeds its own outputs back through the output delay
  line. At engine step t the input is x_t = u(n), the state is (y(n), [y(n-1) ... y(n-q_y+1)],
  [u(n-1) ... u(n-q_u+1)]) and the output is y(n+1); training is BPTT through the engine.
* **series-parallel** (open loop, teacher forced): the delay lines hold the *true* past outputs, so
  every prediction is F applied to a regressor built from data (:func:`lagged_regressors`) — a
  feed-forward network over lagged inputs, trained without any recurrence
  (:meth:`NARX.one_step` / :meth:`NARX.one_step_backward`).

Shapes: u / x (T, B, I), y (T, B, O); weight_h1 (H, R), weight_h2 (H2, H), weight_out (O, H2), biases
(H,), (H2,), (O,).  Backward of F, given dy:  dW_out += dy^T h2; da2 = (dy W_out) * (1 - h2^2);
dW_h2 += da2^T h1; da1 = (da2 W_h2) * (1 - h1^2); dW_h1 += da1^T r; dr = da1 W_h1, and dr is split
back onto the delay lines (the parts that shift on add to the incoming state gradients).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_shape
from .cell import Cell
from .module import Recurrent, _positive_int


def regressor(y_lags, u_lags):
    """r = [y lags, u lags] along the last axis: (..., q_y O) and (..., q_u I) -> (..., R). The one place
    the regressor's layout is decided (the cell's step and the series-parallel regressors both use it)."""
    return np.concatenate([y_lags, u_lags], axis=-1)


def _lags(s, q: int, p: int):
    """[s(k), s(k-1), ..., s(k-q+1)] for k = p-1, ..., T-2: s (T, B, F) -> (T-p, B, q F), newest first."""
    T = s.shape[0]
    return np.concatenate([s[p - 1 - i:T - 1 - i] for i in range(q)], axis=-1)


def lagged_regressors(y, u, output_delays: int, input_delays: int):
    """Series-parallel regressors from true series y (T, B, O) and u (T, B, I).

    Returns (r (T-p, B, R), target (T-p, B, O)) with p = max(q_y, q_u): row k predicts y(k+1) from
    y(k..k-q_y+1) and u(k..k-q_u+1), for k = p-1, ..., T-2; target = y[p:].
    """
    y, u = as_float_array("y", y), as_float_array("u", u)
    check_shape("y", y, (("T", None), ("B", None), ("O", None)))
    check_shape("u", u, (("T", y.shape[0]), ("B", y.shape[1]), ("I", None)))
    qy, qu = _positive_int("output_delays", output_delays), _positive_int("input_delays", input_delays)
    p = max(qy, qu)
    if y.shape[0] <= p:
        raise ValueError(f"the series must be longer than max(output_delays, input_delays) = {p}; got T={y.shape[0]}")
    return regressor(_lags(y, qy, p), _lags(u, qu, p)), y[p:]


class NARXCell(Cell):
    """One NARX step (see the module docstring). State (y, y_delay, u_delay) of widths O, (q_y-1)O,
    (q_u-1)I; output y. ``hidden_size`` is H (first hidden layer), ``hidden_size2`` H2 (default H)."""

    name = "NARX"
    state_names = ("y", "y_delay", "u_delay")
    hoist_input = False

    def __init__(self, input_size, hidden_size, bias=True, *, dtype=np.float64, params=None, output_size=1,
                 hidden_size2=None, output_delays=2, input_delays=2):
        self.out_size = _positive_int("output_size", output_size)
        self.hidden_size2 = _positive_int("hidden_size2", hidden_size if hidden_size2 is None else hidden_size2)
        self.output_delays = _positive_int("output_delays", output_delays)
        self.input_delays = _positive_int("input_delays", input_delays)
        super().__init__(input_size, hidden_size, bias, dtype=dtype, params=params)

    @property
    def regressor_size(self) -> int:
        return self.output_delays * self.out_size + self.input_delays * self.input_size

    def param_shapes(self) -> dict:
        H, H2, O = self.hidden_size, self.hidden_size2, self.out_size
        shapes = {"weight_h1": (H, self.regressor_size), "weight_h2": (H2, H), "weight_out": (O, H2)}
        if self.bias:
            shapes = {"weight_h1": shapes["weight_h1"], "bias_h1": (H,), "weight_h2": shapes["weight_h2"],
                      "bias_h2": (H2,), "weight_out": shapes["weight_out"], "bias_out": (O,)}
        return shapes

    def init_params(self, rng) -> None:
        """Each layer ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as torch.nn.Linear's default bounds."""
        fan_in = {"h1": self.regressor_size, "h2": self.hidden_size, "out": self.hidden_size2}
        self.params = {k: rng.uniform(-1, 1, size=s).astype(self.dtype) / np.sqrt(fan_in[k.split("_")[1]])
                       for k, s in self.param_shapes().items()}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def state_size(self, name: str) -> int:
        return {"y": self.out_size, "y_delay": (self.output_delays - 1) * self.out_size,
                "u_delay": (self.input_delays - 1) * self.input_size}[name]

    # ---- F, the feed-forward map (shared by the free run and series-parallel training) ------------
    def feedforward(self, r):
        """y = F(r) for r (..., R). Returns (y (..., O), cache (r, h1, h2))."""
        p = self.params
        h1 = r @ p["weight_h1"].T
        if self.bias:
            h1 += p["bias_h1"]
        h1 = np.tanh(h1)
        h2 = h1 @ p["weight_h2"].T
        if self.bias:
            h2 += p["bias_h2"]
        h2 = np.tanh(h2)
        y = h2 @ p["weight_out"].T
        if self.bias:
            y += p["bias_out"]
        return y, (r, h1, h2)

    def feedforward_backward(self, dy, cache):
        """Backward of :meth:`feedforward`: returns (dr, deferred {param: (dy, v or None)})."""
        r, h1, h2 = cache
        p = self.params
        da2 = (dy @ p["weight_out"]) * (1 - h2 * h2)
        da1 = (da2 @ p["weight_h2"]) * (1 - h1 * h1)
        deferred = {"weight_out": (dy, h2), "weight_h2": (da2, h1), "weight_h1": (da1, r)}
        if self.bias:
            deferred |= {"bias_out": (dy, None), "bias_h2": (da2, None), "bias_h1": (da1, None)}
        return da1 @ p["weight_h1"], deferred

    # ---- one engine step: the closed loop ---------------------------------------------------------
    def step(self, u, state):
        y, y_delay, u_delay = state
        y_lags = np.concatenate([y, y_delay], axis=1)              # y(n), ..., y(n-q_y+1)
        u_lags = np.concatenate([u, u_delay], axis=1)              # u(n), ..., u(n-q_u+1)
        y_next, cache = self.feedforward(regressor(y_lags, u_lags))
        k_y, k_u = self.state_size("y_delay"), self.state_size("u_delay")
        return (y_next, y_lags[:, :k_y], u_lags[:, :k_u]), cache

    def step_backward(self, d_state, cache, grads):
        dy_next, d_y_delay, d_u_delay = d_state
        dr, deferred = self.feedforward_backward(dy_next, cache)
        O, I = self.out_size, self.input_size
        d_ylags, d_ulags = dr[:, :self.output_delays * O], dr[:, self.output_delays * O:]
        d_ylags[:, :d_y_delay.shape[1]] += d_y_delay              # the lags that shifted into the new state
        d_ulags[:, :d_u_delay.shape[1]] += d_u_delay
        return d_ulags[:, :I], (d_ylags[:, :O], d_ylags[:, O:], d_ulags[:, I:]), deferred

    def extra_repr(self) -> str:
        return (f", output_size={self.out_size}, hidden_size2={self.hidden_size2}, "
                f"output_delays={self.output_delays}, input_delays={self.input_delays}")


class NARX(Recurrent):
    """A NARX network: parallel (free-run) simulation through the engine, series-parallel prediction by
    :meth:`one_step`; one layer, one direction.

    NARX(input_size, hidden_size, output_size=1, hidden_size2=None, output_delays=2, input_delays=2,
         bias=True, *, dtype=np.float64, rng=None)                       (time-major: x (T, B, I) or (T, I))
    forward(x (T, B, I), (y_0, y_delay_0, u_delay_0) each (1, B, width) or None) -> (y (T, B, O), final state).
    """

    cell_class = NARXCell
    state_labels = {"y": "y_0", "y_delay": "y_delay_0", "u_delay": "u_delay_0"}

    def __init__(self, input_size, hidden_size, output_size=1, hidden_size2=None, output_delays=2, input_delays=2,
                 bias=True, *, dtype=np.float64, rng=None):
        self.output_size = output_size
        super().__init__(input_size, hidden_size, 1, bias, False, 0.0, False, dtype=dtype, rng=rng,
                         output_size=output_size, hidden_size2=hidden_size2, output_delays=output_delays,
                         input_delays=input_delays)
        self._one_step_cache = None

    @property
    def order(self) -> int:
        """p = max(q_y, q_u): how many samples of history one prediction needs."""
        return max(self.cell.output_delays, self.cell.input_delays)

    def _check_series(self, y, u):
        y, u = as_float_array("y", y, self.dtype), as_float_array("u", u, self.dtype)
        check_shape("y", y, (("T", None), ("B", None), ("O", self.cell.out_size)))
        check_shape("u", u, (("T", y.shape[0]), ("B", y.shape[1]), ("I", self.input_size)))
        return y, u

    def one_step(self, y, u):
        """Series-parallel (teacher-forced) predictions of y[p:] from the true y (T, B, O) and u (T, B, I).

        Returns (T-p, B, O); the cache is kept for :meth:`one_step_backward`."""
        y, u = self._check_series(y, u)
        r, _ = lagged_regressors(y, u, self.cell.output_delays, self.cell.input_delays)
        pred, self._one_step_cache = self.cell.feedforward(r)
        return pred

    def one_step_backward(self, d_pred):
        """Backward of :meth:`one_step`: ADDS the parameter gradients into ``self.grads``; returns dL/dr."""
        if self._one_step_cache is None:
            raise RuntimeError("NARX.one_step_backward called before one_step")
        r = self._one_step_cache[0]
        d_pred = as_float_array("d_pred", d_pred, self.dtype)
        check_shape("d_pred", d_pred, (("T-p", r.shape[0]), ("B", r.shape[1]), ("O", self.cell.out_size)))
        dr, deferred = self.cell.feedforward_backward(d_pred, self._one_step_cache)
        for name, (dy, v) in deferred.items():
            dy2 = dy.reshape(-1, dy.shape[-1])
            self.cell.grads[name] += dy2.sum(axis=0) if v is None else dy2.T @ v.reshape(-1, v.shape[-1])
        return dr

    def free_run_setup(self, y, u):
        """The parallel run that predicts the same targets as :meth:`one_step`: the delay lines start from
        the true history y[:p], u[:p-1] and the loop then feeds back its own outputs.

        Returns (x = u[p-1:T-1] (T-p, B, I), hx = (y_0, y_delay_0, u_delay_0) each (1, B, width), target y[p:])."""
        y, u = self._check_series(y, u)
        p, qy, qu = self.order, self.cell.output_delays, self.cell.input_delays
        if y.shape[0] <= p:
            raise ValueError(f"the series must be longer than p = {p}; got T={y.shape[0]}")
        y_lags = np.concatenate([y[p - 1 - i] for i in range(qy)], axis=-1)
        u_delay = (np.concatenate([u[p - 2 - i] for i in range(qu - 1)], axis=-1) if qu > 1
                   else np.zeros((y.shape[1], 0), dtype=self.dtype))
        O = self.cell.out_size
        hx = (y_lags[None, :, :O], y_lags[None, :, O:], u_delay[None])
        return u[p - 1:-1], hx, y[p:]
