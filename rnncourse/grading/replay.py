"""CHILD and parent side: the reference's answers for an earlier part, fed to a later part's test as sealed values.

Where a graded function calls an earlier graded function (``lstm_cell_backward`` calls
``lstm_output_backward``; ``lstm_backward`` calls ``lstm_cell_backward``), a bug in the earlier function
would also fail the later part. So the later part's tests feed the earlier function's *reference answers*:

* parent side (``seal``): the grader knows every call a right later function makes (the exact arguments)
  and the reference's result of each. It sends each result *sealed* with a key made from the exact bytes
  of that call's arguments (SHAKE-256 of the function name and the arguments, XORed into the result's
  float64 bits), with a tag (a hash of the key) to find it by. These are plain uint64 arrays in the call's
  ``.npz``: values, never code. No reference code reaches the child.
* child side (``installed``): for the time of one driver call, the earlier function's name in the
  student's namespace is a stand-in. A call whose arguments have exactly the bytes of a sealed call gets
  the reference's result, unsealed; any other call goes to the student's own function (or, where it is
  missing, raises NameError as the missing name would). Without the exact arguments the key is unknown,
  so the sealed values tell a notebook nothing it did not compute: reading the stand-in's table gives
  random-looking bits, and calling it with other arguments gives the student's own answer.

A later function that computes its arguments in another floating-point order than the reference (bits
differ) is not helped, and then runs the student's own earlier function, as before.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np

PREFIX = "replay__"
MAX_LEAVES = 4096
MAX_BYTES = 64 << 20


class _NoKey(Exception):
    pass


def _leaves(value, out, depth=0):
    """Flatten arrays, numbers, tuples, lists and dicts (sorted keys) into float64 arrays; else _NoKey."""
    if len(out) > MAX_LEAVES or depth > 8:
        raise _NoKey
    if isinstance(value, (tuple, list)):
        out.append(np.array([len(value)], dtype=np.float64))
        for v in value:
            _leaves(v, out, depth + 1)
    elif isinstance(value, dict):
        for k in sorted(value, key=str):
            out.append(np.frombuffer(str(k).encode()[:64].ljust(64, b"\0"), dtype=np.float64))
            _leaves(value[k], out, depth + 1)
    elif isinstance(value, (np.ndarray, np.generic, int, float, bool)) and not isinstance(value, np.void):
        a = np.asarray(value)
        if a.dtype.kind not in "biuf" or a.nbytes > MAX_BYTES:
            raise _NoKey
        out.append(np.array(a.shape, dtype=np.float64))
        out.append(np.ascontiguousarray(a, dtype=np.float64) + 0.0)      # + 0.0: -0.0 and 0.0 are one key
    else:
        raise _NoKey


def key(function: str, args):
    """The key of a call (bytes), or None when its arguments are not made of arrays and numbers."""
    if args is None:
        return None
    try:
        leaves = []
        _leaves(tuple(args), leaves)
    except _NoKey:
        return None
    h = hashlib.sha256(b"rnncourse-replay\0" + function.encode() + b"\0")
    for leaf in leaves:
        h.update(leaf.tobytes())
    return h.digest()


def _tag(k: bytes) -> str:
    return hashlib.sha256(b"tag\0" + k).hexdigest()[:32]


def _xor(arr: np.ndarray, k: bytes, j: int) -> np.ndarray:
    bits = np.array(arr, dtype=np.float64, order="C").view(np.uint64)
    pad = np.frombuffer(hashlib.shake_256(k + j.to_bytes(4, "little")).digest(8 * max(bits.size, 1)),
                        dtype=np.uint64)[:bits.size].reshape(bits.shape)
    return bits ^ pad


def _flatten(result, values):
    """The layout of a result (nested tuples, lists, dicts of arrays) as JSON-able data; arrays into ``values``."""
    if isinstance(result, dict):
        return {"d": [[str(k), _flatten(v, values)] for k, v in result.items()]}
    if isinstance(result, (tuple, list)):
        return {"t" if isinstance(result, tuple) else "l": [_flatten(v, values) for v in result]}
    values.append(np.asarray(result, dtype=np.float64))
    return len(values) - 1


def _build(form, values):
    if isinstance(form, int):
        return values[form]
    if "d" in form:
        return {k: _build(v, values) for k, v in form["d"]}
    items = [_build(v, values) for v in form.get("t", form.get("l", []))]
    return tuple(items) if "t" in form else items


def seal(function: str, calls) -> dict:
    """Parent side: {input name: array} carrying the reference's results of ``calls`` to ``function``: two
    arrays, ``replay__<function>__index`` (JSON: each call's tag, the result's layout and shapes, its offset)
    and ``replay__<function>__data`` (every sealed float64, as uint64, end to end).

    calls: [(args tuple, result)], the result as the student's function returns it: an array, or tuples,
    lists and dicts of arrays."""
    index, data, offset = [], [], 0
    for r, (args, result) in enumerate(calls):
        k = key(function, args)
        if k is None:
            raise ValueError(f"replay.seal: the arguments of {function} call {r} are not arrays and numbers")
        values = []
        form = _flatten(result, values)
        index.append({"tag": _tag(k), "form": form, "shapes": [list(v.shape) for v in values], "offset": offset})
        for j, v in enumerate(values):
            data.append(_xor(v, k, j).ravel())
            offset += v.size
    return {f"{PREFIX}{function}__index": np.array(json.dumps(index)),
            f"{PREFIX}{function}__data": np.concatenate(data) if data else np.zeros(0, dtype=np.uint64)}


def split(inputs: dict):
    """(inputs without the sealed values, {function: {tag: (row, data)}}) — child side."""
    plain, parts = {}, {}
    for name, value in inputs.items():
        if name.startswith(PREFIX):
            function, field = name[len(PREFIX):].rsplit("__", 1)
            parts.setdefault(function, {})[field] = value
        else:
            plain[name] = value
    tables = {}
    for function, p in parts.items():
        data = np.asarray(p.get("data", np.zeros(0)), dtype=np.uint64).ravel()
        tables[function] = {row["tag"]: (row, data) for row in json.loads(str(p.get("index", "[]")))}
    return plain, tables


def _open(entry, k: bytes):
    row, data = entry
    values, offset = [], int(row["offset"])
    for j, shape in enumerate(row["shapes"]):
        n = int(np.prod(shape, dtype=np.int64))
        sealed = data[offset:offset + n].view(np.float64).reshape(shape)
        values.append(_xor(sealed, k, j).view(np.float64).copy())
        offset += n
    return _build(row["form"], values)


def _positional(own, args, kwargs):
    """The call's arguments in order (keywords placed by the student's own signature), or None."""
    if not kwargs:
        return args
    import inspect  # only for a call with keywords: the runner starts without it

    try:
        bound = inspect.signature(own).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    return tuple(bound.arguments.values()) if not bound.kwargs and len(bound.arguments) == len(bound.args) else None


def stand_in(function: str, table: dict, own):
    """A callable that answers a sealed call with the reference's result and any other call with ``own``."""
    def call(*args, **kwargs):
        k = key(function, _positional(own, args, kwargs))
        row = table.get(_tag(k)) if k is not None else None
        if row is not None:
            return _open(row, k)
        if own is None:
            raise NameError(f"name '{function}' is not defined")
        return own(*args, **kwargs)
    call.__name__ = call.__qualname__ = function
    return call


class installed:
    """``with installed(ns, tables):`` the stand-ins in ``ns`` for the time of one call, then the names back."""

    def __init__(self, ns: dict, tables: dict):
        self.ns, self.tables, self.saved = ns, tables, {}

    def __enter__(self):
        for function, table in self.tables.items():
            self.saved[function] = self.ns.get(function, _MISSING)
            own = self.saved[function]
            self.ns[function] = stand_in(function, table, own if callable(own) else None)
        return self

    def __exit__(self, *exc):
        for function, value in self.saved.items():
            if value is _MISSING:
                self.ns.pop(function, None)
            else:
                self.ns[function] = value
        return False


_MISSING = object()
