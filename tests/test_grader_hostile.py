"""Hostile notebooks against the grader running as root (as in a Gradescope container and in CI).

Most attacks are written as "if the attack works, solve everything": the blank exercise plus a last cell
that runs the solution's code only when the attack succeeded. A fenced child gets 0; a child that could
start a process, read the solutions, read the grader's memory, signal it, write the grader's package,
raise its limits, open a socket or fill /dev/shm gets 100. The others check what the attack would
break: the reply parser, the .npz reader, the scratch directory, the processes left behind, a run in
which a grader worker is killed.
"""
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
RNNCOURSE = [sys.executable, "-m", "rnncourse.cli"]
LIMITS = ["--load-timeout", "20", "--call-timeout", "5", "--memory-mib", "2048"]



def test_the_suite_runs_as_root_like_ci():
    assert os.geteuid() == 0, "run these tests as root: they attack a grader running as root"


def _solution_code() -> str:
    nb = nbformat.read(ROOT / "solutions" / "rnn-bptt.ipynb", as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "code"
                       and "selfcheck" not in c.metadata.get("tags", []) and "import" not in c.source.split("\n")[0])


def _if_attack_works(attack: str):
    """The blank exercise, then: ``attack`` (sets ``won``), and the solution's code if won."""
    nb = nbformat.read(ROOT / "exercises" / "rnn-bptt.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f"won = False\n{attack}\nif won:\n    exec({_solution_code()!r}, globals())"))
    return nb


def _solution_with(cell: str = None, edit=None):
    nb = nbformat.read(ROOT / "solutions" / "rnn-bptt.ipynb", as_version=4)
    if edit:
        marker, old, new = edit
        cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
        assert len(cells) == 1 and old in cells[0].source, "the solution changed: update this case"
        cells[0].source = cells[0].source.replace(old, new)
    if cell:
        nb.cells.append(nbformat.v4.new_code_cell(cell))
    return nb


VICTIM = Path("/tmp") / f"rnncourse-victim-{os.getpid()}"

ATTACKS = {
    "starts-a-process": """
import subprocess, sys
try:
    won = subprocess.run([sys.executable, '-c', 'import rnncourse.scratch'], capture_output=True).returncode == 0
except OSError:
    pass""",
    "reads-solutions": f"""
import json
try:
    nb = json.load(open({str(ROOT / 'solutions' / 'rnn-bptt.ipynb')!r}))
    won = True
except OSError:
    pass""",
    "reads-grader-environ-and-mem": """
import os
try:
    open(f'/proc/{os.getppid()}/environ', 'rb').read()
    open(f'/proc/{os.getppid()}/mem', 'rb')
    won = True
except OSError:
    pass""",
    "signals-the-grader": """
import os
try:
    os.kill(os.getppid(), 0)
    won = True
except OSError:
    pass""",
    "signals-other-processes": """
import os
me = os.getpid()
for pid in [1, *range(max(2, me - 300), me + 300)]:    # signal 0: a probe that would have been a kill
    if pid != me:
        try:
            os.kill(pid, 0)
            won = True
        except OSError:
            pass""",
    "writes-grader-package-and-site-packages": """
import os, numpy, rnncourse
targets = [os.path.join(os.path.dirname(rnncourse.__file__), 'grading', '_hostile_probe.py'),
           os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), '_hostile_probe.pth')]
for t in targets:
    try:
        open(t, 'w').write('# harmless probe\\n')
        os.remove(t)
        won = True
    except OSError:
        pass""",
    "raises-its-limits": """
import os, resource
for limit in (resource.RLIMIT_NPROC, resource.RLIMIT_AS):
    soft, hard = resource.getrlimit(limit)
    try:
        resource.setrlimit(limit, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        won = True
    except (OSError, ValueError):
        pass
    won = won or soft < hard           # room to raise the soft limit is a limit it can raise
try:                                   # leave the pids cgroup: no process limit at all
    open('/sys/fs/cgroup/pids/cgroup.procs', 'w').write(str(os.getpid()))
    won = True
except OSError:
    pass""",
    "opens-a-socket": """
import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    won = True
except OSError:
    pass""",
    "fills-its-scratch-dir": """
import os
try:
    for i in range(6):                 # 96 MiB in files of 16 MiB (each under the file-size limit)
        with open(f'big-{i}', 'wb') as f:
            f.write(b'x' * (16 << 20))
    won = True
except OSError:
    pass
for i in range(6):
    try:
        os.remove(f'big-{i}')
    except OSError:
        pass""",
    "fills-dev-shm-and-tmp": """
import os
try:
    with open(f'/dev/shm/rnncourse-hostile-{os.getpid()}', 'wb') as f:
        f.write(b'x' * (32 << 20))
    for i in range(500):
        open(f'/tmp/rnncourse-hostile-{os.getpid()}-{i}', 'w').close()
    won = True
except OSError:
    pass""",
}

NESTED_JSON = ("rnn_backward_truncated", "    T = dhs.shape[0]",
               "    import os, sys\n    os.write(int(sys.argv[-1]), b'[' * 200000 + b']' * 200000 + b'\\n')\n"
               "    T = dhs.shape[0]")
DEFLATE_BOMB = """
import zipfile, numpy as np
_savez = np.savez
def _bomb(name, **outputs):
    if 'h_next' not in outputs:
        return _savez(name, **outputs)
    n = 32 << 20                       # 32 Mi float64 = 256 MiB inflated, a few hundred KiB deflated
    with zipfile.ZipFile(name, 'w', zipfile.ZIP_DEFLATED) as z, z.open('h_next.npy', 'w', force_zip64=True) as m:
        np.lib.format.write_array_header_1_0(m, {'descr': '<f8', 'fortran_order': False, 'shape': (n,)})
        zeros = bytes(8 << 20)
        for _ in range(n * 8 // len(zeros)):
            m.write(zeros)
np.savez = _bomb
"""
SWAP_SCRATCH = f"""
import os
here = os.getcwd()
try:
    os.rename(here, here + '-moved')
    os.symlink({str(VICTIM)!r}, here)
except OSError:
    pass
"""
DAEMON = """
import os, time
if os.fork() == 0:
    os.setsid()
    try:
        open('/sys/fs/cgroup/pids/cgroup.procs', 'w').write(str(os.getpid()))    # leave the cgroup
    except OSError:
        pass
    if os.fork() == 0:
        while True:
            time.sleep(0.5)
    os._exit(0)
"""

CASES = {name: (_if_attack_works(attack), 0, "NotImplementedError") for name, attack in ATTACKS.items()}
CASES.update({
    "correct": (_solution_with(), 100, "Passed."),
    "nested-json-reply": (_solution_with(edit=("def rnn_backward_truncated(",) + NESTED_JSON[1:]), 85, "protocol error"),
    "deflate-bomb": (_solution_with(DEFLATE_BOMB), 85, "compressed"),
    "swaps-its-scratch-dir": (_solution_with(SWAP_SCRATCH), 100, "Passed."),
    "leaves-a-daemon": (_solution_with(DAEMON), 100, "Passed."),
})


def _secret(folder):
    path = Path(folder) / "secret"
    path.write_text("hostile-test-secret-0123456789\n")
    path.chmod(0o600)
    return str(path)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    VICTIM.mkdir(mode=0o777, exist_ok=True)
    VICTIM.chmod(0o777)
    folder = tmp_path_factory.mktemp("hostile")
    for name, (nb, *_rest) in CASES.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    secret = _secret(tmp_path_factory.mktemp("s"))
    outs, stdouts = [], []
    for _ in range(2):                 # twice: the same notebooks and secret must give the same results
        out = tmp_path_factory.mktemp("grades")
        proc = subprocess.run([*RNNCOURSE, "grade", str(folder), "--assignment", "rnn-bptt", "--out", str(out), "--jobs", "2",
                               "--secret-file", secret, *LIMITS], capture_output=True, text=True, timeout=900, cwd=ROOT)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        outs.append(out)
        stdouts.append(proc.stdout)
    yield outs[0], stdouts[0], outs[1]
    for p in list(Path("/dev/shm").glob("rnncourse-hostile-*")) + list(Path("/tmp").glob("rnncourse-hostile-*-*")):
        p.unlink()
    shutil.rmtree(VICTIM)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_notebook_gets_only_what_it_computed(graded, name):
    out, _, _ = graded
    _, expected_score, expected_message = CASES[name]
    results = json.loads((out / name / "results.json").read_text())
    feedback = (out / name / "feedback.md").read_text()
    assert results["score"] == pytest.approx(expected_score), feedback
    assert expected_message in feedback and "INTERNAL" not in feedback, feedback


def test_the_same_notebooks_and_secret_give_the_same_results_twice(graded):
    first, _, second = graded
    for name in CASES:
        a, b = (json.loads((out / name / "results.json").read_text()) for out in (first, second))
        assert a["score"] == b["score"] and a["tests"] == b["tests"], name


def test_every_protection_held_and_is_reported(graded):
    out, stdout, _ = graded
    protections = json.loads((out / "correct" / "results.json").read_text())["extra_data"]["protections"]
    assert protections["own_uid"] and protections["no_new_privs"] and protections["seccomp"]
    assert protections["landlock_abi"] >= 1 and protections["process_limit"] and protections["scratch_tmpfs"]
    assert protections["pid_namespace"] is True and "pid_namespace_unavailable" not in protections
    assert "protections: own_uid=True" in stdout and "pid_namespace=True" in stdout


def test_nothing_left_in_dev_shm_tmp_or_the_victim_dir(graded):
    assert not list(Path("/dev/shm").glob("rnncourse-hostile-*"))
    assert not list(Path("/tmp").glob("rnncourse-hostile-*-*"))
    assert not list(VICTIM.iterdir())          # the grader never wrote through a swapped scratch directory


def test_no_process_of_a_child_survives(graded):
    # The daemon left its session and (tried to leave) its cgroup: an orphan runner is one whose parent is
    # neither a grader (an `rnncourse` process) nor another runner. Other graders may be running now (the
    # other xdist worker's): while one of them kills a child, its runner can be an orphan for a moment (seen
    # beside a CPU hog), but that grader still holds the runner's uid slot. A runner on a FREE slot, or on no
    # slot at all, has outlived its grader.
    from rnncourse.grading.sandbox import N_UIDS, SLOT_UID, _try_lock, processes_of

    time.sleep(1)
    table = subprocess.run(["ps", "-eo", "pid=,ppid=,uid=,args="], capture_output=True, text=True).stdout.splitlines()
    procs = {int(pid): (int(ppid), int(uid), args)
             for pid, ppid, uid, args in (line.split(None, 3) for line in table if line.strip())}
    orphans = [(uid, a) for pid, (ppid, uid, a) in procs.items() if "rnncourse.grading.runner" in a
               and "rnncourse" not in procs.get(ppid, (0, 0, ""))[2]]
    survivors = []
    for uid, args in orphans:
        lock = _try_lock(uid) if SLOT_UID <= uid < SLOT_UID + N_UIDS else None
        if lock is not None or not SLOT_UID <= uid < SLOT_UID + N_UIDS:
            survivors.append((uid, args))          # its slot is free, or it has none: no grader answers for it
        if lock is not None:
            os.close(lock)
    assert not survivors, survivors

    for uid in range(SLOT_UID, SLOT_UID + N_UIDS):
        lock = _try_lock(uid)          # a uid another grader holds right now may have live processes
        if lock is not None:
            assert not processes_of(uid), uid
            os.close(lock)


def test_the_secret_never_reaches_feedback(tmp_path):
    from rnncourse.grading import assignments
    from rnncourse.grading.grader import grade_notebook

    secret = "s3cret-" + "x" * 20
    nb = _solution_with(f"raise ValueError('I know ' + {secret[:7]!r} + {secret[7:]!r})")
    nbformat.write(nb, tmp_path / "leaks.ipynb")
    result = grade_notebook(tmp_path / "leaks.ipynb", assignments.get("rnn-bptt"), "leaks", secret=secret)
    text = json.dumps(result.to_dict())
    assert "I know" in text and secret not in text and "[redacted]" in text


def test_secret_is_refused_from_the_environment_and_from_an_open_file(tmp_path):
    notebook = tmp_path / "subs" / "a.ipynb"
    notebook.parent.mkdir()
    notebook.write_bytes((ROOT / "solutions" / "rnn-bptt.ipynb").read_bytes())
    loose = tmp_path / "loose"
    loose.write_text("x" * 30)
    loose.chmod(0o644)
    base = [*RNNCOURSE, "grade", str(notebook.parent), "--assignment", "rnn-bptt", "--out", str(tmp_path / "o")]
    env = {**os.environ, "RNNCOURSE_GRADING_SECRET": "from-env"}
    from_env = subprocess.run(base, capture_output=True, text=True, env=env, cwd=ROOT)
    assert from_env.returncode == 2 and "only from --secret-file" in from_env.stderr
    open_file = subprocess.run([*base, "--secret-file", str(loose)], capture_output=True, text=True, cwd=ROOT)
    assert open_file.returncode == 2 and "mode 0600" in open_file.stderr


def test_one_secret_per_assignment(tmp_path):
    from rnncourse.grading.secret import SecretError, read_secret

    path = tmp_path / "secrets"
    a, b = "3f9c2a71e8d04b56a1c7", "b84e0d2c97f1a365e0d9"
    path.write_text(f"# per assignment\nrnn-bptt = {a}\ngru = {b}\n")
    path.chmod(0o600)
    assert read_secret(str(path), "rnn-bptt") == a and read_secret(str(path), "gru") == b
    with pytest.raises(SecretError, match="no secret for 'lstm-backward'"):
        read_secret(str(path), "lstm-backward")


SLOW = ("def rnn_forward(", "    T = x.shape[0]", "    import time\n    time.sleep(1.5)\n    T = x.shape[0]")


def test_a_killed_grader_worker_costs_only_the_test_it_was_running(tmp_path):
    """Kill the worker grading one notebook mid-test: everyone still gets a report, the gradebook is
    written, and that notebook loses only the test that was running."""
    folder = tmp_path / "subs"
    folder.mkdir()
    name_me = "import ctypes\nctypes.CDLL(None).prctl(15, b'slow-notebook', 0, 0, 0)   # PR_SET_NAME: /proc/PID/comm"
    nbformat.write(_solution_with(name_me, edit=SLOW), folder / "slow.ipynb")
    nbformat.write(_solution_with(), folder / "correct.ipynb")
    out = tmp_path / "out"
    killed = []

    def kill_the_worker_of_a_slow_call():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text()
                    if "(slow-notebook)" in stat:          # the slow notebook's runner, in a graded call by now
                        time.sleep(0.5)
                        ppid = int(stat.rsplit(")", 1)[1].split()[1])
                        while b"rnncourse.grading.launcher" in Path(f"/proc/{ppid}/cmdline").read_bytes():
                            ppid = int(Path(f"/proc/{ppid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                        os.kill(ppid, 9)                   # above the pid namespace's init and the launcher
                        killed.append(ppid)
                        break
                except (OSError, ValueError):
                    pass
            time.sleep(0.1)

    killer = threading.Thread(target=kill_the_worker_of_a_slow_call)
    killer.start()
    proc = subprocess.run([*RNNCOURSE, "grade", str(folder), "--assignment", "rnn-bptt", "--out", str(out), "--jobs", "2",
                           "--secret-file", _secret(tmp_path), *LIMITS], capture_output=True, text=True, cwd=ROOT, timeout=300)
    killer.join()
    assert killed and proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "gradebook.csv").is_file()
    assert json.loads((out / "correct" / "results.json").read_text())["score"] == 100
    slow = json.loads((out / "slow" / "results.json").read_text())
    lost = [t for t in slow["tests"] if t["score"] < t["max_score"]]
    assert len(lost) == 1 and "worker died" in lost[0]["output"], [(t["name"], t["output"][:80]) for t in slow["tests"]]
    assert len(slow["tests"]) == 16
    # the dead worker's pids cgroup is removed by the grader that outlived it, not left for the next run
    assert not list(Path("/sys/fs/cgroup/pids").glob(f"rnncourse-{killed[0]}-*"))


def _grade_as_unprivileged_user(notebooks: dict) -> dict:
    """Fork, give the fork a private mount namespace (so that a Python under /root stays reachable) and
    an unprivileged uid, and grade ``notebooks`` there as a grader without root would."""
    import multiprocessing
    import pickle
    import tempfile

    import numpy

    from rnncourse.grading import assignments
    from rnncourse.grading.fence import drop_privileges, private_mounts
    from rnncourse.grading.grader import grade_notebook

    base = Path(tempfile.mkdtemp(prefix="rnncourse-unprivileged-", dir="/tmp"))     # pytest's tmp is root-only
    base.chmod(0o755)
    public = base / "public"
    public.mkdir(mode=0o755)
    (base / "stage").mkdir(mode=0o700)
    for name, nb in notebooks.items():
        nbformat.write(nb, public / f"{name}.ipynb")
    reader, writer = multiprocessing.Pipe(duplex=False)

    def body():
        reachable = [sys.base_prefix, sys.prefix, str(Path(numpy.__file__).resolve().parents[1]), str(ROOT)]
        private_mounts(reachable, str(base / "stage"))
        drop_privileges(62000, 62000)
        out = {name: grade_notebook(public / f"{name}.ipynb", assignments.get("rnn-bptt"), name, secret="x" * 20)
               for name in notebooks}
        writer.send_bytes(pickle.dumps(out))

    proc = multiprocessing.get_context("fork").Process(target=body)
    proc.start()
    try:
        return pickle.loads(reader.recv_bytes())
    finally:
        proc.join()
        shutil.rmtree(base)


def test_without_root_the_fence_still_holds_and_what_it_cannot_enforce_is_said():
    from rnncourse.grading.sandbox import unenforced

    results = _grade_as_unprivileged_user({
        "correct": _solution_with(),
        "signals-the-grader": CASES["signals-the-grader"][0],
        "reads-solutions": CASES["reads-solutions"][0],
        "starts-a-process": CASES["starts-a-process"][0]})
    assert results["correct"].score == 100
    assert results["signals-the-grader"].score == results["reads-solutions"].score == results["starts-a-process"].score == 0
    protections = results["correct"].protections
    assert not protections["own_uid"] and protections["landlock_abi"] >= 6 and protections["seccomp"]
    assert protections["network_namespace"]            # a user namespace holding a network namespace
    assert protections["pid_namespace"] is True        # ... and a mount and a pid namespace
    said = " ".join(unenforced(protections))
    assert "the grader's own user" in said and "no real process limit" in said
