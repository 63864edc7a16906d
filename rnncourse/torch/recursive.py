"""Recursive networks from tensor ops (autograd does backpropagation through structure); twin of
:mod:`rnncourse.scratch.recursive`, written node by node in post-order (the scratch side goes level by level):

    h_p = tanh(W [h_l; h_r] + b)
"""
from __future__ import annotations

import torch


def recursive_forward(x, children, weight, bias):
    """x: (n, H) leaf vectors, children: (M, 2) ints (children before parents), weight: (H, 2H), bias: (H,).
    Returns h (n + M, H), every node's vector, leaves first."""
    h = list(x.unbind(0))
    for left, right in [(int(a), int(b)) for a, b in children]:
        h.append(torch.tanh(torch.cat([h[left], h[right]]) @ weight.T + bias))
    return torch.stack(h)
