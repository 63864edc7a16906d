"""Recursive networks: backpropagation through structure by hand (rnncourse.scratch.recursive) against
autograd on the node-by-node torch twin and against float64 central differences; a chain RNN is the
left-branching tree; the generated subtraction trees are evaluated correctly."""
import numpy as np
import pytest
import torch

import rnncourse.torch.recursive as twin
from rnncourse import scratch
from rnncourse.data.expressions import evaluate, leaves, subtraction_trees
from rnncourse.scratch import numerical_gradient, rel_error
from rnncourse.scratch.recursive import (
    BagOfLeaves,
    TreeNet,
    chain_children,
    flatten_trees,
    recursive_backward,
    recursive_forward,
    roots,
)

H = 4
FOREST = [((0, 1), (2, (3, 0))), (1, 2), (((2, 2), 1), 3)]     # three trees, one structure


def _inputs(seed=0):
    rng = np.random.default_rng(seed)
    tokens, children, root_ids = flatten_trees(FOREST)
    x = rng.standard_normal((len(tokens), H))
    W, b = rng.standard_normal((H, 2 * H)) * 0.6, rng.standard_normal(H) * 0.3
    dh = rng.standard_normal((len(tokens) + len(children), H))      # upstream gradient at EVERY node
    return x, children, W, b, dh, root_ids


def test_flatten_puts_children_before_parents_and_finds_the_roots():
    tokens, children, root_ids = flatten_trees(FOREST)
    assert tokens.tolist() == [0, 1, 2, 3, 0, 1, 2, 2, 2, 1, 3]
    assert len(children) == len(tokens) - len(FOREST)               # a full binary tree: n - 1 internal nodes
    assert np.all(children < (len(tokens) + np.arange(len(children)))[:, None])
    assert roots(children, len(tokens)).tolist() == sorted(root_ids.tolist())


def test_forward_matches_the_torch_twin():
    x, children, W, b, _, _ = _inputs()
    h, _ = recursive_forward(x, children, W, b)
    ref = twin.recursive_forward(*(torch.from_numpy(a) for a in (x,)), children, torch.from_numpy(W), torch.from_numpy(b))
    assert rel_error(h, ref.numpy()) < 1e-14


def test_backward_through_structure_matches_autograd_and_central_differences():
    x, children, W, b, dh, _ = _inputs(1)
    h, cache = recursive_forward(x, children, W, b)
    grads = recursive_backward(dh, cache)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in (("x", x), ("weight", W), ("bias", b))}
    ref = twin.recursive_forward(t["x"], children, t["weight"], t["bias"])
    auto = torch.autograd.grad(ref, list(t.values()), torch.from_numpy(dh))
    for (name, _), g in zip(t.items(), auto):
        assert rel_error(grads[name], g.numpy()) < 1e-10, name
    for name, arr in (("x", x), ("weight", W), ("bias", b)):
        num = numerical_gradient(lambda: float(np.sum(recursive_forward(x, children, W, b)[0] * dh)), arr)
        assert rel_error(grads[name], num) < 1e-8, name


def test_a_chain_rnn_is_the_left_branching_tree():
    """RNN from h_0 = x_0 over x_1..x_{T-1} with W = [W_hh, W_ih], b = b_ih + b_hh: the internal nodes of
    the left-branching tree are its hidden states, and their gradients agree."""
    T, rng = 6, np.random.default_rng(2)
    rnn = scratch.RNN(H, H, rng=3)
    p = rnn.params
    x = rng.standard_normal((T, H))
    out, _ = rnn.forward(x[1:, None, :], x[None, :1, :])
    W = np.concatenate([p["weight_hh_l0"], p["weight_ih_l0"]], axis=1)
    b = p["bias_ih_l0"] + p["bias_hh_l0"]
    h, cache = recursive_forward(x, chain_children(T), W, b)
    assert rel_error(h[T:], out[:, 0]) < 1e-14
    dh = np.zeros_like(h)
    dh[-1] = rng.standard_normal(H)
    grads = recursive_backward(dh, cache)
    d_out = np.zeros_like(out)
    d_out[-1, 0] = dh[-1]
    dx, dh0 = rnn.backward(d_out)
    assert rel_error(grads["x"][1:], dx[:, 0]) < 1e-12 and rel_error(grads["x"][0], dh0[0, 0]) < 1e-12
    assert rel_error(grads["weight"], np.concatenate([rnn.grads["weight_hh_l0"], rnn.grads["weight_ih_l0"]], 1)) < 1e-12


@pytest.mark.parametrize("model_class", [TreeNet, BagOfLeaves])
def test_tree_net_and_bag_of_leaves_backward_match_central_differences(model_class):
    model = model_class(5, H, rng=0)
    d_roots = np.random.default_rng(4).standard_normal((len(FOREST), H))
    model.forward(FOREST)
    model.backward(d_roots)
    for name, arr in model.params.items():
        num = numerical_gradient(lambda: float(np.sum(model.forward(FOREST) * d_roots)), arr)
        assert rel_error(model.grads[name], num) < 1e-8, name


def test_the_bag_of_leaves_cannot_tell_bracketings_apart_and_the_tree_net_can():
    a, c = ((3, 1), 2), (3, (1, 2))
    assert evaluate(a) == 0 and evaluate(c) == 4 and leaves(a) == leaves(c) == [3, 1, 2]
    bag, tree = BagOfLeaves(5, H, rng=0), TreeNet(5, H, rng=0)
    assert np.array_equal(*bag.forward([a, c]))
    ra, rc = tree.forward([a, c])
    assert not np.allclose(ra, rc)


def test_subtraction_trees_are_seeded_and_their_values_follow_the_signs():
    trees, values = subtraction_trees(200, K=5, rng=0)
    again, _ = subtraction_trees(200, K=5, rng=0)
    assert trees == again and values.shape == (200,)
    for tree, value in zip(trees[:20], values[:20]):
        assert value == evaluate(tree)
        assert 2 <= len(leaves(tree)) <= 6 and all(0 <= d < 5 for d in leaves(tree))


@pytest.mark.parametrize("children,match", [
    (np.array([[0, 3]]), "earlier nodes"), (np.array([[0, 1], [0, 2]]), "appears twice"),
    (np.array([0, 1]), r"shape \(M, 2\)"), (np.array([[0.0, 1.0]]), "integer"),
])
def test_bad_structures_raise_a_clear_value_error(children, match):
    with pytest.raises(ValueError, match=match):
        recursive_forward(np.zeros((3, H)), children, np.zeros((H, 2 * H)), np.zeros(H))


def test_bad_weight_shape_names_the_expected_shape():
    with pytest.raises(ValueError, match=r"weight must have shape \(4, 8\)"):
        recursive_forward(np.zeros((3, H)), np.array([[0, 1]]), np.zeros((H, H)), np.zeros(H))
