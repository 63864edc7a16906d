"""Sequence modules that mirror torch.nn.RNN, torch.nn.LSTM and torch.nn.GRU, in NumPy.

Same constructor arguments, same state_dict keys and shapes, same input/output conventions:

    input  x:  (T, B, I), or (B, T, I) with batch_first=True, or (T, I) unbatched
    state  h0: (L*D, B, H) (LSTM: a pair (h0, c0)); zeros when omitted
    output:    (T, B, D*H) and h_n: (L*D, B, H)

with L = num_layers and D = 2 if bidirectional else 1. Layer l, direction d uses parameters
``weight_ih_l{l}{sfx}``, ``weight_hh_l{l}{sfx}``, ``bias_ih_l{l}{sfx}``, ``bias_hh_l{l}{sfx}`` (sfx = "" or
"_reverse") and state index l*D + d, exactly as torch does. The reverse direction runs the same layer
on the time-reversed input. Layer l > 0 reads the concatenated outputs of both directions of layer l-1.

Unlike torch, there is a hand-written ``backward(d_output, d_state)``: it returns the gradients of the
input and the initial state, and leaves every parameter gradient in ``self.grads`` under its state_dict
key. Default dtype is float64 (pass ``dtype=np.float32`` for speed); ``rng`` seeds the initialisation.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, shape_str
from .cell_base import CellKind
from .gru_cell import GRU_KIND
from .layer import layer_backward, layer_forward
from .lstm_cell import LSTM_KIND
from .rnn_cell import rnn_kind


class RNNBase:
    """Shared machinery for :class:`RNN`, :class:`LSTM` and :class:`GRU`; see the module docstring."""

    kind: CellKind

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, *,
                 dtype=np.float64, rng=None):
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        if dropout != 0.0:
            raise ValueError("dropout between layers is not implemented in the scratch modules; use dropout=0")
        if np.dtype(dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be float32 or float64; got {np.dtype(dtype)}")
        self.input_size, self.hidden_size, self.num_layers = int(input_size), int(hidden_size), int(num_layers)
        self.bias, self.batch_first, self.bidirectional = bool(bias), bool(batch_first), bool(bidirectional)
        self.num_directions = 2 if bidirectional else 1
        self.dtype = np.dtype(dtype)
        self.params = self._init_params(np.random.default_rng(rng))
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._caches = None

    # ---- parameters ---------------------------------------------------------------------------
    def _param_shapes(self) -> dict:
        """{state_dict key: shape} in torch's order: per layer, per direction, w_ih, w_hh, b_ih, b_hh."""
        G, H, D = self.kind.num_gates, self.hidden_size, self.num_directions
        shapes = {}
        for layer in range(self.num_layers):
            in_size = self.input_size if layer == 0 else D * H
            for sfx in ("", "_reverse")[:D]:
                shapes[f"weight_ih_l{layer}{sfx}"] = (G * H, in_size)
                shapes[f"weight_hh_l{layer}{sfx}"] = (G * H, H)
                if self.bias:
                    shapes[f"bias_ih_l{layer}{sfx}"] = (G * H,)
                    shapes[f"bias_hh_l{layer}{sfx}"] = (G * H,)
        return shapes

    def _init_params(self, rng) -> dict:
        """Uniform(-1/sqrt(H), 1/sqrt(H)) for every parameter, as torch.nn.RNNBase.reset_parameters."""
        bound = 1.0 / np.sqrt(self.hidden_size)
        return {k: rng.uniform(-bound, bound, size=s).astype(self.dtype) for k, s in self._param_shapes().items()}

    def state_dict(self) -> dict:
        """Copies of the parameters under torch's keys."""
        return {k: v.copy() for k, v in self.params.items()}

    def load_state_dict(self, state_dict: dict) -> None:
        """Load parameters (NumPy arrays, or anything np.asarray accepts such as CPU tensors) in place."""
        expected = self._param_shapes()
        missing, unexpected = set(expected) - set(state_dict), set(state_dict) - set(expected)
        if missing or unexpected:
            raise ValueError(f"state_dict keys do not match: missing {sorted(missing)}, unexpected {sorted(unexpected)}")
        for k, shape in expected.items():
            value = np.asarray(state_dict[k])
            if value.shape != shape:
                raise ValueError(f"state_dict[{k!r}] must have shape {shape}; got {value.shape}")
            self.params[k][...] = value  # in place: optimisers holding self.params stay valid

    def zero_grad(self) -> None:
        for g in self.grads.values():
            g.fill(0)

    def _layer_params(self, layer: int, direction: int):
        sfx = "_reverse" if direction else ""
        p = self.params
        if self.bias:
            return (p[f"weight_ih_l{layer}{sfx}"], p[f"weight_hh_l{layer}{sfx}"],
                    p[f"bias_ih_l{layer}{sfx}"], p[f"bias_hh_l{layer}{sfx}"])
        return p[f"weight_ih_l{layer}{sfx}"], p[f"weight_hh_l{layer}{sfx}"], None, None

    # ---- shapes -------------------------------------------------------------------------------
    def _name(self, method: str) -> str:
        return f"{type(self).__name__}.{method}"

    def _to_time_major(self, x, what: str):
        """Validate input-shaped arrays; return (T, B, F) view, and whether the input was unbatched."""
        F = self.input_size if what == "input" else self.num_directions * self.hidden_size
        x = as_float_array(what, x, self.dtype)
        if x.ndim == 2 and x.shape[1] == F:
            return x[:, None, :], True
        if x.ndim == 3 and x.shape[2] == F and x.shape[0] > 0 and x.shape[1] > 0:
            return (x.transpose(1, 0, 2) if self.batch_first else x), False
        order = "(B, T, {})" if self.batch_first else "(T, B, {})"
        sym = "I" if what == "input" else "D*H"
        raise ValueError(
            f"{self._name('forward' if what == 'input' else 'backward')}: {what} must have shape "
            f"{order.format(f'{sym}={F}')} or unbatched (T, {sym}={F}); got {tuple(x.shape)}"
        )

    def _from_time_major(self, y, unbatched: bool):
        if unbatched:
            return y[:, 0, :]
        return y.transpose(1, 0, 2) if self.batch_first else y

    def _check_state(self, name: str, value, B: int, unbatched: bool, method: str):
        LD, H = self.num_layers * self.num_directions, self.hidden_size
        value = as_float_array(name, value, self.dtype)
        want = (LD, H) if unbatched else (LD, B, H)
        if value.shape != want:
            spec = (("L*D", LD), ("H", H)) if unbatched else (("L*D", LD), ("B", B), ("H", H))
            raise ValueError(f"{self._name(method)}: {name} must have shape {shape_str(spec)}; got {tuple(value.shape)}")
        return value[:, None, :] if unbatched else value

    def _split_state(self, hx, B: int, unbatched: bool, method: str):
        """hx (or (h, c) for LSTM) -> tuple of (L*D, B, H) arrays; zeros when hx is None."""
        names = ("h_0", "c_0") if self.kind.num_states == 2 else ("h_0",)
        if hx is None:
            shape = (self.num_layers * self.num_directions, B, self.hidden_size)
            return tuple(np.zeros(shape, dtype=self.dtype) for _ in names)
        if self.kind.num_states == 2:
            if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                raise ValueError(f"{self._name(method)}: the LSTM state must be a pair (h, c); got {type(hx).__name__}")
            return tuple(self._check_state(n, v, B, unbatched, method) for n, v in zip(names, hx))
        return (self._check_state(names[0], hx, B, unbatched, method),)

    def _pack_state(self, states, unbatched: bool):
        states = tuple(s[:, 0, :] if unbatched else s for s in states)
        return states if self.kind.num_states == 2 else states[0]

    # ---- forward / backward -------------------------------------------------------------------
    def forward(self, input, hx=None):
        """Run all layers and directions. Returns (output, h_n) (LSTM: (output, (h_n, c_n)))."""
        x, unbatched = self._to_time_major(input, "input")
        states0 = self._split_state(hx, x.shape[1], unbatched, "forward")
        D = self.num_directions
        finals = [np.empty_like(s) for s in states0]
        caches, layer_input = [], x
        for layer in range(self.num_layers):
            outs = []
            for d in range(D):
                idx = layer * D + d
                xin = layer_input[::-1] if d else layer_input
                hs, final, cache = layer_forward(self.kind, xin, tuple(s[idx] for s in states0), *self._layer_params(layer, d))
                for f, v in zip(finals, final):
                    f[idx] = v
                outs.append(hs[::-1] if d else hs)
                caches.append(cache)
            layer_input = np.concatenate(outs, axis=2) if D == 2 else outs[0]
        self._caches = (caches, unbatched, x.shape[1])
        return self._from_time_major(layer_input, unbatched), self._pack_state(finals, unbatched)

    __call__ = forward

    def backward(self, d_output, d_state=None, truncation=None):
        """BPTT through every layer and direction of the last ``forward``.

        d_output: shaped like the output; d_state: shaped like the returned state (or None for zeros).
        truncation: None (full BPTT) or (k1, k2), see :func:`rnncourse.scratch.layer.truncation_windows`.
        Returns (d_input, d_initial_state) and ADDS each parameter gradient into ``self.grads``
        (call ``zero_grad()`` between batches, as in torch).
        """
        if self._caches is None:
            raise RuntimeError(f"{self._name('backward')} called before forward")
        caches, unbatched, B = self._caches
        dy, dy_unbatched = self._to_time_major(d_output, "d_output")
        if dy.shape[:2] != caches[0].hs.shape[:2] or dy_unbatched != unbatched:
            raise ValueError(f"{self._name('backward')}: d_output must have the shape of the last forward's output")
        d_finals = self._split_state(d_state, B, unbatched, "backward")
        D, H = self.num_directions, self.hidden_size
        d_states0 = [np.empty_like(s) for s in d_finals]
        d_layer_out = dy
        for layer in reversed(range(self.num_layers)):
            d_in = None
            for d in range(D):
                idx = layer * D + d
                dhs = d_layer_out[:, :, d * H:(d + 1) * H]
                dx, d_state0, grads = layer_backward(
                    dhs[::-1] if d else dhs, tuple(s[idx] for s in d_finals), caches[idx], truncation
                )
                for ds, v in zip(d_states0, d_state0):
                    ds[idx] = v
                sfx = "_reverse" if d else ""
                for name, g in grads.items():
                    self.grads[f"{name}_l{layer}{sfx}"] += g
                dx = dx[::-1] if d else dx
                d_in = dx if d_in is None else d_in + dx
            d_layer_out = d_in
        return self._from_time_major(d_layer_out, unbatched), self._pack_state(d_states0, unbatched)

    def __repr__(self) -> str:
        defaults = {"num_layers": 1, "bias": True, "batch_first": False, "bidirectional": False}
        extra = "".join(f", {k}={getattr(self, k)}" for k, v in defaults.items() if getattr(self, k) != v)
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size}{extra})"


class RNN(RNNBase):
    """Elman RNN, h_t = tanh or relu(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); mirrors torch.nn.RNN."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, *, dtype=np.float64, rng=None):
        self.kind = rnn_kind(nonlinearity)
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, dtype=dtype, rng=rng)


class LSTM(RNNBase):
    """LSTM (gate order i, f, g, o); mirrors torch.nn.LSTM (without proj_size). State is a pair (h, c)."""

    kind = LSTM_KIND


class GRU(RNNBase):
    """GRU (gate order r, z, n, reset applied after the hidden matmul); mirrors torch.nn.GRU."""

    kind = GRU_KIND
