"""What every recurrent cell shares: the affine maps into the gates and their parameter gradients.

A cell of kind K with G gate blocks computes, for one time step,

    gx = x  W_ih^T + b_ih      (B, G*H)    input projection  (hoisted out of the time loop by layers)
    gh = h  W_hh^T + b_hh      (B, G*H)    hidden projection
    new state = K.step(gx, gh, state)

and its backward pass returns dL/dgx and dL/dgh, from which

    dW_ih = dgx^T x,  dW_hh = dgh^T h,  db_ih = sum_b dgx,  db_hh = sum_b dgh,
    dx = dgx W_ih,    dh  = dgh W_hh (+ any direct path the kind adds, e.g. the GRU's z * h).

For the vanilla RNN and the LSTM, dgx == dgh; the GRU differs because its reset gate multiplies the
hidden part of the candidate. Writing the kinds against this interface lets the single-step cell
functions (what exercises ask for) and the fast sequence layer share one implementation of each step.
"""
from __future__ import annotations


from ._checks import as_float_array, check_param, check_shape


class CellKind:
    """Interface of a recurrent cell kind. Subclasses set ``name``, ``num_gates`` and ``num_states``."""

    name: str = "cell"
    num_gates: int = 1     # G: weight_ih has G*H rows
    num_states: int = 1    # 1 for (h,), 2 for LSTM's (h, c)
    shared_gate_grads: bool = True  # step_backward returns d_gx is d_gh (False for the GRU)

    def step(self, gx, weight_hh, bias_hh, state):
        """One step. gx: (B, G*H); state: tuple of (B, H). Returns (new_state, step_cache)."""
        raise NotImplementedError

    def step_backward(self, d_state, step_cache, weight_hh):
        """Backward of ``step``. d_state: tuple of (B, H), dL/d(new state).

        Returns (d_gx (B, G*H), d_gh (B, G*H), d_prev_state tuple of (B, H)).
        """
        raise NotImplementedError


def hidden_projection(h, weight_hh, bias_hh):
    """gh = h W_hh^T + b_hh. h: (B, H), weight_hh: (G*H, H), bias_hh: (G*H,) or None."""
    gh = h @ weight_hh.T
    if bias_hh is not None:
        gh += bias_hh
    return gh


def input_projection(x, weight_ih, bias_ih):
    """gx = x W_ih^T + b_ih for x of shape (..., I); returns (..., G*H)."""
    gx = x @ weight_ih.T
    if bias_ih is not None:
        gx += bias_ih
    return gx


def validate_cell_args(kind: CellKind, x, states: dict, weight_ih, weight_hh, bias_ih, bias_hh):
    """Check one-step arguments and return them as arrays (dtype set by x).

    x: (B, I); each state: (B, H); weight_ih: (G*H, I); weight_hh: (G*H, H); biases: (G*H,) or None.
    """
    x = as_float_array("x", x)
    check_shape("x", x, (("B", None), ("I", None)))
    B, I = x.shape
    weight_hh = as_float_array("weight_hh", weight_hh, x.dtype)
    G = kind.num_gates
    if weight_hh.ndim != 2 or weight_hh.shape[0] != G * weight_hh.shape[1]:
        raise ValueError(f"weight_hh must have shape ({G}H, H) for a {kind.name} cell; got {weight_hh.shape}")
    H = weight_hh.shape[1]
    weight_ih = check_param("weight_ih", weight_ih, (G * H, I), x.dtype)
    bias_ih = None if bias_ih is None else check_param("bias_ih", bias_ih, (G * H,), x.dtype)
    bias_hh = None if bias_hh is None else check_param("bias_hh", bias_hh, (G * H,), x.dtype)
    if (bias_ih is None) != (bias_hh is None):
        raise ValueError("bias_ih and bias_hh must both be arrays or both be None")
    checked = {}
    for name, s in states.items():
        s = as_float_array(name, s, x.dtype)
        check_shape(name, s, (("B", B), ("H", H)))
        checked[name] = s
    return x, checked, weight_ih, weight_hh, bias_ih, bias_hh


def cell_param_grads(x, h, weight_ih, weight_hh, d_gx, d_gh, has_bias: bool) -> dict:
    """Gradients of one step's affine maps: dx, dW_ih, dW_hh, db_ih, db_hh (dh's affine part is the kind's)."""
    grads = {
        "x": d_gx @ weight_ih,
        "weight_ih": d_gx.T @ x,
        "weight_hh": d_gh.T @ h,
    }
    if has_bias:
        grads["bias_ih"] = d_gx.sum(axis=0)
        grads["bias_hh"] = d_gh.sum(axis=0)
    return grads
