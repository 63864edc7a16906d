"""Show and Tell captioning from tensor ops (autograd for backward); twin of :mod:`rnncourse.scratch.captioning`.

Same parameters (names and shapes) as the scratch :class:`~rnncourse.scratch.captioning.ShowAndTell`, so a
``state_dict`` moves between the two. The convolutions are ``torch.nn.functional.conv2d``; the LSTM step is
written out (gate order i, f, g, o):

    x_{-1} = v,  x_t = W_e[S_t];  [i, f, g, o] = [sig, sig, tanh, sig](x W_ih^T + b_ih + h W_hh^T + b_hh)
    c' = f c + i g;  h' = o tanh(c');  logits_t = h_t W_out^T + b_out
"""
from __future__ import annotations

import math

import torch
from torch import nn


def conv2d(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """x (B, C, P, Q), weight (O, C, k, k) -> (B, O, P', Q'): ``torch.nn.functional.conv2d`` (as the TDNN twin
    uses ``conv1d``); the from-scratch convolution, :mod:`rnncourse.scratch.conv`, is the one checked against it."""
    if x.dim() != 4 or weight.dim() != 4 or x.shape[1] != weight.shape[1]:
        raise ValueError(f"x must be (B, C, P, Q) and weight (O, C, k, k) with the same C; got {tuple(x.shape)} "
                         f"and {tuple(weight.shape)}")
    return nn.functional.conv2d(x, weight, bias, stride, padding)


def lstm_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    """One LSTM step; x (B, E), h and c (B, H). Returns (h', c')."""
    a = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh
    a_i, a_f, a_g, a_o = a.chunk(4, dim=-1)
    c = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
    return torch.sigmoid(a_o) * torch.tanh(c), c


def masked_cross_entropy(logits, targets, pad: int = 0):
    """Mean of -log softmax(logits)[target] over the positions whose target is not ``pad``.
    logits (B, T, V), targets (B, T) long."""
    if logits.dim() != 3 or targets.shape != logits.shape[:2]:
        raise ValueError(f"logits must be (B, T, V) and targets (B, T); got {tuple(logits.shape)}, {tuple(targets.shape)}")
    mask = targets != pad
    logp = torch.log_softmax(logits, dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return -(logp * mask).sum() / mask.sum()


class ShowAndTell(nn.Module):
    """ShowAndTell(image_shape (C, P, Q), vocab_size V, embed_size E=32, hidden_size H=64, channels=(8, 16))."""

    def __init__(self, image_shape, vocab_size: int, embed_size: int = 32, hidden_size: int = 64, channels=(8, 16),
                 dtype=None):
        super().__init__()
        if len(image_shape) != 3 or image_shape[1] % 4 or image_shape[2] % 4:
            raise ValueError(f"image_shape must be (C, P, Q) with P, Q divisible by 4; got {tuple(image_shape)}")
        C, P, Q = image_shape
        F1, F2 = channels
        V, E, H = vocab_size, embed_size, hidden_size
        self.image_shape = tuple(image_shape)
        shapes = {"conv1_weight": ((F1, C, 3, 3), C * 9), "conv1_bias": ((F1,), C * 9),
                  "conv2_weight": ((F2, F1, 3, 3), F1 * 9), "conv2_bias": ((F2,), F1 * 9),
                  "img_weight": ((E, F2 * P * Q // 16), F2 * P * Q // 16), "img_bias": ((E,), F2 * P * Q // 16),
                  "embed": ((V, E), None), "weight_ih": ((4 * H, E), H), "weight_hh": ((4 * H, H), H),
                  "bias_ih": ((4 * H,), H), "bias_hh": ((4 * H,), H), "out_weight": ((V, H), H), "out_bias": ((V,), H)}
        for name, (shape, fan_in) in shapes.items():
            p = nn.Parameter(torch.empty(shape, dtype=dtype))
            with torch.no_grad():
                p.normal_() if fan_in is None else p.uniform_(-1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))
            self.register_parameter(name, p)

    def encode(self, images):
        """images (B, C, P, Q) -> v (B, E)."""
        if images.dim() != 4 or tuple(images.shape[1:]) != self.image_shape:
            raise ValueError(f"images must have shape (B, {', '.join(map(str, self.image_shape))}); got {tuple(images.shape)}")
        a = torch.relu(conv2d(images, self.conv1_weight, self.conv1_bias, 2, 1))
        a = torch.relu(conv2d(a, self.conv2_weight, self.conv2_bias, 2, 1))
        return a.flatten(1) @ self.img_weight.T + self.img_bias

    def _lstm(self, x, state):
        return lstm_step(x, *state, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)

    def start_state(self, v):
        """(h_{-1}, c_{-1}) after the image step, from zeros."""
        zeros = v.new_zeros(v.shape[0], self.weight_hh.shape[1])
        return self._lstm(v, (zeros, zeros))

    def forward(self, images, captions):
        """Teacher forcing: images (B, C, P, Q), captions (B, T) long input tokens -> logits (B, T, V)."""
        state = self.start_state(self.encode(images))
        words = self.embed[captions]                                      # (B, T, E)
        hs = []
        for t in range(captions.shape[1]):
            state = self._lstm(words[:, t], state)
            hs.append(state[0])
        return torch.stack(hs, 1) @ self.out_weight.T + self.out_bias

    def loss(self, images, tokens, pad: int = 0):
        """Masked cross-entropy of tokens (B, L) = <start> words <end> <pad>... (teacher forcing)."""
        return masked_cross_entropy(self(images, tokens[:, :-1]), tokens[:, 1:], pad)

    def step_function(self, image):
        """(step, start state) for one image (C, P, Q), for :mod:`rnncourse.decoding` (NumPy log-probs out)."""
        with torch.no_grad():
            state = self.start_state(self.encode(torch.as_tensor(image, dtype=self.embed.dtype)[None]))

        def step(tokens, state):
            with torch.no_grad():
                state = self._lstm(self.embed[torch.as_tensor(tokens)], state)
                return torch.log_softmax(state[0] @ self.out_weight.T + self.out_bias, -1).numpy(), state
        return step, state
