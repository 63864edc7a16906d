"""Recursive (tree-structured) networks (Goller & Kuechler 1996; Socher et al. 2011): one composition
function applied at every internal node of a tree, and backpropagation through structure by hand.

    h_p = tanh(W [h_l; h_r] + b)            W = weight (H, 2H), b = bias (H,)

A structure is given as leaf vectors x (n, H) and ``children`` (M, 2): nodes 0..n-1 are the leaves,
node n + k is internal node k with children ``children[k]``, which must be smaller node indices (children
before parents). One structure may hold many trees (a forest): each tree's root is a node nobody points to.
Forward runs level by level (all nodes of the same height in one matmul); backward walks the levels in
reverse, and every node passes its gradient down to its two children:

    da_p = dh_p * (1 - h_p^2);   dW += da_p^T [h_l; h_r];   db += sum da_p;   [dh_l, dh_r] += da_p W

A chain RNN h_t = tanh(W_hh h_{t-1} + W_ih x_t + b) is the left-branching tree ((((x_0, x_1), x_2), ...))
with W = [W_hh, W_ih] and the first leaf as h_0 (see :func:`chain_children`).

Shapes: x (n, H), children (M, 2) int, h (n + M, H), weight (H, 2H), bias (H,).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_param, check_shape
from .parameters import Parameterized


def check_children(children, n_leaves: int) -> np.ndarray:
    """Validate ``children`` (M, 2): integers, each child an earlier node, each node used at most once."""
    children = np.asarray(children)
    if children.size == 0:
        children = children.reshape(0, 2)
    if children.ndim != 2 or children.shape[1] != 2 or not np.issubdtype(children.dtype, np.integer):
        raise ValueError(f"children must be an integer array of shape (M, 2); got {children.dtype} {children.shape}")
    node = n_leaves + np.arange(len(children))
    if np.any(children < 0) or np.any(children >= node[:, None]):
        bad = int(np.argmax(np.any((children < 0) | (children >= node[:, None]), axis=1)))
        raise ValueError(f"children[{bad}] = {children[bad].tolist()} must name earlier nodes, in "
                         f"0..{n_leaves + bad - 1} (children come before their parent)")
    if len(np.unique(children)) != children.size:
        raise ValueError("a node appears twice in children; in a tree every node has at most one parent")
    return children.astype(np.int64)


def node_levels(children: np.ndarray, n_leaves: int) -> list:
    """Internal nodes grouped by height (1 = both children are leaves, ...): a list of index arrays."""
    height = np.zeros(n_leaves + len(children), dtype=np.int64)
    for k, (left, right) in enumerate(children):
        height[n_leaves + k] = 1 + max(height[left], height[right])
    internal = height[n_leaves:]
    return [n_leaves + np.flatnonzero(internal == level) for level in range(1, int(internal.max(initial=0)) + 1)]


def roots(children: np.ndarray, n_leaves: int) -> np.ndarray:
    """The nodes that are nobody's child, in increasing order (one per tree of the forest)."""
    used = np.zeros(n_leaves + len(children), dtype=bool)
    used[np.asarray(children, dtype=np.int64).ravel()] = True
    return np.flatnonzero(~used)


def recursive_forward(x, children, weight, bias):
    """h_p = tanh(W [h_l; h_r] + b) at every internal node. x: (n, H) leaf vectors, children: (M, 2),
    weight: (H, 2H), bias: (H,). Returns (h (n + M, H): every node's vector, leaves first; cache)."""
    x = as_float_array("x", x)
    check_shape("x", x, (("n", None), ("H", None)))
    n, H = x.shape
    children = check_children(children, n)
    weight = check_param("weight", weight, (H, 2 * H), x.dtype)
    bias = check_param("bias", bias, (H,), x.dtype)
    h = np.empty((n + len(children), H), dtype=x.dtype)
    h[:n] = x
    levels, inputs = node_levels(children, n), []
    for nodes in levels:
        pair = children[nodes - n]
        c = np.concatenate([h[pair[:, 0]], h[pair[:, 1]]], axis=1)      # [h_l; h_r]: (nodes, 2H)
        h[nodes] = np.tanh(c @ weight.T + bias)
        inputs.append(c)
    return h, (h, children, n, weight, levels, inputs)


def recursive_backward(dh, cache) -> dict:
    """Backpropagation through structure. dh: (n + M, H) = dL/dh of every node from outside the tree
    (usually nonzero at the roots only). Returns {"x": (n, H), "weight": (H, 2H), "bias": (H,)}."""
    h, children, n, weight, levels, inputs = cache
    dh = as_float_array("dh", dh, h.dtype)
    check_shape("dh", dh, (("n+M", h.shape[0]), ("H", h.shape[1])))
    dh = dh.copy()                       # gradients from parents are added in as we go down
    H = h.shape[1]
    dW, db = np.zeros_like(weight), np.zeros(H, dtype=h.dtype)
    for nodes, c in zip(reversed(levels), reversed(inputs)):
        da = dh[nodes] * (1 - h[nodes] ** 2)
        dW += da.T @ c
        db += da.sum(axis=0)
        dc = da @ weight
        pair = children[nodes - n]
        dh[pair[:, 0]] += dc[:, :H]      # every node has one parent, so these indices are distinct
        dh[pair[:, 1]] += dc[:, H:]
    return {"x": dh[:n], "weight": dW, "bias": db}


def chain_children(T: int) -> np.ndarray:
    """children of the left-branching tree over T leaves: node T = (0, 1), node T + k = (T + k - 1, k + 1)."""
    if not isinstance(T, (int, np.integer)) or T < 2:
        raise ValueError(f"a chain needs T >= 2 leaves; got {T!r}")
    return np.array([[0, 1]] + [[T + k - 1, k + 1] for k in range(1, T - 1)], dtype=np.int64)


def flatten_trees(trees) -> tuple:
    """Nested-tuple trees (int leaves = tokens) -> (tokens (n,), children (M, 2), roots (len(trees),)).

    Leaves of all trees come first (tree by tree, left to right), then internal nodes in post-order."""
    tokens, pairs = [], []

    def count(tree):
        return count(tree[0]) + count(tree[1]) if isinstance(tree, tuple) else 1

    n = sum(count(t) for t in trees)
    root_ids = []

    def visit(tree):
        if not isinstance(tree, tuple):
            tokens.append(int(tree))
            return len(tokens) - 1
        left, right = visit(tree[0]), visit(tree[1])
        pairs.append((left, right))
        return n + len(pairs) - 1

    for tree in trees:
        root_ids.append(visit(tree))
    children = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return np.array(tokens, dtype=np.int64), children, np.array(root_ids, dtype=np.int64)


class TreeNet(Parameterized):
    """A recursive network over token trees: leaf vectors from an embedding, the composition at every node.

    params: ``embedding`` (V, H), ``weight`` (H, 2H), ``bias`` (H,). forward(trees) -> root vectors (N, H)
    for N trees (nested tuples of tokens); backward(d_roots (N, H)) ADDS every gradient into ``grads``.
    """

    def __init__(self, vocab_size: int, hidden_size: int, *, dtype=np.float64, rng=None):
        rng = np.random.default_rng(rng)
        V, H = int(vocab_size), int(hidden_size)
        bound = 1.0 / np.sqrt(2 * H)
        self.params = {"embedding": rng.standard_normal((V, H)).astype(dtype) * 0.5,
                       "weight": rng.uniform(-bound, bound, (H, 2 * H)).astype(dtype),
                       "bias": np.zeros(H, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache = None

    def forward(self, trees):
        tokens, children, root_ids = flatten_trees(trees)
        h, cache = recursive_forward(self.params["embedding"][tokens], children, self.params["weight"],
                                     self.params["bias"])
        self._cache = (cache, tokens, root_ids)
        return h[root_ids]

    def backward(self, d_roots):
        cache, tokens, root_ids = self._cache
        dh = np.zeros_like(cache[0])
        dh[root_ids] = d_roots
        grads = recursive_backward(dh, cache)
        np.add.at(self.grads["embedding"], tokens, grads["x"])
        self.grads["weight"] += grads["weight"]
        self.grads["bias"] += grads["bias"]


class BagOfLeaves(Parameterized):
    """The baseline that ignores structure: r = tanh(W sum_i e(leaf_i) + b), the same for every bracketing.

    params: ``embedding`` (V, H), ``weight`` (H, H), ``bias`` (H,); the interface of :class:`TreeNet`.
    """

    def __init__(self, vocab_size: int, hidden_size: int, *, dtype=np.float64, rng=None):
        rng = np.random.default_rng(rng)
        V, H = int(vocab_size), int(hidden_size)
        bound = 1.0 / np.sqrt(H)
        self.params = {"embedding": rng.standard_normal((V, H)).astype(dtype) * 0.5,
                       "weight": rng.uniform(-bound, bound, (H, H)).astype(dtype),
                       "bias": np.zeros(H, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache = None

    def forward(self, trees):
        tokens, _, _ = flatten_trees(trees)
        sizes = [len(flatten_trees([t])[0]) for t in trees]
        owner = np.repeat(np.arange(len(trees)), sizes)
        bag = np.zeros((len(trees), self.params["bias"].size), dtype=self.params["bias"].dtype)
        np.add.at(bag, owner, self.params["embedding"][tokens])
        r = np.tanh(bag @ self.params["weight"].T + self.params["bias"])
        self._cache = (tokens, owner, bag, r)
        return r

    def backward(self, d_roots):
        tokens, owner, bag, r = self._cache
        da = d_roots * (1 - r**2)
        self.grads["weight"] += da.T @ bag
        self.grads["bias"] += da.sum(axis=0)
        np.add.at(self.grads["embedding"], tokens, (da @ self.params["weight"])[owner])
