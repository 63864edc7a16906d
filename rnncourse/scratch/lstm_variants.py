"""The peephole LSTM of Greff et al. (2017), "LSTM: A Search Space Odyssey", and its eight variants.

The vanilla LSTM of the paper (block input z, gates i, f, o, cell c, block output y = h), in torch's
gate order and parameter layout, plus peephole weights p_i, p_f, p_o (each (H,)):

    [a_i, a_f, a_g, a_o] = x W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh      (B, G*H), G = gate blocks present
    i = sigmoid(a_i + p_i * c_{t-1})          input gate
    f = sigmoid(a_f + p_f * c_{t-1})          forget gate
    z = g(a_g),  g = tanh                     block input
    c_t = f * c_{t-1} + i * z
    o = sigmoid(a_o + p_o * c_t)              output gate (peeks at the NEW cell)
    h_t = o * k(c_t),  k = tanh               block output

The variants change one thing each:

    NIG   no input gate        i = 1              NOAF  no output activation  k(c) = c
    NFG   no forget gate       f = 1              NP    no peepholes          p_* absent (= torch.nn.LSTM)
    NOG   no output gate       o = 1              CIFG  coupled gates         f = 1 - i (no a_f, no p_f)
    NIAF  no input activation  g(a) = a           FGR   full gate recurrence  a_{i,f,o} += s_{t-1} W_gg^T,
                                                        s_{t-1} = [i, f, o]_{t-1} (zeros at t = 0)

A gate that is absent has no rows in W_ih / W_hh / biases, so parameter counts are honest: G = 4 for
vanilla, 3 for NIG, NFG, NOG and CIFG. Backward (per step; ``ds`` is dL/ds_t arriving from step t+1
through W_gg under FGR, zero otherwise):

    do  = dh * k(c) + ds_o;                     da_o = do * o(1 - o)
    dc  = dc_next + dh * o * k'(c) + da_o * p_o
    di  = dc * z + ds_i;  dz = dc * i;  df = dc * c_{t-1} + ds_f;   (CIFG: di -= dc * c_{t-1})
    da_i = di i(1 - i);   da_f = df f(1 - f);   da_g = dz g'(a_g)
    dc_{t-1} = dc * f + da_i * p_i + da_f * p_f
    dh_{t-1} = da W_hh;   ds_{t-1} = [da_i, da_f, da_o] W_gg
    dp_i = sum_b da_i c_{t-1},  dp_f = sum_b da_f c_{t-1},  dp_o = sum_b da_o c_t,  dW_gg = sum da_s^T s_{t-1}

``LSTMVariant`` runs one unidirectional layer over (T, B, I), with ``state_dict`` keys extending
torch.nn.LSTM's (``weight_ih_l0`` ... plus ``peephole_i_l0``, ``peephole_f_l0``, ``peephole_o_l0``,
``weight_gg_l0``), so the NP variant loads a torch.nn.LSTM's weights unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ._checks import as_float_array, check_param, check_shape
from .functional import sigmoid

VARIANTS = ("vanilla", "NIG", "NFG", "NOG", "NIAF", "NOAF", "NP", "CIFG", "FGR")


@dataclass(frozen=True)
class VariantSpec:
    """Which pieces of the vanilla LSTM a variant keeps."""

    name: str
    input_gate: bool = True
    forget_gate: bool = True       # False: f = 1 (NFG)
    coupled: bool = False          # True: f = 1 - i (CIFG)
    output_gate: bool = True
    input_activation: bool = True  # g = tanh, else identity
    output_activation: bool = True # k = tanh, else identity
    peepholes: bool = True
    full_gate_recurrence: bool = False

    @cached_property
    def blocks(self) -> tuple:
        """Gate blocks with rows in the weight matrices, in torch's order."""
        present = {"i": self.input_gate, "f": self.forget_gate and not self.coupled, "g": True, "o": self.output_gate}
        return tuple(b for b in "ifgo" if present[b])

    @cached_property
    def sigmoid_blocks(self) -> tuple:
        return tuple(b for b in self.blocks if b != "g")

    @cached_property
    def peephole_blocks(self) -> tuple:
        return self.sigmoid_blocks if self.peepholes else ()


def variant_spec(name: str) -> VariantSpec:
    """The VariantSpec of one of ``VARIANTS``."""
    changes = {
        "vanilla": {}, "NIG": {"input_gate": False}, "NFG": {"forget_gate": False}, "NOG": {"output_gate": False},
        "NIAF": {"input_activation": False}, "NOAF": {"output_activation": False}, "NP": {"peepholes": False},
        "CIFG": {"coupled": True}, "FGR": {"full_gate_recurrence": True},
    }
    if name not in changes:
        raise ValueError(f"unknown LSTM variant {name!r}; choose one of {VARIANTS}")
    return VariantSpec(name, **changes[name])


def variant_param_shapes(spec: VariantSpec, input_size: int, hidden_size: int, bias: bool = True) -> dict:
    """Parameter name -> shape for one layer (suffix ``_l0`` as in torch.nn.LSTM)."""
    G, H, S = len(spec.blocks), hidden_size, len(spec.sigmoid_blocks)
    shapes = {"weight_ih_l0": (G * H, input_size), "weight_hh_l0": (G * H, H)}
    if bias:
        shapes |= {"bias_ih_l0": (G * H,), "bias_hh_l0": (G * H,)}
    shapes |= {f"peephole_{b}_l0": (H,) for b in spec.peephole_blocks}
    if spec.full_gate_recurrence:
        shapes["weight_gg_l0"] = (S * H, S * H)
    return shapes


def _split(a, blocks, H):
    """Column views of a (B, len(blocks)*H) array, one per block name."""
    return {b: a[:, k * H : (k + 1) * H] for k, b in enumerate(blocks)}


def variant_step(spec: VariantSpec, gx, state, params):
    """One step. gx: (B, G*H) = x W_ih^T + b_ih + b_hh (both biases, hoisted out of the time loop);
    state: (h, c, s) with s (B, S*H) the previous step's sigmoid gates (used by FGR only).

    Returns ((h_t, c_t, s_t), step_cache).
    """
    h, c_prev, s_prev = state
    H = h.shape[1]
    a = _split(gx + h @ params["weight_hh_l0"].T, spec.blocks, H)      # views of one fresh array
    if spec.full_gate_recurrence:
        for b, extra in _split(s_prev @ params["weight_gg_l0"].T, spec.sigmoid_blocks, H).items():
            a[b] += extra
    for b in ("i", "f"):
        if b in spec.peephole_blocks:
            a[b] += params[f"peephole_{b}_l0"] * c_prev
    i = sigmoid(a["i"]) if spec.input_gate else 1.0
    if spec.coupled:
        f = 1.0 - i
    else:
        f = sigmoid(a["f"]) if spec.forget_gate else 1.0
    z = np.tanh(a["g"]) if spec.input_activation else a["g"]
    c = f * c_prev + i * z
    if spec.output_gate:
        if "o" in spec.peephole_blocks:
            a["o"] += params["peephole_o_l0"] * c
        o = sigmoid(a["o"])
    else:
        o = 1.0
    k = np.tanh(c) if spec.output_activation else c
    gates = {"i": i, "f": f, "o": o}
    s = np.concatenate([gates[b] for b in spec.sigmoid_blocks], axis=1) if spec.full_gate_recurrence else s_prev
    return (o * k, c, s), (h, c_prev, s_prev, i, f, z, c, o, k)


def variant_step_backward(spec: VariantSpec, d_state, step_cache, params, grads):
    """Backward of :func:`variant_step`. d_state: (dh_t, dc_t, ds_t) with ds_t None unless FGR.

    Accumulates dp_* and dW_gg into ``grads``; returns (da (B, G*H), (dh_{t-1}, dc_{t-1}, ds_{t-1})).
    da is dL/d(x W_ih^T + b_ih) = dL/d(h W_hh^T + b_hh): the caller forms dW_ih, dW_hh, dx from it.
    """
    dh, dc_next, ds = d_state
    h, c_prev, s_prev, i, f, z, c, o, k = step_cache
    H = h.shape[1]
    da_all = np.empty((h.shape[0], len(spec.blocks) * H), dtype=h.dtype)
    da = _split(da_all, spec.blocks, H)
    ds = _split(ds, spec.sigmoid_blocks, H) if spec.full_gate_recurrence else {}
    dc = dc_next + dh * o * ((1 - k * k) if spec.output_activation else 1.0)
    if spec.output_gate:
        do = dh * k + ds["o"] if ds else dh * k
        np.multiply(do, o * (1 - o), out=da["o"])
        if "o" in spec.peephole_blocks:
            dc += da["o"] * params["peephole_o_l0"]
            grads["peephole_o_l0"] += (da["o"] * c).sum(axis=0)
    di, df = dc * z, dc * c_prev
    if spec.coupled:
        di -= df                                   # f = 1 - i: the forget path reaches a_i with a minus sign
    if spec.input_gate:
        np.multiply(di + ds["i"] if ds else di, i * (1 - i), out=da["i"])
    if "f" in spec.blocks:
        np.multiply(df + ds["f"] if ds else df, f * (1 - f), out=da["f"])
    dz = dc * i
    da["g"][...] = dz * (1 - z * z) if spec.input_activation else dz
    dc_prev = dc * f
    for b in ("i", "f"):
        if b in spec.peephole_blocks:
            dc_prev = dc_prev + da[b] * params[f"peephole_{b}_l0"]
            grads[f"peephole_{b}_l0"] += (da[b] * c_prev).sum(axis=0)
    dh_prev = da_all @ params["weight_hh_l0"]
    ds_prev = None
    if spec.full_gate_recurrence:
        da_s = np.concatenate([da[b] for b in spec.sigmoid_blocks], axis=1)
        grads["weight_gg_l0"] += da_s.T @ s_prev
        ds_prev = da_s @ params["weight_gg_l0"]
    return da_all, (dh_prev, dc_prev, ds_prev)


class LSTMVariant:
    """One LSTM layer of a Greff et al. variant, NumPy forward and hand-written BPTT.

    LSTMVariant(input_size, hidden_size, variant="vanilla", bias=True, dtype=np.float64, rng=None)

    forward(x (T, B, I), state=None or (h0, c0) each (1, B, H)) -> (output (T, B, H), (h_n, c_n) each (1, B, H))
    backward(d_output (T, B, H), d_state=None or (dh_n, dc_n)) -> (dx (T, B, I), (dh0, dc0)); parameter
    gradients accumulate into ``.grads`` under the ``state_dict`` keys. Initialisation: U(-1/sqrt(H), 1/sqrt(H)).
    """

    def __init__(self, input_size: int, hidden_size: int, variant: str = "vanilla", bias: bool = True,
                 dtype=np.float64, rng=None):
        for name, v in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"{name} must be a positive integer; got {v!r}")
        self.spec = variant_spec(variant)
        self.input_size, self.hidden_size, self.bias = int(input_size), int(hidden_size), bool(bias)
        self.dtype = np.dtype(dtype)
        bound = 1.0 / np.sqrt(hidden_size)
        generator = np.random.default_rng(rng)
        self.params = {k: generator.uniform(-bound, bound, size=s).astype(self.dtype)
                       for k, s in variant_param_shapes(self.spec, input_size, hidden_size, bias).items()}
        self.zero_grad()
        self._cache = None

    @property
    def variant(self) -> str:
        return self.spec.name

    def state_dict(self) -> dict:
        return {k: v.copy() for k, v in self.params.items()}

    def load_state_dict(self, state_dict: dict) -> None:
        expected = variant_param_shapes(self.spec, self.input_size, self.hidden_size, self.bias)
        if set(state_dict) != set(expected):
            raise ValueError(f"{self.variant} LSTM expects keys {sorted(expected)}; got {sorted(state_dict)}")
        self.params = {k: check_param(k, np.array(state_dict[k], dtype=self.dtype), expected[k], self.dtype)
                       for k in expected}

    def zero_grad(self) -> None:
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def block_rows(self, block: str) -> slice:
        """Rows of weight_ih / weight_hh / biases that belong to gate block ``block`` ('i', 'f', 'g' or 'o')."""
        if block not in self.spec.blocks:
            raise ValueError(f"the {self.variant} LSTM has no '{block}' block; it has {self.spec.blocks}")
        k, H = self.spec.blocks.index(block), self.hidden_size
        return slice(k * H, (k + 1) * H)

    def num_parameters(self) -> int:
        return sum(v.size for v in self.params.values())

    def _state(self, name, value, B):
        H = self.hidden_size
        if value is None:
            return np.zeros((B, H), dtype=self.dtype)
        value = as_float_array(name, value, self.dtype)
        check_shape(name, value, (("num_layers", 1), ("B", B), ("H", H)))
        return value[0]

    def forward(self, x, state=None):
        x = as_float_array("x", x, self.dtype)
        check_shape("x", x, (("T", None), ("B", None), ("I", self.input_size)))
        T, B, _ = x.shape
        if state is not None and (not isinstance(state, tuple) or len(state) != 2):
            raise ValueError("state must be None or a tuple (h0, c0), each of shape (1, B, H)")
        h0, c0 = (None, None) if state is None else state
        h, c = self._state("h0", h0, B), self._state("c0", c0, B)
        s = np.zeros((B, len(self.spec.sigmoid_blocks) * self.hidden_size), dtype=self.dtype)
        p = self.params
        gx = x.reshape(T * B, -1) @ p["weight_ih_l0"].T
        if self.bias:
            gx += p["bias_ih_l0"] + p["bias_hh_l0"]
        gx = gx.reshape(T, B, -1)
        out = np.empty((T, B, self.hidden_size), dtype=self.dtype)
        caches = []
        for t in range(T):
            (h, c, s), step_cache = variant_step(self.spec, gx[t], (h, c, s), p)
            out[t] = h
            caches.append(step_cache)
        self._cache = (x, caches)
        return out, (h[None].copy(), c[None].copy())

    def backward(self, d_output, d_state=None):
        if self._cache is None:
            raise ValueError("backward() called before forward()")
        x, caches = self._cache
        T, B, _ = x.shape
        H = self.hidden_size
        d_output = as_float_array("d_output", d_output, self.dtype)
        check_shape("d_output", d_output, (("T", T), ("B", B), ("H", H)))
        dh_n, dc_n = (None, None) if d_state is None else d_state
        dh, dc = self._state("dh_n", dh_n, B), self._state("dc_n", dc_n, B)
        ds = np.zeros((B, len(self.spec.sigmoid_blocks) * H), dtype=self.dtype) if self.spec.full_gate_recurrence else None
        da_all = np.empty((T, B, len(self.spec.blocks) * H), dtype=self.dtype)
        for t in range(T - 1, -1, -1):
            da_all[t], (dh, dc, ds) = variant_step_backward(self.spec, (dh + d_output[t], dc, ds), caches[t],
                                                            self.params, self.grads)
        da_flat = da_all.reshape(T * B, -1)
        h_prev = np.stack([cache[0] for cache in caches]).reshape(T * B, H)
        self.grads["weight_ih_l0"] += da_flat.T @ x.reshape(T * B, -1)
        self.grads["weight_hh_l0"] += da_flat.T @ h_prev
        if self.bias:
            self.grads["bias_ih_l0"] += da_flat.sum(axis=0)
            self.grads["bias_hh_l0"] += da_flat.sum(axis=0)
        dx = (da_flat @ self.params["weight_ih_l0"]).reshape(x.shape)
        return dx, (dh[None], dc[None])

    __call__ = forward

    def __repr__(self) -> str:
        extra = "" if self.bias else ", bias=False"
        return f"LSTMVariant({self.input_size}, {self.hidden_size}, variant={self.variant!r}{extra})"
