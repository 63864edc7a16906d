"""torch.nn's recurrent surface, written once for both backends (rnncourse.scratch and rnncourse.torch).

What a student meets first on either side lives here: the ``{name}_l{l}{sfx}`` parameter keys, the
checks of input and state (one set of error messages), the split of hx into per-layer, per-direction
states and the packing of the final states back into hx's shape.

    input  x:  (T, B, F), or (B, T, F) with batch_first=True, or (T, F) unbatched   (F = I for the input)
    state  hx: (L*D, B, size) per exposed state, or (L*D, size) unbatched: one array, or a tuple (h_0, c_0)
               when the cell exposes two; zeros when omitted
    states[l][d]: the tuple of every state the cell carries (exposed or internal), each (B, size)

with L = num_layers and D = 2 if bidirectional else 1; layer l, direction d sits at index l*D + d of hx.

:class:`RecurrentSurface` is a mixin. A backend supplies four array operations (``_as_array``,
``_dtype_name``, ``_stack``, ``_zeros``) and the grid of cell declarations (``_decls``, scratch cells);
indexing (``x[:, None]``, ``x[:, 0]``) and ``swapaxes`` are spelled alike in NumPy and torch. This
module imports neither.
"""
from __future__ import annotations


def param_key(name: str, layer: int, direction: int) -> str:
    """The state_dict key of a cell parameter: ``weight_ih`` of layer 1, reverse direction -> ``weight_ih_l1_reverse``."""
    return f"{name}_l{layer}{'_reverse' if direction else ''}"


def positive_int(name: str, value) -> int:
    """``value`` as an int, or a ValueError naming ``name`` (bools and non-integers are rejected)."""
    if isinstance(value, bool) or not hasattr(value, "__index__") or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def check_dropout(dropout) -> None:
    """Both sides take torch's ``dropout`` argument but implement no dropout between layers."""
    if dropout != 0.0:
        raise ValueError(f"dropout between layers is not implemented; got dropout={dropout!r}, use dropout=0 "
                         f"(variational dropout: rnncourse.scratch.dropout)")


def shape_str(spec) -> str:
    """Render a shape spec such as (('B', 3), ('H', 16)) as "(B=3, H=16)"; a size None prints the symbol alone."""
    return "(" + ", ".join(f"{label}={size}" if size is not None else label for label, size in spec) + ")"


def _describe(value) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    shape = getattr(value, "shape", None)
    return f"one array of shape {tuple(shape)}" if shape is not None else type(value).__name__


class RecurrentSurface:
    """Mixin: torch.nn's forward surface over a [layer][direction] grid of cells.

    The host class sets ``input_size``, ``batch_first``, ``num_layers``, ``num_directions`` and
    ``state_labels`` (state name -> label in messages, e.g. {"h": "h_0", "c": "c_0"}) and implements the
    backend operations below.
    """

    state_labels = {"h": "h_0", "c": "c_0"}
    array_kind = "an array"                        # what _as_array accepts, in messages

    # ---- the backend's operations --------------------------------------------------------------------
    def _decls(self) -> list:
        """[layer][direction] scratch cells: the declarations (state names and sizes, output size)."""
        raise NotImplementedError

    def _as_array(self, value):
        """``value`` as a backend array, or None when it cannot be one."""
        raise NotImplementedError

    def _dtype_name(self, arr=None) -> str:
        """'float32', 'float64', 'int64', ... of ``arr``; of the module's parameters when ``arr`` is None."""
        raise NotImplementedError

    def _stack(self, arrays):
        raise NotImplementedError

    def _zeros(self, shape: tuple, like):
        """Zeros of the module's dtype (on ``like``'s device)."""
        raise NotImplementedError

    # ---- names -----------------------------------------------------------------------------------------
    _key = staticmethod(param_key)

    def _name(self, method: str) -> str:
        return f"{type(self).__name__}.{method}"

    # ---- checks ------------------------------------------------------------------------------------------
    def _check_array(self, label: str, value, method: str):
        """A float array of the module's dtype, or a ValueError saying what was expected and what arrived."""
        owner = self._name(method)
        if value is None:
            raise ValueError(f"{owner}: {label} is required; got None")
        arr = self._as_array(value)
        if arr is None:
            raise ValueError(f"{owner}: {label} must be {self.array_kind} of floats; got {type(value).__name__}")
        got, want = self._dtype_name(arr), self._dtype_name()
        if "float" not in got:                     # float16/32/64, bfloat16 (torch) are floats
            raise ValueError(f"{owner}: {label} must be floats of the module's dtype {want}; got dtype {got}")
        if got != want:
            raise ValueError(f"{owner}: {label} has dtype {got} but the module's dtype {want} was expected; "
                             f"cast the {label} or build the module with dtype {got}")
        return arr

    def _to_time_major(self, x, what: str = "input"):
        """Check an input-shaped array (``what`` = "input", or "d_output" in a backward).

        Returns a (T, B, F) view and whether the array was unbatched (T, F)."""
        method = "forward" if what == "input" else "backward"
        F = self.input_size if what == "input" else self.num_directions * self._decls()[0][0].output_size
        x = self._check_array(what, x, method)
        shape = tuple(x.shape)
        if len(shape) == 2 and shape[1] == F and shape[0] > 0:
            return x[:, None, :], True
        if len(shape) == 3 and shape[2] == F and shape[0] > 0 and shape[1] > 0:
            return (x.swapaxes(0, 1) if self.batch_first else x), False
        sym = f"I={F}" if what == "input" else f"D*H={F}"
        order = f"(B, T, {sym})" if self.batch_first else f"(T, B, {sym})"
        raise ValueError(f"{self._name(method)}: {what} must have shape {order} or unbatched (T, {sym}); got {shape}")

    def _from_time_major(self, y, unbatched: bool):
        if unbatched:
            return y[:, 0, :]
        return y.swapaxes(0, 1) if self.batch_first else y

    # ---- states ------------------------------------------------------------------------------------------
    def _split_state(self, hx, B: int, unbatched: bool, method: str = "forward", like=None, T: int | None = None):
        """hx -> states[layer][direction]: tuples of every state the cell carries (internal ones zero).

        B, T: the batch and time sizes read from the input (T only sharpens a batch_first hint)."""
        decls = self._decls()
        cell, LD = decls[0][0], self.num_layers * self.num_directions
        exposed = cell.exposed_states
        given = {}
        if hx is not None:
            if len(exposed) > 1:
                if not (isinstance(hx, (tuple, list)) and len(hx) == len(exposed)):
                    pair = "pair" if len(exposed) == 2 else f"tuple of {len(exposed)}"
                    raise ValueError(f"{self._name(method)}: the {type(self).__name__} state must be a {pair} "
                                     f"({', '.join(exposed)}); got {_describe(hx)}")
                values = hx
            else:
                values = (hx,)
            for name, value in zip(exposed, values):
                label = self.state_labels.get(name, f"{name}_0")
                value = self._check_array(label, value, method)
                size = cell.state_size(name)
                sym = "H" if name in ("h", "c") else "size"
                spec = (("L*D", LD), (sym, size)) if unbatched else (("L*D", LD), ("B", B), (sym, size))
                if tuple(value.shape) != tuple(s for _, s in spec):
                    hint = ""
                    if self.batch_first and not unbatched and T is not None and tuple(value.shape) == (LD, T, size):
                        hint = (f" (batch_first=True reads the input as (B, T, I), so B={B}; "
                                f"a time-major input needs batch_first=False)")
                    raise ValueError(f"{self._name(method)}: {label} must have shape {shape_str(spec)}; "
                                     f"got {tuple(value.shape)}{hint}")
                given[name] = value[:, None, :] if unbatched else value
        return [[tuple(given[n][layer * self.num_directions + d] if n in given
                       else self._zeros((B, c.state_size(n)), like) for n in c.state_names)
                 for d, c in enumerate(row)] for layer, row in enumerate(decls)]

    def _pack_state(self, states, unbatched: bool):
        """states[layer][direction] -> hx-shaped result (exposed states only)."""
        cell = self._decls()[0][0]
        packed = []
        for name in cell.exposed_states:
            i = cell.state_names.index(name)
            stacked = self._stack([s[i] for row in states for s in row])
            packed.append(stacked[:, 0, :] if unbatched else stacked)
        return tuple(packed) if len(packed) > 1 else packed[0]
