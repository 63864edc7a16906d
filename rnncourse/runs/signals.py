"""The runs of book/images-and-signals.md: captioning, forecasting and EEG-style classification.

One set of named settings shared by the chapter, the seed study ``benchmarks/experiments/signals_seeds.py``
and ``tests/test_claims_signals.py``, so a number the chapter quotes and the test asserting it cannot
drift apart. The page runs the ``*_PAGE`` settings (small, seconds); the seed study runs ``*_STUDY``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch

from ..bleu import bleu_scores
from ..data.scenes import compositional_split, digit_strips, shape_scenes
from ..decoding import beam_search, greedy_decode
from ..torch.captioning import ShowAndTell
from ..torch.eeg import ConvOnly, RecurrentConv, RecurrentOnly
from ..torch.forecaster import Forecaster
from . import loop

# ---- captioning ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptionSetting:
    """Show-and-Tell training: Adam, minibatches of ``batch_size`` scenes drawn with replacement of batches."""

    steps: int
    data: str = "scenes"                  # "scenes" (1,000 scenes: 800 train, 200 held out) or "digits"
    embed_size: int = 32
    hidden_size: int = 64
    channels: tuple = (8, 16)
    batch_size: int = 32
    lr: float = 3e-3
    beam_width: int = 3
    held_out_pairs: tuple = ()            # non-empty: the compositional split
    seeds: tuple = (0,)
    n_train: int = 800                    # training scenes (the 200 held-out scenes are always the same)


HELD_OUT_PAIRS = (("red", "triangle"), ("blue", "circle"), ("green", "square"), ("yellow", "circle"))
# The shipped captioners (benchmarks/pretrained/train_captioner*.py -> rnncourse/pretrained): 6,000 training
# scenes, 3,000 Adam steps of 64, a wider encoder and decoder. book/images-and-signals.md evaluates them live.
CAPTION_SHIPPED = CaptionSetting(steps=3000, n_train=6000, hidden_size=128, channels=(16, 32), batch_size=64)
COMPOSITIONAL_SHIPPED = CaptionSetting(steps=3000, n_train=6000, hidden_size=128, channels=(16, 32), batch_size=64,
                                       held_out_pairs=HELD_OUT_PAIRS)
SHIPPED_CAPTIONERS = {"captioner_scenes": CAPTION_SHIPPED, "captioner_compositional": COMPOSITIONAL_SHIPPED}
DIGITS_PAGE = CaptionSetting(steps=1000, data="digits")                   # book/images-and-signals.md
DIGITS_STUDY = CaptionSetting(steps=1000, data="digits", seeds=(0, 1, 2, 3, 4))   # signals_seeds.py, claims test


def caption_data(setting: CaptionSetting, seed: int = 0):
    """(train, test) CaptionData of a setting. The scene data do not depend on the training seed."""
    if setting.held_out_pairs:
        return compositional_split(setting.n_train, 200, setting.held_out_pairs, seed=0)
    if setting.data == "digits":
        return digit_strips(1000, 3, seed=0, part="train"), digit_strips(200, 3, seed=1, part="test")
    data = shape_scenes(1000, seed=0)
    test = data.subset(np.arange(800, 1000))                  # the 200 held-out scenes of every setting
    if setting.n_train <= 800:
        return data.subset(np.arange(setting.n_train)), test
    return shape_scenes(setting.n_train, seed=7), test          # a stream of its own: new images


@dataclass
class CaptionRun:
    model: ShowAndTell
    losses: list
    greedy: list                    # greedy captions of the test images (strings)
    beam: list                      # best beam-search captions
    references: list                # the true test captions
    seconds: float = 0.0
    metrics: dict = field(default_factory=dict)


def position_accuracy(candidates, references) -> float:
    """The fraction of reference words that the candidate caption has at the same position (a missing word
    is wrong): on the digit strips, the fraction of digits read right."""
    right = total = 0
    for cand, ref in zip(candidates, references, strict=True):
        c, r = cand.split(), ref.split()
        right += sum(a == b for a, b in zip(c, r))
        total += len(r)
    return right / total


def caption_step_fn(model: ShowAndTell, image):
    return model.step_function(np.asarray(image, dtype=np.float32))


def new_captioner(setting: CaptionSetting, train, seed: int = 0) -> ShowAndTell:
    """A freshly initialised torch Show-and-Tell model of the setting's sizes (torch seeded with ``seed``)."""
    torch.manual_seed(seed)
    return ShowAndTell(train.images.shape[1:], len(train.vocab), setting.embed_size, setting.hidden_size,
                       setting.channels)


def load_captioner(name: str):
    """(model, Pretrained) of a shipped captioner (a name of SHIPPED_CAPTIONERS), weights loaded in float32."""
    from .. import pretrained
    from ..data.scenes import SCENE_VOCAB

    shipped = pretrained.load(name)
    setting = SHIPPED_CAPTIONERS[name]
    torch.manual_seed(0)
    model = ShowAndTell((3, 16, 16), len(SCENE_VOCAB), setting.embed_size, setting.hidden_size, setting.channels)
    model.load_state_dict({k: torch.tensor(v, dtype=torch.float32) for k, v in shipped.state_dict.items()})
    return model, shipped


def fit_captioner(model: ShowAndTell, setting: CaptionSetting, train, seed: int = 0, steps: int | None = None,
                  every: int = 100, desc: str = "captioner") -> list:
    """Adam on minibatches of ``setting.batch_size`` training captions (teacher forcing, padding masked) for
    ``steps`` (default ``setting.steps``) steps; returns the learning curve [[step, mean loss of the last
    ``every`` steps], ...]."""
    X, Y = torch.tensor(train.images, dtype=torch.float32), torch.tensor(train.tokens)

    def batch(rng):
        return torch.from_numpy(rng.choice(len(Y), setting.batch_size, replace=False))

    task = loop.objective(lambda idx: model.loss(X[idx], Y[idx]), model=model)
    run = loop.train(task, batch, setting, seed, label=desc, clip=None, steps=steps or setting.steps)
    return [[step, float(np.mean(run.loss[step - every:step]))] for step in range(every, len(run.loss) + 1, every)]


def evaluate_captioner(model: ShowAndTell, test, beam_width: int = 3) -> dict:
    """Decode every test image greedily and by beam search (skipped when ``beam_width`` is 0); returns {"greedy", "beam", "references"} (caption
    strings) and "metrics": exact match (greedy, beam), token accuracy under teacher forcing, word accuracy of
    the greedy captions (:func:`position_accuracy`; per digit on the strips), BLEU-1..4 of the greedy captions."""
    vocab, max_len = test.vocab, test.tokens.shape[1]
    greedy, beam = [], []
    for image in test.images:
        step, state = caption_step_fn(model, image)
        greedy.append(vocab.decode(greedy_decode(step, state, vocab.start, vocab.end, max_len).tokens))
        if beam_width:
            step, state = caption_step_fn(model, image)
            best = beam_search(step, state, vocab.start, vocab.end, max_len, beam_width=beam_width)[0]
            beam.append(vocab.decode(best.tokens))
    with torch.no_grad():
        Yt = torch.tensor(test.tokens)
        pred = model(torch.tensor(test.images, dtype=torch.float32), Yt[:, :-1]).argmax(-1)
        mask = Yt[:, 1:] != vocab.pad
        token_acc = float((pred == Yt[:, 1:])[mask].float().mean())
    refs = test.captions
    metrics = {"exact_greedy": float(np.mean([g == r for g, r in zip(greedy, refs)])),
               "exact_beam": float(np.mean([b == r for b, r in zip(beam, refs)])) if beam_width else float("nan"),
               "token_accuracy": token_acc,
               "word_accuracy": position_accuracy(greedy, refs),
               **bleu_scores([[r.split()] for r in refs], [g.split() for g in greedy])}
    return {"greedy": greedy, "beam": beam, "references": refs, "metrics": metrics}


def train_captioner(setting: CaptionSetting, seed: int = 0, data=None) -> CaptionRun:
    """Train the torch Show-and-Tell model with teacher forcing (:func:`fit_captioner`), then decode and score
    the test images (:func:`evaluate_captioner`)."""
    start = time.perf_counter()
    train, test = data or caption_data(setting, seed)
    model = new_captioner(setting, train, seed)
    curve = fit_captioner(model, setting, train, seed, every=1)
    out = evaluate_captioner(model, test, setting.beam_width)
    return CaptionRun(model, [loss for _, loss in curve], out["greedy"], out["beam"], out["references"],
                      time.perf_counter() - start, out["metrics"])


def blind_exact_match(train, test) -> float:
    """Exact match of the best image-blind captioner: always say the most frequent training caption."""
    from collections import Counter
    most = Counter(train.captions).most_common(1)[0][0]
    return float(np.mean([c == most for c in test.captions]))


# ---- forecasting -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ForecastSetting:
    """Monthly CO2: fit on the months before ``split_year``; forecast ``horizon`` months ahead from every
    origin in the held-out months (``context`` months read). Networks model the month-to-month change."""

    split_year: float = 1990.0
    context: int = 24
    horizon: int = 12
    hidden_size: int = 16
    window: int = 36                       # training sequences: ``window`` monthly changes...
    stride: int = 4                        # ...starting every ``stride`` months
    steps: int = 150
    lr: float = 1e-2
    ar_order: int = 24
    seeds: tuple = (0,)


FORECAST_PAGE = ForecastSetting()                                             # book/images-and-signals.md
FORECAST_STUDY = ForecastSetting(seeds=(0, 1, 2, 3, 4))                      # signals_seeds.py, claims test


def _changes_windows(d, window: int, outputs: int, stride: int = 1):
    """Training sequences of a change series d: inputs (window, N, 1), targets (window, N, outputs), target
    [t, n, k] = d[start_n + t + 1 + k]."""
    starts = np.arange(0, d.size - window - outputs + 1, stride)
    x = np.stack([d[s:s + window] for s in starts], axis=1)[..., None]
    y = np.stack([np.stack([d[s + 1 + k:s + 1 + k + window] for k in range(outputs)], -1) for s in starts], axis=1)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


@dataclass
class ForecastRun:
    rmse: dict                      # {"seasonal naive", "seasonal naive + drift", "linear AR", "LSTM direct",
                                    #  "LSTM recursive"}: ppm
    by_horizon: dict                # the same, RMSE per horizon 1..H (H,)
    forecasts: dict                 # the same: (origins, H) forecasts in ppm
    truth: np.ndarray               # (origins, H)
    origin_months: np.ndarray       # decimal year of the last month read, per origin
    seconds: float = 0.0


def co2_split(setting: ForecastSetting):
    """(months, ppm, n_train): the monthly series and the number of months before the split year."""
    from ..data.co2 import load_co2_monthly
    months, ppm, _ = load_co2_monthly()
    return months, ppm, int(np.sum(months < setting.split_year))


def fit_ar(d, order: int):
    """Least-squares AR(order) with intercept on a series d: returns coefficients (order + 1,), newest lag first."""
    from ..data.co2 import forecast_windows
    X, y = forecast_windows(d, order, 1)
    A = np.hstack([X[:, ::-1], np.ones((len(X), 1))])
    return np.linalg.lstsq(A, y[:, 0], rcond=None)[0]


def forecast_comparison(setting: ForecastSetting = FORECAST_PAGE, seed: int = 0) -> ForecastRun:
    """Seasonal naive (with and without drift), linear AR (recursive, on the monthly changes) and the LSTM
    forecaster (direct and recursive) on the same held-out origins; RMSE in ppm over all origins and horizons."""
    start = time.perf_counter()
    months, ppm, n_train = co2_split(setting)
    C, Hz = setting.context, setting.horizon
    d = np.diff(ppm)                                            # d[i] = ppm[i + 1] - ppm[i]
    d_train = d[:n_train - 1]
    mu, sd = d_train.mean(), d_train.std()
    origins = np.arange(n_train - 1, ppm.size - Hz)            # index of the last month read
    truth = np.stack([ppm[o + 1:o + 1 + Hz] for o in origins])
    last = ppm[origins][:, None]
    forecasts = {"seasonal naive": np.stack([ppm[o + 1 - 12:o + 1 - 12 + Hz] for o in origins])}
    # the same month last year plus last year's rise: the seasonal naive forecast with drift
    forecasts["seasonal naive + drift"] = forecasts["seasonal naive"] + (ppm[origins] - ppm[origins - 12])[:, None]
    coef = fit_ar(d_train, setting.ar_order)
    p = setting.ar_order
    hist = np.stack([d[o - p:o] for o in origins])             # the last p changes before each origin
    steps = []
    for _ in range(Hz):
        nxt = hist[:, ::-1][:, :p] @ coef[:p] + coef[p]
        steps.append(nxt)
        hist = np.hstack([hist[:, 1:], nxt[:, None]])
    forecasts["linear AR"] = last + np.cumsum(np.stack(steps, 1), 1)
    z = (d - mu) / sd
    ctx = torch.tensor(np.stack([z[o - C:o] for o in origins], 1)[..., None], dtype=torch.float32)   # (C, N, 1)
    for kind, outputs in (("LSTM direct", Hz), ("LSTM recursive", 1)):
        torch.manual_seed(seed)
        model = Forecaster(setting.hidden_size, outputs)
        X, Y = _changes_windows(z[:n_train - 1], setting.window, outputs, setting.stride)
        task = loop.objective(lambda batch, model=model: torch.mean((model(batch[0])[0] - batch[1]) ** 2), model=model)
        loop.train(task, lambda rng, batch=(X, Y): batch, setting, seed, label=kind, clip=None)    # full batch
        with torch.no_grad():
            y, state = model(ctx)
            if outputs == Hz:
                pred = y[-1].numpy()                                      # (N, Hz)
            else:
                preds, nxt = [], y[-1]
                for _ in range(Hz):
                    preds.append(nxt[:, 0].numpy())
                    y, state = model(nxt[None], state)
                    nxt = y[-1]
                pred = np.stack(preds, 1)
        forecasts[kind] = last + np.cumsum(pred * sd + mu, 1)
    by_h = {k: np.sqrt(np.mean((f - truth) ** 2, axis=0)) for k, f in forecasts.items()}
    rmse = {k: float(np.sqrt(np.mean((f - truth) ** 2))) for k, f in forecasts.items()}
    return ForecastRun(rmse, by_h, forecasts, truth, months[origins], time.perf_counter() - start)


# ---- forecasting a nonlinear plant (Narendra & Parthasarathy 1990, Example 2) ------------------------
@dataclass(frozen=True)
class PlantSetting:
    """Forecast y(k+1), ..., y(k+horizon) of a Narendra-Parthasarathy plant from every origin k of a held-out
    run, knowing y up to k and the input u up to k+horizon-1 (the input is planned, so known; the plant's
    response is what is forecast). Training and held-out runs are driven by two different random inputs
    (uniform on [-2, 2], rnncourse.data.narendra.training_input) drawn from two different seeds; the training
    seed of a run only changes the LSTM's initial weights and minibatches."""

    example: int = 2
    output_lags: int = 2                  # the ARX model reads y(k), y(k-1) ...
    input_lags: int = 1                   # ... and u(k): the plant's own lags
    train_length: int = 2000
    test_length: int = 1000
    train_input_seed: int = 0
    test_input_seed: int = 1
    horizon: int = 10
    first_origin: int = 50                # the LSTM reads the held-out run from its start before the first origin
    hidden_size: int = 32
    window: int = 100                     # training windows of ``window`` steps ...
    burn_in: int = 20                     # ... scored after their first ``burn_in`` steps (the state warms up)
    batch_size: int = 32
    steps: int = 400                      # Adam, learning rate annealed from lr to 0 (cosine)
    lr: float = 1e-2
    seeds: tuple = (0,)


PLANT_PAGE = PlantSetting()                                                  # book/images-and-signals.md
PLANT_STUDY = PlantSetting(seeds=(0, 1, 2, 3, 4, 5, 6, 7))                  # signals_seeds.py, claims test


def plant_data(setting: PlantSetting):
    """((u, y) training run, (u, y) held-out run), each (K,) with y[k+1] the plant's response to u[k]."""
    from ..data.narendra import plant, training_input

    if setting.train_input_seed == setting.test_input_seed:
        raise ValueError("the held-out input must come from another seed than the training input; got "
                         f"train_input_seed = test_input_seed = {setting.train_input_seed}")
    runs = []
    for K, seed in ((setting.train_length, setting.train_input_seed), (setting.test_length, setting.test_input_seed)):
        u = training_input(K, rng=seed)
        runs.append((u, plant(setting.example, u)))
    return tuple(runs)


def fit_arx(y, u, output_lags: int, input_lags: int):
    """Least-squares ARX model with intercept, y(k+1) = [y(k), ..., y(k-q_y+1), u(k), ..., u(k-q_u+1), 1] a,
    on one run y (K,), u (K,). Returns a (q_y + q_u + 1,) in that order (the regressors of
    :func:`rnncourse.scratch.lagged_regressors`)."""
    from ..scratch import lagged_regressors

    r, target = lagged_regressors(np.asarray(y, float)[:, None, None], np.asarray(u, float)[:, None, None],
                                  output_lags, input_lags)
    A = np.hstack([r[:, 0], np.ones((r.shape[0], 1))])
    return np.linalg.lstsq(A, target[:, 0, 0], rcond=None)[0]


def _check_origins(origins, K: int, horizon: int, first: int = 0):
    """Origins k with first <= k and k + horizon < K (each forecast's target and inputs inside the run)."""
    origins = np.asarray(origins)
    if origins.ndim != 1 or origins.size == 0 or not np.issubdtype(origins.dtype, np.integer):
        raise ValueError(f"origins must be a non-empty 1-D integer array; got {origins.dtype} of shape {origins.shape}")
    if origins.min() < first or origins.max() + horizon >= K:
        raise ValueError(f"origins must lie in [{first}, {K - horizon - 1}] for a run of K={K} steps and "
                         f"horizon {horizon}; got {origins.min()}..{origins.max()}")
    return origins


def arx_forecasts(coef, y, u, output_lags: int, input_lags: int, origins, horizon: int):
    """Run the ARX model free from each origin k (true y up to k, known u): (N origins, horizon) forecasts
    of y(k+1..k+horizon). coef (q_y + q_u + 1,) from :func:`fit_arx`; y, u (K,)."""
    coef = np.asarray(coef, dtype=np.float64)
    if coef.shape != (output_lags + input_lags + 1,):
        raise ValueError(f"coef must have shape ({output_lags + input_lags + 1},) for {output_lags} output and "
                         f"{input_lags} input lags plus the intercept; got {coef.shape}")
    origins = _check_origins(origins, len(y), horizon, max(output_lags, input_lags) - 1)
    ylags = np.stack([y[origins - i] for i in range(output_lags)], 1)          # (N, q_y), newest first
    out = []
    for j in range(horizon):
        ulags = np.stack([u[origins + j - i] for i in range(input_lags)], 1)
        nxt = np.hstack([ylags, ulags, np.ones((len(origins), 1))]) @ coef
        out.append(nxt)
        ylags = np.hstack([nxt[:, None], ylags[:, :-1]])
    return np.stack(out, 1)


def fit_plant_lstm(setting: PlantSetting, y, u, seed: int = 0):
    """Train the LSTM forecaster (:class:`Forecaster`, reading x_k = [y(k)/s, u(k)], emitting y(k+1)/s with s
    the training run's standard deviation of y) with teacher forcing on random windows of the training run.
    Returns (model, s, final minibatch loss)."""
    scale = float(np.std(y))
    torch.manual_seed(seed)
    model = Forecaster(setting.hidden_size, 1, inputs=2)
    X = torch.tensor(np.stack([y[:-1] / scale, u[:-1]], -1)[:, None], dtype=torch.float32)    # (K-1, 1, 2)
    Y = torch.tensor(y[1:, None, None] / scale, dtype=torch.float32)                         # (K-1, 1, 1)
    W, b = setting.window, setting.burn_in

    def windows(rng):
        starts = rng.integers(0, X.shape[0] - W, size=setting.batch_size)
        return torch.cat([X[s:s + W] for s in starts], 1), torch.cat([Y[s:s + W] for s in starts], 1)

    task = loop.objective(lambda batch: torch.mean((model(batch[0])[0][b:] - batch[1][b:]) ** 2), model=model)
    lrs = cosine_lrs(setting.lr, setting.steps)
    run = loop.train(task, windows, setting, seed, label="plant LSTM", clip=None, schedule=lambda step: lrs[step - 1])
    return model, scale, run.loss[-1]


def cosine_lrs(lr: float, steps: int) -> list:
    """The learning rate of each of ``steps`` steps under torch's CosineAnnealingLR(T_max=steps) from ``lr``
    down to 0, exactly as the scheduler computes them (its recursive form differs from the closed form in the
    last bits)."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()                                   # the scheduler expects a step first
        schedule.step()
    return lrs


@torch.no_grad()
def lstm_plant_forecasts(model: Forecaster, scale: float, y, u, origins, horizon: int):
    """Read the run up to each origin k (true y), then run free, fed its own forecasts and the known u:
    (N origins, horizon) forecasts of y(k+1..k+horizon). y, u (K,)."""
    origins = _check_origins(origins, len(y), horizon)
    x = torch.tensor(np.stack([y / scale, u], -1)[:, None], dtype=torch.float32)             # (K, 1, 2)
    hs, cs, state = [], [], None
    for k in range(int(origins.max()) + 1):
        _, state = model.lstm(x[k:k + 1], state)
        hs.append(state[0])
        cs.append(state[1])
    state = (torch.cat([hs[o] for o in origins], 1), torch.cat([cs[o] for o in origins], 1))  # (1, N, H)
    nxt = model.out(state[0][0])                                                             # (N, 1)
    out = [nxt[:, 0]]
    for j in range(1, horizon):
        step_in = torch.cat([nxt, torch.tensor(u[origins + j, None], dtype=torch.float32)], 1)[None]
        y_j, state = model(step_in, state)
        nxt = y_j[0]
        out.append(nxt[:, 0])
    return torch.stack(out, 1).numpy().astype(np.float64) * scale


@dataclass
class PlantRun:
    rmse: dict                      # {"persistence", "linear ARX", "LSTM"}: RMSE over all origins and horizons
    by_horizon: dict                # the same, RMSE per horizon 1..H (H,)
    forecasts: dict                 # the same: (origins, H) forecasts of y
    truth: np.ndarray               # (origins, H): y(k+1..k+H)
    origins: np.ndarray             # k, the last step of the held-out run read
    train_loss: float = 0.0
    seconds: float = 0.0


def plant_comparison(setting: PlantSetting = PLANT_PAGE, seed: int = 0, data=None) -> PlantRun:
    """Persistence (y(k+h) = y(k)), the linear ARX model (least squares on the training run, the plant's lags)
    and the LSTM forecaster on the held-out run, from every origin, horizons 1..H."""
    start = time.perf_counter()
    (u_tr, y_tr), (u_te, y_te) = data or plant_data(setting)
    H = setting.horizon
    origins = np.arange(setting.first_origin, y_te.size - H)
    truth = np.stack([y_te[o + 1:o + 1 + H] for o in origins])
    coef = fit_arx(y_tr, u_tr, setting.output_lags, setting.input_lags)
    model, scale, loss = fit_plant_lstm(setting, y_tr, u_tr, seed)
    forecasts = {"persistence": np.repeat(y_te[origins, None], H, axis=1),
                 "linear ARX": arx_forecasts(coef, y_te, u_te, setting.output_lags, setting.input_lags, origins, H),
                 "LSTM": lstm_plant_forecasts(model, scale, y_te, u_te, origins, H)}
    by_horizon = {k: np.sqrt(np.mean((f - truth) ** 2, axis=0)) for k, f in forecasts.items()}
    rmse = {k: float(np.sqrt(np.mean((f - truth) ** 2))) for k, f in forecasts.items()}
    return PlantRun(rmse, by_horizon, forecasts, truth, origins, loss, time.perf_counter() - start)


# ---- EEG-style classification ------------------------------------------------------------------------
@dataclass(frozen=True)
class EEGSetting:
    """Synthetic trials (rnncourse.data.eeg): ``n_train`` + ``n_test``, windows of ``window`` samples for the
    recurrent-convolutional model; three models of about the same number of parameters; Adam on minibatches."""

    n_train: int = 400
    n_test: int = 200
    window: int = 20                       # 0.25 s at 80 Hz: 8 windows in a 2 s trial
    steps: int = 300
    batch_size: int = 50
    lr: float = 1e-2
    seeds: tuple = (0,)


EEG_PAGE = EEGSetting()                                                      # book/images-and-signals.md
EEG_STUDY = EEGSetting(seeds=(0, 1, 2, 3, 4))                              # signals_seeds.py, claims test


EEG_MODELS = {"conv-only": ConvOnly, "recurrent-only": RecurrentOnly, "recurrent-convolutional": RecurrentConv}


def eeg_data(setting: EEGSetting):
    from ..data.eeg import synthetic_eeg
    x, y = synthetic_eeg(setting.n_train + setting.n_test, seed=0)
    x = x / x[:setting.n_train].std()
    n = setting.n_train
    return (x[:n], y[:n]), (x[n:], y[n:])


def eeg_comparison(setting: EEGSetting = EEG_PAGE, seed: int = 0, data=None, models=tuple(EEG_MODELS)) -> dict:
    """Test accuracy of each of ``models`` (names in EEG_MODELS) after ``steps`` Adam steps; also their sizes."""
    (xtr, ytr), (xte, yte) = data or eeg_data(setting)
    Xtr, Ytr = torch.tensor(xtr, dtype=torch.float32), torch.tensor(ytr)
    Xte = torch.tensor(xte, dtype=torch.float32)
    accuracy, sizes = {}, {}
    for name in models:
        cls = EEG_MODELS[name]
        torch.manual_seed(seed)
        model = cls(window=setting.window) if cls is RecurrentConv else cls()
        sizes[name] = sum(p.numel() for p in model.parameters())
        task = loop.objective(lambda idx, model=model: torch.nn.functional.cross_entropy(model(Xtr[idx]), Ytr[idx]),
                              model=model)
        loop.train(task, lambda rng: torch.from_numpy(rng.choice(len(Ytr), setting.batch_size, replace=False)),
                   setting, seed, label=name, clip=None)
        with torch.no_grad():
            accuracy[name] = float((model(Xte).argmax(1).numpy() == yte).mean())
    return {"accuracy": accuracy, "parameters": sizes}


def blind_token_accuracy(train, test) -> float:
    """The teacher-forced token accuracy of the best image-blind predictor the training captions define:
    after each prefix <start> S_1..S_t, guess the next token most often seen after that prefix in training
    (grammar alone: "a", "of", <end> are certain; a colour, a shape or a relation is a guess)."""
    from collections import Counter, defaultdict
    nxt = defaultdict(Counter)
    for row in train.tokens.tolist():
        for t in range(1, len(row)):
            nxt[tuple(row[:t])][row[t]] += 1
    right = total = 0
    for row in test.tokens.tolist():
        for t in range(1, len(row)):
            if row[t] == train.vocab.pad:
                break
            counts = nxt.get(tuple(row[:t]))
            right += bool(counts) and counts.most_common(1)[0][0] == row[t]
            total += 1
    return right / total


def ship_captioner(name: str, script: str, seed: int = 0) -> dict:
    """Train the shipped captioner ``name`` (a key of SHIPPED_CAPTIONERS) from ``seed``, score it on its 200
    held-out scenes, and write its weights and manifest with :func:`rnncourse.pretrained.save`; returns the
    manifest. ``script`` is the training script's path relative to the repository root."""
    import dataclasses
    import datetime

    from .. import pretrained

    setting = SHIPPED_CAPTIONERS[name]
    commit = pretrained.git_commit()                      # the code that trains, before anything can change
    cpu, wall = time.process_time(), time.perf_counter()
    train, test = caption_data(setting)
    model = new_captioner(setting, train, seed)
    curve = fit_captioner(model, setting, train, seed, desc=name)
    metrics = evaluate_captioner(model, test, setting.beam_width)["metrics"]
    manifest = {"script": script, "seed": seed, "settings": dataclasses.asdict(setting),
                "commit": commit, "cpu_seconds": time.process_time() - cpu,
                "wall_seconds": time.perf_counter() - wall, "metrics": metrics,
                "curve_metric": "training loss (masked cross-entropy, nats), mean of the last 100 steps",
                "curve": curve, "created": datetime.date.today().isoformat(), "versions": pretrained.versions()}
    pretrained.save(name, {k: v.detach().numpy() for k, v in model.state_dict().items()}, manifest)
    return manifest


def held_out_object_report(captions, test, held_out_pairs=HELD_OUT_PAIRS) -> dict:
    """What a captioner said about each held-out (colour, shape) object of the compositional test scenes.

    ``captions`` are the model's captions of ``test`` (strings), read as "a C S <relation> a C S". Returns
    counts over the held-out objects: "objects", "colour_right", "shape_right", "both_right",
    "said_seen_pair" (the colour-shape pair it said is one that occurs in training) and "unreadable"
    (captions not of that form)."""
    held = {tuple(p) for p in held_out_pairs}
    out = dict.fromkeys(("objects", "colour_right", "shape_right", "both_right", "said_seen_pair", "unreadable"), 0)
    for caption, objects in zip(captions, test.objects, strict=True):
        words = caption.split()
        said = ((words[1], words[2]), (words[-2], words[-1])) if len(words) in (7, 8) else None
        for k, obj in enumerate(objects):
            if tuple(obj) not in held:
                continue
            out["objects"] += 1
            if said is None:
                out["unreadable"] += 1
                continue
            colour, shape = said[k]
            out["colour_right"] += colour == obj[0]
            out["shape_right"] += shape == obj[1]
            out["both_right"] += (colour, shape) == tuple(obj)
            out["said_seen_pair"] += (colour, shape) not in held
    return out
