"""Gradient clipping, both kinds, against torch.nn.utils."""
import numpy as np
import pytest
import torch

from rnncourse.scratch import clip_grad_norm, clip_grad_value


@pytest.mark.parametrize("clip", [0.05, 0.5, 5.0])
def test_value_clipping_matches_torch(clip):
    rng = np.random.default_rng(0)
    grads = {"a": rng.standard_normal((4, 3)), "b": rng.standard_normal(5) * 0.1}
    tensors = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads.values()]
    for t, g in zip(tensors, grads.values()):
        t.grad = torch.from_numpy(g.copy())
    torch.nn.utils.clip_grad_value_(tensors, clip)
    clip_grad_value(grads, clip)
    for t, g in zip(tensors, grads.values()):
        assert np.array_equal(g, t.grad.numpy())


def test_value_clipping_turns_the_direction_and_norm_clipping_does_not():
    g = {"w": np.array([10.0, 0.1])}
    clip_grad_value(g, 1.0)
    assert np.array_equal(g["w"], [1.0, 0.1])                 # direction changed: (1, 0.1) is not parallel to (10, 0.1)
    h = {"w": np.array([10.0, 0.1])}
    clip_grad_norm(h, 1.0)
    assert abs(h["w"][0] / h["w"][1] - 100) < 1e-9             # direction kept


def test_bad_clip_value():
    with pytest.raises(ValueError, match="clip_value must be a positive number; got -1"):
        clip_grad_value({"w": np.zeros(2)}, -1)
