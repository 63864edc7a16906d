"""CHILD side: run the rest of the launcher as pid 2 of a new pid namespace, under a tiny init.

Called by ``launcher`` after the mount and network namespaces, before the privilege drop:

    launcher (the grader's Popen, outside)   waits for the init, then ends exactly as the worker ended
     └─ init (pid 1, root)                     mounts the namespace's /proc, reaps, reports the worker's end
         └─ worker (pid 2)                     drops privileges, Landlock, execs the runner (then seccomp)

The notebook's process is never pid 1, so the kernel delivers SIGXCPU (RLIMIT_CPU), SIGXFSZ
(RLIMIT_FSIZE) and every other signal to it as it would outside. When the worker ends, the init writes its
wait status on a pipe only the launcher reads and exits; the kernel then kills everything else in the
namespace, so nothing the notebook started outlives it. The launcher ends with the same status (it kills
itself with the same signal), so the grader's verdicts and messages do not change. SIGKILL from the
grader to the launcher's process group reaches the init, which takes the namespace with it (the init also
has PR_SET_PDEATHSIG = SIGKILL, for a launcher killed alone).

/proc is mounted fresh by the init (it needs CAP_SYS_ADMIN over the new pid namespace, which only the
process that made it has, before the privilege drop) inside the child's private mount namespace: there it
lists only the sandbox's processes. The init holds no file of the grader's: it closes every descriptor
but 0-2 and its report pipe once the worker is started. Standard library and ctypes only.
"""
from __future__ import annotations

import os
import select
import signal

from . import fence


def enter(private_mount_namespace: bool) -> tuple:
    """Return (what held, inside), in the worker (pid 2 of a new pid namespace: inside is True), or in this
    same process when no pid namespace can be made (inside is False). What held is {"pid_namespace":
    True}, or {"pid_namespace": False, "pid_namespace_unavailable": reason} (also when the namespace was
    made but its /proc could not be mounted). The launcher and the init never return from here."""
    if not private_mount_namespace:
        return _unavailable("no private mount namespace to mount its own /proc in"), False
    try:
        fence.unshare_pid_namespace()
    except OSError as exc:
        return _unavailable(exc.strerror or str(exc)), False
    report_r, report_w = os.pipe2(os.O_CLOEXEC)
    try:
        launcher = os.pidfd_open(os.getpid())    # (getppid() is 0 in the init: its parent is outside)
    except OSError:                               # kernel < 5.3: the grader's kill covers the race below
        launcher = None
    init = os.fork()
    if init:
        os.close(report_w)
        _relay(init, report_r)                    # never returns
    os.close(report_r)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Python's handler would let the namespace signal its init
    fence.set_parent_death_signal(signal.SIGKILL)
    if launcher is not None:
        if select.select([launcher], [], [], 0)[0]:   # the launcher died before the line above
            os._exit(1)
        os.close(launcher)
    try:
        fence.mount_proc()
        proc_reason = None
    except OSError as exc:
        proc_reason = f"its own /proc could not be mounted ({exc.strerror or exc})"
    worker = os.fork()
    if worker == 0:
        os.close(report_w)
        return ({"pid_namespace": True} if proc_reason is None else _unavailable(proc_reason)), True
    _init(worker, report_w)                       # never returns


def _unavailable(reason: str) -> dict:
    return {"pid_namespace": False, "pid_namespace_unavailable": reason}


def _close_all_but(keep: int) -> None:
    """Close every descriptor above 2 but ``keep`` (without /proc: the init mounts a new one meanwhile,
    in which the launcher has no pid)."""
    os.closerange(3, keep)
    os.closerange(keep + 1, max(os.sysconf("SC_OPEN_MAX"), keep + 1, 1 << 16))


def _init(worker: int, report_w: int) -> None:
    """Pid 1: not dumpable (no process of the namespace may open its memory), keep only 0-2 and the
    report pipe, reap every process, and when the worker ends, report its wait status and exit (the
    kernel then kills the rest of the namespace)."""
    fence.not_dumpable()
    _close_all_but(report_w)
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(1)
        if pid == worker:
            try:
                os.write(report_w, str(os.waitstatus_to_exitcode(status)).encode())
            finally:
                os._exit(0)


def _relay(init: int, report_r: int) -> None:
    """The launcher: close every descriptor but 0-2 and the report (so the grader sees the reply pipe
    close once the namespace is gone), wait for the init, then end as the worker ended."""
    _close_all_but(report_r)
    report = b""
    while chunk := os.read(report_r, 64):
        report += chunk
    _, status = os.waitpid(init, 0)
    try:
        code = int(report)
    except ValueError:                            # the init died without a report: end as it ended
        code = os.waitstatus_to_exitcode(status)
    if code < 0:
        sig = -code
        fence.not_dumpable()                      # the worker dumped (or not) already: no second core
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)                       # a signal whose default action does not end a process
    os._exit(code)
