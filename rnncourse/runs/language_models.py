"""The language models of book/language-models.md: a recurrent network over a stream of symbols.

For ids x_1..x_T (characters or words) the model reads x_t and predicts x_{t+1}:

    e_t = onehot(x_t) (V,)  or an embedding row E[x_t] (D,)     input
    h_t = cell(e_t, h_{t-1})                                      torch.nn.LSTM or tanh torch.nn.RNN, H units
    z_t = h_t W_hy^T + b_y                                        logits (V,) (rows, book/notation.md)
    L = -(1 / TB) sum_{t,b} log softmax(z_t)[x_{t+1}]             nats per symbol; / ln 2 = bits

trained with truncated BPTT over B parallel streams (:func:`rnncourse.data.language.batchify`): each
window of T steps starts from the previous window's final state, detached (BPTT(T, T)).
:class:`TorchLM` is the model the chapter trains (torch, one thread); :class:`ScratchLM` is the same
model in NumPy with the hand-written backward of :mod:`rnncourse.scratch`, for the check that both
follow the same loss curve. The chapter, ``benchmarks/experiments/language_seeds.py`` and
``tests/test_claims_language.py`` share the named settings below.
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ..data import CharVocab
from ..data.language import batchify, char_corpus, encode_chars, split_text, stream_windows
from ..scratch.language_model import ScratchLM
from ..torch.language_model import TorchLM
from . import loop


@dataclass(frozen=True)
class LMSetting:
    """One named training setting of a language model (see the module docstring)."""

    kind: str = "LSTM"            # "LSTM" or "RNN" (tanh)
    hidden_size: int = 128
    embedding_dim: int | None = None   # None: one-hot input (characters)
    T: int = 64                   # truncation window (steps per batch)
    batch_size: int = 32
    steps: int = 400
    lr: float = 3e-3
    clip: float = 1.0
    readout_scale: float = 1e-3   # W_hy ~ U(-s, s), b_y = 0 at initialisation: untrained loss ~ ln V
    eval_every: int = 100
    seeds: tuple = (0,)
    tie: bool = False             # word models: the read-out reuses the embedding E (through P when D != H)
    dropout: float = 0.0          # on the inputs e_t and on h_t before the read-out, during training
    decay_from: float = 1.0       # lr falls linearly to lr * final_lr_fraction from this fraction of steps on
    final_lr_fraction: float = 1.0
    num_layers: int = 1           # stacked layers; with more than one, dropout also acts between layers


# book/language-models.md, sec-lm-training: the LSTM and the tanh RNN, 300 steps of 32 x 64 characters
CHAR_CHAPTER = LMSetting(hidden_size=64, lr=2e-2, steps=300, seeds=(0, 1, 2))
CHAR_RNN_CHAPTER = LMSetting(kind="RNN", hidden_size=64, lr=2e-2, steps=300, seeds=(0, 1, 2))
# the n-gram baselines' smoothing strength (chosen on the validation split among 0.5 ... 16)
NGRAM_BETA = 8.0


def detach(state):
    return None if state is None else (tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach())


def nats(logits, targets) -> torch.Tensor:
    """Mean cross-entropy in nats of logits (T, B, V) against targets (T, B)."""
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def evaluate_bits(model: TorchLM, ids, batch_size: int = 16, T: int = 256) -> float:
    """Bits per symbol of ``model`` on the stream ``ids`` (B parallel pieces, state carried across windows):
    the mean of :func:`position_bits`. The model is scored in eval mode (no dropout) and left in the mode
    it came in."""
    return float(position_bits(model, ids, batch_size, T).mean())


@dataclass
class LMRun:
    """A training run: training loss (nats) per step, validation bits per symbol every eval_every steps."""

    label: str
    model: TorchLM
    train_nats: list = field(default_factory=list)
    eval_steps: list = field(default_factory=list)
    valid_bits: list = field(default_factory=list)
    seconds: float = 0.0
    best_step: int | None = None      # with keep_best: the evaluation step whose weights the model holds


def learning_rate(setting: LMSetting, step: int) -> float:
    """The learning rate of step ``step`` (0-based): ``lr`` until ``decay_from * steps``, then linear down
    to ``lr * final_lr_fraction`` at the last step (the schedule depends only on the step, so a shorter
    run of the same setting follows the same rates)."""
    start = setting.decay_from * setting.steps
    if step < start or setting.final_lr_fraction == 1.0:
        return setting.lr
    frac = (step - start) / max(setting.steps - start, 1)
    return setting.lr * (1 - (1 - setting.final_lr_fraction) * frac)


def train_lm(train_ids, valid_ids, V: int, setting: LMSetting, seed: int = 0, label: str | None = None,
             valid_limit: int = 100_000, stop_after: int | None = None, show_progress: bool = False,
             keep_best: bool = False) -> LMRun:
    """Train a :class:`TorchLM` with truncated BPTT over the stream ``train_ids``, carrying the state.

    Adam (:func:`learning_rate`) with gradient-norm clipping; the stream is read as ``batch_size``
    parallel pieces in windows of T steps, from the start again when it runs out. Validation bits on the
    first ``valid_limit`` symbols of ``valid_ids`` every ``eval_every`` steps (and at the end).
    ``stop_after`` ends the run early, on the same schedule (for tests of a long run's first steps).
    ``keep_best`` leaves the model with the weights of its lowest validation bits (``run.best_step``).
    """
    torch.manual_seed(seed)
    model = TorchLM(V, setting)
    run = LMRun(label or setting.kind, model)
    streams = batchify(np.asarray(train_ids), setting.batch_size)
    valid = np.asarray(valid_ids)[:valid_limit]
    windows = stream_windows(streams, setting.T)
    best = {}

    def next_window(rng):
        """The next (x, y, restart) of the stream; restart when it ran out and starts again (state reset)."""
        nonlocal windows
        try:
            return (*next(windows), False)
        except StopIteration:
            windows = stream_windows(streams, setting.T)
            return (*next(windows), True)

    def evaluate():
        bits = evaluate_bits(model, valid)
        best.setdefault("bits", []).append(bits)
        if keep_best and bits <= min(best["bits"]):
            best["state"] = copy.deepcopy(model.state_dict())
            best["count"] = len(best["bits"])
        if show_progress:
            print(f"validation {bits:.4f} bits per symbol", flush=True)
        return bits

    curve = loop.train(CarriedState(model), next_window, setting, seed, label=f"training {run.label}",
                       evaluate=evaluate, schedule=lambda step: learning_rate(setting, step - 1),
                       steps=setting.steps if stop_after is None else min(stop_after, setting.steps))
    run.train_nats, run.eval_steps, run.valid_bits = curve.loss, curve.eval_steps, curve.evals
    if "state" in best:
        model.load_state_dict(best["state"])
        run.best_step = curve.eval_steps[best["count"] - 1]
    run.seconds = curve.seconds
    return run


class CarriedState(nn.Module):
    """A :class:`TorchLM` as a task of :func:`rnncourse.runs.loop.train`: ``loss((x, y, restart))`` is the mean
    cross-entropy in nats of the window x, y (T, B) ids, read from the state the previous window ended in
    (detached: truncated BPTT), or from zeros when ``restart`` says the stream began again."""

    def __init__(self, model: TorchLM):
        super().__init__()
        self.model, self.state = model, None

    def loss(self, batch):
        x, y, restart = batch
        logits, self.state = self.model(torch.from_numpy(np.asarray(x)), None if restart else detach(self.state))
        return nats(logits, torch.from_numpy(np.asarray(y)))


class _CarriedScratchState:
    """:class:`ScratchLM` as a scratch task of :func:`rnncourse.runs.loop.train` (state carried between windows)."""

    def __init__(self, model: ScratchLM):
        self.model, self.state = model, None
        self.params, self.grads = model.params, model.grads

    def zero_grad(self):
        for g in self.grads.values():
            g.fill(0)

    def loss_and_grads(self, batch):
        loss, self.state = self.model.loss_and_grads(*batch, self.state)
        return loss


def char_data(name: str = "wiki"):
    """(vocab, train_ids, valid_ids, test_ids) of a character corpus with the fixed split."""
    text = char_corpus(name)
    vocab = CharVocab(text)
    return (vocab,) + tuple(encode_chars(part, vocab.chars) for part in split_text(text))


def scratch_training_curve(model: ScratchLM, windows, setting: LMSetting) -> list:
    """Losses of consecutive windows trained with scratch Adam + norm clipping, carrying the state."""
    windows = list(windows)
    feed = iter(windows)
    return loop.train(_CarriedScratchState(model), lambda rng: next(feed), setting, label="scratch LM",
                      steps=len(windows)).loss


def torch_training_curve(model: TorchLM, windows, setting: LMSetting) -> list:
    """The same loop as :func:`scratch_training_curve` with autograd and torch.optim.Adam."""
    windows = list(windows)
    feed = iter(windows)
    return loop.train(CarriedState(model), lambda rng: (*next(feed), False), setting, label="torch LM",
                      steps=len(windows)).loss


WORD_VOCAB = 10_000                   # the 9,999 most frequent training words + <unk>


def word_data(name: str = "wiki", size: int = WORD_VOCAB):
    """(words, train_ids, valid_ids, test_ids): the word stream with the fixed split, the ``size - 1``
    most frequent TRAINING words and ``<unk>`` for every other word."""
    from ..data.language import word_ids, word_list

    train, valid, test = split_text(char_corpus(name).split(" "))
    words = word_list(train, size)
    return (words,) + tuple(word_ids(part, words) for part in (train, valid, test))


def step_function(model: TorchLM):
    """The model as a step function for :mod:`rnncourse.sampling` / :mod:`rnncourse.decoding`:
    ``logits (K, V) ndarray, state = step(tokens (K,), state)``."""
    @torch.no_grad()
    def step(tokens, state):
        logits, state = model(torch.as_tensor(np.asarray(tokens)).reshape(1, -1), state)
        return logits[0].numpy().astype(np.float64), state
    return step


@torch.no_grad()
def prime(model: TorchLM, ids):
    """The state after reading ``ids`` (all but the last), to continue from ``ids[-1]``."""
    ids = np.asarray(ids)
    if len(ids) < 2:
        return None
    _, state = model(torch.as_tensor(ids[:-1]).reshape(-1, 1))
    return state


def char_seed_study(settings=(CHAR_CHAPTER, CHAR_RNN_CHAPTER)) -> dict:
    """Test bits per character of each setting's seeds, and the 3-gram and 5-gram on the same split."""
    from ..ngram import NGram

    vocab, train_ids, valid_ids, test_ids = char_data("wiki")
    V = len(vocab)
    out = {f"{n}-gram": NGram(train_ids, V, n, NGRAM_BETA).bits(test_ids) for n in (3, 5)}
    for s in settings:
        out[s.kind] = [evaluate_bits(train_lm(train_ids, valid_ids, V, s, seed).model, test_ids) for seed in s.seeds]
    return out


KN_CHAR_ORDERS = (5, 6, 7, 8, 9)


def kneser_ney_char_orders(orders=KN_CHAR_ORDERS) -> dict:
    """Test bits per character of the Kneser-Ney model of each order (the chapter uses order 7)."""
    from ..ngram import KneserNey

    vocab, train_ids, _, test_ids = char_data("wiki")
    return {n: KneserNey(train_ids, len(vocab), n).bits(test_ids) for n in orders}


# --- The shipped word LSTM (book/language-models.md, sec-lm-words) ------------------------------------------
# Trained by benchmarks/pretrained/train_word_lstm.py into rnncourse/pretrained/word_lstm.{npz,json}; the page
# loads it and scores the test split live. 10,000 words (lm.word_data), a tied embedding D = 64, H = 256,
# dropout 0.4, T = 35, B = 32, Adam 3e-3 with norm clipping at 1, linear decay over the second half.
WORD_LSTM = LMSetting(embedding_dim=64, hidden_size=256, tie=True, dropout=0.4, T=35, batch_size=32,
                      steps=3600, lr=3e-3, clip=1.0, eval_every=100, decay_from=0.5, final_lr_fraction=0.05)
WORD_LSTM_NAME = "word_lstm"


def word_lstm_fields(run: LMRun, V: int, train_ids, valid_ids, seed: int) -> dict:
    """The manifest fields of a word-LSTM run (all but script, commit, created, versions): its setting,
    CPU time, final validation perplexity with the validation ``<unk>`` share, and the learning curve
    (validation bits per word at every ``eval_every`` steps)."""
    setting = run.model.setting
    valid = np.asarray(valid_ids)
    bits = run.valid_bits[-1]
    return {"seed": int(seed),
            "settings": {"V": int(V), **{k: (list(v) if isinstance(v, tuple) else v)
                                          for k, v in setting.__dict__.items()},
                         "data": "rnncourse.language_models.word_data('wiki'): training split only"},
            "wall_seconds": run.seconds,
            "metrics": {"valid_bits": float(bits), "valid_perplexity": float(2 ** bits),
                        "valid_unk_share": float(np.mean(valid == V - 1)), "valid_words": int(len(valid)),
                        "train_words": int(len(train_ids)), "steps": int(run.eval_steps[-1])},
            "curve_metric": "validation bits per word (all of lm.word_data('wiki')[2])",
            "curve": [[int(s), float(b)] for s, b in zip(run.eval_steps, run.valid_bits)]}


def train_word_lstm(setting: LMSetting = WORD_LSTM, seed: int = 0, stop_after: int | None = None,
                    show_progress: bool = True):
    """Train the shipped word LSTM (or ``setting``) on the training split of :func:`word_data`, scoring the
    whole validation split every ``eval_every`` steps: (run, manifest fields, see :func:`word_lstm_fields`,
    with ``cpu_seconds``). ``stop_after`` trains only the first steps of the same schedule (the test of
    the shipped curve)."""
    words, train_ids, valid_ids, _ = word_data("wiki")
    cpu = time.process_time()
    run = train_lm(train_ids, valid_ids, len(words), setting, seed=seed, label="word LSTM",
                   valid_limit=len(valid_ids), stop_after=stop_after, show_progress=show_progress)
    fields = word_lstm_fields(run, len(words), train_ids, valid_ids, seed)
    fields["cpu_seconds"] = time.process_time() - cpu
    return run, fields


def model_from_shipped(shipped) -> TorchLM:
    """A :class:`TorchLM` in eval mode holding the weights of a shipped record (what
    ``rnncourse.pretrained.load`` returns: ``.manifest["settings"]`` the :class:`LMSetting` fields it was
    trained with, ``.state_dict`` its arrays); V is the number of rows of the embedding ``embed.weight``."""
    fields = {k: v for k, v in shipped.manifest["settings"].items() if k in LMSetting.__dataclass_fields__}
    fields["seeds"] = tuple(fields.get("seeds", (0,)))
    V = len(shipped.state_dict["embed.weight"])
    if shipped.manifest["settings"].get("V", V) != V:
        raise ValueError(f"the manifest says V = {shipped.manifest['settings']['V']} but the embedding has {V} rows")
    model = TorchLM(V, LMSetting(**fields))
    model.load_state_dict({k: torch.from_numpy(np.asarray(v, np.float32)) for k, v in shipped.state_dict.items()})
    return model.eval()


def load_shipped_lm(name: str):
    """(model, shipped) for the shipped language model ``name`` (``word_lstm`` or ``char_lstm``): the
    :func:`model_from_shipped` of ``rnncourse.pretrained.load(name)``, and that record
    (``shipped.provenance()`` for the page)."""
    from .. import pretrained

    shipped = pretrained.load(name)
    return model_from_shipped(shipped), shipped


def load_word_lstm(name: str = WORD_LSTM_NAME):
    """The shipped word LSTM: :func:`load_shipped_lm` of ``name``."""
    return load_shipped_lm(name)


@torch.no_grad()
def log2_probs(model: TorchLM, ids, batch_size: int = 16, T: int = 32) -> np.ndarray:
    """log2 P(x_{t+1} | x_1..x_t) of every predicted symbol of the stream ``ids``, (N - 1, B).

    The stream is read as :func:`batchify` cuts it, B = ``batch_size`` contiguous pieces of N symbols
    (the last ``len(ids) % B`` dropped), each from a zero state carried across windows of T steps, in eval
    mode (no dropout). Entry [j, b] scores ``ids[b * N + j + 1]``; minus the mean is what
    :func:`evaluate_bits` returns for the same B and T."""
    streams = batchify(np.asarray(ids), batch_size)
    out = np.empty((streams.shape[0] - 1, streams.shape[1]))
    was_training, row, state = model.training, 0, None
    model.eval()
    for x, y in stream_windows(streams, T):
        logits, state = model(torch.from_numpy(x), state)
        target = torch.from_numpy(y).unsqueeze(-1)
        out[row:row + len(y)] = torch.log_softmax(logits, -1).gather(-1, target).squeeze(-1).numpy() / math.log(2)
        row += len(y)
    model.train(was_training)
    return out


# The shipped character model (benchmarks/pretrained/train_char_lstm.py, book/language-models.md
# sec-lm-shipped-chars): a 32-wide embedding into two stacked LSTM layers of H = 256, dropout 0.05 on the
# embedding, between the layers and on h_t before the read-out; B = 32 streams of T = 100 characters, 9,000
# Adam steps (about 11.3 passes over the training text) at 3e-3 with norm clipping at 1, falling linearly to
# 10 % over the second half; the weights of the best validation bits are kept. The script's docstring
# compares it with the other settings tried.
CHAR_SHIPPED = LMSetting(hidden_size=256, num_layers=2, embedding_dim=32, dropout=0.05, T=100, batch_size=32,
                         steps=9000, lr=3e-3, clip=1.0, eval_every=500, decay_from=0.5, final_lr_fraction=0.1)
CHAR_SHIPPED_NAME = "char_lstm"


def ship_char_lm(script: str, name: str = CHAR_SHIPPED_NAME, setting: LMSetting = CHAR_SHIPPED, seed: int = 0,
                 directory=None, show_progress: bool = True) -> dict:
    """Train ``setting`` on the wiki sample's training text from ``seed`` (:func:`train_lm`, keeping the
    best validation weights), score it on the test text, and write the weights in float16 with a manifest
    (:func:`rnncourse.pretrained.save`); returns the manifest. The manifest's ``curve`` is the validation
    bits per character (first 100,000 validation characters) every ``eval_every`` steps: what a short
    rerun of the same setting must follow (``train_char_lstm.py --check``)."""
    import dataclasses
    import datetime

    from .. import pretrained

    commit = pretrained.git_commit()
    cpu, wall = time.process_time(), time.perf_counter()
    vocab, train_ids, valid_ids, test_ids = char_data("wiki")
    run = train_lm(train_ids, valid_ids, len(vocab), setting, seed=seed, label=name,
                   show_progress=show_progress, keep_best=True)
    metrics = {"test_bits_per_char": evaluate_bits(run.model, test_ids),
               "valid_bits_per_char": evaluate_bits(run.model, valid_ids),
               "best_step": run.best_step, "steps": setting.steps}
    manifest = {"script": script, "seed": seed, "settings": dataclasses.asdict(setting), "commit": commit,
                "cpu_seconds": time.process_time() - cpu, "wall_seconds": time.perf_counter() - wall,
                "metrics": metrics,
                "curve_metric": "validation bits per character (first 100,000 validation characters)",
                "curve": [[s, b] for s, b in zip(run.eval_steps, run.valid_bits)],
                "train_curve": [[s + 1, float(np.mean(run.train_nats[max(0, s - 99):s + 1]) / math.log(2))]
                                for s in range(99, len(run.train_nats), 100)],
                "created": datetime.date.today().isoformat(), "versions": pretrained.versions()}
    kwargs = {} if directory is None else {"directory": directory}
    pretrained.save(name, {k: v.detach().numpy() for k, v in run.model.state_dict().items()}, manifest,
                    float_dtype=np.float16, **kwargs)
    return manifest


def position_bits(model: TorchLM, ids, batch_size: int = 16, T: int = 256) -> np.ndarray:
    """Bits of each prediction of ``model`` on the stream ``ids``, (N - 1, B): minus :func:`log2_probs`
    (column b the b-th contiguous piece of :func:`batchify`, state carried across windows of T, eval
    mode). Its mean is :func:`evaluate_bits`."""
    return -log2_probs(model, ids, batch_size, T)


def repeat_state(state, K: int):
    """A batch-1 state (torch's (layers, 1, H) tensors) repeated for K parallel samples."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.repeat(1, K, 1) for s in state)
    return state.repeat(1, K, 1)


def kneser_ney_step(kn):
    """A :class:`rnncourse.ngram.KneserNey` model as a step function for :mod:`rnncourse.sampling`: the state
    is the last order - 2 symbols before the token fed, (K, order-2); ``log P (K, V), state = step(tokens (K,),
    state)``. Start from ``np.tile(prompt[-(order - 1):-1], (K, 1))`` to continue after ``prompt``."""
    def step(tokens, state):
        context = np.concatenate([np.asarray(state), np.asarray(tokens).reshape(-1, 1)], axis=1)
        return np.log(kn.distributions(context)), context[:, 1:]
    return step
