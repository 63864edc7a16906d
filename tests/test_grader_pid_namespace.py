"""The child's pid namespace (as root, as CI runs): the notebook's process is pid 2 under a tiny init, sees
only its own sandbox in /proc, and nothing it starts outlives it; the CPU-time and file-size limits still
end it with the same verdicts. Landlock, which forbids reading /proc at all, is switched off in the cases
that look into /proc, so that this layer is tested on its own (as the private /tmp is in
test_grader_spec.py). Where a container refuses CLONE_NEWPID the grader falls back and says why.
"""
import json
import os
import time

import pytest

from rnncourse.grading.sandbox import Child, ChildError, Limits, processes_of, unenforced

LOOK_AROUND = """
import json, os
pids, cmdlines = sorted(int(p) for p in os.listdir('/proc') if p.isdigit()), {}
for p in pids:
    try:
        cmdlines[p] = open(f'/proc/{p}/cmdline', 'rb').read().replace(b'\\0', b' ').decode(errors='replace')
    except OSError:
        cmdlines[p] = ''
raise RuntimeError('SEEN ' + json.dumps({'pid': os.getpid(), 'ppid': os.getppid(), 'n': len(pids), 'first': pids[:4],
                                         'grader_visible': os.path.exists('/proc/%d' % GRADER),
                                         'grader_cmdline_seen': any(GRADER_CMDLINE in c for c in cmdlines.values()),
                                         'runner_is_2': 'rnncourse.grading.runner' in cmdlines.get(2, '')}))
"""


def _seen(errors: list) -> dict:
    [text] = [e["error"] for e in errors if "SEEN " in e["error"]]
    return json.loads(text.split("SEEN ", 1)[1])


def test_the_child_sees_only_its_own_sandbox_in_proc_and_is_not_pid_1():
    grader = os.getpid()
    with open("/proc/self/cmdline", "rb") as f:
        grader_cmdline = f.read().replace(b"\0", b" ").decode().strip()
    cell = LOOK_AROUND.replace("GRADER_CMDLINE", repr(grader_cmdline)).replace("GRADER", str(grader))
    child = Child([cell], [], Limits(landlock=False))
    try:
        view = _seen(child.load()["cell_errors"])
    finally:
        child.kill()
    assert view["pid"] != 1 and view["pid"] == 2 and view["ppid"] == 1, view     # pid 2 under the namespace's init
    assert not view["grader_visible"] and not view["grader_cmdline_seen"], view
    assert view["n"] == 2 and view["first"] == [1, 2] and view["runner_is_2"], view   # the init and the notebook
    assert child.protections["pid_namespace"] is True


def _death_of(cells: list, limits: Limits) -> tuple:
    """Run ``cells`` in a child that must die while loading: (ChildError kind, message, protections)."""
    child = Child(cells, [], limits)
    try:
        with pytest.raises(ChildError) as err:
            child.load()
    finally:
        child.kill()
    return err.value.kind, str(err.value), child.protections


def test_the_cpu_time_limit_still_ends_the_child_with_its_verdict():
    kind, message, protections = _death_of(["while True:\n    pass"], Limits(cpu_seconds=1, landlock=False))
    assert kind == "died" and message == "the notebook's process was killed by SIGXCPU (CPU-time limit)"
    assert protections["pid_namespace"] is True


def test_the_file_size_limit_still_ends_the_child_with_its_verdict():
    # CPython ignores SIGXFSZ (a write past the limit then fails with EFBIG); a notebook that restores the
    # default action is killed by it, as it would be outside a pid namespace
    cells = ["import signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_DFL)\nopen('big', 'wb').write(b'x' * (2 << 20))"]
    kind, message, protections = _death_of(cells, Limits(file_mib=1))
    assert message == "the notebook's process was killed by SIGXFSZ (file-size limit: too much output?)"
    assert protections["pid_namespace"] is True


def test_a_signal_that_kills_the_notebooks_process_is_relayed():
    _, message, _ = _death_of(["import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)"], Limits())
    assert message == "the notebook's process was killed by SIGSEGV (segmentation fault)"


DAEMON = """
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.closerange(3, 1 << 16)          # holds no pipe of the grader's: nothing waits for it
        while True:
            time.sleep(0.5)
    os._exit(0)
"""


def test_a_daemon_dies_with_the_notebooks_process_before_the_grader_kills_anything():
    """The notebook's process ends on its own (os._exit(3)); its init then exits, and the kernel kills the
    rest of the namespace before the grader learns how it ended (the exit status is relayed exactly)."""
    child = Child([DAEMON, "import os\nos._exit(3)"], [], Limits())
    try:
        with pytest.raises(ChildError) as err:
            child.load()
        assert str(err.value) == "the notebook's process exited with status 3 (sys.exit / os._exit?)"
        assert processes_of(child.uid) == []                # before Child.kill's sweep of the uid
        assert child.protections["pid_namespace"] is True
    finally:
        child.kill()


def test_killing_the_child_kills_the_whole_namespace():
    child = Child([DAEMON, "x = 1"], [], Limits())
    try:
        child.load()
        assert child.protections["pid_namespace"] is True
        inside = _tree(child.process.pid)
        assert len(inside) >= 3                              # the init, the notebook's process, the daemon
    finally:
        child.kill()
    deadline = time.monotonic() + 60            # the init may still be reaping its namespace: wait, not race
    while _alive(inside) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(inside)
    assert processes_of(child.uid) == []


def _alive(pids: list) -> list:
    return [p for p in pids if _state(p) not in ("Z", "X")]


def _tree(pid: int) -> list:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "X"


# ---- where a container's seccomp profile refuses what the pid namespace needs -----------------------------
UNSHARE, MOUNT = {"x86_64": (272, 165), "aarch64": (97, 40)}[__import__("platform").machine()]
BPF_JSET_K = 0x45
PROC_MOUNT_FLAGS = 2 | 4 | 8                     # MS_NOSUID | MS_NODEV | MS_NOEXEC: only the /proc mount uses them


def _refuse(nr: int, arg: int, jump: int, value: int) -> None:
    """A seccomp filter on this process (as a container's profile may have): syscall ``nr`` fails with
    EPERM when (args[arg] & value) (jump = BPF_JSET_K) or args[arg] == value (jump = BPF_JEQ_K); every
    other call is allowed."""
    import ctypes

    from rnncourse.grading import fence

    prog = [(fence.BPF_LD_W_ABS, 0, 0, 0),                                     # seccomp_data.nr
            (fence.BPF_JEQ_K, 0, 3, nr),
            (fence.BPF_LD_W_ABS, 0, 0, 16 + 8 * arg),                         # args[arg], low 32 bits
            (jump, 0, 1, value),
            (fence.BPF_RET_K, 0, 0, fence.RET_ERRNO | fence.EPERM),
            (fence.BPF_RET_K, 0, 0, fence.RET_ALLOW)]
    filters = (fence._SockFilter * len(prog))(*[fence._SockFilter(*ins) for ins in prog])
    fprog = fence._SockFprog(len(prog), filters)
    assert fence._libc.prctl(fence.PR_SET_SECCOMP, fence.SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) == 0


def _grade_a_spinning_notebook_under(refusal: tuple):
    """In a forked process with the ``refusal`` filter: a child that runs one cell, then spins until
    RLIMIT_CPU ends it. Returns (protections, verdict, unenforced lines)."""
    import multiprocessing

    reader, writer = multiprocessing.Pipe(duplex=False)

    def body():
        try:
            _refuse(*refusal)
            child = Child(["x = 1", "while True:\n    pass"], [], Limits(cpu_seconds=1))
            try:
                try:
                    child.load()
                    verdict = "no verdict"
                except ChildError as exc:
                    verdict = str(exc)
                writer.send((child.protections, verdict, unenforced(child.protections)))
            finally:
                child.kill()
        except BaseException as exc:  # noqa: BLE001 - the test must see it, not hang
            writer.send(({}, repr(exc), []))

    proc = multiprocessing.get_context("fork").Process(target=body)
    proc.start()
    try:
        assert reader.poll(600), "the forked grader never answered"
        protections, verdict, lines = reader.recv()
    finally:
        proc.join()
    assert protections, verdict
    return protections, verdict, lines


def test_without_a_pid_namespace_the_grader_falls_back_and_says_why():
    protections, verdict, lines = _grade_a_spinning_notebook_under((UNSHARE, 0, BPF_JSET_K, 0x20000000))  # CLONE_NEWPID
    assert protections["pid_namespace"] is False and protections["own_uid"] and protections["seccomp"]
    assert protections["mount_namespace"] and protections["network_namespace"]
    assert "unshare(CLONE_NEWPID)" in protections["pid_namespace_unavailable"]
    assert verdict == "the notebook's process was killed by SIGXCPU (CPU-time limit)"
    assert any(line.startswith("pid namespace: unavailable (unshare(CLONE_NEWPID)") for line in lines), lines


def test_where_its_proc_cannot_be_mounted_the_grader_says_so():
    protections, verdict, lines = _grade_a_spinning_notebook_under((MOUNT, 3, 0x15, PROC_MOUNT_FLAGS))  # BPF_JEQ_K
    assert protections["pid_namespace"] is False and protections["own_uid"] and protections["seccomp"]
    assert protections["pid_namespace_unavailable"].startswith("its own /proc could not be mounted")
    assert verdict == "the notebook's process was killed by SIGXCPU (CPU-time limit)"
    assert any(line.startswith("pid namespace: unavailable (its own /proc") for line in lines), lines


def test_the_init_holds_no_file_of_the_grader_but_its_report_pipe():
    child = Child(["x = 1"], [], Limits())
    try:
        child.load()
        [init] = _tree(child.process.pid)[:1]
        fds = {int(fd): os.readlink(f"/proc/{init}/fd/{fd}") for fd in os.listdir(f"/proc/{init}/fd")}
        protocol = {os.readlink(f"/proc/self/fd/{fd}") for fd in (child._req_w, child._resp_r)}
    finally:
        child.kill()
    extra = [target for fd, target in fds.items() if fd > 2]
    assert len(extra) == 1 and extra[0].startswith("pipe:") and extra[0] not in protocol, (fds, protocol)
