"""The training runs of book/deep-bidirectional-recursive.md, with their named settings.

The chapter, the seed script ``benchmarks/experiments/deep_seeds.py`` and the claim test
``tests/test_claims_deep.py`` import these settings, so a number the chapter quotes and the test that
asserts it cannot drift apart.

- :func:`train_lookahead`: a one- or bidirectional torch.nn.GRU on the look-ahead task
  (:mod:`rnncourse.data.lookahead`), per-step softmax read-out; returns the held-out accuracy.
- :func:`train_trees`: the recursive network (:class:`rnncourse.scratch.recursive.TreeNet`) or the
  bag-of-leaves baseline on random subtraction trees (:mod:`rnncourse.data.expressions`), trained with the
  hand-written backward and scratch Adam; returns the held-out mean squared error.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..data.expressions import subtraction_trees
from ..data.lookahead import IGNORE, lookahead_task
from ..data.text import lee_text_split
from ..scratch import Linear, mse_loss
from ..scratch.recursive import BagOfLeaves, TreeNet
from . import loop


@dataclass(frozen=True)
class LookaheadSetting:
    T: int = 12
    K: int = 4
    shift: int = 2
    hidden_size: int = 16
    steps: int = 200
    batch_size: int = 32
    lr: float = 1e-2
    test_size: int = 500
    seeds: tuple = (0, 1, 2)


LOOKAHEAD = LookaheadSetting()      # book/deep-bidirectional-recursive.md, section sec-bidir-task


@dataclass
class LookaheadRun:
    bidirectional: bool
    seed: int
    correct_by_step: np.ndarray   # (T - shift,) right predictions at each labelled step, over test_size sequences
    test_size: int

    @property
    def correct(self) -> int:
        return int(self.correct_by_step.sum())

    @property
    def labels(self) -> int:
        return self.test_size * len(self.correct_by_step)

    @property
    def accuracy(self) -> float:
        return self.correct / self.labels


def train_lookahead(bidirectional: bool, setting: LookaheadSetting = LOOKAHEAD, seed: int = 0) -> LookaheadRun:
    """torch.nn.GRU (one direction with hidden size sqrt(2)-ish larger so both have about the same number of
    parameters, see :func:`lookahead_hidden`) + a linear read-out at every step, Adam, cross-entropy on the
    labelled steps; accuracy on ``test_size`` held-out sequences (seed 1_000_003 + seed)."""
    torch.manual_seed(seed)
    H = lookahead_hidden(bidirectional, setting)
    rnn = torch.nn.GRU(setting.K, H, bidirectional=bidirectional)
    head = torch.nn.Linear((2 if bidirectional else 1) * H, setting.K)

    def logits(x):
        return head(rnn(torch.from_numpy(x))[0])

    def cross_entropy(batch):
        x, y = batch
        return torch.nn.functional.cross_entropy(logits(x).reshape(-1, setting.K), torch.from_numpy(y).reshape(-1),
                                                 ignore_index=IGNORE)

    loop.train(loop.objective(cross_entropy, rnn=rnn, head=head),
               lambda rng: lookahead_task(setting.T, setting.batch_size, setting.K, setting.shift, rng=rng),
               setting, seed, label="bidirectional" if bidirectional else "forward")
    x, y = lookahead_task(setting.T, setting.test_size, setting.K, setting.shift, rng=1_000_003 + seed)
    with torch.no_grad():
        pred = logits(x).argmax(-1).numpy()
    n = setting.T - setting.shift                     # the labelled steps
    return LookaheadRun(bidirectional, seed, (pred[:n] == y[:n]).sum(axis=1), setting.test_size)


def gru_parameters(input_size: int, hidden_size: int, directions: int) -> int:
    """Parameters of a one-layer torch.nn.GRU: per direction 3H(I + H) weights and 2 * 3H biases."""
    return directions * (3 * hidden_size * (input_size + hidden_size) + 6 * hidden_size)


def lookahead_hidden(bidirectional: bool, setting: LookaheadSetting = LOOKAHEAD) -> int:
    """The bidirectional GRU uses ``hidden_size`` per direction; the one-directional GRU the largest H whose
    GRU has at most as many parameters (H = 23 for K = 4 and 16 per direction: 2,001 against 2,112 weights, so
    the one-directional model is the slightly smaller one; no width helps it, the task is beyond it)."""
    if bidirectional:
        return setting.hidden_size
    budget = gru_parameters(setting.K, setting.hidden_size, 2)
    H = setting.hidden_size
    while gru_parameters(setting.K, H + 1, 1) <= budget:
        H += 1
    return H


@dataclass(frozen=True)
class TreeSetting:
    K: int = 5                 # digits 0..K-1
    min_leaves: int = 2
    max_leaves: int = 6
    hidden_size: int = 16
    train_size: int = 2000
    test_size: int = 1000
    epochs: int = 8
    batch_size: int = 50
    lr: float = 1e-2
    clip: float = 5.0
    seeds: tuple = (0, 1, 2)


TREES = TreeSetting()               # book/deep-bidirectional-recursive.md, section sec-recursive-task
STUDY_SEEDS = tuple(range(10))      # the seed study of benchmarks/experiments/deep_seeds.py and tests/test_claims_deep.py


@dataclass
class TreeRun:
    kind: str
    seed: int
    predictions: np.ndarray    # (test_size,) predicted values of the held-out trees
    targets: np.ndarray        # (test_size,) their true values

    @property
    def test_mse(self) -> float:
        return float(np.mean((self.predictions - self.targets) ** 2))

    @property
    def variance(self) -> float:
        """Of the held-out values: the MSE of always predicting their mean."""
        return float(self.targets.var())


def train_trees(kind: str, setting: TreeSetting = TREES, seed: int = 0) -> TreeRun:
    """TreeNet ("tree") or BagOfLeaves ("bag") + a linear read-out of the root, trained on the value of
    random subtraction trees (MSE, scratch Adam, norm clipping); held-out MSE on fresh trees."""
    models = {"tree": TreeNet, "bag": BagOfLeaves}
    if kind not in models:
        raise ValueError(f"kind must be 'tree' or 'bag'; got {kind!r}")
    rng = np.random.default_rng(seed)
    trees, values = subtraction_trees(setting.train_size, setting.K, setting.min_leaves, setting.max_leaves, rng=rng)
    test_trees, test_values = subtraction_trees(setting.test_size, setting.K, setting.min_leaves,
                                                setting.max_leaves, rng=1_000_003 + seed)
    scale = values.std()
    model = models[kind](setting.K, setting.hidden_size, rng=seed)
    head = Linear(setting.hidden_size, 1, rng=seed + 1)
    per_epoch = -(-setting.train_size // setting.batch_size)

    def minibatches():                    # each epoch a new order of the training trees
        for _ in range(setting.epochs):
            order = rng.permutation(setting.train_size)
            for start in range(0, setting.train_size, setting.batch_size):
                yield order[start:start + setting.batch_size]

    def mse(idx):
        loss, d_pred = mse_loss(head.forward(model.forward([trees[i] for i in idx])), values[idx, None] / scale)
        model.backward(head.backward(d_pred))
        return loss

    batches = minibatches()
    loop.train(loop.objective(mse, m=model, h=head), lambda _: next(batches), setting, seed,
               steps=setting.epochs * per_epoch, label=kind)
    pred = head.forward(model.forward(test_trees))[:, 0] * scale
    return TreeRun(kind, seed, pred, test_values)


# ---- deep RNNs on characters ------------------------------------------------------------------------
DEEP_KINDS = ("RNN", "stacked", "DT", "DT(S)", "DO", "DOT")   # "stacked": two RNN layers


@dataclass(frozen=True)
class CharSetting:
    budget: int = 8000           # parameters per model (recurrent part + read-out), matched within one H step
    T: int = 50
    batch_size: int = 32
    steps: int = 1000
    lr: float = 3e-3
    clip: float = 1.0
    eval_every: int = 250
    eval_windows: int = 64       # held-out windows of T + 1 characters
    seeds: tuple = (0, 1, 2)


CHAR_STUDY = CharSetting()                                   # benchmarks/experiments/deep_seeds.py, test_claims_deep.py
CHAR_PAGE = CharSetting(steps=150, eval_every=50, seeds=(0,))   # the short run drawn on the page


def deep_model(kind: str, V: int, H: int, seed: int = 0, dtype=np.float32):
    """rnncourse.scratch.DeepRNN of one kind (``stacked``: two plain RNN layers) with one-hot input of size V."""
    from ..scratch import DeepRNN

    if kind == "stacked":
        return DeepRNN.of_kind("RNN", V, H, num_layers=2, rng=seed, dtype=dtype)
    return DeepRNN.of_kind(kind, V, H, rng=seed, dtype=dtype)


def char_parameters(kind: str, V: int, H: int) -> int:
    """Parameters of :func:`deep_model` plus its linear read-out H -> V (weights and bias)."""
    from ..scratch.deep_transition import deep_rnn_parameters

    rec = deep_rnn_parameters("RNN", V, H, num_layers=2) if kind == "stacked" else deep_rnn_parameters(kind, V, H)
    return rec + H * V + V


def char_hidden(kind: str, V: int, budget: int) -> int:
    """The largest H whose model (with read-out) has at most ``budget`` parameters."""
    H = 1
    while char_parameters(kind, V, H + 1) <= budget:
        H += 1
    return H


@dataclass
class CharRun:
    kind: str
    seed: int
    hidden_size: int
    parameters: int
    steps: list
    bpc: list                    # held-out bits per character at each evaluated step

    @property
    def final(self) -> float:
        return self.bpc[-1]


def train_char(kind: str, setting: CharSetting = CHAR_STUDY, seed: int = 0, data=None) -> CharRun:
    """Train one deep-RNN kind at the setting's parameter budget as a character model (next character,
    softmax cross-entropy, Adam, norm clipping, random windows of the training text), in float32 with the
    hand-written backward of rnncourse.scratch; held-out bits per character (mean cross-entropy / ln 2 over
    ``eval_windows`` fixed windows of the held-out text)."""
    from ..scratch import softmax_cross_entropy

    if kind not in DEEP_KINDS:
        raise ValueError(f"kind must be one of {DEEP_KINDS}; got {kind!r}")
    vocab, train_idx, held_idx = lee_text_split() if data is None else data
    V = len(vocab)
    H = char_hidden(kind, V, setting.budget)
    model = deep_model(kind, V, H, seed)
    head = Linear(H, V, dtype=np.float32, rng=seed + 1)
    eye = np.eye(V, dtype=np.float32)
    rng = np.random.default_rng(seed)
    starts = np.random.default_rng(1_000_003).integers(0, len(held_idx) - setting.T - 1, setting.eval_windows)
    held = np.stack([held_idx[s:s + setting.T + 1] for s in starts], axis=1)        # (T + 1, B)

    def loss_of(windows, backward=False):
        out, _ = model.forward(eye[windows[:-1]])
        logits = head.forward(out.reshape(-1, H))
        loss, d_logits = softmax_cross_entropy(logits, windows[1:].reshape(-1))
        if backward:
            model.backward(head.backward(d_logits).reshape(out.shape))
        return loss

    def windows(rng):
        s = rng.integers(0, len(train_idx) - setting.T - 1, setting.batch_size)
        return np.stack([train_idx[i:i + setting.T + 1] for i in s], axis=1)

    task = loop.objective(lambda batch: loss_of(batch, backward=True), m=model, h=head)
    curve = loop.train(task, windows, setting, seed, rng=rng, evaluate=lambda: loss_of(held) / np.log(2), label=kind)
    return CharRun(kind, seed, H, task.num_parameters(), curve.eval_steps, curve.evals)
