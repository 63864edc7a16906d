"""The training runs of book/dynamical-systems.md, with their named settings (one source for the chapter,
the seed script benchmarks/experiments/dynamical_seeds.py and tests/test_claims_dynamical.py).

* :func:`train_xor`     Elman's temporal XOR (Elman 1990) on the Elman network (``scratch.RNN`` + read-out)
* :func:`train_echo`    y_t = x_{t-2}: an Elman network against a Jordan network (output feedback)
* :func:`train_tomita`  a second-order RNN (Giles et al. 1992) on a Tomita grammar, tested on longer strings
* :func:`hopfield_capacity`   recall overlap against the load alpha = P / N (Amit et al. 1985)
* :func:`time_rtrl_bptt`      measured seconds per gradient of RTRL and BPTT (an illustration, not a test)

Everything is NumPy with the library's hand-written backward passes, float64, seeded.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..data.echo import echo_task
from ..data.temporal_xor import temporal_xor
from ..data.tomita import strings_of_length
from ..scratch import (
    RMLP,
    RNN,
    Jordan,
    Linear,
    SecondOrder,
    mse_loss,
    operation_counts,
    recall_overlap,
    rtrl,
    sigmoid,
)
from . import loop


def autocorrelation(e, lag: int) -> float:
    """Sample autocorrelation of the series e (T,) at ``lag``: sum (e_t - m)(e_{t+lag} - m) / sum (e_t - m)^2."""
    e = np.asarray(e, dtype=np.float64) - np.mean(e)
    return float(np.sum(e[:-lag] * e[lag:]) / np.sum(e * e))


# ---- Elman's temporal XOR ------------------------------------------------------------------------------
@dataclass(frozen=True)
class XorSetting:
    triples: int = 20          # streams of 60 bits (59 predictions)
    hidden_size: int = 8
    steps: int = 400
    batch_size: int = 32
    lr: float = 0.03
    test_streams: int = 1000
    seeds: tuple = tuple(range(8))


XOR = XorSetting()


@dataclass
class XorRun:
    error: np.ndarray          # (T,) squared error (p_t - b_{t+1})^2 at each step, averaged over test streams
    predictable: float         # mean error where the next bit is an XOR bit (t = 1, 4, 7, ...)
    unpredictable: float       # mean error at the other steps
    lag3: float                # autocorrelation of the error series at lag 3
    lag1: float
    losses: list = field(default_factory=list)


def _bce_with_logits(z, target):
    p = sigmoid(z)
    loss = float(np.mean(np.logaddexp(0, z) - target * z))
    return loss, (p - target) / target.size, p


def train_xor(setting: XorSetting = XOR, seed: int = 0) -> XorRun:
    """An Elman network (``scratch.RNN``, tanh, H units) with a sigmoid read-out predicts the next bit of the
    temporal XOR stream; cross-entropy loss, Adam, fresh streams every step."""
    rng = np.random.default_rng(seed)
    rnn, out = RNN(1, setting.hidden_size, rng=rng), Linear(setting.hidden_size, 1, rng=rng)

    def bce(batch):
        h, _ = rnn.forward(batch[0])
        loss, dz, _ = _bce_with_logits(out.forward(h), batch[1])
        rnn.backward(out.backward(dz))
        return loss

    streams = lambda rng: temporal_xor(setting.triples, setting.batch_size, rng)          # noqa: E731
    losses = loop.train(loop.objective(bce, rnn=rnn, out=out), streams, setting, seed, rng=rng, label="XOR").loss
    x, target = temporal_xor(setting.triples, setting.test_streams, np.random.default_rng(10_000 + seed))
    p = sigmoid(out.forward(rnn.forward(x)[0]))
    error = np.mean((p - target) ** 2, axis=(1, 2))
    xor_steps = np.arange(error.size) % 3 == 1            # target b_{t+1} is the third bit of its triple
    return XorRun(error, float(error[xor_steps].mean()), float(error[~xor_steps].mean()),
                  autocorrelation(error, 3), autocorrelation(error, 1), losses)


# ---- Elman against Jordan: a memory the output must not show -------------------------------------------
@dataclass(frozen=True)
class EchoSetting:
    delay: int = 2             # y_t = x_{t-delay}
    T: int = 30
    hidden_size: int = 8
    steps: int = 400
    batch_size: int = 32
    lr: float = 0.02
    seeds: tuple = tuple(range(8))


ECHO = EchoSetting()


def train_echo(kind: str, setting: EchoSetting = ECHO, seed: int = 0) -> float:
    """Train an 'elman' (RNN + linear read-out), a 'jordan' (output fed back) or an 'rmlp' (two hidden layers
    and the output, each fed back to itself) network on the echo task with MSE and Adam; return the test
    MSE after the first ``delay`` steps (1.0 = knowing nothing)."""
    if kind not in ("elman", "jordan", "rmlp"):
        raise ValueError(f"kind must be 'elman', 'jordan' or 'rmlp'; got {kind!r}")
    rng = np.random.default_rng(seed)
    H = setting.hidden_size
    if kind in ("jordan", "rmlp"):
        net = Jordan(1, H, 1, rng=rng) if kind == "jordan" else RMLP(1, H, 1, hidden_layers=2, rng=rng)
        read, parts = None, {"net": net}
    else:
        net, read = RNN(1, H, rng=rng), Linear(H, 1, rng=rng)
        parts = {"rnn": net, "out": read}

    def predict(x):
        h, _ = net.forward(x)
        return h if read is None else read.forward(h)

    def mse(batch):
        loss, dy = mse_loss(predict(batch[0]), batch[1])
        net.backward(dy if read is None else read.backward(dy))
        return loss

    loop.train(loop.objective(mse, **parts), lambda rng: echo_task(setting.T, setting.delay, setting.batch_size, rng), setting, seed,
               rng=rng, label=kind)
    x, y = echo_task(setting.T, setting.delay, 500, np.random.default_rng(10_000 + seed))
    return float(np.mean((predict(x) - y)[setting.delay:] ** 2))


# ---- A second-order RNN on a Tomita grammar -------------------------------------------------------------
@dataclass(frozen=True)
class TomitaSetting:
    grammar: int = 4
    train_lengths: tuple = tuple(range(1, 11))
    test_lengths: tuple = (11, 12, 13, 14)
    hidden_size: int = 4
    epochs: int = 100
    lr: float = 0.05
    init_scale: float = 1.0    # weights ~ U(-init_scale, init_scale), as Giles et al.
    seeds: tuple = tuple(range(8))


TOMITA = TomitaSetting()


@dataclass
class TomitaRun:
    model: SecondOrder
    train_accuracy: float
    test_accuracy: dict        # {length: accuracy}
    losses: list


def _tomita_h0(H: int, B: int) -> np.ndarray:
    h0 = np.zeros((1, B, H))
    h0[0, :, 0] = 1.0           # Giles et al.: the network starts in state (1, 0, ..., 0)
    return h0


def tomita_accept(model: SecondOrder, x) -> np.ndarray:
    """The network's acceptance probability for strings x (T, B, 2): the first state unit after the last symbol."""
    _, h_n = model.forward(x, _tomita_h0(model.hidden_size, x.shape[1]))
    return h_n[0, :, 0]


def train_tomita(setting: TomitaSetting = TOMITA, seed: int = 0) -> TomitaRun:
    """Full-batch Adam on every string of the training lengths; the loss is the squared error of the first
    state unit after the last symbol against the label (Giles et al.'s response neuron)."""
    rng = np.random.default_rng(seed)
    model = SecondOrder(2, setting.hidden_size, rng=rng)
    for v in model.params.values():
        v[...] = rng.uniform(-setting.init_scale, setting.init_scale, v.shape)
    data = [strings_of_length(setting.grammar, L)[:2] for L in setting.train_lengths]
    n = sum(y.size for _, y in data)
    H = setting.hidden_size

    def response_mse(_):
        total = 0.0
        for x, y in data:
            out, h_n = model.forward(x, _tomita_h0(H, y.size))
            d_last = np.zeros_like(h_n)
            d_last[0, :, 0] = 2 * (h_n[0, :, 0] - y) / n
            total += float(np.sum((h_n[0, :, 0] - y) ** 2)) / n
            model.backward(np.zeros_like(out), d_last)
        return total

    losses = loop.train(loop.objective(response_mse, model=model), lambda rng: None, setting, seed,
                        steps=setting.epochs, label=f"Tomita {setting.grammar}").loss
    correct = sum(int(np.sum((tomita_accept(model, x) > 0.5) == (y > 0.5))) for x, y in data)
    test = {}
    for L in setting.test_lengths:
        x, y, _ = strings_of_length(setting.grammar, L)
        test[L] = float(np.mean((tomita_accept(model, x) > 0.5) == (y > 0.5)))
    return TomitaRun(model, correct / n, test, losses)


# ---- Hopfield capacity ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class HopfieldSetting:
    N: int = 500
    alphas: tuple = (0.04, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.25)
    starts: int = 20           # recall is started from (at most) this many of the stored patterns
    seeds: tuple = tuple(range(5))


HOPFIELD = HopfieldSetting()


def hopfield_capacity(setting: HopfieldSetting = HOPFIELD, seed: int = 0) -> np.ndarray:
    """Mean final overlap, recall started from stored patterns, at each load alpha. Returns (len(alphas),)."""
    rng = np.random.default_rng(seed)
    return np.array([recall_overlap(setting.N, int(round(a * setting.N)), rng, starts=setting.starts).mean()
                     for a in setting.alphas])


# ---- RTRL against BPTT: measured time (an illustration; never asserted in tests) ------------------------
def time_rtrl_bptt(hidden_sizes=(4, 8, 12, 16, 24, 32), T: int = 20, I: int = 1, repeats: int = 3, seed: int = 0):
    """Seconds per gradient (best of ``repeats``) of :func:`rtrl` and of the engine's BPTT, one sequence,
    for each H. Returns {"H": [...], "RTRL": [...], "BPTT": [...], "counts": {...}}."""
    rng = np.random.default_rng(seed)
    out = {"H": list(hidden_sizes), "RTRL": [], "BPTT": [], "RTRL ops": [], "BPTT ops": []}
    for H in hidden_sizes:
        rnn = RNN(I, H, rng=rng)
        params = {k[:-3]: v for k, v in rnn.params.items()}
        x, d_out = rng.standard_normal((T, 1, I)), rng.standard_normal((T, 1, H))
        best = {"RTRL": np.inf, "BPTT": np.inf}
        for _ in range(repeats):
            t0 = time.perf_counter()
            rtrl(params, x, None, d_out)
            best["RTRL"] = min(best["RTRL"], time.perf_counter() - t0)
            t0 = time.perf_counter()
            rnn.forward(x)
            rnn.backward(d_out)
            best["BPTT"] = min(best["BPTT"], time.perf_counter() - t0)
        counts = operation_counts(H, I, T)
        for k in ("RTRL", "BPTT"):
            out[k].append(best[k])
            out[k + " ops"].append(counts[k])
    return out


# ---- Reading the automaton out of a trained second-order RNN (Giles et al. 1992) ------------------------
@dataclass
class Automaton:
    """A deterministic finite automaton over {0, 1}: states 0..n-1, start 0, ``delta[state][symbol]``."""

    delta: list
    accepting: list

    @property
    def n_states(self) -> int:
        return len(self.delta)

    def accepts(self, string: str) -> bool:
        q = 0
        for c in string:
            q = self.delta[q][int(c)]
        return bool(self.accepting[q])

    def minimized(self) -> Automaton:
        """Moore's partition refinement: merge states that no string tells apart."""
        block = [int(a) for a in self.accepting]
        while True:
            signature = [(block[q], block[self.delta[q][0]], block[self.delta[q][1]]) for q in range(self.n_states)]
            ids = {}
            new = [ids.setdefault(sig, len(ids)) for sig in signature]
            if len(ids) == len(set(block)):
                break
            block = new
        order = {}
        for q in range(self.n_states):             # renumber so that the start state stays 0
            order.setdefault(block[q], len(order))
        delta = [None] * len(order)
        accepting = [None] * len(order)
        for q in range(self.n_states):
            b = order[block[q]]
            delta[b] = [order[block[self.delta[q][s]]] for s in (0, 1)]
            accepting[b] = self.accepting[q]
        return Automaton(delta, accepting)


def extract_automaton(model: SecondOrder, bins: int = 2) -> Automaton:
    """Giles et al.'s extraction: cut every state unit's range [0, 1] into ``bins`` equal intervals, and
    explore breadth-first from the start state (1, 0, ..., 0): each new cell of the partition reached is a
    state of the automaton, its transitions are where one step of the network on each symbol lands (from
    the first network state that reached the cell), and it accepts when the response unit exceeds 0.5."""
    H = model.hidden_size
    cell_of = lambda h: tuple(np.minimum((h * bins).astype(int), bins - 1))  # noqa: E731
    start = _tomita_h0(H, 1)[0, 0]
    reps, index, delta, queue = [start], {cell_of(start): 0}, [], [0]
    while queue:
        q = queue.pop(0)
        row = []
        for symbol in (0, 1):
            x = np.zeros((1, 1, 2))
            x[0, 0, symbol] = 1.0
            _, h_n = model.forward(x, reps[q][None, None, :])
            h = h_n[0, 0]
            c = cell_of(h)
            if c not in index:
                index[c] = len(reps)
                reps.append(h)
                queue.append(index[c])
            row.append(index[c])
        while len(delta) <= q:
            delta.append(None)
        delta[q] = row
    return Automaton(delta, [bool(h[0] > 0.5) for h in reps])
