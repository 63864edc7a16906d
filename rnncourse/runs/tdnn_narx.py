"""The runs of the TDNN/NARX chapter (book/tdnn-narx.md): NARX identification of Narendra &
Parthasarathy's plants, and AR / TDNN / NARX on the yearly sunspot numbers."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..scratch import mse_loss
from . import loop


@dataclass(frozen=True)
class NarxSetting:
    """One named NARX identification run: a plant of Narendra & Parthasarathy (1990), the regressor's
    delays, F's hidden layers (20 and 10 tanh units as in the paper, linear output), and the training."""

    example: int                         # 2 or 3 (rnncourse.data.narendra)
    output_delays: int                   # q_y: y(k), ..., y(k-q_y+1)
    input_delays: int                    # q_u: u(k), ..., u(k-q_u+1)
    hidden: tuple = (20, 10)
    train_length: int = 2000             # K samples of the uniform training input
    test_length: int = 500               # K samples of the sinusoidal test input
    steps: int = 1000                    # full-batch Adam steps, series-parallel
    lr: float = 5e-3
    parallel_steps: int = 0              # then this many Adam steps of parallel training (BPTT through the engine)
    parallel_window: int = 50            # window length T of the parallel (free-run) training
    parallel_batch: int = 20             # windows per step
    parallel_lr: float = 1e-3
    seeds: tuple = tuple(range(8))


NARENDRA_EX2 = NarxSetting(example=2, output_delays=2, input_delays=1)   # book/tdnn-narx.md, sec-narendra
NARENDRA_EX3 = NarxSetting(example=3, output_delays=1, input_delays=1)   # book/tdnn-narx.md, sec-narendra


@dataclass
class NarxRun:
    """A trained NARX network and its test errors (root-mean-square, on the paper's test input)."""

    model: object
    one_step_rmse: float
    free_run_rmse: float
    test_y: np.ndarray                   # the plant's test output y[p:]
    one_step: np.ndarray                 # series-parallel predictions of test_y
    free_run: np.ndarray                 # parallel (free-run) predictions of test_y
    train_loss: list = field(default_factory=list)
    seconds: float = 0.0


def narx_test_errors(model, example: int, K: int):
    """(one-step RMSE, free-run RMSE, y[p:], one-step predictions, free-run predictions) on the test input."""
    from ..data.narendra import plant, test_input

    u = test_input(example, K)
    y = plant(example, u)
    ys, us = y[:, None, None], u[:, None, None]
    one = model.one_step(ys, us)[:, 0, 0]
    x, hx, target = model.free_run_setup(ys, us)
    free = model.forward(x, hx)[0][:, 0, 0]
    target = target[:, 0, 0]
    return (float(np.sqrt(np.mean((one - target) ** 2))), float(np.sqrt(np.mean((free - target) ** 2))),
            target, one, free)


def train_narx(setting: NarxSetting, seed: int = 0) -> NarxRun:
    """Identify the plant: series-parallel training (full-batch Adam on the true lagged regressors), then
    optionally parallel training (BPTT through the engine on windows run free from their true history)."""
    from ..data.narendra import plant, training_input
    from ..scratch import NARX

    u = training_input(setting.train_length, rng=seed)
    y = plant(setting.example, u)
    ys, us = y[:, None, None], u[:, None, None]
    model = NARX(1, setting.hidden[0], 1, setting.hidden[1], output_delays=setting.output_delays,
                 input_delays=setting.input_delays, rng=seed)
    target = ys[model.order:]

    def series_parallel(_):
        loss, d_pred = mse_loss(model.one_step(ys, us), target)
        model.one_step_backward(d_pred)
        return loss

    curve = loop.train(loop.objective(series_parallel, narx=model), lambda rng: None, setting, seed,
                       label=f"NARX example {setting.example}")
    seconds = curve.seconds
    if setting.parallel_steps:
        start = time.perf_counter()
        train_narx_parallel(model, ys, us, setting, np.random.default_rng(seed + 1))
        seconds += time.perf_counter() - start
    losses = curve.loss
    one, free, test_y, one_pred, free_pred = narx_test_errors(model, setting.example, setting.test_length)
    return NarxRun(model, one, free, test_y, one_pred, free_pred, losses, seconds)


def train_narx_parallel(model, ys, us, setting: NarxSetting, rng) -> list:
    """Parallel (closed-loop) training: each step runs ``parallel_batch`` windows of ``parallel_window``
    steps free from their true history and backpropagates the free-run MSE through time. Returns losses."""
    Tw, p = setting.parallel_window, model.order

    def windows(rng):
        starts = rng.integers(0, ys.shape[0] - Tw - p, size=setting.parallel_batch)
        return (np.concatenate([ys[s:s + Tw + p] for s in starts], axis=1),      # (Tw+p, B, 1)
                np.concatenate([us[s:s + Tw + p] for s in starts], axis=1))

    def free_run(batch):
        x, hx, target = model.free_run_setup(*batch)
        out, _ = model.forward(x, hx)
        loss, d_out = mse_loss(out, target)
        model.backward(d_out)
        return loss

    return loop.train(loop.objective(free_run, narx=model), windows, setting, rng=rng, steps=setting.parallel_steps,
                      lr=setting.parallel_lr, label="NARX, parallel").loss


# ---- A real series: the yearly sunspot numbers (book/tdnn-narx.md, sec-sunspots) -----------------

@dataclass(frozen=True)
class SunspotSetting:
    """Linear AR versus TDNN versus NARX, one year ahead, on the held-out years of the sunspot series."""

    window: int = 6                      # N: the AR order, the TDNN's taps and the NARX's input delays
    output_delays: int = 2               # the NARX's fed-back predictions
    hidden: int = 8
    train_until: int = 1920              # fit on 1700..train_until
    test_years: tuple = (1921, 1979)     # the two classic test periods of the series, together
    tdnn_steps: int = 1000               # full-batch Adam, series-parallel
    narx_steps: int = 300                # full-batch Adam, parallel (BPTT through the whole training series)
    lr: float = 3e-3
    seeds: tuple = tuple(range(8))


SUNSPOTS = SunspotSetting()


def sunspot_comparison(setting: SunspotSetting = SUNSPOTS, seed: int = 0) -> dict:
    """Normalised MSE (MSE / variance of the held-out years) of one-year-ahead predictions on the held-out
    years, for a linear AR(N) fit by least squares, a two-layer TDNN (N tanh taps, then a linear unit) and a
    NARX network (input delay line N over the observed series, output delay line of its own predictions,
    trained in parallel mode). The series is standardised with the training years' mean and deviation."""
    from ..data.sunspots import load_sunspots

    years, s = load_sunspots()
    train_end = int(np.searchsorted(years, setting.train_until + 1))
    test = (years >= setting.test_years[0]) & (years <= setting.test_years[1])
    z = (s - s[:train_end].mean()) / s[:train_end].std()
    N = setting.window

    def nmse(first: int, pred):                  # pred[i] predicts z[first + i]
        mask = test[first:first + pred.size]
        return float(np.mean((pred[mask] - z[first:first + pred.size][mask]) ** 2) / np.var(z[test]))

    lags = np.stack([z[N - 1 - i:z.size - 1 - i] for i in range(N)], axis=1)      # row k predicts z[N + k]
    design = np.c_[lags, np.ones(len(lags))]
    coef = np.linalg.lstsq(design[:train_end - N], z[N:train_end], rcond=None)[0]
    result = {"AR": nmse(N, design @ coef)}

    rng = np.random.default_rng(seed)
    result["TDNN"] = nmse(N, _sunspot_tdnn(z, train_end, setting, rng, seed))
    first, pred = _sunspot_narx(z, train_end, setting, rng, seed)
    result["NARX"] = nmse(first, pred)
    return result


def _sunspot_tdnn(z, train_end: int, setting: SunspotSetting, rng, seed: int) -> np.ndarray:
    """The TDNN's one-year-ahead predictions of z[N:] (full-batch training on the training years)."""
    from ..scratch import TDNN

    N = setting.window
    hidden, readout = TDNN(1, setting.hidden, N, activation="tanh", rng=rng), TDNN(setting.hidden, 1, 1, rng=rng)
    x_train, target = z[:train_end - 1, None, None], z[N:train_end, None, None]

    def tdnn_mse(_):
        loss, d_out = mse_loss(readout.forward(hidden.forward(x_train)), target)
        hidden.backward(readout.backward(d_out))
        return loss

    loop.train(loop.objective(tdnn_mse, hidden=hidden, out=readout), lambda rng: None, setting, seed,
               steps=setting.tdnn_steps, label="TDNN")
    return readout.forward(hidden.forward(z[:-1, None, None]))[:, 0, 0]


def _sunspot_narx(z, train_end: int, setting: SunspotSetting, rng, seed: int):
    """(first year index predicted, the NARX's one-year-ahead predictions from there), trained in parallel
    mode: the input line reads the observed series, the output line its own predictions."""
    from ..scratch import NARX

    narx = NARX(1, setting.hidden, 1, setting.hidden, output_delays=setting.output_delays,
                input_delays=setting.window, rng=rng)
    zs = z[:train_end, None, None]
    x, hx, target = narx.free_run_setup(zs, zs)

    def narx_mse(_):
        out, _ = narx.forward(x, hx)
        loss, d_out = mse_loss(out, target)
        narx.backward(d_out)
        return loss

    loop.train(loop.objective(narx_mse, narx=narx), lambda rng: None, setting, seed, steps=setting.narx_steps,
               label="NARX")
    x, hx, _ = narx.free_run_setup(z[:, None, None], z[:, None, None])
    return narx.order, narx.forward(x, hx)[0][:, 0, 0]
