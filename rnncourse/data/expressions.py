"""Random subtraction trees: a task where the tree, not the bag of leaves, decides the answer.

An expression is a full binary tree whose leaves are digits 0..K-1 and whose every internal node
subtracts its right subtree from its left one: ``((3, 1), 2)`` is (3 - 1) - 2 = 0, ``(3, (1, 2))`` is
3 - (1 - 2) = 4. Subtraction is not associative, so the same leaves in the same order give different
values under different bracketings, and a leaf counts with sign (-1)^(number of right branches above
it). A model that sees only the multiset of leaves cannot know those signs.

Trees are nested tuples with int leaves; :func:`random_tree` draws the shape uniformly among the
binary trees built by recursive random splits (split point uniform), then the digits uniformly.
"""
from __future__ import annotations

import numpy as np


def random_tree(n_leaves: int, K: int, rng):
    """A random full binary tree with ``n_leaves`` digit leaves in 0..K-1 (nested tuples)."""
    if n_leaves == 1:
        return int(rng.integers(0, K))
    left = int(rng.integers(1, n_leaves))
    return (random_tree(left, K, rng), random_tree(n_leaves - left, K, rng))


def evaluate(tree) -> int:
    """The value of a subtraction tree: a leaf is its digit, a node is left - right."""
    if isinstance(tree, tuple):
        return evaluate(tree[0]) - evaluate(tree[1])
    return int(tree)


def leaves(tree) -> list:
    """The leaves left to right."""
    return leaves(tree[0]) + leaves(tree[1]) if isinstance(tree, tuple) else [int(tree)]


def subtraction_trees(n: int, K: int = 5, min_leaves: int = 2, max_leaves: int = 6, rng=None):
    """n random trees (leaf counts uniform in [min_leaves, max_leaves]) and their values (n,) float64."""
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    if not (isinstance(min_leaves, (int, np.integer)) and isinstance(max_leaves, (int, np.integer))
            and 1 <= min_leaves <= max_leaves):
        raise ValueError(f"need integers 1 <= min_leaves <= max_leaves; got {min_leaves!r}, {max_leaves!r}")
    rng = np.random.default_rng(rng)
    trees = [random_tree(int(rng.integers(min_leaves, max_leaves + 1)), K, rng) for _ in range(n)]
    return trees, np.array([evaluate(t) for t in trees], dtype=np.float64)
