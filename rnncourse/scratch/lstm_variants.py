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

``LSTMVariantCell`` is one step of any variant on the shared engine; ``LSTMVariant`` is the module
(layers, directions, truncated BPTT for free), with ``state_dict`` keys extending torch.nn.LSTM's
(``weight_ih_l0`` ... plus ``peephole_i_l0``, ``peephole_f_l0``, ``peephole_o_l0``, ``weight_gg_l0``), so
the NP variant loads a torch.nn.LSTM's weights unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .cell import Cell
from .functional import sigmoid
from .module import Recurrent

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


def _split(a, blocks, H):
    """Column views of a (B, len(blocks)*H) array, one per block name."""
    return {b: a[:, k * H:(k + 1) * H] for k, b in enumerate(blocks)}


class LSTMVariantCell(Cell):
    """One step of a Greff et al. variant (see the module docstring). State (h, c), plus the previous
    step's sigmoid gates s (B, S*H) under FGR (internal: zero at t = 0, never exposed)."""

    name = "LSTMVariant"
    fold_bias_hh = True           # both biases hoisted: nothing in a step needs b_hh alone
    exposed = ("h", "c")

    def __init__(self, input_size, hidden_size, bias=True, *, dtype=np.float64, params=None, variant="vanilla"):
        self.spec = variant_spec(variant)
        self.gates = len(self.spec.blocks)
        self.state_names = ("h", "c", "s") if self.spec.full_gate_recurrence else ("h", "c")
        super().__init__(input_size, hidden_size, bias, dtype=dtype, params=params)

    def param_shapes(self) -> dict:
        shapes = super().param_shapes()
        H, S = self.hidden_size, len(self.spec.sigmoid_blocks)
        shapes |= {f"peephole_{b}": (H,) for b in self.spec.peephole_blocks}
        if self.spec.full_gate_recurrence:
            shapes["weight_gg"] = (S * H, S * H)
        return shapes

    def state_size(self, name: str) -> int:
        return len(self.spec.sigmoid_blocks) * self.hidden_size if name == "s" else self.hidden_size

    def step(self, u, state):
        spec, p, H = self.spec, self.params, self.hidden_size
        h, c_prev = state[0], state[1]
        s_prev = state[2] if spec.full_gate_recurrence else None
        a = _split(u + self.hh(h), spec.blocks, H)                 # views of one fresh array
        if spec.full_gate_recurrence:
            for b, extra in _split(s_prev @ p["weight_gg"].T, spec.sigmoid_blocks, H).items():
                a[b] += extra
        for b in ("i", "f"):
            if b in spec.peephole_blocks:
                a[b] += p[f"peephole_{b}"] * c_prev
        i = sigmoid(a["i"]) if spec.input_gate else 1.0
        if spec.coupled:
            f = 1.0 - i
        else:
            f = sigmoid(a["f"]) if spec.forget_gate else 1.0
        z = np.tanh(a["g"]) if spec.input_activation else a["g"]
        c = f * c_prev + i * z
        if spec.output_gate:
            if "o" in spec.peephole_blocks:
                a["o"] += p["peephole_o"] * c
            o = sigmoid(a["o"])
        else:
            o = 1.0
        k = np.tanh(c) if spec.output_activation else c
        new_state = (o * k, c)
        if spec.full_gate_recurrence:
            gates = {"i": i, "f": f, "o": o}
            new_state += (np.concatenate([gates[b] for b in spec.sigmoid_blocks], axis=1),)
        return new_state, (h, c_prev, s_prev, i, f, z, c, o, k)

    def step_backward(self, d_state, cache, grads):
        spec, p, H = self.spec, self.params, self.hidden_size
        dh, dc_next = d_state[0], d_state[1]
        h, c_prev, s_prev, i, f, z, c, o, k = cache
        da_all = np.empty((h.shape[0], self.gates * H), dtype=h.dtype)
        da = _split(da_all, spec.blocks, H)
        ds = _split(d_state[2], spec.sigmoid_blocks, H) if spec.full_gate_recurrence else {}
        dc = dc_next + dh * o * ((1 - k * k) if spec.output_activation else 1.0)
        if spec.output_gate:
            do = dh * k + ds["o"] if ds else dh * k
            np.multiply(do, o * (1 - o), out=da["o"])
            if "o" in spec.peephole_blocks:
                dc += da["o"] * p["peephole_o"]
                grads["peephole_o"] += (da["o"] * c).sum(axis=0)
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
                dc_prev = dc_prev + da[b] * p[f"peephole_{b}"]
                grads[f"peephole_{b}"] += (da[b] * c_prev).sum(axis=0)
        d_prev = (da_all @ p["weight_hh"], dc_prev)
        deferred = {"weight_hh": (da_all, h)}
        if spec.full_gate_recurrence:
            da_s = np.concatenate([da[b] for b in spec.sigmoid_blocks], axis=1)
            deferred["weight_gg"] = (da_s, s_prev)
            d_prev += (da_s @ p["weight_gg"],)
        return da_all, d_prev, deferred

    def block_rows(self, block: str) -> slice:
        """Rows of weight_ih / weight_hh / biases that belong to gate block ``block`` ('i', 'f', 'g' or 'o')."""
        if block not in self.spec.blocks:
            raise ValueError(f"the {self.spec.name} LSTM has no '{block}' block; it has {self.spec.blocks}")
        k, H = self.spec.blocks.index(block), self.hidden_size
        return slice(k * H, (k + 1) * H)

    def extra_repr(self) -> str:
        return f", variant={self.spec.name!r}"


class LSTMVariant(Recurrent):
    """An LSTM of one of the Greff et al. variants, NumPy forward and hand-written BPTT, any layers/directions.

    LSTMVariant(input_size, hidden_size, variant="vanilla", num_layers=1, bias=True, batch_first=False,
                dropout=0.0, bidirectional=False, *, dtype=np.float64, rng=None)
    forward(x (T, B, I), (h_0, c_0) each (L*D, B, H) or None) -> (output (T, B, D*H), (h_n, c_n)).
    Initialisation: U(-1/sqrt(H), 1/sqrt(H)) for every parameter, peepholes included.
    """

    cell_class = LSTMVariantCell

    def __init__(self, input_size, hidden_size, variant="vanilla", num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, *, dtype=np.float64, rng=None):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         dtype=dtype, rng=rng, variant=variant)

    @property
    def spec(self) -> VariantSpec:
        return self.cell.spec

    @property
    def variant(self) -> str:
        return self.spec.name

    def block_rows(self, block: str) -> slice:
        return self.cell.block_rows(block)


def variant_param_shapes(spec: VariantSpec, input_size: int, hidden_size: int, bias: bool = True) -> dict:
    """Parameter name -> shape for one layer, suffixed ``_l0`` as in torch.nn.LSTM's state_dict."""
    cell = LSTMVariantCell(input_size, hidden_size, bias, variant=spec.name)
    return {f"{k}_l0": shape for k, shape in cell.param_shapes().items()}
