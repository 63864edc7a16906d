"""The one module wrapper that gives every cell torch.nn's surface (forward, backward, state_dict, ...).

    input  x:  (T, B, I), or (B, T, I) with batch_first=True, or (T, I) unbatched
    state  hx: (L*D, B, H) per exposed state: one array, or a tuple (h_0, c_0) when the cell exposes two;
               zeros when omitted
    output:    (T, B, D*O) and the final state shaped like hx

with L = num_layers and D = 2 if bidirectional else 1. Layer l, direction d is one cell whose parameters
appear in ``state_dict`` as ``{name}_l{l}{sfx}`` (sfx = "" or "_reverse") and whose state sits at index
l*D + d, exactly as torch.nn.RNN/LSTM/GRU. That surface (checks, messages, hx split, keys) is written
once in :mod:`rnncourse._surface`, for this module and its torch twin alike. Unlike torch there is a
hand-written ``backward(d_output, d_state, truncation)``: it returns the gradients of the input and the
initial state and ADDS every parameter gradient into ``self.grads`` under its state_dict key. ``params`` and ``grads`` are dicts of the
cells' own arrays, updated in place (an optimiser built on them stays valid after ``load_state_dict``).
Default dtype float64 (pass ``dtype=np.float32`` for speed); ``rng`` seeds the initialisation.

A model is a cell class plus one subclass line, e.g. ``class LSTM(Recurrent): cell_class = LSTMCell``.
"""
from __future__ import annotations

import numpy as np

from .._surface import RecurrentSurface, check_dropout, positive_int
from . import engine
from .cell import Cell
from .parameters import Parameterized

_positive_int = positive_int          # the name narx.py and rmlp.py import


class Recurrent(RecurrentSurface, Parameterized):
    """A stack of ``cell_class`` layers over time, with torch.nn's arguments; see the module docstring.

    Recurrent(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
              bidirectional=False, *, dtype=np.float64, rng=None, **cell_options)

    Input and state checks, their messages, the hx split and the key format are rnncourse._surface's,
    shared with rnncourse.torch.Recurrent.
    """

    cell_class: type = Cell
    state_labels = {"h": "h_0", "c": "c_0"}
    array_kind = "a NumPy array"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, *,
                 dtype=np.float64, rng=None, **cell_options):
        self.input_size = positive_int("input_size", input_size)
        self.hidden_size = positive_int("hidden_size", hidden_size)
        self.num_layers = positive_int("num_layers", num_layers)
        check_dropout(dropout)
        if np.dtype(dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be float32 or float64; got {np.dtype(dtype)}")
        self.bias, self.batch_first, self.bidirectional = bool(bias), bool(batch_first), bool(bidirectional)
        self.num_directions = 2 if bidirectional else 1
        self.dtype = np.dtype(dtype)
        self.cell_options = cell_options
        generator = np.random.default_rng(rng)
        self.cells, in_size = [], self.input_size
        for _ in range(self.num_layers):
            row = []
            for _ in range(self.num_directions):
                cell = self.cell_class(in_size, self.hidden_size, self.bias, dtype=self.dtype, **cell_options)
                cell.init_params(generator)
                row.append(cell)
            self.cells.append(row)
            in_size = self.num_directions * row[0].output_size    # layer l > 0 reads both directions below
        self.params = {self._key(n, l, d): v for l, d, c in self._each() for n, v in c.params.items()}
        self.grads = {self._key(n, l, d): v for l, d, c in self._each() for n, v in c.grads.items()}
        self._caches = None

    # ---- parameters -------------------------------------------------------------------------------
    def _each(self):
        for layer, row in enumerate(self.cells):
            for d, cell in enumerate(row):
                yield layer, d, cell

    @property
    def cell(self) -> Cell:
        """The first layer's forward cell (what a one-layer, one-direction module is)."""
        return self.cells[0][0]

    # ---- the array operations rnncourse._surface asks for -----------------------------------------
    def _decls(self):
        return self.cells

    def _as_array(self, value):
        try:
            return np.asarray(value)
        except Exception:  # e.g. ragged lists
            return None

    def _dtype_name(self, arr=None) -> str:
        return self.dtype.name if arr is None else arr.dtype.name

    def _stack(self, arrays):
        return np.stack(arrays)

    def _zeros(self, shape, like=None):
        return np.zeros(shape, dtype=self.dtype)

    # ---- forward / backward -----------------------------------------------------------------------
    def forward(self, input, hx=None):
        """Run all layers and directions. Returns (output, final state shaped like hx)."""
        x, unbatched = self._to_time_major(input, "input")
        states0 = self._split_state(hx, x.shape[1], unbatched, "forward", T=x.shape[0])
        output, finals, caches = engine.forward_layers(self.cells, x, states0)
        self._caches = (caches, unbatched, x.shape[1], x.shape[0])
        return self._from_time_major(output, unbatched), self._pack_state(finals, unbatched)

    __call__ = forward

    def backward(self, d_output, d_state=None, truncation=None):
        """BPTT through every layer and direction of the last ``forward``.

        d_output: shaped like the output; d_state: shaped like the returned state (or None for zeros).
        truncation: None (full BPTT) or (k1, k2), see :func:`rnncourse.scratch.engine.truncation_windows`.
        Returns (d_input, d_initial_state) and ADDS each parameter gradient into ``self.grads``
        (call ``zero_grad()`` between batches, as in torch).
        """
        if self._caches is None:
            raise RuntimeError(f"{self._name('backward')} called before forward")
        caches, unbatched, B, T = self._caches
        dy, dy_unbatched = self._to_time_major(d_output, "d_output")
        if dy.shape[:2] != (T, B) or dy_unbatched != unbatched:
            raise ValueError(f"{self._name('backward')}: d_output must have the shape of the last forward's output")
        d_finals = None if d_state is None else self._split_state(d_state, B, unbatched, "backward")
        if d_finals is None:
            d_finals = [[None] * self.num_directions for _ in range(self.num_layers)]
        dx, d_states0 = engine.backward_layers(caches, dy, d_finals, truncation)
        return self._from_time_major(dx, unbatched), self._pack_state(d_states0, unbatched)

    def __repr__(self) -> str:
        defaults = {"num_layers": 1, "bias": True, "batch_first": False, "bidirectional": False}
        extra = "".join(f", {k}={getattr(self, k)}" for k, v in defaults.items() if getattr(self, k) != v)
        cell_extra = self.cell.extra_repr()
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size}{cell_extra}{extra})"


_STATE_DOC = {
    ("h",): ("h_0", "h_0: (L*D, B, H), or None for zeros.", "h_n", "h_n: (L*D, B, H), the final h of every layer and direction."),
    ("h", "c"): ("(h_0, c_0)", "h_0, c_0: (L*D, B, H) each, or None for zeros.", "(h_n, c_n)", "h_n, c_n: (L*D, B, H) each."),
}


def recurrent_docstring(summary: str, equation: str, gates: int, gate_order: str = "", states=("h",)) -> str:
    """The torch-style docstring of a torch.nn-like module (arguments, inputs, outputs, parameter shapes),
    written once for RNN, LSTM and GRU. ``equation`` is RST math; G = ``gates`` blocks of H rows."""
    hx, hx_shape, hn, hn_shape = _STATE_DOC[tuple(states)]
    G = "" if gates == 1 else str(gates)
    order = f"\n        Rows in gate order {gate_order}." if gate_order else ""
    return f"""{summary}

    .. math:: {equation}

    Args:
        input_size: I, the features of x_t.  hidden_size: H.  num_layers: L (layer l > 0 reads layer l-1's
        output).  bias: False drops b_ih and b_hh.  batch_first: input and output are (B, T, .).
        dropout: must be 0 (accepted for torch's signature; see ``rnncourse.scratch.dropout``).
        bidirectional: D = 2 directions, the second reading time backwards.  dtype: float64 (default) or
        float32.  rng: a seed or NumPy Generator for the initialisation U(-1/sqrt(H), 1/sqrt(H)), as torch's.

    Inputs: input, {hx}
        input: (T, B, I), (B, T, I) when batch_first, or (T, I) unbatched.
        {hx_shape}

    Outputs: output, {hn}
        output: (T, B, D*H), the last layer's h_t for every t (both directions side by side).
        {hn_shape}

    Parameters (``params`` / ``state_dict`` keys, torch's names; ``_reverse`` for the second direction):
        weight_ih_l{{k}}: ({G}H, I) for k = 0, else ({G}H, D*H);  weight_hh_l{{k}}: ({G}H, H);
        bias_ih_l{{k}}, bias_hh_l{{k}}: ({G}H,).{order}
    ``backward(d_output, d_state=None, truncation=None)`` returns (d_input, d_hx) and adds every
    parameter's gradient into ``grads`` (BPTT; ``truncation=(k1, k2)`` for truncated BPTT).
    """

