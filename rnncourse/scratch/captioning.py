"""Image captioning in the style of Show and Tell (Vinyals et al. 2015): a small convolutional encoder and
an LSTM decoder, with hand-written backward passes.

The encoder maps an image (C, P, Q) to an embedding v (E,):

    a1 = relu(conv1(image)),  a2 = relu(conv2(a1))   (3 x 3, stride 2, padding 1 each: P/4 x Q/4 left)
    v  = flatten(a2) W_img^T + b_img                 (flattening keeps *where* things are)

The decoder is an LSTM (torch's gate order i, f, g, o) fed the image embedding ONCE, at t = -1, then the
embedded words of the caption (teacher forcing): with S_0 = <start>, S_1 .. S_N the words, S_{N+1} = <end>,

    x_{-1} = v,      x_t = W_e[S_t]   (t = 0 .. N),      h_t, c_t = LSTM(x_t, h_{t-1}, c_{t-1}),  h_{-2} = c_{-2} = 0
    logits_t = h_t W_out^T + b_out,   p(S_{t+1} | image, S_0..S_t) = softmax(logits_t)

The output at t = -1 is not scored. The loss is the cross-entropy of the next word, averaged over the
positions whose target is not ``<pad>`` (:func:`masked_cross_entropy`): captions of different lengths share
one padded batch, and padding neither adds loss nor gradient.

Shapes (batch first for tokens, as datasets store them): captions (B, T) int, features v (B, E), logits
(B, T, V); inside, the LSTM runs time-major (T + 1, B, E) through :func:`rnncourse.scratch.lstm_forward`.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array
from .conv import conv2d_backward, conv2d_forward
from .functional import log_softmax
from .losses import masked_cross_entropy
from .lstm import lstm_backward, lstm_cell_forward, lstm_forward
from .parameters import Parameterized

DECODER_PARAMS = ("embed", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "out_weight", "out_bias")


def _tokens(name, tokens, V=None):
    arr = np.asarray(tokens)
    if arr.ndim != 2 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be an int array of shape (B, T); got {arr.dtype} {arr.shape}")
    if V is not None and arr.size and (arr.min() < 0 or arr.max() >= V):
        raise ValueError(f"{name} must hold token indices in [0, V={V}); got values in [{arr.min()}, {arr.max()}]")
    return arr


def caption_decoder_forward(features, captions, embed, weight_ih, weight_hh, bias_ih, bias_hh, out_weight, out_bias):
    """Teacher-forced decoder. features v (B, E); captions (B, T) int, the INPUT tokens S_0..S_{T-1};
    embed W_e (V, E); LSTM weights (4H, E), (4H, H), biases (4H,); out_weight (V, H), out_bias (V,).

    Returns (logits (B, T, V), cache): logits[:, t] scores S_{t+1}."""
    features = as_float_array("features", features)
    embed = as_float_array("embed", embed, features.dtype)
    if features.ndim != 2 or embed.ndim != 2 or embed.shape[1] != features.shape[1]:
        raise ValueError(f"features must be (B, E) and embed (V, E) with the same E; got {features.shape} and {embed.shape}")
    captions = _tokens("captions", captions, embed.shape[0])
    if captions.shape[0] != features.shape[0]:
        raise ValueError(f"captions must have B={features.shape[0]} rows like features; got {captions.shape}")
    x = np.concatenate([features[None], embed[captions].transpose(1, 0, 2)])      # (T + 1, B, E)
    B, H = features.shape[0], weight_hh.shape[1]
    zeros = np.zeros((B, H), dtype=features.dtype)
    hs, _, lstm_cache = lstm_forward(x, zeros, zeros, weight_ih, weight_hh, bias_ih, bias_hh)
    out_weight = as_float_array("out_weight", out_weight, features.dtype)
    h_words = hs[1:].transpose(1, 0, 2)                                             # (B, T, H)
    logits = h_words @ out_weight.T + out_bias
    return logits, (captions, embed.shape, h_words, out_weight, lstm_cache)


def caption_decoder_backward(dlogits, cache) -> dict:
    """Backward of :func:`caption_decoder_forward`. dlogits (B, T, V).

    Returns gradients {features (B, E), embed, weight_ih, weight_hh, bias_ih, bias_hh, out_weight, out_bias}."""
    captions, embed_shape, h_words, out_weight, lstm_cache = cache
    dlogits = as_float_array("dlogits", dlogits, h_words.dtype)
    if dlogits.shape != h_words.shape[:2] + (out_weight.shape[0],):
        raise ValueError(f"dlogits must have shape (B, T, V)={h_words.shape[:2] + (out_weight.shape[0],)}; got {dlogits.shape}")
    grads = {"out_weight": np.einsum("btv,bth->vh", dlogits, h_words), "out_bias": dlogits.sum(axis=(0, 1))}
    dh_words = dlogits @ out_weight                                                 # (B, T, H)
    dhs = np.concatenate([np.zeros_like(dh_words[:, :1].transpose(1, 0, 2)), dh_words.transpose(1, 0, 2)])
    g = lstm_backward(dhs, lstm_cache)
    dx = g["x"]                                                                     # (T + 1, B, E)
    dembed = np.zeros(embed_shape, dtype=dx.dtype)
    np.add.at(dembed, captions, dx[1:].transpose(1, 0, 2))
    grads |= {"features": dx[0], "embed": dembed, **{k: g[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}}
    return grads


def _lstm_step(x, h, c, p):
    """One decoder step with the library's LSTM cell (:func:`rnncourse.scratch.lstm_cell_forward`)."""
    return lstm_cell_forward(x, h, c, p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"])[:2]


def decoder_start_state(features, params: dict):
    """The state after the image step t = -1: (h_{-1}, c_{-1}), each (B, H), from zeros."""
    features = as_float_array("features", features)
    H = params["weight_hh"].shape[1]
    zeros = np.zeros((features.shape[0], H), dtype=features.dtype)
    return _lstm_step(features, zeros, zeros, params)


def decoder_step(params: dict):
    """A step function for :mod:`rnncourse.decoding`: (tokens (K,), (h, c)) -> (log-probs (K, V), (h, c))."""
    def step(tokens, state):
        h, c = _lstm_step(params["embed"][np.asarray(tokens)], *state, params)
        return log_softmax(h @ params["out_weight"].T + params["out_bias"], axis=-1), (h, c)
    return step


class ShowAndTell(Parameterized):
    """Encoder (two 3 x 3 stride-2 convolutions, ReLU, a linear map to E) + LSTM decoder (see the module
    docstring), for images (B, C, P, Q) with P and Q divisible by 4 and a vocabulary of V tokens.

    Parameters (``params``, gradients in ``grads``, same keys): conv1_weight (F1, C, 3, 3), conv1_bias,
    conv2_weight (F2, F1, 3, 3), conv2_bias, img_weight (E, F2 P Q / 16), img_bias (E,), embed (V, E),
    weight_ih (4H, E), weight_hh (4H, H), bias_ih, bias_hh (4H,), out_weight (V, H), out_bias (V,).
    Initialised as torch's defaults (uniform in +-1/sqrt(fan-in); N(0, 1) for the embedding)."""

    def __init__(self, image_shape, vocab_size: int, embed_size: int = 32, hidden_size: int = 64,
                 channels=(8, 16), *, dtype=np.float64, rng=None):
        if len(image_shape) != 3 or image_shape[1] % 4 or image_shape[2] % 4:
            raise ValueError(f"image_shape must be (C, P, Q) with P, Q divisible by 4; got {tuple(image_shape)}")
        C, P, Q = image_shape
        F1, F2 = channels
        V, E, H = vocab_size, embed_size, hidden_size
        self.image_shape, self.vocab_size = tuple(image_shape), V
        shapes = {"conv1_weight": (F1, C, 3, 3), "conv1_bias": (F1,), "conv2_weight": (F2, F1, 3, 3), "conv2_bias": (F2,),
                  "img_weight": (E, F2 * P * Q // 16), "img_bias": (E,), "embed": (V, E),
                  "weight_ih": (4 * H, E), "weight_hh": (4 * H, H), "bias_ih": (4 * H,), "bias_hh": (4 * H,),
                  "out_weight": (V, H), "out_bias": (V,)}
        fan_in = {"conv1": C * 9, "conv2": F1 * 9, "img": F2 * P * Q // 16, "weight": H, "bias": H, "out": H}
        rng = np.random.default_rng(rng)
        self.params = {}
        for name, shape in shapes.items():
            if name == "embed":
                self.params[name] = rng.standard_normal(shape).astype(dtype)
            else:
                bound = 1 / np.sqrt(fan_in[name.split("_")[0]])
                self.params[name] = rng.uniform(-bound, bound, shape).astype(dtype)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache = None

    def encode(self, images):
        """images (B, C, P, Q) -> (features v (B, E), cache)."""
        images = as_float_array("images", images, self.params["embed"].dtype)
        if images.ndim != 4 or images.shape[1:] != self.image_shape:
            raise ValueError(f"images must have shape (B, {', '.join(map(str, self.image_shape))}); got {images.shape}")
        p = self.params
        z1, c1 = conv2d_forward(images, p["conv1_weight"], p["conv1_bias"], stride=2, padding=1)
        a1 = np.maximum(z1, 0)
        z2, c2 = conv2d_forward(a1, p["conv2_weight"], p["conv2_bias"], stride=2, padding=1)
        a2 = np.maximum(z2, 0)
        flat = a2.reshape(len(a2), -1)
        return flat @ p["img_weight"].T + p["img_bias"], (c1, z1, c2, z2, flat)

    def encode_backward(self, dv, cache) -> None:
        c1, z1, c2, z2, flat = cache
        self.grads["img_weight"] += dv.T @ flat
        self.grads["img_bias"] += dv.sum(axis=0)
        da2 = (dv @ self.params["img_weight"]).reshape(z2.shape) * (z2 > 0)
        g2 = conv2d_backward(da2, c2)
        g1 = conv2d_backward(g2["x"] * (z1 > 0), c1)
        for layer, g in (("conv1", g1), ("conv2", g2)):
            self.grads[f"{layer}_weight"] += g["weight"]
            self.grads[f"{layer}_bias"] += g["bias"]

    def loss(self, images, tokens, pad: int = 0) -> float:
        """Teacher-forced masked cross-entropy of tokens (B, L) = <start> words <end> <pad>...; keeps a cache
        for :meth:`backward`."""
        tokens = _tokens("tokens", tokens, self.vocab_size)
        v, enc_cache = self.encode(images)
        logits, dec_cache = caption_decoder_forward(v, tokens[:, :-1], *(self.params[k] for k in DECODER_PARAMS))
        loss, dlogits = masked_cross_entropy(logits, tokens[:, 1:], pad)
        self._cache = (enc_cache, dec_cache, dlogits)
        return loss

    def backward(self) -> None:
        """Adds the gradients of the last :meth:`loss` into ``grads``."""
        if self._cache is None:
            raise RuntimeError("ShowAndTell.backward called before loss")
        enc_cache, dec_cache, dlogits = self._cache
        g = caption_decoder_backward(dlogits, dec_cache)
        for k in DECODER_PARAMS:
            self.grads[k] += g[k]
        self.encode_backward(g["features"], enc_cache)


    def step_function(self, image):
        """(step, start state) for one image (C, P, Q), to give :func:`rnncourse.decoding.greedy_decode` or
        :func:`rnncourse.decoding.beam_search`."""
        v, _ = self.encode(np.asarray(image)[None])
        return decoder_step(self.params), decoder_start_state(v, self.params)
