"""The sentiment runs of book/language-models.md (many-to-one): shared by the chapter, the seed study in
``benchmarks/experiments/language_seeds.py`` and ``tests/test_claims_language.py``.

Two classifiers of a sentence x_1..x_T (ids, left-padded):

- bag of words: logistic regression on word counts, p(positive) = sigmoid(w . counts(x) + b);
- recurrent: e_t = E[x_t] (D,), h_t = GRU(e_t, h_{t-1}) (H,), p(positive) = sigmoid(w . h_T + b),
  the many-to-one reading of the last state.

Both are trained with Adam on the binary cross-entropy (torch, one thread in the chapter).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .data.sentiment import bag_of_words, contrast_sentences, contrast_vocabulary, encode_padded


@dataclass(frozen=True)
class SentimentSetting:
    n_train: int = 2000
    n_test: int = 1000
    embedding_dim: int = 16
    hidden_size: int = 32
    steps: int = 400
    batch_size: int = 64
    lr: float = 1e-2
    seeds: tuple = (0, 1, 2, 3, 4)


CONTRAST = SentimentSetting()


class RNNClassifier(nn.Module):
    """ids (B, T) -> logit (B,): embedding, GRU, linear read-out of the last state h_T."""

    def __init__(self, V: int, D: int, H: int, pad: int = 0):
        super().__init__()
        self.embed = nn.Embedding(V, D, padding_idx=pad)
        self.rnn = nn.GRU(D, H, batch_first=True)
        self.head = nn.Linear(H, 1)

    def forward(self, ids):
        _, h = self.rnn(self.embed(ids))
        return self.head(h[-1]).squeeze(-1)


class BagOfWords(nn.Module):
    """counts (B, V) -> logit (B,): logistic regression on word counts."""

    def __init__(self, V: int):
        super().__init__()
        self.linear = nn.Linear(V, 1)

    def forward(self, counts):
        return self.linear(counts).squeeze(-1)


def fit(model: nn.Module, X, y, steps: int, batch_size: int, lr: float, seed: int, weight_decay: float = 0.0):
    """Minibatch Adam on the binary cross-entropy; X a tensor (N, ...), y (N,) in {0, 1}."""
    g = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    y = torch.as_tensor(y, dtype=torch.float32)
    for _ in range(steps):
        idx = torch.randint(len(y), (min(batch_size, len(y)),), generator=g)
        loss = nn.functional.binary_cross_entropy_with_logits(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


@torch.no_grad()
def accuracy(model: nn.Module, X, y) -> float:
    return float(((model(X) > 0).numpy().astype(np.int64) == np.asarray(y)).mean())


def contrast_data(setting: SentimentSetting, seed: int):
    """(words, train ids (N, T), train labels, test ids, test labels) of the contrast language."""
    words = contrast_vocabulary()
    s_train, y_train = contrast_sentences(setting.n_train, rng=2 * seed)
    s_test, y_test = contrast_sentences(setting.n_test, rng=2 * seed + 1)
    return words, encode_padded(s_train, words), y_train, encode_padded(s_test, words), y_test


def contrast_run(setting: SentimentSetting = CONTRAST, seed: int = 0) -> dict:
    """Train both classifiers on the contrast language; their train and test accuracies."""
    words, x_tr, y_tr, x_te, y_te = contrast_data(setting, seed)
    V = len(words)
    torch.manual_seed(seed)
    bow = BagOfWords(V)
    c_tr = torch.tensor(bag_of_words(x_tr, V), dtype=torch.float32)
    c_te = torch.tensor(bag_of_words(x_te, V), dtype=torch.float32)
    fit(bow, c_tr, y_tr, setting.steps, setting.batch_size, setting.lr, seed)
    torch.manual_seed(seed)
    rnn = RNNClassifier(V, setting.embedding_dim, setting.hidden_size)
    ids_tr, ids_te = torch.from_numpy(x_tr), torch.from_numpy(x_te)
    fit(rnn, ids_tr, y_tr, setting.steps, setting.batch_size, setting.lr, seed)
    unseen = unseen_rows(x_te, x_tr)
    return {"bow_train": accuracy(bow, c_tr, y_tr), "bow_test": accuracy(bow, c_te, y_te),
            "rnn_train": accuracy(rnn, ids_tr, y_tr), "rnn_test": accuracy(rnn, ids_te, y_te),
            "test_seen_share": float(1 - unseen.mean()),
            "rnn_test_unseen": accuracy(rnn, ids_te[torch.from_numpy(unseen)], y_te[unseen])}


def unseen_rows(test_ids: np.ndarray, train_ids: np.ndarray) -> np.ndarray:
    """Boolean mask (N_test,): which rows of ``test_ids`` (N_test, T) occur nowhere in ``train_ids``."""
    seen = {tuple(row) for row in np.asarray(train_ids).tolist()}
    return np.array([tuple(row) not in seen for row in np.asarray(test_ids).tolist()])


# ---- Pang & Lee: cross-validated logistic regression ----------------------------------------------------
FOLDS = 10
PL_STEPS = 300
PL_LR = 0.05
PL_WEIGHT_DECAY = 1e-3


def folds(n: int, k: int, seed: int) -> list:
    """k folds of a random permutation of range(n), stratified by nothing (labels are balanced)."""
    return np.array_split(np.random.default_rng(seed).permutation(n), k)


def logistic_cv(features: np.ndarray, labels, k: int = FOLDS, seed: int = 0) -> np.ndarray:
    """Accuracy (k,) of L2-regularised logistic regression on each held-out fold (full-batch Adam).

    The k models are trained side by side, as one stack of weights (k, F): each fold's model starts from
    ``BagOfWords`` seeded with ``seed * 100 + f`` and sees the same steps as :func:`fit` would give it
    alone (Adam acts element by element, and the summed loss gives each fold its own gradient); one
    step of k models costs one batched product instead of k small ones."""
    X = torch.tensor(features, dtype=torch.float32)
    y = np.asarray(labels)
    parts = folds(len(y), k, seed)
    scores = np.zeros(len(parts))
    sizes = [len(y) - len(test) for test in parts]
    for size in sorted(set(sizes)):                            # folds whose training sets have one size
        group = [f for f in range(len(parts)) if sizes[f] == size]
        trains = [np.setdiff1d(np.arange(len(y)), parts[f]) for f in group]
        mus = torch.stack([X[t].mean(0) for t in trains])                # standardise on the training fold:
        scale = 1 / (torch.stack([X[t].std(0) for t in trains]) + 1e-6)   # (x - mu) / sd, (k', F) each
        rows = torch.from_numpy(np.stack(trains))                         # (k', N) training rows per fold
        ys = torch.tensor(np.stack([y[t] for t in trains]), dtype=torch.float32)
        inits = []
        for f in group:
            torch.manual_seed(seed * 100 + f)
            inits.append(BagOfWords(X.shape[1]).linear)
        W = nn.Parameter(torch.cat([lin.weight.detach() for lin in inits]))       # (k', F)
        b = nn.Parameter(torch.cat([lin.bias.detach() for lin in inits]))         # (k',)
        g = torch.Generator().manual_seed(seed)
        optimizer = torch.optim.Adam([W, b], lr=PL_LR, weight_decay=PL_WEIGHT_DECAY)
        for _ in range(PL_STEPS):
            idx = torch.randint(size, (size,), generator=g)
            # w . (x - mu) / sd = x . (w / sd) - (mu / sd) . w: one product of the shared X (n, F)
            every = X @ (W * scale).T - ((mus * scale) * W).sum(1)          # (n, k'): every sentence, every fold
            logits = every.T.gather(1, rows[:, idx]) + b[:, None]           # (k', N): each fold's draw
            loss = nn.functional.binary_cross_entropy_with_logits(logits, ys[:, idx], reduction="none")
            optimizer.zero_grad()
            loss.mean(dim=1).sum().backward()
            optimizer.step()
        with torch.no_grad():
            for j, f in enumerate(group):
                Xt = (X[parts[f]] - mus[j]) * scale[j]
                scores[f] = float((((Xt @ W[j] + b[j]) > 0).numpy().astype(np.int64) == y[parts[f]]).mean())
    return scores


def mean_vectors(sentences, words, vectors) -> tuple[np.ndarray, float]:
    """Each sentence as the mean of the vectors of its words that have one (zeros if none), and the
    fraction of tokens covered."""
    index = {w: i for i, w in enumerate(words)}
    out = np.zeros((len(sentences), vectors.shape[1]))
    hit = total = 0
    for k, s in enumerate(sentences):
        rows = [index[w] for w in s if w in index]
        hit, total = hit + len(rows), total + len(s)
        if rows:
            out[k] = vectors[rows].mean(axis=0)
    return out, hit / max(total, 1)


PL_FOLD_SEEDS = (0, 1, 2, 3, 4)


def pang_lee_features(w2v_seed: int = 0):
    """(labels, {"bag of words": counts (200, W), "mean word2vec vector": (200, 50)}, coverage)."""
    from .data.sentiment import pang_lee_sentences
    from .word2vec_runs import chapter_corpus, train_ours

    sents, labels = pang_lee_sentences()
    words = sorted({w for s in sents for w in s})
    index = {w: i for i, w in enumerate(words)}
    counts = np.zeros((len(sents), len(words)))
    for k, s in enumerate(sents):
        for w in s:
            counts[k, index[w]] += 1
    w2v = train_ours(chapter_corpus(), seed=w2v_seed)
    means, coverage = mean_vectors(sents, w2v.words, w2v.vectors)
    return labels, {"bag of words": counts, "mean word2vec vector": means}, coverage


def pang_lee_study(fold_seeds=PL_FOLD_SEEDS) -> dict:
    """Mean 10-fold CV accuracy per fold assignment, for each representation."""
    labels, features, _ = pang_lee_features()
    return {name: [float(logistic_cv(X, labels, seed=s).mean()) for s in fold_seeds] for name, X in features.items()}


PL_GRU = SentimentSetting(embedding_dim=16, hidden_size=32, steps=300, batch_size=32, lr=1e-2)


def pang_lee_gru_cv(setting: SentimentSetting = PL_GRU, k: int = FOLDS, seed: int = 0) -> np.ndarray:
    """Accuracy (k,) of the GRU classifier on each held-out fold of the 200 Pang & Lee sentences (the same
    folds as :func:`logistic_cv`). Its vocabulary is the training fold's words, ``<pad>`` and ``<unk>``
    (for test words it never saw)."""
    from .data.sentiment import PAD, pang_lee_sentences

    sents, labels = pang_lee_sentences()
    scores = []
    for f, test in enumerate(folds(len(labels), k, seed)):
        train = np.setdiff1d(np.arange(len(labels)), test)
        words = [PAD, "<unk>"] + sorted({w for i in train for w in sents[i]})
        known = set(words)
        mapped = [[w if w in known else "<unk>" for w in s] for s in sents]
        ids = torch.from_numpy(encode_padded(mapped, words))
        torch.manual_seed(seed * 100 + f)
        model = RNNClassifier(len(words), setting.embedding_dim, setting.hidden_size)
        fit(model, ids[train], labels[train], setting.steps, setting.batch_size, setting.lr, seed * 100 + f)
        scores.append(accuracy(model, ids[test], labels[test]))
    return np.array(scores)


class ScratchClassifier:
    """:class:`RNNClassifier` in NumPy (embedding, scratch.GRU, scratch.Linear on h_T), hand-written backward.

    ``params`` / ``grads`` use the torch model's state_dict keys, so ``load_torch`` copies its weights;
    the pad row of the embedding gets no gradient (torch's ``padding_idx``).
    """

    def __init__(self, V: int, D: int, H: int, pad: int = 0):
        from . import scratch

        self.pad = pad
        self.rnn = scratch.GRU(D, H)
        self.head = scratch.Linear(H, 1)
        self.params = {"embed.weight": np.zeros((V, D)), **{f"rnn.{k}": v for k, v in self.rnn.params.items()},
                       **{f"head.{k}": v for k, v in self.head.params.items()}}
        self.grads = {"embed.weight": np.zeros((V, D)), **{f"rnn.{k}": v for k, v in self.rnn.grads.items()},
                      **{f"head.{k}": v for k, v in self.head.grads.items()}}

    def load_torch(self, model: RNNClassifier) -> None:
        for k, v in model.state_dict().items():
            self.params[k][...] = v.detach().double().numpy()

    def loss_and_grads(self, ids, labels) -> float:
        """Mean binary cross-entropy of sigmoid(w . h_T + b) for ids (B, T), labels (B,); grads zeroed first.

        dL/dlogit = (sigmoid(logit) - label) / B; h_T's gradient enters BPTT at the last step only.
        """
        ids = np.asarray(ids)
        x = self.params["embed.weight"][ids.T]                       # (T, B, D): time-major
        out, _ = self.rnn.forward(x)
        logit = self.head.forward(out[-1])[:, 0]                     # (B,)
        y = np.asarray(labels, dtype=np.float64)
        loss = float(np.mean(np.logaddexp(0, logit) - y * logit))
        for g in self.grads.values():
            g.fill(0)
        dh_last = self.head.backward(((1 / (1 + np.exp(-logit)) - y) / len(y))[:, None])
        d_out = np.zeros_like(out)
        d_out[-1] = dh_last
        dx, _ = self.rnn.backward(d_out)
        np.add.at(self.grads["embed.weight"], ids.T.reshape(-1), dx.reshape(-1, dx.shape[-1]))
        self.grads["embed.weight"][self.pad] = 0.0
        return loss
