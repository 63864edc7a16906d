"""The one protocol every recurrent model in ``rnncourse.scratch`` follows: a cell.

A cell owns its named parameters (torch's names where torch has the model: ``weight_ih``,
``weight_hh``, ``bias_ih``, ``bias_hh``), declares the state it carries from step to step and which part
of that state is its output, and writes ONE time step forward and backward. Everything else (running
over time, truncated BPTT, layers, directions, torch.nn's surface) is done once, for every cell, by
:mod:`rnncourse.scratch.engine` and :class:`rnncourse.scratch.module.Recurrent`.

A cell over a sequence x: (T, B, I) computes

    u_t              = x_t W_ih^T + b_ih          for all t at once, when ``hoist_input`` (else u_t = x_t)
    state_t, cache_t = step(u_t, state_{t-1})     state: a tuple of (B, size) arrays, named ``state_names``
    y_t              = state_t[output]            the output the layer emits (``output_name``)

and its backward, given dL/dstate_t (the output's gradient already added in), returns dL/du_t,
dL/dstate_{t-1} and the gradients of its parameters. Parameter gradients that are a product over the
batch, dW += dy^T v, are returned as *deferred* factors ``{name: (dy, v)}`` (``v`` None for a bias,
dW += sum_b dy) so that the engine forms them for all T steps in one matmul, the single biggest speed
lever of a NumPy RNN; anything else (peepholes, third-order tensors) a cell adds into ``grads`` itself.
Parameters and gradients are plain dicts of ndarrays that are updated in place, so an optimiser built
on them stays valid after ``load_state_dict``.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_param, check_shape


class Cell:
    """Base class of the cell protocol (see the module docstring). Subclasses set:

    ``state_names``   names of the carried state, e.g. ("h",) or ("h", "c")
    ``output_name``   which state is the layer's output at each step (default: the first)
    ``exposed``       the states a module accepts and returns as ``hx`` (default: all); the others start
                      at zero and are internal (e.g. the previous gates of the FGR LSTM)
    ``hoist_input``   True when u_t = x_t W_ih^T + b_ih can be computed for every step in one matmul
    ``fold_bias_hh``  True when b_hh only ever adds to b_ih (RNN, LSTM): it is then hoisted too
    ``gates``         G, the number of H-row blocks in weight_ih / weight_hh (1 RNN, 4 LSTM, 3 GRU)
    and implement :meth:`param_shapes`, :meth:`step` and :meth:`step_backward`.
    """

    name: str = "cell"
    state_names: tuple = ("h",)
    output_name: str | None = None
    exposed: tuple | None = None
    hoist_input: bool = True
    fold_bias_hh: bool = False
    gates: int = 1
    _weight_hh_t = None   # a contiguous copy of W_hh^T while :meth:`sequence` is active

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *, dtype=np.float64, params=None):
        self.input_size, self.hidden_size, self.bias = int(input_size), int(hidden_size), bool(bias)
        self.dtype = np.dtype(dtype)
        self.params = {} if params is None else self._checked(params)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    # ---- what the cell declares -------------------------------------------------------------------
    def param_shapes(self) -> dict:
        """{parameter name: shape}, in the order parameters are initialised. Default: torch's layout."""
        G, H = self.gates, self.hidden_size
        shapes = {"weight_ih": (G * H, self.input_size), "weight_hh": (G * H, H)}
        if self.bias:
            shapes |= {"bias_ih": (G * H,), "bias_hh": (G * H,)}
        return shapes

    def state_size(self, name: str) -> int:
        """Width of one carried state (default: hidden_size)."""
        return self.hidden_size

    @property
    def output_index(self) -> int:
        return self.state_names.index(self.output_name or self.state_names[0])

    @property
    def output_size(self) -> int:
        return self.state_size(self.state_names[self.output_index])

    @property
    def exposed_states(self) -> tuple:
        return self.exposed or self.state_names

    # ---- parameters -------------------------------------------------------------------------------
    def init_params(self, rng) -> None:
        """U(-1/sqrt(H), 1/sqrt(H)) for every parameter, as torch.nn.RNNBase.reset_parameters."""
        bound = 1.0 / np.sqrt(self.hidden_size)
        self.params = {k: rng.uniform(-bound, bound, size=s).astype(self.dtype) for k, s in self.param_shapes().items()}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def _checked(self, params: dict) -> dict:
        """Validate given arrays against :meth:`param_shapes` (used by the one-step functions)."""
        return {k: check_param(k, params[k], shape, self.dtype) for k, shape in self.param_shapes().items()}

    def zero_state(self, batch: int) -> tuple:
        return tuple(np.zeros((batch, self.state_size(n)), dtype=self.dtype) for n in self.state_names)

    # ---- the input projection, hoisted out of the time loop ---------------------------------------
    def project(self, x):
        """u = x W_ih^T + b_ih for x: (..., I). Returns (u (..., G*H), cache for :meth:`project_backward`).

        x is flattened to (T*B, I) first: ONE matrix product over every step. ``x @ W`` on a (T, B, I)
        array makes NumPy call BLAS once per step, about twice as slow here (benchmarks/bench_rnn.py)."""
        u = (x.reshape(-1, x.shape[-1]) @ self.params["weight_ih"].T).reshape(x.shape[:-1] + (-1,))
        if self.bias:
            u += self.params["bias_ih"] + self.params["bias_hh"] if self.fold_bias_hh else self.params["bias_ih"]
        return u, x

    def project_backward(self, du, x, grads: dict):
        """dW_ih += du^T x and db_ih += sum du (over every step and batch row at once); returns dx.

        ``du`` is a buffer the engine reuses (:meth:`zeroed_buffer`): an override returns a new array."""
        du2 = du.reshape(-1, du.shape[-1])
        grads["weight_ih"] += du2.T @ x.reshape(-1, x.shape[-1])
        if self.bias:
            db = du2.sum(axis=0)
            grads["bias_ih"] += db
            if self.fold_bias_hh:
                grads["bias_hh"] += db
        return (du2 @ self.params["weight_ih"]).reshape(du.shape[:-1] + (-1,))

    # ---- the recurrent product, used by every step ---------------------------------------------------
    def sequence(self):
        """Context manager for a run over time (``engine.forward`` enters it): while it is active,
        :meth:`hh` multiplies by a contiguous copy of W_hh^T, made once per sequence. OpenBLAS multiplies
        by it about 1.5x faster than by the strided view ``W_hh.T`` (measured in benchmarks/bench_rnn.py's
        setting); the copy is dropped on exit, so it is never stale after an optimiser step."""
        return _ContiguousWeightHH(self)

    def hh(self, h):
        """h W_hh^T for h: (B, H) -> (B, G*H)."""
        wt = self._weight_hh_t
        return h @ (self.params["weight_hh"].T if wt is None else wt)

    # ---- one time step ----------------------------------------------------------------------------
    def step(self, u, state: tuple):
        """One step: u (B, U) (the hoisted input projection, or x_t), state tuple of (B, size).

        Returns (new state tuple, cache). The cache holds exactly what :meth:`step_backward` needs.
        """
        raise NotImplementedError

    def step_backward(self, d_state: tuple, cache, grads: dict):
        """Backward of :meth:`step`. d_state: dL/d(new state), a tuple like the state.

        Returns (du (B, U), dL/d(previous state) tuple, deferred {param: (dy, v or None)}).
        """
        raise NotImplementedError

    def zeroed_buffer(self, key, shape: tuple, dtype) -> np.ndarray:
        """A zero-filled array for the temporaries of one backward pass, kept on the cell and reused.

        The engine's backward needs a few (T, B, G*H) buffers (dL/du for every step, the deferred
        gradient factors). Fresh arrays that size come straight from the operating system, and every
        4 KiB page of them faults on first touch: on the benchmark's GRU that was a third of the whole
        backward pass (23 ms against 14 ms with reused buffers, benchmarks/bench_rnn.py's setting).
        Whatever gets a buffer must not hand it to the caller, since the next backward overwrites it.
        A cell is not thread-safe anyway: its ``grads`` are accumulated in place.
        """
        buffers = self.__dict__.setdefault("_zeroed_buffers", {})
        buffer = buffers.get(key)
        if buffer is None or buffer.shape != tuple(shape) or buffer.dtype != dtype:
            buffer = buffers[key] = np.empty(shape, dtype=dtype)
        buffer.fill(0)
        return buffer

    def extra_repr(self) -> str:
        return ""


class _ContiguousWeightHH:
    """See :meth:`Cell.sequence`."""

    def __init__(self, cell: Cell):
        self.cell = cell

    def __enter__(self):
        w = self.cell.params.get("weight_hh")
        if w is not None and w.ndim == 2:
            self.cell._weight_hh_t = np.ascontiguousarray(w.T)
        return self.cell

    def __exit__(self, *exc):
        self.cell._weight_hh_t = None
        return False


def validate_step_args(name: str, gates: int, x, states: dict, weight_ih, weight_hh, bias_ih, bias_hh):
    """Check the arguments of a one-step function and return them as arrays (dtype set by x).

    x: (B, I); each state: (B, H); weight_ih: (G*H, I); weight_hh: (G*H, H); biases: (G*H,) or None.
    """
    x = as_float_array("x", x)
    check_shape("x", x, (("B", None), ("I", None)))
    B, I = x.shape
    weight_hh = as_float_array("weight_hh", weight_hh, x.dtype)
    if weight_hh.ndim != 2 or weight_hh.shape[0] != gates * weight_hh.shape[1]:
        raise ValueError(f"weight_hh must have shape ({gates if gates > 1 else ''}H, H) for a {name} cell; "
                         f"got {weight_hh.shape}")
    H = weight_hh.shape[1]
    weight_ih = check_param("weight_ih", weight_ih, (gates * H, I), x.dtype)
    if (bias_ih is None) != (bias_hh is None):
        raise ValueError("bias_ih and bias_hh must both be arrays or both be None")
    params = {"weight_ih": weight_ih, "weight_hh": weight_hh}
    if bias_ih is not None:
        params["bias_ih"] = check_param("bias_ih", bias_ih, (gates * H,), x.dtype)
        params["bias_hh"] = check_param("bias_hh", bias_hh, (gates * H,), x.dtype)
    checked = {}
    for state_name, value in states.items():
        value = as_float_array(state_name, value, x.dtype)
        check_shape(state_name, value, (("B", B), ("H", H)))
        checked[state_name] = value
    return x, checked, params


def validate_sequence_args(name: str, gates: int, x, states: dict, weight_ih, weight_hh, bias_ih, bias_hh):
    """As :func:`validate_step_args` for a sequence x: (T, B, I) with T >= 1."""
    x = as_float_array("x", x)
    check_shape("x", x, (("T", None), ("B", None), ("I", None)))
    if x.shape[0] == 0:
        raise ValueError("x must have at least one time step (T >= 1); got T = 0")
    _, checked, params = validate_step_args(name, gates, x[0], states, weight_ih, weight_hh, bias_ih, bias_hh)
    return x, checked, params


def check_upstream(name: str, value, like):
    """Validate an upstream gradient against the array it is the gradient of."""
    value = as_float_array(name, value, like.dtype)
    labels = (("T", "B", "H") if like.ndim == 3 else ("B", "H"))[-like.ndim:]
    check_shape(name, value, tuple(zip(labels, like.shape)))
    return value
