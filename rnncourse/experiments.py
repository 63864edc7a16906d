"""The training runs the chapters report: one training helper for any module, and named settings.

:func:`train` trains any recurrent module (torch.nn, rnncourse.torch, or rnncourse.scratch with its
hand-written backward) on the adding problem in a named :class:`AddingSetting`. The chapters, the seed
scripts in ``benchmarks/experiments/`` and the claim tests in ``tests/test_claims_*.py`` import the same
settings (:data:`LSTM_CHAPTER`, :data:`GRU_CHAPTER`, :data:`VARIANT_STUDY`, and the smaller on-page runs
:data:`LSTM_PAGE`, :data:`GRU_PAGE`, :data:`VARIANT_PAGE`), so a number a chapter quotes and the test that
asserts it cannot drift apart.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from .data.adding import adding_problem
from .scratch import Adam, Linear, LSTMVariant, clip_grad_norm, mse_loss


def progress(iterable, desc: str = "", total: int | None = None):
    """A tqdm progress bar on stdout for long loops; silent when RNNCOURSE_PROGRESS=0 (the book build)."""
    if os.environ.get("RNNCOURSE_PROGRESS", "1") == "0":
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, total=total, file=sys.stdout, mininterval=1.0, leave=False)


@dataclass
class Run:
    """One training run: the test MSE measured every ``eval_every`` steps, and its wall time."""

    label: str
    steps: list = field(default_factory=list)
    test_mse: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def final(self) -> float:
        return self.test_mse[-1]

    def first_step_below(self, level: float) -> int | None:
        """The first evaluated step whose test MSE is below ``level`` (None if it never was)."""
        return next((step for step, mse in zip(self.steps, self.test_mse) if mse < level), None)


@dataclass(frozen=True)
class AddingSetting:
    """One named training setting on the adding problem: the chapters, the seed scripts in
    benchmarks/experiments/ and the claim tests import these, so a quoted number has one source."""

    T: int
    steps: int
    hidden_size: int = 32
    batch_size: int = 64
    lr: float = 1e-2
    clip: float = 1.0
    eval_every: int = 100
    test_size: int = 1000
    forget_bias: float | None = 1.0      # LSTM forget-gate bias at initialisation (None: the module's default)
    seeds: tuple = (0,)                  # the seeds a seed study of this setting runs


# The seed studies (benchmarks/experiments/, asserted by tests/test_claims_*.py) and the smaller runs the
# pages train themselves at seed 0 to stay within the chapter time budget (the page names its study).
LSTM_CHAPTER = AddingSetting(T=100, steps=1500, seeds=tuple(range(6)))   # book/lstm.md, sec-adding: the seed study
GRU_CHAPTER = AddingSetting(T=50, steps=800, seeds=tuple(range(3)))      # book/gru.md: the seed study
LSTM_PAGE = GRU_CHAPTER                                                  # book/lstm.md, sec-adding: the run on the page
GRU_PAGE = replace(GRU_CHAPTER, steps=600)                               # book/gru.md: the run on the page
VARIANT_STUDY = AddingSetting(T=50, steps=800, seeds=tuple(range(6)))    # book/lstm.md, sec-lstm-variants: the seed study
VARIANT_PAGE = replace(VARIANT_STUDY, T=25, steps=500, eval_every=50, seeds=(0,))     # book/lstm.md, sec-lstm-variants: the run on the page
INIT_STUDY = AddingSetting(T=20, steps=1500, seeds=tuple(range(3)))      # book/training.md, section sec-training-init


def held_out_seed(seed: int) -> int:
    """The seed of a run's held-out test set: fixed per run, never one of the training batches' streams."""
    return 1_000_003 + seed


def set_forget_bias(model, value: float) -> None:
    """Open (or close) every LSTM forget gate at initialisation: b_ih[f rows] = value, b_hh[f rows] = 0.

    Works on torch.nn.LSTM, rnncourse.torch.LSTM / LSTMVariant and their rnncourse.scratch twins. A CIFG
    variant has no forget gate (f = 1 - i), so its input-gate bias is set to -value instead, which gives
    the same initial f = 1 - sigmoid(-value) = sigmoid(value).
    """
    H = model.hidden_size
    spec = getattr(model, "spec", None)
    if spec is not None and "f" not in spec.blocks:
        if not spec.coupled:
            return                                     # NFG: f = 1 already
        block, value = "i", -value
    else:
        block = "f"
    k = spec.blocks.index(block) if spec is not None else "ifgo".index(block)
    rows = slice(k * H, (k + 1) * H)
    for layer in range(model.num_layers):
        for sfx in ("", "_reverse")[: 2 if model.bidirectional else 1]:
            if isinstance(model, torch.nn.Module):
                with torch.no_grad():
                    getattr(model, f"bias_ih_l{layer}{sfx}")[rows] = value
                    getattr(model, f"bias_hh_l{layer}{sfx}")[rows] = 0.0
            else:
                model.params[f"bias_ih_l{layer}{sfx}"][rows] = value
                model.params[f"bias_hh_l{layer}{sfx}"][rows] = 0.0


def train(model, setting: AddingSetting, seed: int = 0, label: str | None = None, dtype=np.float32) -> Run:
    """Train ``model`` + a linear read-out of its last output on the adding problem, in ``setting``.

    Adam (Kingma & Ba 2015) with global gradient-norm clipping (Pascanu et al. 2013); a fresh batch every
    step; test MSE every ``eval_every`` steps on a fixed held-out set of ``test_size`` sequences. Any
    module with torch.nn's (output, state) interface works: a torch.nn.Module trains with autograd and
    torch.optim, an rnncourse.scratch module with its own hand-written backward, scratch Adam and
    clipping. Seeds make a run reproducible (single-threaded CPU).
    """
    run = Run(label or type(model).__name__)
    x_test, y_test = adding_problem(setting.T, setting.test_size, rng=held_out_seed(seed), dtype=dtype)
    rng = np.random.default_rng(seed)
    step_fn, evaluate = (_torch_trainer if isinstance(model, torch.nn.Module) else _scratch_trainer)(model, setting, seed, dtype)
    start = time.perf_counter()
    for step in progress(range(1, setting.steps + 1), desc=run.label):
        step_fn(*adding_problem(setting.T, setting.batch_size, rng=rng, dtype=dtype))
        if step % setting.eval_every == 0:
            run.test_mse.append(evaluate(x_test, y_test))
            run.steps.append(step)
    run.seconds = time.perf_counter() - start
    return run


def _torch_trainer(rnn, setting, seed, dtype):
    # the read-out draws from torch's global generator: seed it before building the module (train_adding does)
    head = torch.nn.Linear(rnn.hidden_size, 1, dtype=next(rnn.parameters()).dtype)
    params = list(rnn.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=setting.lr)

    def step(x, y):
        out, _ = rnn(torch.from_numpy(x))
        loss = torch.nn.functional.mse_loss(head(out[-1]), torch.from_numpy(y))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, setting.clip)
        optimizer.step()

    def evaluate(x, y):
        with torch.no_grad():
            out, _ = rnn(torch.from_numpy(x))
            return torch.nn.functional.mse_loss(head(out[-1]), torch.from_numpy(y)).item()

    return step, evaluate


def _scratch_trainer(rnn, setting, seed, dtype):
    head = Linear(rnn.hidden_size, 1, dtype=dtype, rng=seed + 1)
    params = {**{f"rnn.{k}": v for k, v in rnn.params.items()}, **{f"head.{k}": v for k, v in head.params.items()}}
    grads = {**{f"rnn.{k}": g for k, g in rnn.grads.items()}, **{f"head.{k}": g for k, g in head.grads.items()}}
    optimizer = Adam(params, lr=setting.lr)

    def step(x, y):
        out, _ = rnn.forward(x)
        _, d_pred = mse_loss(head.forward(out[-1]), y)
        rnn.zero_grad()
        head.zero_grad()
        d_out = np.zeros_like(out)
        d_out[-1] = head.backward(d_pred)
        rnn.backward(d_out)
        clip_grad_norm(grads, setting.clip)
        optimizer.step(grads)

    def evaluate(x, y):
        out, _ = rnn.forward(x)
        return float(np.mean((head.forward(out[-1]) - y) ** 2))

    return step, evaluate


def train_adding(kind: str = "LSTM", setting: AddingSetting = GRU_CHAPTER, seed: int = 0, **overrides) -> Run:
    """torch.nn.RNN / LSTM / GRU (hidden_size from the setting, forget bias set for the LSTM), trained by
    :func:`train`. Keyword ``overrides`` replace fields of ``setting`` (e.g. ``T=6, steps=300``)."""
    setting = replace(setting, **overrides)
    torch.manual_seed(seed)
    module = getattr(torch.nn, kind)(2, setting.hidden_size)
    if kind == "LSTM" and setting.forget_bias is not None:
        set_forget_bias(module, setting.forget_bias)
    return train(module, setting, seed, label=kind)


def train_adding_init(scheme: str, setting: AddingSetting = INIT_STUDY, seed: int = 0, **overrides) -> Run:
    """torch.nn.RNN with the scheme's nonlinearity and W_hh from :func:`rnncourse.torch.initialise_` (the initialisation
    table of deck C, :mod:`rnncourse.scratch.init`), trained by :func:`train`. ``overrides`` replace setting fields."""
    from .scratch.init import SCHEMES
    from .torch.init import initialise_

    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {tuple(SCHEMES)}; got {scheme!r}")
    setting = replace(setting, **overrides)
    torch.manual_seed(seed)
    module = torch.nn.RNN(2, setting.hidden_size, nonlinearity=SCHEMES[scheme])
    initialise_(module, scheme, rng=seed)
    return train(module, setting, seed, label=scheme)


def train_adding_variant(variant: str = "vanilla", setting: AddingSetting = VARIANT_STUDY, seed: int = 0,
                         dtype=np.float32, **overrides) -> Run:
    """A from-scratch ``LSTMVariant`` (NumPy, hand-written BPTT) trained by :func:`train`, forget gate
    opened as in :func:`train_adding` (see :func:`set_forget_bias` for CIFG)."""
    setting = replace(setting, **overrides)
    rnn = LSTMVariant(2, setting.hidden_size, variant=variant, dtype=dtype, rng=seed)
    if setting.forget_bias is not None:
        set_forget_bias(rnn, setting.forget_bias)
    return train(rnn, setting, seed, label=variant, dtype=dtype)


# ---- NARX identification of Narendra & Parthasarathy (1990), Examples 2 and 3 (book/tdnn-narx.md) ----

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
    from .data.narendra import plant, test_input

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
    from .data.narendra import plant, training_input
    from .scratch import NARX

    u = training_input(setting.train_length, rng=seed)
    y = plant(setting.example, u)
    ys, us = y[:, None, None], u[:, None, None]
    model = NARX(1, setting.hidden[0], 1, setting.hidden[1], output_delays=setting.output_delays,
                 input_delays=setting.input_delays, rng=seed)
    optimizer, losses = Adam(model.params, lr=setting.lr), []
    start = time.perf_counter()
    target = ys[model.order:]
    for _ in range(setting.steps):
        loss, d_pred = mse_loss(model.one_step(ys, us), target)
        model.zero_grad()
        model.one_step_backward(d_pred)
        optimizer.step(model.grads)
        losses.append(loss)
    if setting.parallel_steps:
        train_narx_parallel(model, ys, us, setting, np.random.default_rng(seed + 1))
    seconds = time.perf_counter() - start
    one, free, test_y, one_pred, free_pred = narx_test_errors(model, setting.example, setting.test_length)
    return NarxRun(model, one, free, test_y, one_pred, free_pred, losses, seconds)


def train_narx_parallel(model, ys, us, setting: NarxSetting, rng) -> list:
    """Parallel (closed-loop) training: each step runs ``parallel_batch`` windows of ``parallel_window``
    steps free from their true history and backpropagates the free-run MSE through time. Returns losses."""
    optimizer, losses = Adam(model.params, lr=setting.parallel_lr), []
    Tw, p = setting.parallel_window, model.order
    for _ in range(setting.parallel_steps):
        starts = rng.integers(0, ys.shape[0] - Tw - p, size=setting.parallel_batch)
        yw = np.concatenate([ys[s:s + Tw + p] for s in starts], axis=1)      # (Tw+p, B, 1)
        uw = np.concatenate([us[s:s + Tw + p] for s in starts], axis=1)
        x, hx, target = model.free_run_setup(yw, uw)
        out, _ = model.forward(x, hx)
        loss, d_out = mse_loss(out, target)
        model.zero_grad()
        model.backward(d_out)
        optimizer.step(model.grads)
        losses.append(loss)
    return losses


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
    from .data.sunspots import load_sunspots
    from .scratch import NARX, TDNN

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
    hidden, readout = TDNN(1, setting.hidden, N, activation="tanh", rng=rng), TDNN(setting.hidden, 1, 1, rng=rng)
    params = {**{f"hidden.{k}": v for k, v in hidden.params.items()}, **{f"out.{k}": v for k, v in readout.params.items()}}
    grads = {**{f"hidden.{k}": v for k, v in hidden.grads.items()}, **{f"out.{k}": v for k, v in readout.grads.items()}}
    optimizer = Adam(params, lr=setting.lr)
    x_train, target = z[:train_end - 1, None, None], z[N:train_end, None, None]
    for _ in range(setting.tdnn_steps):
        _, d_out = mse_loss(readout.forward(hidden.forward(x_train)), target)
        hidden.zero_grad()
        readout.zero_grad()
        hidden.backward(readout.backward(d_out))
        optimizer.step(grads)
    result["TDNN"] = nmse(N, readout.forward(hidden.forward(z[:-1, None, None]))[:, 0, 0])

    narx = NARX(1, setting.hidden, 1, setting.hidden, output_delays=setting.output_delays, input_delays=N, rng=rng)
    optimizer = Adam(narx.params, lr=setting.lr)
    zs = z[:train_end, None, None]
    x, hx, target = narx.free_run_setup(zs, zs)    # input line: the observed series; output line: its own predictions
    for _ in range(setting.narx_steps):
        out, _ = narx.forward(x, hx)
        _, d_out = mse_loss(out, target)
        narx.zero_grad()
        narx.backward(d_out)
        optimizer.step(narx.grads)
    x, hx, _ = narx.free_run_setup(z[:, None, None], z[:, None, None])
    result["NARX"] = nmse(narx.order, narx.forward(x, hx)[0][:, 0, 0])
    return result


# ---- dropout in a recurrent language model (book/training.md, section sec-training-dropout) -------------
DROPOUT_SCHEMES = ("none", "per-step", "non-recurrent", "variational")
# where each scheme puts its masks: {connection: "step" (a new mask at every step) | "sequence" (one mask per
# sequence) | None}; the connections are the input x_t, the recurrent h_{t-1} -> W_hh and the output h_t -> decoder.
# None of them masks the LSTM's cell state c: that is Gal & Ghahramani's variational LSTM too. ("per-step" is
# per-step recurrent dropout; Gal & Ghahramani's "naive dropout" is the non-recurrent scheme of Zaremba et al.)
DROPOUT_PLACEMENT = {
    "none": {"x": None, "h": None, "out": None},
    "per-step": {"x": "step", "h": "step", "out": "step"},
    "non-recurrent": {"x": "step", "h": None, "out": "step"},            # Zaremba et al. (2014)
    "variational": {"x": "sequence", "h": "sequence", "out": "sequence"},   # Gal & Ghahramani (2016)
}


@dataclass(frozen=True)
class DropoutSetting:
    """A character-level LSTM language model on the first ``train_chars`` characters of gensim's Lee
    background corpus (lower-cased words joined by spaces, one line per document), validated on its last
    ``val_chars``: small enough data that the model overfits. Adam, norm clipping, fresh random windows of
    T characters every step; validation cross-entropy (nats per character, no dropout) every ``eval_every``
    steps on ``val_windows`` fixed windows."""

    hidden_size: int = 64
    embedding_size: int = 16
    T: int = 32
    batch_size: int = 16
    steps: int = 500
    p: float = 0.25
    train_chars: int = 4_000
    val_chars: int = 50_000
    val_windows: int = 128
    lr: float = 3e-3
    clip: float = 1.0
    eval_every: int = 50
    seeds: tuple = (0,)


DROPOUT_STUDY = DropoutSetting(seeds=tuple(range(4)))


def lee_characters() -> tuple[np.ndarray, str]:
    """gensim's Lee background corpus as character indices (N,) and its alphabet (a string, index order)."""
    from .data.gensim_data import lee_background

    text = "\n".join(" ".join(doc) for doc in lee_background())
    alphabet = "".join(sorted(set(text)))
    lookup = {c: i for i, c in enumerate(alphabet)}
    return np.array([lookup[c] for c in text], dtype=np.int64), alphabet


class StackedCharLSTM(torch.nn.Module):
    """M independent character LSTM language models computed together (one time loop for all of them).

    Model m: e_t = E_m[x_t] (E), a_t = (e_t * mx_t) W_ih + (h_{t-1} * mh_t) W_hh + b (4H, torch's gate order
    i, f, g, o; rows are vectors), c_t = f c_{t-1} + i g, h_t = o tanh(c_t), logits_t = (h_t * mo_t) W_out + b_out
    (V). Weights are stored transposed, stacked over models: W_ih (M, E, 4H), W_hh (M, H, 4H), W_out (M, H, V).
    The masks mx (M, T, B, E), mh (M, T, B, H), mo (M, T, B, H) are given (all ones: no dropout)."""

    def __init__(self, models: int, vocab: int, embedding_size: int, hidden_size: int):
        super().__init__()
        M, V, E, H = models, vocab, embedding_size, hidden_size
        k = 1 / np.sqrt(H)
        self.embedding = torch.nn.Parameter(torch.randn(M, V, E))
        self.weight_ih = torch.nn.Parameter(torch.empty(M, E, 4 * H).uniform_(-k, k))
        self.weight_hh = torch.nn.Parameter(torch.empty(M, H, 4 * H).uniform_(-k, k))
        self.bias = torch.nn.Parameter(torch.empty(M, 1, 4 * H).uniform_(-k, k))
        self.weight_out = torch.nn.Parameter(torch.empty(M, H, V).uniform_(-k, k))
        self.bias_out = torch.nn.Parameter(torch.empty(M, 1, V).uniform_(-k, k))
        self.hidden_size = H

    def forward(self, x, mx, mh, mo):
        """x (M, T, B) character indices -> logits (M, T, B, V)."""
        M, T, B = x.shape
        H = self.hidden_size
        one_hot = torch.nn.functional.one_hot(x.reshape(M, T * B), self.embedding.shape[1]).to(self.embedding.dtype)
        e = (one_hot @ self.embedding).reshape(M, T, B, -1) * mx                      # (M, T, B, E): rows of E_m
        u = (e.reshape(M, T * B, -1) @ self.weight_ih + self.bias).reshape(M, T, B, 4 * H)
        h = c = u.new_zeros(M, B, H)
        hs = []
        for u_t, mh_t in zip(u.unbind(1), mh.unbind(1)):      # unbind: one backward for all steps (not T selects)
            a = u_t + (h * mh_t) @ self.weight_hh
            i, f, g, o = a.chunk(4, dim=-1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            hs.append(h)
        out = torch.stack(hs, dim=1) * mo                                            # (M, T, B, H)
        return (out.reshape(M, T * B, H) @ self.weight_out + self.bias_out).reshape(M, T, B, -1)


def dropout_masks(schemes, T: int, B: int, size: int, connection: str, p: float, generator=None):
    """Masks (M, T, B, size) for ``connection`` ("x", "h" or "out") of each model's scheme: Bernoulli(1-p)/(1-p),
    drawn anew at every step ("step"), once per sequence and repeated over T ("sequence"), or ones."""
    keep = 1.0 - p
    masks = []
    for scheme in schemes:
        where = DROPOUT_PLACEMENT[scheme][connection]
        if where is None or p == 0.0:
            masks.append(torch.ones(T, B, size))
        else:
            shape = (T if where == "step" else 1, B, size)
            masks.append((torch.rand(shape, generator=generator) < keep).float().div(keep).expand(T, B, size))
    return torch.stack(masks)


def _clip_per_model(params, max_norm: float) -> None:
    """Global-norm clipping (Pascanu et al. 2013) of each model's own gradients (dimension 0 indexes models)."""
    sq = sum(p.grad.pow(2).reshape(p.shape[0], -1).sum(dim=1) for p in params)
    scale = (max_norm / (sq.sqrt() + 1e-6)).clamp(max=1.0)
    for p in params:
        p.grad.mul_(scale.reshape(-1, *([1] * (p.dim() - 1))))


@dataclass
class DropoutRun:
    """Validation cross-entropy curves (nats per character) of each (scheme, seed), at ``steps``."""

    steps: list
    val_loss: dict                         # (scheme, seed) -> list of floats
    train_loss: dict                       # (scheme, seed) -> list of floats (with that scheme's dropout)
    seconds: float = 0.0

    def final(self, scheme: str, seed: int) -> float:
        return self.val_loss[scheme, seed][-1]

    def best(self, scheme: str, seed: int) -> float:
        return min(self.val_loss[scheme, seed])


def train_dropout_study(setting: DropoutSetting = DROPOUT_STUDY, schemes=DROPOUT_SCHEMES, seeds=None) -> DropoutRun:
    """Train one model per (scheme, seed) in ``setting``, all together (:class:`StackedCharLSTM`). Model (scheme,
    seed) gets its initial weights and training windows from ``seed`` (so the schemes of one seed start from the
    same weights and see the same windows) and its masks from (scheme, seed), so a run does not depend on which
    other schemes or seeds train beside it. Single-threaded runs are reproducible."""
    seeds = tuple(setting.seeds if seeds is None else seeds)
    unknown = [s for s in schemes if s not in DROPOUT_SCHEMES]
    if unknown or not schemes:
        raise ValueError(f"schemes must be a non-empty selection of {DROPOUT_SCHEMES}; got {tuple(schemes)!r}")
    data, alphabet = lee_characters()
    train_text, val_text = data[:setting.train_chars], data[-setting.val_chars:]
    labels = [(s, seed) for seed in seeds for s in schemes]
    M, V, T, B = len(labels), len(alphabet), setting.T, setting.batch_size
    model = StackedCharLSTM(M, V, setting.embedding_size, setting.hidden_size)
    with torch.no_grad():                                   # each seed's weights, shared by its schemes
        for seed in seeds:
            torch.manual_seed(seed)
            one = StackedCharLSTM(1, V, setting.embedding_size, setting.hidden_size)
            for m, (_, s) in enumerate(labels):
                if s == seed:
                    for p, q in zip(model.parameters(), one.parameters()):
                        p[m] = q[0]
    params = list(model.parameters())
    optimizer = torch.optim.Adam(params, lr=setting.lr)
    rngs = {seed: np.random.default_rng(seed) for seed in seeds}
    # one mask stream per (scheme, seed): a run's masks do not depend on which other schemes train beside it
    gens = {(s, seed): torch.Generator().manual_seed(10_000 + 100 * seed + DROPOUT_SCHEMES.index(s)) for s, seed in labels}

    def windows(rng, text, n):
        starts = rng.integers(0, len(text) - T - 1, n)
        return np.stack([text[s:s + T + 1] for s in starts], axis=1)       # (T + 1, n)

    val = torch.from_numpy(windows(np.random.default_rng(123_457), val_text, setting.val_windows))
    val_x, val_y = val[:-1].expand(M, T, -1), val[1:].expand(M, T, -1)
    ones = {size: torch.ones(M, T, setting.val_windows, size) for size in (setting.embedding_size, setting.hidden_size)}
    run = DropoutRun([], {k: [] for k in labels}, {k: [] for k in labels})
    start = time.perf_counter()
    for step in progress(range(1, setting.steps + 1), desc="dropout"):
        batch = {seed: torch.from_numpy(windows(rngs[seed], train_text, B)) for seed in seeds}
        x = torch.stack([batch[seed][:-1] for _, seed in labels])
        y = torch.stack([batch[seed][1:] for _, seed in labels])
        masks = [torch.cat([dropout_masks([s], T, B, size, conn, setting.p, gens[s, seed]) for s, seed in labels])
                 for conn, size in (("x", setting.embedding_size), ("h", setting.hidden_size), ("out", setting.hidden_size))]
        logits = model(x, *masks)
        losses = torch.nn.functional.cross_entropy(logits.reshape(M * T * B, V), y.reshape(-1),
                                                   reduction="none").reshape(M, -1).mean(dim=1)
        optimizer.zero_grad()
        losses.sum().backward()                             # the models share nothing: each gets its own gradient
        _clip_per_model(params, setting.clip)
        optimizer.step()
        if step % setting.eval_every == 0:
            with torch.no_grad():
                logits = model(val_x, ones[setting.embedding_size], ones[setting.hidden_size], ones[setting.hidden_size])
                val_losses = torch.nn.functional.cross_entropy(
                    logits.reshape(-1, V), val_y.reshape(-1), reduction="none").reshape(M, -1).mean(dim=1)
            run.steps.append(step)
            for m, key in enumerate(labels):
                run.val_loss[key].append(float(val_losses[m]))
                run.train_loss[key].append(float(losses[m].detach()))
    run.seconds = time.perf_counter() - start
    return run


# ---- clipping on a training run (book/training.md, section sec-training-clipping) ----------------------
CLIP_KINDS = ("none", "norm", "value")


@dataclass(frozen=True)
class ClipSetting:
    """A tanh torch.nn.RNN (+ linear read-out of the last output) on the adding problem, trained by plain SGD
    on fresh batches, with W_hh initialised to ``gain`` times a random orthogonal matrix (spectral radius
    ``gain`` > 1: gradients explode). Clipping: none, global norm at ``norm_threshold`` (Pascanu et al. 2013),
    or every entry to [-value_threshold, value_threshold]."""

    T: int = 10
    hidden_size: int = 32
    batch_size: int = 32
    steps: int = 600
    lr: float = 0.2
    gain: float = 1.2
    norm_threshold: float = 1.0
    value_threshold: float = 0.1
    seeds: tuple = (0,)


CLIP_STUDY = ClipSetting(seeds=tuple(range(8)))


@dataclass
class ClipRun:
    """Training loss and gradient norm (before clipping) at every step; a run stops at its first non-finite loss."""

    kind: str
    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)

    @property
    def diverged_at(self) -> int | None:
        """The first step (1-based) whose loss was not finite, or None."""
        return len(self.loss) if self.loss and not np.isfinite(self.loss[-1]) else None

    def mean_last(self, n: int = 100) -> float:
        return float(np.mean(self.loss[-n:]))


def train_clipping(kind: str, setting: ClipSetting = CLIP_STUDY, seed: int = 0) -> ClipRun:
    """One run of ``setting`` with clipping ``kind`` ("none", "norm" or "value"). The weights and batches come
    from ``seed`` alone, so the three kinds of one seed start alike and see the same batches."""
    if kind not in CLIP_KINDS:
        raise ValueError(f"kind must be one of {CLIP_KINDS}; got {kind!r}")
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(2, setting.hidden_size)
    head = torch.nn.Linear(setting.hidden_size, 1)
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((setting.hidden_size, setting.hidden_size)))
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.from_numpy(setting.gain * q))
    params = list(rnn.parameters()) + list(head.parameters())
    optimizer = torch.optim.SGD(params, lr=setting.lr)
    run = ClipRun(kind)
    for _ in range(setting.steps):
        x, y = adding_problem(setting.T, setting.batch_size, rng=rng)
        out, _ = rnn(torch.from_numpy(x))
        loss = torch.nn.functional.mse_loss(head(out[-1]), torch.from_numpy(y))
        optimizer.zero_grad()
        loss.backward()
        norm = torch.nn.utils.get_total_norm([p.grad for p in params])
        run.loss.append(loss.item())
        run.grad_norm.append(norm.item())
        if not (np.isfinite(run.loss[-1]) and np.isfinite(run.grad_norm[-1])):
            run.loss[-1] = float("inf")
            break
        if kind == "norm":
            torch.nn.utils.clip_grad_norm_(params, setting.norm_threshold)
        elif kind == "value":
            torch.nn.utils.clip_grad_value_(params, setting.value_threshold)
        optimizer.step()
    return run
