r"""word2vec in PyTorch: the twin of ``rnncourse.scratch.word2vec``, autograd doing the backward pass.

Same symbols (V, D, B, K, C) and equations; the sampling (subsampling, noise table, dynamic windows) is
the NumPy code's, so both train on the same kind of batches. Embedding lookups use
``F.embedding(..., sparse=True)`` (sparse gradients); the trainer differentiates with respect to the
gathered rows and updates only the rows touched.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..data.vocab import WordVocab
from ..scratch import word2vec as np_w2v


def sgns_loss(W_in, W_out, inputs, outputs, negatives):
    r"""Skip-gram negative-sampling loss (a scalar tensor) of a batch.

    W_in, W_out (V, D); inputs, outputs (B,); negatives (B, K) (long tensors).
    :math:`L = -\sum_b [\log\sigma(u_{o_b}^\top v_b) + \sum_k \log\sigma(-u_{n_{bk}}^\top v_b)]`.
    """
    v = W_in[inputs]                                                     # (B, D)
    U = W_out[torch.cat([outputs[:, None], negatives], dim=1)]           # (B, K+1, D)
    s = torch.einsum("bkd,bd->bk", U, v)
    return -(F.logsigmoid(s[:, 0]).sum() + F.logsigmoid(-s[:, 1:]).sum())


def cbow_loss(W_in, W_out, context, mask, outputs, negatives):
    r"""CBOW negative-sampling loss: h_b = mean of W_in[context[b, j]] over mask[b, j] (B, D), then as
    :func:`sgns_loss` with v_b = h_b. context, mask (B, C); outputs (B,); negatives (B, K)."""
    m = mask.to(W_in.dtype)
    h = torch.einsum("bc,bcd->bd", m, W_in[context]) / m.sum(dim=1, keepdim=True)
    U = W_out[torch.cat([outputs[:, None], negatives], dim=1)]
    s = torch.einsum("bkd,bd->bk", U, h)
    return -(F.logsigmoid(s[:, 0]).sum() + F.logsigmoid(-s[:, 1:]).sum())


def window_loss_rows(X, Y, mask, cbow=False, live=None):
    """The loss of B windows from their gathered rows: X = W_in[context] (B, C, D), Y = W_out[[centre,
    negatives]] (B, K+1, D), mask (B, C). Skip-gram: every unmasked (context, centre) pair with the
    window's K negatives; CBOW: the mean h of the unmasked context rows predicts the centre.
    live (B, K) bool, optional: False drops that noise word's terms (the trainer drops noise words equal
    to the centre word, as the C code and gensim do)."""
    m = mask.to(X.dtype)
    keep = torch.ones(Y.shape[:2], dtype=X.dtype) if live is None else \
        torch.cat([torch.ones(Y.shape[0], 1, dtype=X.dtype), live.to(X.dtype)], dim=1)      # (B, K+1)
    if cbow:   # a window without context (all masked) adds nothing
        n = m.sum(dim=1, keepdim=True)
        h = (X * m[:, :, None]).sum(dim=1) / n.clamp(min=1)
        s = torch.einsum("bkd,bd->bk", Y, h)
        has = (n[:, 0] > 0).to(X.dtype)
        return -((F.logsigmoid(s[:, 0]) * has).sum() + (F.logsigmoid(-s[:, 1:]) * keep[:, 1:] * has[:, None]).sum())
    s = X @ Y.transpose(1, 2)                                                             # (B, C, K+1)
    return -((F.logsigmoid(s[:, :, 0]) * m).sum()
             + (F.logsigmoid(-s[:, :, 1:]) * m[:, :, None] * keep[:, None, 1:]).sum())


def window_loss(W_in, W_out, context, mask, centre, negatives, cbow=False, live=None):
    """The loss of :func:`rnncourse.scratch.word2vec.window_step` (negatives shared by a window's pairs),
    with sparse-gradient lookups. context, mask (B, C); centre (B,); negatives (B, K); live as in
    :func:`window_loss_rows`."""
    Y = F.embedding(torch.cat([centre[:, None], negatives], dim=1), W_out, sparse=True)   # (B, K+1, D)
    X = F.embedding(context, W_in, sparse=True)                                           # (B, C, D)
    return window_loss_rows(X, Y, mask, cbow, live)


class Word2Vec(np_w2v.Word2Vec):
    """The NumPy trainer's schedule and sampling, with each step's gradients from torch autograd.

    W_in, W_out are torch tensors here (``vectors`` returns W_in as NumPy). Autograd differentiates the
    loss with respect to the gathered rows; SGD then adds ``-lr * grad`` to the rows touched with
    ``index_add_`` (which sums repeated rows). As in the NumPy step, noise words equal to the centre word
    are dropped, and CBOW's context rows get dL/dh (n times their own gradient).
    """

    def __init__(self, vocab: WordVocab, *args, **kwargs):
        if kwargs.get("engine", "numpy") != "numpy":
            raise ValueError(f"the torch trainer has engine 'numpy' only (its steps in torch); got "
                             f"{kwargs['engine']!r}: use rnncourse.scratch.Word2Vec for engine='compiled'")
        super().__init__(vocab, *args, **kwargs)
        self.W_in = torch.from_numpy(self.W_in)
        self.W_out = torch.from_numpy(self.W_out)

    @property
    def vectors(self) -> np.ndarray:
        return self.W_in.numpy()

    def _step(self, context, mask, centre, negatives, lr, cbow):
        ctx, m = torch.from_numpy(context), torch.from_numpy(mask)
        targets = torch.from_numpy(np.concatenate([centre[:, None], negatives], axis=1))
        X = self.W_in[ctx].requires_grad_()
        Y = self.W_out[targets].requires_grad_()
        live = torch.from_numpy(negatives != centre[:, None])
        loss = window_loss_rows(X, Y, m, cbow, live)
        loss.backward()
        D = self.W_in.shape[1]
        dX = X.grad
        if cbow:   # each context row gets dL/dh (the C code's and gensim's rule), n times its own gradient
            dX = dX * m.sum(dim=1, keepdim=True)[:, :, None].to(dX.dtype)
        self.W_in.index_add_(0, ctx[m], dX[m], alpha=-lr)
        self.W_out.index_add_(0, targets.reshape(-1), Y.grad.reshape(-1, D), alpha=-lr)
        return float(loss.detach())
