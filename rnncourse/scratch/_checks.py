"""Input validation shared by every scratch function.

Errors name what was expected and what arrived, so a student sees
"x must have shape (B, I=8); got (3, 7)" instead of a broadcasting traceback from deep in NumPy.
"""
from __future__ import annotations

import numpy as np

from .._surface import shape_str

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def as_float_array(name: str, value, dtype=None) -> np.ndarray:
    """Return ``value`` as a float ndarray, raising ``ValueError`` for anything else.

    With ``dtype`` given, the array must already have that dtype (as torch.nn insists): silently
    casting would hide a float32/float64 mix-up that changes every gradient check.
    """
    if value is None:
        raise ValueError(f"{name} is required; got None")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # e.g. ragged lists
        raise ValueError(f"{name} must be an array of numbers; got {type(value).__name__} ({exc})") from None
    if arr.dtype not in FLOAT_DTYPES:
        raise ValueError(f"{name} must be a float32 or float64 array; got dtype {arr.dtype}")
    if dtype is not None and arr.dtype != np.dtype(dtype):
        raise ValueError(
            f"{name} has dtype {arr.dtype} but float {np.dtype(dtype)} was expected; "
            f"cast it with .astype(np.{np.dtype(dtype)})"
        )
    return arr


def check_shape(name: str, arr: np.ndarray, spec) -> None:
    """Check ``arr.shape`` against ``spec``: a sequence of (symbol, size) pairs; size None = any."""
    ok = arr.ndim == len(spec) and all(size is None or size == dim for (_, size), dim in zip(spec, arr.shape))
    if not ok:
        raise ValueError(f"{name} must have shape {shape_str(spec)}; got {tuple(arr.shape)}")


def check_param(name: str, arr, shape: tuple, dtype) -> np.ndarray:
    """Validate a weight or bias of a fixed shape (e.g. weight_hh: (4H, H))."""
    arr = as_float_array(name, arr, dtype)
    if tuple(arr.shape) != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}; got {tuple(arr.shape)}")
    return arr
