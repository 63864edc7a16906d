"""CHILD side: the program the sandbox starts. It runs the student's cells, then serves driver calls.

    python -I -m rnncourse.grading.runner REQUEST_FD RESPONSE_FD

Startup: installs the seccomp filter (``fence.seccomp``: from now on no execve, ptrace or sockets),
reads ``cells.json`` (cell sources, and cells to skip) from the scratch directory the grader owns, and
executes each cell in one namespace, announcing each with {"op": "cell", "index": i}. A cell that fails
to compile or raises (including SystemExit) is recorded and the next cell runs; a cell that ends the
process (os._exit, a crash) is skipped by the grader in the next child (see grader.py: Run All policy).
Then it reports {"op": "loaded", ...} and answers requests, one JSON line each:

    request:  {"id": nonce, "driver": name, "inputs": "<scratch>/in_<nonce>.npz", "seed": int}
    response: {"id": nonce, "ok": true, "outputs": "out_<nonce>.npz"}  or  {"id": nonce, "ok": false, "error": text}

Arrays travel as .npz files written with np.savez and read with allow_pickle=False. Nothing here decides
a verdict: the parent compares the arrays with its own reference.
"""
from __future__ import annotations

import importlib.abc
import json
import os
import random
import sys
import traceback
import warnings

import numpy as np

from . import drivers, fence

MAX_MESSAGE = 2000


class _BlockImports(importlib.abc.MetaPathFinder):
    """Refuse to import forbidden modules while graded functions run."""

    def __init__(self, forbidden):
        self.forbidden = tuple(forbidden)

    def find_spec(self, name, path=None, target=None):
        if any(name == m or name.startswith(m + ".") for m in self.forbidden):
            raise ImportError(f"importing {name} is not allowed in graded code")
        return None


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text[:MAX_MESSAGE]


def _forbidden_loaded(forbidden):
    return sorted({m for m in forbidden for name in list(sys.modules) if name == m or name.startswith(m + ".")})


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    requests = os.fdopen(int(argv[0]), "r", encoding="utf-8")
    responses = os.fdopen(int(argv[1]), "w", encoding="utf-8")
    pid = os.getpid()
    seccomp = fence.seccomp()
    with open(os.path.join(os.environ["RNNCOURSE_SCRATCH"], "cells.json"), encoding="utf-8") as f:
        config = json.load(f)
    warnings.simplefilter("ignore")

    def send(message: dict) -> None:
        responses.write(json.dumps(message) + "\n")
        responses.flush()

    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    cell_errors = []
    skip = config.get("skip", {})
    for index, source in enumerate(config["cells"]):
        if str(index) in skip:
            cell_errors.append({"cell": index + 1, "error": skip[str(index)]})
            continue
        send({"op": "cell", "index": index})
        try:
            code = compile(source, f"<cell {index + 1}>", "exec")
            exec(code, namespace)
        except BaseException as exc:  # noqa: BLE001 - SystemExit and friends must not end the runner
            cell_errors.append({"cell": index + 1, "error": _describe(exc)})
        finally:
            if os.getpid() != pid:  # a forked copy of the runner: it must never answer the parent
                os._exit(0)
    forbidden = config.get("forbidden", [])
    send({"op": "loaded", "cell_errors": cell_errors, "forbidden_loaded": _forbidden_loaded(forbidden),
          "seccomp": seccomp})
    sys.meta_path.insert(0, _BlockImports(forbidden))

    for line in requests:
        request = json.loads(line)
        reply = {"id": request["id"]}
        try:
            with np.load(request["inputs"], allow_pickle=False) as data:
                inputs = {k: (data[k] if data[k].ndim else data[k].item()) for k in data.files}
            seed = int(request["seed"])
            random.seed(seed)
            np.random.seed(seed % 2**32)
            if "torch" in sys.modules:          # seeded only if the notebook uses torch: importing it costs ~1 s
                sys.modules["torch"].manual_seed(seed)
            with np.errstate(all="ignore"):
                outputs = drivers.run(request["driver"], namespace, inputs)
            name = f"out_{request['id']}.npz"
            np.savez(name, **outputs)
            reply.update(ok=True, outputs=name)
        except drivers.DriverError as exc:
            reply.update(ok=False, error=str(exc)[:MAX_MESSAGE])
        except BaseException as exc:  # noqa: BLE001
            tb = traceback.extract_tb(exc.__traceback__)
            where = next((f"{f.filename}, line {f.lineno}" + (f", in `{f.name}`" if f.name != "<module>" else "")
                          for f in reversed(tb) if f.filename.startswith("<cell")), "")
            reply.update(ok=False, error=_describe(exc) + (f" (at {where})" if where else ""))
        finally:
            if os.getpid() != pid:
                os._exit(0)
        reply["forbidden_loaded"] = _forbidden_loaded(forbidden)
        send(reply)


if __name__ == "__main__":
    main()
