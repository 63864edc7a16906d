"""The torch side of the cell protocol: a cell written in tensor ops, one time loop, one nn.Module wrapper.

Mirrors ``rnncourse.scratch`` (cell.py, engine.py, module.py) with autograd doing every backward:

    TorchCell      one model's step: ``project(x)`` (the hoisted input map, when the model has one) and
                   ``step(u_t, state) -> new state``; it reads its parameters from ``self.p``
    run            the time loop over layers and directions (reverse direction on flipped time)
    Recurrent      torch.nn's surface: parameters registered as ``{name}_l{l}{sfx}`` so ``state_dict()``
                   has exactly torch.nn's keys; forward(input, hx) with batch_first / unbatched input;
                   its checks, messages, hx split and keys are :mod:`rnncourse._surface`'s, shared with
                   rnncourse.scratch.Recurrent

What a model declares (parameter names and shapes, state names and sizes, which state is the output)
comes from its ``rnncourse.scratch`` cell, the contract both sides share; the arithmetic is written here
again, in tensor ops, so the two implementations check each other. Works on any device and dtype.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .._surface import RecurrentSurface, check_dropout, positive_int


def uniform_init_(parameters, hidden_size: int) -> None:
    """torch.nn's recurrent initialisation, in place: every parameter ~ U(-1/sqrt(H), 1/sqrt(H))."""
    bound = 1.0 / math.sqrt(hidden_size)
    with torch.no_grad():
        for p in parameters:
            p.uniform_(-bound, bound)


class TorchCell:
    """A model's step in tensor ops. ``decl`` is the matching scratch cell (declarations only);
    ``p`` maps parameter names (``weight_ih``, ...) to this layer/direction's nn.Parameters."""

    def __init__(self, decl, params: dict):
        self.decl, self.p = decl, params

    def project(self, x):
        """u = x W_ih^T + b_ih for every step at once (cells that do not hoist return x)."""
        u = x @ self.p["weight_ih"].T
        return u + self.p["bias_ih"] if "bias_ih" in self.p else u

    def step(self, u, state: tuple) -> tuple:
        raise NotImplementedError


def run(cells: list, x, states0: list):
    """Run cells[l][d] over x (T, B, I) from states0[l][d] (tuples of (B, size)).

    Returns (output (T, B, D*O), finals[l][d] state tuples)."""
    layer_input, finals = x, []
    for row, row_states in zip(cells, states0):
        outs, row_finals = [], []
        for d, (cell, state) in enumerate(zip(row, row_states)):
            xin = layer_input.flip(0) if d else layer_input
            u = cell.project(xin) if cell.decl.hoist_input else xin
            out_index, ys = cell.decl.output_index, []
            for t in range(xin.shape[0]):
                state = cell.step(u[t], state)
                ys.append(state[out_index])
            y = torch.stack(ys)
            outs.append(y.flip(0) if d else y)
            row_finals.append(state)
        layer_input = torch.cat(outs, dim=2) if len(outs) > 1 else outs[0]
        finals.append(row_finals)
    return layer_input, finals


class Recurrent(RecurrentSurface, nn.Module):
    """torch.nn's surface for any cell: Recurrent(input_size, hidden_size, num_layers=1, bias=True,
    batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None, **cell_options).

    Subclasses set ``cell_class`` (a TorchCell) and ``decl_class`` (the scratch cell with the declarations).
    Input and state checks, their messages, the hx split and the key format are rnncourse._surface's,
    shared with rnncourse.scratch.Recurrent.
    """

    cell_class: type = TorchCell
    decl_class: type = None
    state_labels = {"h": "h_0", "c": "c_0"}
    array_kind = "a torch.Tensor"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None, **cell_options):
        super().__init__()
        self.input_size = positive_int("input_size", input_size)
        self.hidden_size = positive_int("hidden_size", hidden_size)
        self.num_layers = positive_int("num_layers", num_layers)
        check_dropout(dropout)
        self.bias, self.batch_first, self.bidirectional = bias, batch_first, bidirectional
        self.num_directions = 2 if bidirectional else 1
        self.cell_options = cell_options
        factory = {"device": device, "dtype": dtype}
        self._cells, in_size = [], input_size
        # Registered layer by layer, direction by direction, in the cell's order: torch.nn's state_dict order.
        for layer in range(num_layers):
            row = []
            for d in range(self.num_directions):
                decl = self.decl_class(in_size, hidden_size, bias, **cell_options)
                params = {}
                for name, shape in decl.param_shapes().items():
                    param = nn.Parameter(torch.empty(shape, **factory))
                    self.register_parameter(self._key(name, layer, d), param)
                    params[name] = param
                row.append(self.cell_class(decl, params))
            self._cells.append(row)
            in_size = self.num_directions * row[0].decl.output_size
        self._decl_rows = [[cell.decl for cell in row] for row in self._cells]
        self.reset_parameters()

    def reset_parameters(self) -> None:
        uniform_init_(self.parameters(), self.hidden_size)

    @property
    def decl(self):
        return self._cells[0][0].decl

    # ---- the array operations rnncourse._surface asks for -----------------------------------------
    def _decls(self):
        return self._decl_rows

    def _as_array(self, value):
        return value if isinstance(value, torch.Tensor) else None

    def _dtype_name(self, arr=None) -> str:
        dtype = self._module_dtype() if arr is None else arr.dtype
        return str(dtype).removeprefix("torch.")

    def _module_dtype(self):
        for p in self.parameters():          # follows .double(), .to(dtype), ...
            return p.dtype
        return torch.get_default_dtype()

    def _stack(self, arrays):
        return torch.stack(arrays)

    def _zeros(self, shape, like):
        return like.new_zeros(shape)

    def _check_input(self, input) -> None:
        """Raise the shared ValueError for input that is not (T, B, I), (B, T, I) or (T, I) floats."""
        self._to_time_major(input, "input")

    def forward(self, input, hx=None):
        x, unbatched = self._to_time_major(input, "input")
        states0 = self._split_state(hx, x.shape[1], unbatched, "forward", like=x, T=x.shape[0])
        output, finals = run(self._cells, x, states0)
        return self._from_time_major(output, unbatched), self._pack_state(finals, unbatched)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        for k in ("bias", "batch_first", "bidirectional"):
            if getattr(self, k) != (k == "bias"):
                s += f", {k}={getattr(self, k)}"
        return s + self.decl.extra_repr()


def twin_docstring(name: str, signature: str, states=("h",)) -> str:
    """The torch-style docstring of the twin of ``rnncourse.scratch.<name>`` (written once for RNN, LSTM, GRU)."""
    from ..scratch.module import _STATE_DOC

    hx, hx_shape, hn, hn_shape = _STATE_DOC[tuple(states)]
    return f"""{signature}

    The twin of ``rnncourse.scratch.{name}``, built from tensor ops so that autograd gives its backward;
    arguments, state_dict keys and shapes are ``torch.nn.{name}``'s (checked in tests/test_torch_twin.py).

    Inputs: input, {hx}
        input: (T, B, I), (B, T, I) when batch_first, or (T, I) unbatched.
        {hx_shape}

    Outputs: output, {hn}
        output: (T, B, D*H), the last layer's h_t for every t (D = 2 when bidirectional).
        {hn_shape}
    """

