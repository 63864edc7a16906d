"""Parent side: start the untrusted child fenced in, exchange plain data with it, and kill it.

Scratch layout, per child: a root-owned directory (0711) holding ``cells.json`` and the inputs (read-only
for the child), and inside it ``work/``, the child's only writable place (owned by the child's uid). The
child cannot rename or replace ``work/``, because its parent is not its own.

When the grader is root, each child runs under a uid/gid leased for its lifetime from SLOT_UID ..
SLOT_UID + N_UIDS - 1 (an flock on a root-only lock file, so concurrent graders on one machine never
share one; no passwd entry needed). So RLIMIT_NPROC is a real process limit, the child cannot signal or
read the grader or another student's child, and after each run every process of that uid is killed. Everything else is in
``fence.py`` (namespaces, Landlock, seccomp), ``launcher.py`` and ``pidns.py`` (the child runs as pid 2 of
its own pid namespace, under an init; the launcher, the process started here, ends as the child ends).

Time limits are CPU seconds (of every process of the child), so a busy machine does not fail an honest
notebook; a generous wall-clock limit (``wall_factor`` times the CPU limit) catches a child that sleeps.
Replies are read with a size cap; any parser failure is a protocol error. Arrays come back in an .npz
whose members must be stored uncompressed, with float64 headers checked for shape and total size before
anything is read. Nothing the child produced is ever unpickled or executed.
"""
from __future__ import annotations

import fcntl
import glob
import json
import os
import secrets
import select
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .fence import reachable_by_others

MAX_REPLY_BYTES = 1 << 20
MAX_JSON_DEPTH = 32
CGROUP_ROOT = "/sys/fs/cgroup/pids"
SLOT_UID = 61000
SCRATCH_PREFIX = "rnncourse-grade-"       # + <grader pid>-<token>
N_UIDS = 64
# One place for every grader of the machine, whatever its TMPDIR: root's leases of child uids and each
# child's liveness lock (``child-<token>``, held while its scratch directory and cgroup exist).
# (/tmp itself, never TMPDIR: graders with different TMPDIRs must meet here.)
LOCK_DIR = "/tmp/rnncourse-uid-locks"
PACKAGE = Path(__file__).resolve().parents[1]                  # rnncourse/
CHILD_MODULES = ("__init__.py", "grading/__init__.py", "grading/runner.py", "grading/drivers.py",
                 "grading/launcher.py", "grading/fence.py", "grading/pidns.py", "grading/selfcheck.py",
                 "grading/replay.py")


@dataclass
class Limits:
    load_seconds: float = 60.0      # CPU seconds to run the whole notebook
    call_seconds: float = 20.0      # CPU seconds for one graded call
    wall_factor: float = 5.0        # wall-clock limit = wall_factor * CPU limit (a child that sleeps)
    cpu_seconds: int = 300          # whole child (RLIMIT_CPU)
    memory_mib: int = 4096          # address space (RLIMIT_AS)
    file_mib: int = 64              # largest file the child may write (RLIMIT_FSIZE)
    processes: int = 32             # processes the child may create
    output_mib: int = 64            # total size of the arrays one reply may hold
    scratch_mib: int = 64           # size of the child's writable directory (a tmpfs, when root)
    landlock: bool = True           # False only in tests that check the other layers on their own


class ChildError(Exception):
    """The child timed out, died, or broke the protocol. ``kind`` is 'timeout', 'died' or 'protocol'."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


# ---- processes, uids and cgroups ------------------------------------------------------------------------
def is_root() -> bool:
    return os.geteuid() == 0


def _lock_dir() -> str:
    """The lock directory of this user: LOCK_DIR as root, LOCK_DIR-<uid> otherwise (mode 0700)."""
    path = LOCK_DIR if is_root() else f"{LOCK_DIR}-{os.geteuid()}"
    os.makedirs(path, mode=0o700, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise RuntimeError(f"{path} must be a directory owned by uid {os.geteuid()} with mode 0700")
    return path


def _try_lock(uid: int):
    return _flock(os.path.join(_lock_dir(), str(uid)), create=True)


def _flock(path: str, create: bool):
    """An fd holding an exclusive flock on ``path``, or None when another process holds it (or, without
    ``create``, when the file does not exist)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_CREAT if create else 0), 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except OSError:
        os.close(fd)
        return None


def hold_liveness_lock() -> tuple:
    """(token, fd): a new token whose lock file this process holds for as long as the fd is open. Scratch
    directories and cgroups named with the token are alive while it is held (a test that works across
    pid namespaces and TMPDIRs, unlike a pid)."""
    token = secrets.token_hex(8)
    return token, _flock(os.path.join(_lock_dir(), f"child-{token}"), create=True)


def _owner_dead(pid: str, token: str) -> tuple:
    """(dead, fd to close after the clean-up or None) for a scratch directory or cgroup named <pid>-<token>:
    its liveness lock decides; a name without a lock file (made by an older grader) falls back to its pid."""
    path = os.path.join(_lock_dir(), f"child-{token}")
    if os.path.exists(path):
        fd = _flock(path, create=False)
        return fd is not None, fd
    try:
        return not _alive(int(pid)), None
    except ValueError:
        return False, None


def _release(fd, token: str | None = None) -> None:
    if fd is None:
        return
    if token:
        try:
            os.unlink(os.path.join(_lock_dir(), f"child-{token}"))
        except OSError:
            pass
    os.close(fd)


def lease_uid():
    """(uid, lock fd) of a child uid no other grader holds; (None, None) when not root. Close the fd to
    give the uid back (the kernel does it when the grader dies)."""
    if not is_root():
        return None, None
    for uid in range(SLOT_UID, SLOT_UID + N_UIDS):
        fd = _try_lock(uid)
        if fd is not None:
            return uid, fd
    raise RuntimeError(f"all {N_UIDS} child uids from {SLOT_UID} are in use")


def _status(pid: int) -> dict:
    """/proc/PID/status as {field: value} ({} when the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(line.split(":", 1) for line in f if ":" in line)
    except OSError:
        return {}


def _uids(pid) -> list:
    """The uids of a live process (none for a zombie: it has no memory left and cannot be killed)."""
    status = _status(pid)
    if status.get("State", "").split()[:1] in (["Z"], ["X"]):
        return []
    return [int(x) for x in status.get("Uid", "").split()]


def processes_of(uid: int) -> list:
    """Every process whose real, effective, saved or filesystem uid is ``uid`` (read from /proc/PID/status:
    /proc/PID's owner is root for a process that made itself non-dumpable)."""
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and uid in _uids(p)]


def kill_uid(uid: int, rounds: int = 100) -> bool:
    """SIGKILL every process of ``uid`` until none is left; True when none is left."""
    for _ in range(rounds):
        pids = processes_of(uid)
        if not pids:
            return True
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)
    return not processes_of(uid)


def _make_cgroup(limit: int, token: str):
    if not is_root() or not os.access(CGROUP_ROOT, os.W_OK):
        return None
    path = os.path.join(CGROUP_ROOT, f"rnncourse-{os.getpid()}-{token}")
    try:
        os.mkdir(path)
        with open(os.path.join(path, "pids.max"), "w") as f:
            f.write(str(limit))
        return path
    except OSError:
        return None


def _cgroup_pids(cgroup) -> list:
    if not cgroup:
        return []
    try:
        with open(os.path.join(cgroup, "cgroup.procs")) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _remove_cgroup(cgroup: str) -> bool:
    for _ in range(50):
        for pid in _cgroup_pids(cgroup):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.rmdir(cgroup)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            time.sleep(0.02)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def clean_up_after_killed_graders() -> list:
    """At start: remove the pids cgroups of graders that died without cleaning up (named
    rnncourse-<grader pid>-<random>, grader pid no longer running), killing what is left in them, their
    scratch directories (unmounting their tmpfs), and, as root, kill leftover processes of every child uid
    that no running grader holds. Returns the cgroups removed."""
    removed = []
    for path in glob.glob(os.path.join(CGROUP_ROOT, "rnncourse-*")):
        pid, sep, token = os.path.basename(path)[len("rnncourse-"):].partition("-")
        if not sep:
            continue
        dead, fd = _owner_dead(pid, token)
        if dead and _remove_cgroup(path):
            removed.append(path)
        _release(fd)
    for scratch in sorted({p for d in {tempfile.gettempdir(), "/tmp"} for p in glob.glob(os.path.join(d, SCRATCH_PREFIX + "*"))}):
        pid, sep, token = os.path.basename(scratch)[len(SCRATCH_PREFIX):].partition("-")
        if not sep:
            continue                 # not ours (<grader pid>-<token>)
        dead, fd = _owner_dead(pid, token)
        try:
            if dead and os.lstat(scratch).st_uid == os.geteuid():
                _remove_scratch(scratch)
        except OSError:
            pass
        _release(fd, token)
    if is_root():
        live = {u for p in os.listdir("/proc") if p.isdigit() for u in _uids(p) if SLOT_UID <= u < SLOT_UID + N_UIDS}
        for uid in sorted(live):
            fd = _try_lock(uid)
            if fd is not None:
                kill_uid(uid)
                os.close(fd)
    return removed


def _mount_tmpfs(path: str, mib: int, uid: int) -> bool:
    """Root: a size-limited tmpfs owned by ``uid`` on ``path`` (no disk filled by many files). False
    where mounting is not allowed (e.g. a container without CAP_SYS_ADMIN)."""
    from .fence import MS_NODEV, MS_NOSUID, _mount

    try:
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={mib}m,nr_inodes=4096,mode=0700,uid={uid},gid={uid}")
        return True
    except OSError:
        return False


def _remove_scratch(scratch: str) -> None:
    """Unmount the tmpfs on ``scratch``/work, if any, then delete the scratch directory (links not followed)."""
    import ctypes

    work = os.path.join(scratch, "work")
    if os.path.ismount(work):
        ctypes.CDLL(None, use_errno=True).umount2(work.encode(), 2)     # MNT_DETACH
    shutil.rmtree(scratch, ignore_errors=True)
    if os.path.lexists(scratch):     # a directory the child closed (chmod 0): open every one up, then again
        _open_up(scratch)
        shutil.rmtree(scratch, ignore_errors=True)


def _open_up(top: str) -> None:
    """chmod 0700 ``top`` and every directory under it (links left alone, and the child is dead by now),
    each before it is listed, so that the owner can list and empty every one."""
    def open_dir(path):
        try:
            if not os.path.islink(path):
                os.chmod(path, 0o700)
        except OSError:
            pass

    open_dir(top)
    for root, dirs, _files in os.walk(top):      # top-down and lazy: a directory is listed after its chmod
        for d in dirs:
            open_dir(os.path.join(root, d))


def _children(pid: int) -> list:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except (OSError, ValueError):
        return []


def _descendants(pid: int) -> list:
    """Every live descendant of ``pid`` (children of its main thread, recursively)."""
    found, todo = [], _children(pid)
    while todo:
        p = todo.pop()
        found.append(p)
        todo += _children(p)
    return found


def _cpu_seconds(pids) -> float:
    """User + system CPU of ``pids`` and of their children they have waited for."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


# ---- what the child may read ----------------------------------------------------------------------------
def child_paths(scratch: str, work: str) -> dict:
    """Landlock lists: the interpreter, the standard library (not its site-packages), shared libraries,
    NumPy, the child-side modules; the scratch directory read-only, ``work`` writable."""
    import numpy

    stdlib = sysconfig.get_paths()["stdlib"]
    site = str(Path(numpy.__file__).resolve().parents[1])
    arch = f"{os.uname().machine}-linux-gnu"
    read = [os.path.join(stdlib, e) for e in os.listdir(stdlib) if e not in ("site-packages", "dist-packages")]
    read += [f"/usr/lib/{arch}", f"/lib/{arch}", "/lib64", "/usr/lib64", "/etc/ld.so.cache", "/dev/urandom",
             "/dev/null", os.path.join(sys.prefix, "pyvenv.cfg"), str(Path(numpy.__file__).parent),
             str(Path(numpy.__file__).parent) + ".libs", scratch]
    for prefix in {sys.prefix, sys.base_prefix}:     # libpython, and a conda prefix's shared libraries (not python3.X/)
        lib = os.path.join(prefix, "lib")
        read += [os.path.join(lib, e) for e in (os.listdir(lib) if os.path.isdir(lib) else []) if not e.startswith("python")]
    # site-packages as the interpreter names it, too: a venv may hold NumPy as a link into another one,
    # or find it through a .pth file; the interpreter reads every .pth file at start-up
    installed = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")} | {str(Path(numpy.__file__).parents[1])}
    read += [p for d in sorted(installed | {site}) for p in glob.glob(os.path.join(d, "*.pth"))]
    read += glob.glob(os.path.join(site, "__editable__*finder.py"))
    read += [str(PACKAGE / m) for m in CHILD_MODULES]
    list_only = [stdlib, site, *sorted(installed), str(PACKAGE), str(PACKAGE / "grading"),
                 os.path.join(sys.prefix, "bin"), os.path.dirname(os.path.realpath(sys.executable))]
    execute = [os.path.realpath(sys.executable), "/lib64", f"/lib/{arch}", f"/usr/lib/{arch}"]   # and ld.so
    return {"read": read, "list_only": list_only, "execute": execute, "write": [work, "/dev/null"]}


def _reachable() -> list:
    """Trees the child must reach (for re-exposing them under a directory closed to other users)."""
    import numpy

    numpy_dir = Path(numpy.__file__)
    return sorted({sys.base_prefix, sys.prefix, str(numpy_dir.resolve().parents[1]), str(numpy_dir.parents[1]), str(PACKAGE)})


# ---- reading what the child sent --------------------------------------------------------------------------
def _depth(value, limit: int) -> int:
    stack, deepest = [(value, 1)], 0
    while stack:
        item, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            break
        if isinstance(item, dict):
            stack += [(v, d + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, d + 1) for v in item]
    return deepest


def parse_reply(line: bytes) -> dict:
    """One JSON line from the child; anything but a shallow JSON object is a protocol error."""
    if line.count(b"[") + line.count(b"{") > 100_000:
        raise ChildError("protocol", "the child sent a malformed reply (too many nested values)")
    try:
        reply = json.loads(line)
    except Exception:  # ValueError, RecursionError, MemoryError...: all the child's fault
        raise ChildError("protocol", "the child sent something that is not JSON (or too deeply nested)") from None
    if not isinstance(reply, dict) or _depth(reply, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ChildError("protocol", "the child sent a malformed reply")
    return reply


def read_npz(f, expected: dict, max_bytes: int) -> dict:
    """Arrays from an .npz the child wrote, read with no trust: only members named after an expected
    output, stored uncompressed, float64 of at most ``max_bytes`` in total (checked from the .npy headers
    before anything is allocated). A wrong shape is returned as it is (the comparison says so)."""
    try:
        archive = zipfile.ZipFile(f)
        infos = archive.infolist()
    except Exception:
        raise ChildError("protocol", "the child's outputs are not an .npz archive") from None
    wanted = {f"{k}.npy": k for k in expected}
    headers, total = {}, 0
    for info in infos:
        key = wanted.get(info.filename)
        if key is None:
            continue
        if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size:
            raise ChildError("protocol", f"output {key!r} is compressed (the grader reads only stored arrays)")
        try:
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                read_header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}[version]
                shape, fortran, dtype = read_header(member, max_header_size=1000)
                offset = member.tell()
        except Exception:
            raise ChildError("protocol", f"output {key!r} has no valid array header") from None
        if dtype != np.dtype("<f8"):
            raise ChildError("protocol", f"output {key!r} is not a float64 array")
        size = int(np.prod(shape, dtype=np.int64)) * 8 if all(isinstance(n, int) and n >= 0 for n in shape) else -1
        if size < 0 or info.file_size != offset + size:
            raise ChildError("protocol", f"output {key!r}: its header does not match its size")
        total += size
        if total > max_bytes:
            raise ChildError("protocol", f"the outputs are larger than {max_bytes >> 20} MiB")
        headers[key] = (info, shape, fortran, offset)
    missing = sorted(set(expected) - set(headers))
    if missing:
        raise ChildError("protocol", f"the child's outputs lack {', '.join(map(repr, missing))}")
    arrays = {}
    for key, (info, shape, fortran, offset) in headers.items():
        try:
            with archive.open(info) as member:
                member.read(offset)
                data = member.read(info.file_size - offset)
        except Exception:  # a bad CRC, a truncated archive: the child's fault
            raise ChildError("protocol", f"output {key!r} cannot be read (a damaged .npz)") from None
        if len(data) != info.file_size - offset:
            raise ChildError("protocol", f"output {key!r} is truncated")
        arrays[key] = np.frombuffer(data, dtype="<f8").reshape(shape, order="F" if fortran else "C").astype(np.float64)
    return arrays


class Child:
    """One fenced run of a notebook's cells; call ``load()`` then ``call()`` any number of times.

    ``skip`` maps cell indices (0-based) to a message: those cells are not run (they ended an earlier
    child; see the grader's Run All policy)."""

    def __init__(self, cells: list, forbidden: list, limits: Limits, skip: dict | None = None):
        self.limits = limits
        self.uid, self._lease = lease_uid()
        self._token, self._alive_lock = hold_liveness_lock()     # held before the scratch and cgroup exist
        tmp = tempfile.gettempdir()
        self.scratch = os.path.join(tmp if reachable_by_others([tmp]) else "/tmp", f"{SCRATCH_PREFIX}{os.getpid()}-{self._token}")
        os.mkdir(self.scratch, 0o700)
        os.chmod(self.scratch, 0o711)
        self.work = os.path.join(self.scratch, "work")
        os.mkdir(self.work, 0o700)
        staging = os.path.join(self.scratch, "stage")
        os.mkdir(staging, 0o700)
        self.work_tmpfs = False
        if self.uid is not None:
            kill_uid(self.uid)
            os.chown(self.work, self.uid, self.uid)
            self.work_tmpfs = _mount_tmpfs(self.work, limits.scratch_mib, self.uid)
        cells_json = os.path.join(self.scratch, "cells.json")
        with open(cells_json, "w", encoding="utf-8") as f:
            json.dump({"cells": cells, "forbidden": list(forbidden), "skip": {str(k): v for k, v in (skip or {}).items()}}, f)
        os.chmod(cells_json, 0o644)
        self.cgroup = _make_cgroup(limits.processes + 2, self._token)     # + the launcher and the pid namespace's init
        req_r, self._req_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        config = {"parent": os.getpid(), "work": self.work, "scratch_mib": limits.scratch_mib, "memory_mib": limits.memory_mib, "cpu_seconds": limits.cpu_seconds, "file_mib": limits.file_mib,
                  "nproc": limits.processes, "cgroup": self.cgroup, "uid": self.uid, "gid": self.uid,
                  "reachable": _reachable(), "staging": staging, "landlock": limits.landlock, "paths": child_paths(self.scratch, self.work)}
        env = {"PATH": "/usr/bin:/bin", "HOME": self.work, "TMPDIR": self.work, "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
               "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "RNNCOURSE_SCRATCH": self.scratch}
        self._out = open(os.path.join(self.scratch, "stdout.txt"), "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", "rnncourse.grading.launcher", json.dumps(config), "--",
             sys.executable, "-I", "-m", "rnncourse.grading.runner", str(req_r), str(resp_w)],
            cwd=self.work, env=env, stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.STDOUT,
            pass_fds=(req_r, resp_w), start_new_session=True)
        os.close(req_r)
        os.close(resp_w)
        self._buffer = b""
        self.current_cell = None        # the cell running when the child died during load
        self.protections: dict = {}
        self._worker = None             # the runner's pid (under the init, in a pid namespace)

    # ---- protocol ------------------------------------------------------------------------------
    def _pids(self) -> list:
        return _cgroup_pids(self.cgroup) or [self.process.pid, *_descendants(self.process.pid)]

    def _worker_pid(self) -> int:
        """The process that became the runner: in a pid namespace, the child of the launcher's child (the
        init) that is pid 2 there; else the launcher itself."""
        for init in _children(self.process.pid):
            for pid in _children(init):
                nspid = _status(pid).get("NSpid", "").split()
                if len(nspid) >= 2 and nspid[-1] == "2":
                    return pid
        return self.process.pid

    def _deadline(self, cpu_limit: float) -> tuple:
        """One deadline for a whole phase (the load, or one call): (CPU at its start, wall-clock start, CPU
        limit). Every reply line of the phase is read against it: a line never restarts the clock."""
        return _cpu_seconds(self._pids()), time.monotonic(), cpu_limit

    def _read_reply(self, deadline: tuple) -> dict:
        cpu_start, start, cpu_limit = deadline
        wall_limit = cpu_limit * self.limits.wall_factor
        while b"\n" not in self._buffer:
            if _cpu_seconds(self._pids()) - cpu_start > cpu_limit:
                raise ChildError("timeout", f"no answer within {cpu_limit:g} s of CPU time")
            if time.monotonic() - start > wall_limit:
                raise ChildError("timeout", f"no answer within {wall_limit:g} s")
            ready, _, _ = select.select([self._resp_r], [], [], 0.1)
            if not ready:
                continue
            chunk = os.read(self._resp_r, 65536)
            if not chunk:
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
                raise ChildError("died", self._death_message())
            self._buffer += chunk
            if len(self._buffer) > MAX_REPLY_BYTES:
                raise ChildError("protocol", "the child sent an oversized reply")
        line, self._buffer = self._buffer.split(b"\n", 1)
        return parse_reply(line)

    def _death_message(self) -> str:
        code = self.process.returncode
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            hint = {"SIGKILL": " (killed: memory or process limit?)", "SIGXCPU": " (CPU-time limit)",
                    "SIGSEGV": " (segmentation fault)", "SIGXFSZ": " (file-size limit: too much output?)",
                    "SIGSYS": " (a forbidden system call)"}.get(name, "")
            return f"the notebook's process was killed by {name}{hint}"
        return f"the notebook's process exited with status {code} (sys.exit / os._exit?)"

    def _check_protections(self, fence_line: dict, loaded: bool = False) -> None:
        """What held, from the launcher's line (written before student code ran) and /proc. Seccomp is
        installed by the runner before the first cell: judged (True/False) only once the runner announced a
        cell or loaded, None before (a child killed earlier says nothing about it)."""
        self._worker = self._worker or self._worker_pid()       # found while it runs (it wrote the line)
        status = _status(self._worker)
        if not status and self.protections:
            return          # it died since the last look (its first cell may kill it): what /proc showed then stands
        uid = int(status.get("Uid", "-1 ").split()[0]) if status else -1
        nspid = status.get("NSpid", "").split()
        self.protections = {
            "own_uid": self.uid is not None and uid == self.uid,
            "no_new_privs": status.get("NoNewPrivs", "0").strip() == "1",
            "seccomp": status.get("Seccomp", "0").strip() == "2" if loaded else None,
            "landlock_abi": int(fence_line.get("landlock_abi", 0) or 0),
            "mount_namespace": bool(fence_line.get("mount_namespace")),
            "network_namespace": bool(fence_line.get("network_namespace")),
            "ipc_namespace": bool(fence_line.get("ipc_namespace")),
            "private_dev_shm": bool(fence_line.get("private_dev_shm")),
            "private_tmp": bool(fence_line.get("private_tmp")),
            "pid_namespace": bool(fence_line.get("pid_namespace")) and len(nspid) >= 2 and nspid[-1] == "2",
            "scratch_tmpfs": self.work_tmpfs or bool(fence_line.get("scratch_tmpfs")),
            "pids_cgroup": bool(self.cgroup),
            "process_limit": bool(self.cgroup) or self.uid is not None,
        }
        if not self.protections["pid_namespace"]:
            reason = fence_line.get("pid_namespace_unavailable") or "the notebook's process is not pid 2 of a pid namespace"
            self.protections["pid_namespace_unavailable"] = str(reason)

    def load(self) -> dict:
        """Run the notebook; returns {"cell_errors": [...], "forbidden_loaded": [...], "defined": [...]}."""
        deadline = self._deadline(self.limits.load_seconds)
        fence_line = self._read_reply(deadline)
        if fence_line.get("op") != "fence":
            raise ChildError("protocol", "the sandbox did not start")
        self._check_protections(fence_line)
        while True:
            reply = self._read_reply(deadline)
            if reply.get("op") == "cell" and isinstance(reply.get("index"), int):
                if self.current_cell is None:           # the runner is up: its seccomp filter is in place
                    self._check_protections(fence_line, loaded=True)
                self.current_cell = reply["index"]
                continue
            if reply.get("op") != "loaded":
                raise ChildError("protocol", "the child answered out of turn")
            self._check_protections(fence_line, loaded=True)      # seccomp is installed by the runner itself
            errors = reply.get("cell_errors")
            return {"cell_errors": [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else [],
                    "forbidden_loaded": _strings(reply.get("forbidden_loaded"))}

    def call(self, driver: str, inputs: dict, seed: int, expected: dict) -> dict:
        """Run one driver in the child. Returns {"ok": True, "outputs": {k: float64 array}, ...} or
        {"ok": False, "error": text}; ``expected`` (the reference outputs) names the arrays to read."""
        nonce = secrets.token_hex(8)
        inputs_path = os.path.join(self.scratch, f"in_{nonce}.npz")
        fd = os.open(inputs_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **{k: np.asarray(v) for k, v in inputs.items()})
        request = {"id": nonce, "driver": driver, "inputs": inputs_path, "seed": seed}
        deadline = self._deadline(self.limits.call_seconds)
        try:
            os.write(self._req_w, (json.dumps(request) + "\n").encode())
        except OSError:
            self.process.wait(timeout=5)
            raise ChildError("died", self._death_message()) from None
        reply = self._read_reply(deadline)
        if reply.get("id") != nonce:
            raise ChildError("protocol", "the child sent a reply that is not the answer to this call")
        result = {"ok": reply.get("ok") is True, "forbidden_loaded": _strings(reply.get("forbidden_loaded"))}
        if result["ok"]:
            max_bytes = max(self.limits.output_mib << 20, 4 * sum(np.asarray(v).nbytes for v in expected.values()))
            result["outputs"] = self._load_outputs(f"out_{nonce}.npz", expected, max_bytes)
        else:
            result["error"] = str(reply.get("error", "unknown error"))[:2000]
        return result

    def _load_outputs(self, name: str, expected: dict, max_bytes: int) -> dict:
        path = os.path.join(self.work, name)
        if not self.work_tmpfs and self.protections.get("scratch_tmpfs"):
            # without root the tmpfs is mounted in the child's own mount namespace: seen through the launcher's
            path = f"/proc/{self.process.pid}/root" + path
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            raise ChildError("protocol", "the child's outputs are missing") from None
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes + (1 << 20):
                raise ChildError("protocol", "the child's outputs are not a regular file of sane size")
            return read_npz(f, expected, max_bytes)

    # ---- teardown ------------------------------------------------------------------------------
    def kill(self) -> None:
        """Kill the child's process group, its processes, its cgroup and (as root) every process of its
        uid; remove its scratch directory. SIGKILL to the init of its pid namespace kills the namespace."""
        for pid in [self.process.pid, *_descendants(self.process.pid), *_cgroup_pids(self.cgroup)]:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if self.uid is not None:
            kill_uid(self.uid)
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
            _remove_cgroup(self.cgroup)
        _remove_scratch(self.scratch)
        _release(self._alive_lock, self._token)
        self._alive_lock = None
        if self._lease is not None:
            os.close(self._lease)
            self._lease = None


def _strings(value) -> list:
    return [str(v) for v in value] if isinstance(value, list) else []


def unenforced(protections: dict) -> list:
    """Readable lines: what this run could not enforce (empty when everything held)."""
    lines = []
    if not protections.get("own_uid"):
        lines.append("the child ran as the grader's own user (run the grader as root to give each child its own "
                     "uid): it can signal the grader and read what the grader's user can read outside Landlock")
    if not protections.get("process_limit"):
        lines.append("no real process limit (RLIMIT_NPROC counts every process of the grader's user)")
    if not protections.get("landlock_abi"):
        lines.append("no Landlock (kernel < 5.13 or disabled): the child can read every file its user can read")
    if protections.get("seccomp") is False:          # None: no child got as far as the runner
        lines.append("no seccomp filter: the child can start programs, open sockets and ptrace")
    if not protections.get("pid_namespace"):
        reason = protections.get("pid_namespace_unavailable", "unknown")
        lines.append(f"pid namespace: unavailable ({reason}): the child sees the machine's processes in /proc, "
                     "and what it starts is ended only by the kill after the run")
    if not protections.get("ipc_namespace"):
        lines.append("no private IPC namespace: SysV shared memory the child makes can outlive it")
    if not protections.get("network_namespace"):
        lines.append("no private network namespace (sockets are still refused by seccomp when it holds)")
    return lines
