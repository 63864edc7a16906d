"""Parent side: start the untrusted child with limits, exchange plain data with it, and kill it.

The child runs in its own session (process group), in a scratch directory, with a scrubbed environment,
address-space, CPU-time and file-size limits, and a bound on the number of processes (a pids cgroup when
the grader runs as root, RLIMIT_NPROC otherwise). Requests and replies travel on two private pipes; every
reply is read with a deadline and a size cap, and arrays come back as .npz files opened without following
links and loaded with allow_pickle=False, then copied into plain float64 arrays. Nothing the child
produced is ever unpickled or executed.
"""
from __future__ import annotations

import json
import os
import secrets
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

MAX_REPLY_BYTES = 1 << 20
MAX_OUTPUT_BYTES = 256 << 20
CGROUP_ROOT = "/sys/fs/cgroup/pids"


@dataclass
class Limits:
    load_seconds: float = 60.0      # running the whole notebook
    call_seconds: float = 20.0      # one graded call
    cpu_seconds: int = 300          # whole child (RLIMIT_CPU)
    memory_mib: int = 4096          # address space (RLIMIT_AS)
    file_mib: int = 64              # largest file the child may write (RLIMIT_FSIZE)
    processes: int = 32             # processes the child may create


class ChildError(Exception):
    """The child timed out, died, or broke the protocol. ``kind`` is 'timeout', 'died' or 'protocol'."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def _make_cgroup(limit: int):
    if os.geteuid() != 0 or not os.access(CGROUP_ROOT, os.W_OK):
        return None
    path = os.path.join(CGROUP_ROOT, f"rnncourse-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.mkdir(path)
        with open(os.path.join(path, "pids.max"), "w") as f:
            f.write(str(limit))
        return path
    except OSError:
        return None


class Child:
    """One sandboxed run of a notebook's cells; call ``load()`` then ``call()`` any number of times."""

    def __init__(self, cells: list, forbidden: list, limits: Limits):
        self.limits = limits
        self.workdir = tempfile.mkdtemp(prefix="rnncourse-grade-")
        with open(os.path.join(self.workdir, "cells.json"), "w", encoding="utf-8") as f:
            json.dump({"cells": cells, "forbidden": list(forbidden)}, f)
        self.cgroup = _make_cgroup(limits.processes)
        req_r, self._req_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        child_limits = {"memory_mib": limits.memory_mib, "cpu_seconds": limits.cpu_seconds,
                        "file_mib": limits.file_mib, "nproc": limits.processes, "cgroup": self.cgroup}
        env = {"PATH": "/usr/bin:/bin", "HOME": self.workdir, "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PYTHONUNBUFFERED": "1"}
        self._out = open(os.path.join(self.workdir, "stdout.txt"), "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", "rnncourse.grading.launcher", json.dumps(child_limits), "--",
             sys.executable, "-I", "-m", "rnncourse.grading.runner", str(req_r), str(resp_w)],
            cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.STDOUT,
            pass_fds=(req_r, resp_w), start_new_session=True)
        os.close(req_r)
        os.close(resp_w)
        self._buffer = b""

    # ---- protocol ------------------------------------------------------------------------------
    def _read_reply(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChildError("timeout", f"no answer within {timeout:g} s")
            ready, _, _ = select.select([self._resp_r], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._resp_r, 65536)
            if not chunk:
                self.process.wait(timeout=5)
                raise ChildError("died", self._death_message())
            self._buffer += chunk
            if len(self._buffer) > MAX_REPLY_BYTES:
                raise ChildError("protocol", "the child sent an oversized reply")
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError:
            raise ChildError("protocol", "the child sent something that is not JSON") from None
        if not isinstance(reply, dict):
            raise ChildError("protocol", "the child sent a malformed reply")
        return reply

    def _death_message(self) -> str:
        code = self.process.returncode
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            hint = {"SIGKILL": " (killed: memory or process limit?)", "SIGXCPU": " (CPU-time limit)",
                    "SIGSEGV": " (segmentation fault)", "SIGXFSZ": " (file-size limit: too much output?)"}.get(name, "")
            return f"the notebook's process was killed by {name}{hint}"
        return f"the notebook's process exited with status {code} (sys.exit / os._exit?)"

    def load(self) -> dict:
        """Run the notebook; returns {"cell_errors": [...], "forbidden_loaded": [...], "defined": [...]}."""
        reply = self._read_reply(self.limits.load_seconds)
        if reply.get("op") != "loaded":
            raise ChildError("protocol", "the child answered out of turn")
        return {k: reply.get(k, []) for k in ("cell_errors", "forbidden_loaded", "defined")}

    def call(self, driver: str, inputs: dict, seed: int) -> dict:
        """Run one driver in the child. Returns {"ok": True, "outputs": {k: float64 array}, ...} or {"ok": False, "error"}."""
        nonce = secrets.token_hex(8)
        np.savez(os.path.join(self.workdir, f"in_{nonce}.npz"), **{k: np.asarray(v) for k, v in inputs.items()})
        request = {"id": nonce, "driver": driver, "inputs": f"in_{nonce}.npz", "seed": seed}
        try:
            os.write(self._req_w, (json.dumps(request) + "\n").encode())
        except OSError:
            self.process.wait(timeout=5)
            raise ChildError("died", self._death_message()) from None
        while True:
            reply = self._read_reply(self.limits.call_seconds)
            if reply.get("id") == nonce:
                break  # anything else (e.g. forged lines) is ignored
        result = {"ok": bool(reply.get("ok") is True), "forbidden_loaded": _strings(reply.get("forbidden_loaded"))}
        if result["ok"]:
            result["outputs"] = self._load_outputs(f"out_{nonce}.npz")
        else:
            result["error"] = str(reply.get("error", "unknown error"))[:2000]
        return result

    def _load_outputs(self, name: str) -> dict:
        path = os.path.join(self.workdir, name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            raise ChildError("protocol", "the child's outputs are missing") from None
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_OUTPUT_BYTES:
                raise ChildError("protocol", "the child's outputs are not a regular file of sane size")
            try:
                with np.load(f, allow_pickle=False) as data:
                    arrays = {}
                    for key in data.files:
                        arr = data[key]
                        if type(arr) is not np.ndarray or arr.dtype.kind not in "biuf":
                            raise ChildError("protocol", f"output {key!r} is not a numeric array")
                        arrays[key] = np.array(arr, dtype=np.float64)   # a fresh, plain float64 array
                    return arrays
            except ChildError:
                raise
            except Exception as exc:
                raise ChildError("protocol", f"the child's outputs could not be read ({type(exc).__name__})") from None

    # ---- teardown ------------------------------------------------------------------------------
    def kill(self) -> None:
        """Kill the child's whole process group (and cgroup), then remove its scratch directory."""
        for pid_source in (lambda: [self.process.pid], self._cgroup_pids):
            for pid in pid_source():
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self._req_w, self._resp_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self._out.close()
        if self.cgroup:
            for _ in range(50):
                for pid in self._cgroup_pids():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                try:
                    os.rmdir(self.cgroup)
                    break
                except OSError:
                    time.sleep(0.05)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _cgroup_pids(self):
        if not self.cgroup:
            return []
        try:
            with open(os.path.join(self.cgroup, "cgroup.procs")) as f:
                return [int(x) for x in f.read().split()]
        except OSError:
            return []

    def output_tail(self, n: int = 1500) -> str:
        """The last ``n`` characters the notebook printed (for feedback; never interpreted)."""
        try:
            with open(os.path.join(self.workdir, "stdout.txt"), "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - n))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


def _strings(value) -> list:
    return [str(v) for v in value] if isinstance(value, list) else []
