"""The grader against what a real class brings it (issue 26), as root (as in CI and on Gradescope).

Honest students never lose marks (black-formatted code, docstrings that name torch, malformed cells, a
second notebook beside the right one); the same notebook gets the same verdict every time; nothing
stalls a batch (one deadline per load and per call, no forged reply lines, capped notebooks); hidden
inputs that a notebook learnt are of no use to another submission; degenerate hidden tests; nothing
outlives a run (SysV shared memory, a grader killed by SIGTERM, another grader's TMPDIR or pid
namespace); secrets and the reply protocol. One `rnncourse grade` run grades most notebooks, twice.
"""
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from test_grader_hostile import _grade_as_unprivileged_user, _if_attack_works, _solution_with

ROOT = Path(__file__).resolve().parents[1]
RNNCOURSE = [sys.executable, "-m", "rnncourse.cli"]
LIMITS = ["--load-timeout", "20", "--call-timeout", "5", "--memory-mib", "1024"]
SECRET = "hardening-test-secret-5c1f0e93a7d24b68"
SHM_KEY = 0x524E4E43                  # "RNNC": a SysV segment the notebook leaves behind
SHM_KEY_UNPRIVILEGED = 0x524E4E44
IPC_CREAT = 0o1000


def _shm_keys() -> set:
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    return {int(line.split()[0]) for line in lines if line.strip()}


def _remove_shm(key: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    shmid = libc.shmget(key, 0, 0)
    if shmid >= 0:
        libc.shmctl(shmid, 0, None)          # IPC_RMID


def _edit(nb, marker, old, new):
    cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1 and old in cells[0].source, "the solution changed: update this case"
    cells[0].source = cells[0].source.replace(old, new)
    return nb


def _shm_cell(key: int) -> str:
    return (f"import ctypes\n_shm = ctypes.CDLL(None).shmget({key}, 1 << 20, {IPC_CREAT} | 0o666)\n"
            "assert _shm >= 0, 'shmget failed'")


BLACK = ("def rnn_cell_forward(", "    h_next = np.tanh(",            # continuation lines that start with % and !=
         "    assert (x.shape[-1]\n            % 1 == 0)\n    assert (x.ndim\n            != 0)\n    h_next = np.tanh(")
DOCSTRING = ("def rnn_cell_forward(", '"""One tanh RNN step.',
             '"""torch.nn.RNNCell computes this step (and rnncourse.scratch has it too).\n\n    One tanh RNN step.')
CHAIN = 3000                          # helpers calling one another: a static walk as deep as that
MALFORMED_CELLS = [
    {"cell_type": "code", "source": ["x_odd = 1\n", 5, None], "metadata": {"tags": 7}, "outputs": [], "execution_count": None},
    {"cell_type": "code", "source": {"not": "text"}, "metadata": {"tags": ["a", ["b"], {"c": 1}]}, "outputs": []},
    {"cell_type": "code", "source": "y_null = 1\x00", "metadata": "not a dict", "outputs": []},
    {"cell_type": "code", "source": "def broken(:\n    pass", "metadata": {"deep": [[[[[[[[[[[]]]]]]]]]]]}, "outputs": []},
    {"cell_type": "code", "source": "(" * 300 + ")" * 300, "metadata": {}, "outputs": []},
    {"cell_type": "code", "metadata": {}, "outputs": [],
     "source": "def h0():\n    return 0\n" + "".join(f"def h{i}():\n    return h{i - 1}()\n" for i in range(1, CHAIN))},
    {"cell_type": "code", "metadata": {}, "outputs": [],
     "source": "_truncated = rnn_backward_truncated\ndef rnn_backward_truncated(dhs, cache, k):\n"
               f"    if False:\n        h{CHAIN - 1}()\n    return _truncated(dhs, cache, k)"},
    {"cell_type": "raw", "source": 12, "metadata": None},
    "not a cell",
]
RECURSION = "import sys\nsys.setrecursionlimit(10**9)\ndef f(n):\n    return f(n + 1)\nf(0)"
LEAKS = """
import json
_seen = []
_forward = rnn_cell_forward
def rnn_cell_forward(*args):
    if args[0].shape == (1, 7) and not _seen:          # the first hidden test of rnn_cell_forward
        _seen.append([a.tolist() for a in args])
    return _forward(*args)
_backward = rnn_cell_backward
def rnn_cell_backward(dh_next, cache):
    if _seen:                                           # its public test's error shows what the hidden one got
        raise ValueError("LEAK" + json.dumps(_seen[0]) + "LEAK")
    return _backward(dh_next, cache)
"""
CLONE_ATTACK = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
pid = libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0)      # clone(CLONE_NEWUSER | SIGCHLD): a user namespace
if pid == 0:
    libc._exit(0)
if pid > 0:
    os.waitpid(pid, 0)
    won = True
libc.syscall(435, None, 0)                              # clone3: must not reach the kernel at all
won = won or ctypes.get_errno() != 38                   # ENOSYS
"""


def _raw(nb) -> dict:
    return json.loads(nbformat.writes(nb))


def _cases() -> dict:
    """name -> (notebook JSON text, expected score, text expected in the feedback)."""
    solution = lambda: nbformat.read(ROOT / "solutions" / "rnn-bptt.ipynb", as_version=4)  # noqa: E731
    malformed = _raw(solution())
    malformed["cells"] += MALFORMED_CELLS
    cases = {
        "correct": (nbformat.writes(solution()), 100, "Passed."),
        "black-formatted": (nbformat.writes(_edit(solution(), *BLACK)), 100, "Passed."),
        "docstring-names-torch": (nbformat.writes(_edit(solution(), *DOCSTRING)), 100, "Passed."),
        "malformed-cells": (json.dumps(malformed), 100, "SyntaxError"),
        "deep-json": ('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}", 0, "nested too deeply"),
        # a MemoryError, a SystemError, a kill or the load limit: whichever, the cell costs itself alone
        "recursion-at-import": (nbformat.writes(_solution_with(RECURSION)), 100, "Notes about your notebook"),
        "leaves-sysv-shm": (nbformat.writes(_solution_with(_shm_cell(SHM_KEY))), 100, "Passed."),
        "clones-a-namespace": (nbformat.writes(_if_attack_works(CLONE_ATTACK)), 0, "NotImplementedError"),
        "leaks-hidden-inputs": (nbformat.writes(_solution_with(LEAKS)), None, "LEAK"),
    }
    return cases


CASES = _cases()


def _grade(folder, out):
    proc = subprocess.run([*RNNCOURSE, "grade", str(folder), "--assignment", "rnn-bptt", "--out", str(out), "--jobs", "2",
                           "--secret-file", str(folder.parent / "secret"), *LIMITS],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("hardening")
    (base / "secret").write_text(SECRET + "\n")
    (base / "secret").chmod(0o600)
    folder = base / "subs"
    folder.mkdir()
    for name, (text, *_rest) in CASES.items():
        (folder / f"{name}.ipynb").write_text(text)
    _remove_shm(SHM_KEY)
    try:
        first = _grade(folder, base / "out1")
        keys_after = _shm_keys()
        _grade(folder, base / "out2")
        yield base, first, keys_after
    finally:
        _remove_shm(SHM_KEY)


def _results(out, name) -> dict:
    return json.loads((out / name / "results.json").read_text())


@pytest.mark.parametrize("name", [n for n, (_, score, _m) in CASES.items() if score is not None])
def test_honest_and_hostile_notebooks_get_what_they_computed(graded, name):
    base, _, _ = graded
    _, expected_score, expected_message = CASES[name]
    results = _results(base / "out1", name)
    feedback = (base / "out1" / name / "feedback.md").read_text()
    assert results["score"] == pytest.approx(expected_score), feedback
    assert expected_message in feedback and "INTERNAL" not in feedback, feedback


def test_the_same_notebook_and_secret_give_identical_results(graded):
    """Every test's score and message, run after run (the notes may word a cell's failure differently:
    unbounded recursion ends in a MemoryError, a SystemError or a kill, and costs that cell alone)."""
    base, _, _ = graded
    for name in CASES:
        first, second = _results(base / "out1", name), _results(base / "out2", name)
        assert first["score"] == second["score"] and first["tests"] == second["tests"], name


def test_sysv_shared_memory_dies_with_the_child(graded):
    _, stdout, keys_after = graded
    assert SHM_KEY not in keys_after
    assert "ipc_namespace=True" in stdout


def test_hidden_inputs_a_notebook_leaked_are_useless_to_the_next_submission(graded, tmp_path):
    """A notebook prints the inputs of a hidden test in a later public test's error message; a blank notebook
    resubmitted with the answer to exactly those inputs (computed offline in closed form) earns nothing."""
    from rnncourse.grading import assignments
    from rnncourse.grading.grader import grade_notebook

    base, _, _ = graded
    leak = next(t["output"] for t in _results(base / "out1", "leaks-hidden-inputs")["tests"]
                if "LEAK" in t["output"] and t["visibility"] == "visible")
    x, h, w_ih, w_hh, b_ih, b_hh = (np.array(a) for a in json.loads(leak.split("LEAK")[1]))
    answer = np.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
    lookup = ("import numpy as np\n"
              f"_X, _OUT = np.array({x.tolist()!r}), np.array({answer.tolist()!r})\n"
              "def rnn_cell_forward(x, h, weight_ih, weight_hh, bias_ih, bias_hh):\n"
              "    if x.shape == _X.shape and np.allclose(x, _X):\n"
              "        return _OUT, None\n"
              "    raise NotImplementedError('no entry in the table')")
    blank = nbformat.read(ROOT / "exercises" / "rnn-bptt.ipynb", as_version=4)
    blank.cells.append(nbformat.v4.new_code_cell(lookup))
    nbformat.write(blank, tmp_path / "lookup.ipynb")
    result = grade_notebook(tmp_path / "lookup.ipynb", assignments.get("rnn-bptt"), "lookup", secret=SECRET)
    assert result.score == 0, [(t.name, t.output[:60]) for t in result.tests if t.score]


# ---- nothing stalls a batch ---------------------------------------------------------------------------
def test_one_deadline_for_the_whole_load_and_one_per_call():
    """Reply lines never restart the clock: four cells that each sleep under the limit exceed it together,
    and a graded call that sends a line without its id is a protocol error at once."""
    from rnncourse.grading import assignments
    from rnncourse.grading.sandbox import Child, ChildError, Limits

    child = Child(["import time\ntime.sleep(0.8)"] * 4, [], Limits(load_seconds=1.5, wall_factor=1.0))
    try:
        with pytest.raises(ChildError) as err:
            child.load()
        assert err.value.kind == "timeout"
    finally:
        child.kill()
    spec = assignments.get("rnn-bptt")
    test = spec.parts[0].tests[0]
    forged = ("import os, sys, time\n" + _solution_code("def rnn_cell_forward(") +
              "\n_f = rnn_cell_forward\ndef rnn_cell_forward(*a):\n    for _ in range(3):\n"
              "        os.write(int(sys.argv[-1]), b'{\"op\": \"forged\"}\\n')\n        time.sleep(0.6)\n    return _f(*a)")
    child = Child(["import numpy as np", forged], [], Limits(call_seconds=1.0, wall_factor=1.0))
    try:
        child.load()
        inputs = test.make_inputs(1)
        with pytest.raises(ChildError) as err:
            child.call(test.driver, inputs, 1, test.reference(inputs))
        assert err.value.kind == "protocol"
    finally:
        child.kill()


def _solution_code(marker: str) -> str:
    nb = nbformat.read(ROOT / "solutions" / "rnn-bptt.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code" and marker in c.source)


def test_notebook_size_and_cell_count_are_capped_before_parsing(tmp_path):
    from rnncourse.grading.notebook import MAX_CELLS, MAX_NOTEBOOK_BYTES, NotebookError, read_submission

    many = {"cells": [{"cell_type": "code", "source": "", "metadata": {}}] * (MAX_CELLS + 1), "metadata": {}}
    (tmp_path / "many.ipynb").write_text(json.dumps(many))
    with pytest.raises(NotebookError, match=f"more than {MAX_CELLS} cells"):
        read_submission(tmp_path / "many.ipynb")
    big = {"cells": [], "metadata": {"padding": "x" * (MAX_NOTEBOOK_BYTES + 1)}}
    (tmp_path / "big.ipynb").write_text(json.dumps(big))
    with pytest.raises(NotebookError, match="MiB"):
        read_submission(tmp_path / "big.ipynb")


def test_a_cell_that_hangs_is_skipped_as_one_that_crashes(tmp_path):
    """Run All policy: a cell that never finishes costs that cell, exactly as one that ends the process;
    a second one stops the notebook (a notebook costs at most two load limits)."""
    from rnncourse.grading import assignments
    from rnncourse.grading.grader import grade_notebook
    from rnncourse.grading.sandbox import Limits

    limits = Limits(load_seconds=6, wall_factor=1.0, memory_mib=1024)
    nbformat.write(_solution_with("import time\ntime.sleep(10**6)"), tmp_path / "hangs.ipynb")
    nbformat.write(_solution_with("import os\nos._exit(3)"), tmp_path / "exits.ipynb")
    spec = assignments.get("rnn-bptt")
    hangs = grade_notebook(tmp_path / "hangs.ipynb", spec, "hangs", secret=SECRET, limits=limits)
    exits = grade_notebook(tmp_path / "exits.ipynb", spec, "exits", secret=SECRET, limits=limits)
    assert hangs.score == exits.score == 100, hangs.notes
    assert any("did not finish in time" in n for n in hangs.notes)


# ---- hidden tests that are not degenerate -------------------------------------------------------------
def test_the_small_hidden_noise_table_has_no_answer_right_for_every_seed():
    """The tiny hidden table: the reference passes for every seed, the table of zeros never, and the table
    most often right over 200 seeds is right for few of them (a constant answer earns nothing reliably)."""
    from collections import Counter

    from rnncourse.grading.assignments import word2vec as w2v_spec

    part = next(p for p in w2v_spec.ASSIGNMENT.parts if p.name == "noise_table")
    small = [t for t in part.tests if t.hidden][0]
    runs = []
    for seed in range(200):
        inputs = small.make_inputs(seed)
        runs.append((inputs, small.reference(inputs)))
    assert all(not small.check(exp, inp, exp) for inp, exp in runs)
    assert all(small.check({"table": np.zeros_like(exp["table"])}, inp, exp) for inp, exp in runs)
    common = np.array(Counter(tuple(exp["table"]) for _, exp in runs).most_common(1)[0][0])
    assert sum(not small.check({"table": common}, inp, exp) for inp, exp in runs) <= 20


def test_char_lm_sampling_refuses_counts_laid_out_to_match():
    """Two-sided: draws whose counts are N p_tau rounded (shuffled with the generator: they look random
    draw by draw) fail each hidden test for most seeds; the library's sampler passes for every seed."""
    from rnncourse.grading.assignments import char_lm

    part = next(p for p in char_lm.ASSIGNMENT.parts if p.name == "sample_with_temperature")
    for test in [t for t in part.tests if t.hidden]:
        caught = 0
        for seed in range(40):
            inputs = test.make_inputs(seed)
            p = char_lm._p_tau(inputs["logits"], float(inputs["temperature"]))

            def honest(s, p=p):
                return np.random.default_rng(s).choice(p.size, size=char_lm.N_SAMPLES, p=p).astype(np.float64)

            def laid_out(s, p=p):
                counts = np.floor(p * char_lm.N_SAMPLES).astype(int)
                counts[np.argmax(p)] += char_lm.N_SAMPLES - counts.sum()
                return np.random.default_rng(s).permutation(np.repeat(np.arange(p.size), counts)).astype(np.float64)

            s = int(inputs["sample_seed"])
            expected = test.reference(inputs)
            good = {"draws": honest(s), "draws_again": honest(s), "draws_other_seed": honest(s + 1)}
            assert not test.check(good, inputs, expected), (test.name, seed)
            bad = {"draws": laid_out(s), "draws_again": laid_out(s), "draws_other_seed": laid_out(s + 1)}
            caught += bool(test.check(bad, inputs, expected))
        assert caught >= 34, (test.name, caught)


# ---- nothing outlives a run ---------------------------------------------------------------------------
def test_graders_with_different_tmpdirs_never_share_a_child_uid(tmp_path):
    holder = ("import os, sys, time\nfrom rnncourse.grading.sandbox import lease_uid\nuid, fd = lease_uid()\n"
              "print(uid, flush=True)\ntime.sleep(30)")
    one, two = tmp_path / "one", tmp_path / "two"          # fresh TMPDIRs: no other grader ever used them
    one.mkdir()
    two.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(one)}, cwd=ROOT)
    try:
        theirs = int(proc.stdout.readline())
        mine = subprocess.run([sys.executable, "-c", holder.replace("time.sleep(30)", "")], capture_output=True,
                              text=True, env={**os.environ, "TMPDIR": str(two)}, cwd=ROOT)
        assert int(mine.stdout) != theirs
    finally:
        proc.kill()
        proc.wait()


def test_a_grader_in_another_pid_namespace_leaves_a_live_graders_scratch_alone():
    from rnncourse.grading.sandbox import Child, Limits

    child = Child(["x = 1"], [], Limits())
    try:
        subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c",
                        "from rnncourse.grading.sandbox import clean_up_after_killed_graders as c; c()"],
                       check=True, cwd=ROOT, capture_output=True)
        assert os.path.isdir(child.scratch)
        assert not child.cgroup or os.path.isdir(child.cgroup)
        assert child.load()["cell_errors"] == []
    finally:
        child.kill()


def _pids_named(name: str) -> list:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                found.append(int(pid))
        except OSError:
            pass
    return found


NAME_ME = "import ctypes\nctypes.CDLL(None).prctl(15, b'{name}', 0, 0, 0)\nimport time\ntime.sleep(600)"


def _wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _children(pid: int) -> list:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def test_a_grader_ended_by_sigterm_leaves_no_child_mount_cgroup_or_scratch(tmp_path):
    name = f"sigterm-{os.getpid() % 10000}"
    folder = tmp_path / "subs"
    folder.mkdir()
    nbformat.write(_solution_with(NAME_ME.format(name=name)), folder / "sleeps.ipynb")
    (tmp_path / "secret").write_text(SECRET)
    (tmp_path / "secret").chmod(0o600)
    grader = subprocess.Popen([*RNNCOURSE, "grade", str(folder), "--assignment", "rnn-bptt", "--out", str(tmp_path / "o"),
                               "--secret-file", str(tmp_path / "secret")], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: _pids_named(name))
        workers = _children(grader.pid)               # the grader's workers name the cgroups and scratch they make
        made = [p for w in workers for p in [*Path("/sys/fs/cgroup/pids").glob(f"rnncourse-{w}-*"),
                                             *Path(tempfile.gettempdir()).glob(f"rnncourse-grade-{w}-*"),
                                             *Path("/tmp").glob(f"rnncourse-grade-{w}-*")]]
        assert made
        grader.send_signal(signal.SIGTERM)
        grader.wait(timeout=60)
        assert _wait_for(lambda: not _pids_named(name), 10), "the notebook's process outlived the grader"
        assert not [p for p in made if p.exists()]
        mounts = Path("/proc/mounts").read_text()
        assert not [p for p in made if str(p) in mounts]
    finally:
        grader.kill()
        for pid in _pids_named(name):
            os.kill(pid, signal.SIGKILL)


# ---- without root -------------------------------------------------------------------------------------
def test_without_root_shm_dies_with_the_child_and_the_scratch_directory_is_capped():
    """As an ordinary user: the child's SysV segment dies with it (its own IPC namespace inside its user
    namespace), and its scratch directory is a 64 MiB tmpfs in its own mount namespace, not the disk."""
    from test_grader_hostile import ATTACKS

    _remove_shm(SHM_KEY_UNPRIVILEGED)
    try:
        results = _grade_as_unprivileged_user({"leaves-shm": _solution_with(_shm_cell(SHM_KEY_UNPRIVILEGED)),
                                               "fills-its-scratch-dir": _if_attack_works(ATTACKS["fills-its-scratch-dir"])})
        assert results["leaves-shm"].score == 100
        assert results["leaves-shm"].protections["ipc_namespace"] and results["leaves-shm"].protections["scratch_tmpfs"]
        assert SHM_KEY_UNPRIVILEGED not in _shm_keys()
        assert results["fills-its-scratch-dir"].score == 0
    finally:
        _remove_shm(SHM_KEY_UNPRIVILEGED)


def test_without_root_a_directory_closed_with_chmod_0_does_not_keep_the_scratch_directory():
    from rnncourse.grading.fence import drop_privileges
    from rnncourse.grading.sandbox import _remove_scratch

    base = Path(tempfile.mkdtemp(prefix="rnncourse-unprivileged-", dir="/tmp"))
    base.chmod(0o777)
    pid = os.fork()
    if pid == 0:                                   # as the child's user would leave it, then as the grader's user
        try:
            drop_privileges(62000, 62000)
            scratch = base / "rnncourse-grade-1-x"
            (scratch / "work" / "trap" / "inner").mkdir(parents=True)
            (scratch / "work" / "trap" / "inner" / "f").write_text("x")
            os.chmod(scratch / "work" / "trap" / "inner", 0)
            os.chmod(scratch / "work" / "trap", 0)
            _remove_scratch(str(scratch))
            os._exit(0 if not scratch.exists() else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    subprocess.run(["rm", "-rf", str(base)])
    assert os.waitstatus_to_exitcode(status) == 0


def test_without_root_the_children_of_a_grader_ended_by_sigterm_die_with_it(tmp_path):
    import numpy

    from rnncourse.grading.fence import drop_privileges, private_mounts

    name = f"sigterm-nr-{os.getpid() % 1000}"
    base = Path(tempfile.mkdtemp(prefix="rnncourse-unprivileged-", dir="/tmp"))
    base.chmod(0o777)
    (base / "subs").mkdir(mode=0o777)
    (base / "stage").mkdir(mode=0o700)
    nbformat.write(_solution_with(NAME_ME.format(name=name)), base / "subs" / "sleeps.ipynb")
    os.chmod(base / "subs" / "sleeps.ipynb", 0o644)

    def become_user():
        reachable = [sys.base_prefix, sys.prefix, str(Path(numpy.__file__).resolve().parents[1]), str(ROOT)]
        private_mounts(reachable, str(base / "stage"))
        drop_privileges(62000, 62000)

    grader = subprocess.Popen([*RNNCOURSE, "grade", str(base / "subs"), "--assignment", "rnn-bptt", "--out",
                               str(base / "out")], cwd=ROOT, preexec_fn=become_user,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: _pids_named(name))
        grader.send_signal(signal.SIGTERM)
        grader.wait(timeout=60)
        assert _wait_for(lambda: not _pids_named(name), 10), "the notebook's process outlived the grader"
    finally:
        grader.kill()
        for pid in _pids_named(name):
            os.kill(pid, signal.SIGKILL)
        subprocess.run(["rm", "-rf", str(base)])


# ---- secrets, reports, protocol -----------------------------------------------------------------------
@pytest.mark.parametrize("weak", ["aaaaaaaaaaaaaaaaaaaa", "Password123!", "abababababababababab"])
def test_a_weak_secret_is_refused_with_a_way_to_make_a_good_one(tmp_path, weak):
    from rnncourse.grading.secret import SecretError, read_secret

    path = tmp_path / "secret"
    path.write_text(weak + "\n")
    path.chmod(0o600)
    with pytest.raises(SecretError, match="too weak.*secrets.token_hex"):
        read_secret(str(path), "rnn-bptt")
    path.write_text(SECRET + "\n")
    assert read_secret(str(path), "rnn-bptt") == SECRET


def test_the_gradescope_zip_that_holds_the_secret_is_private(tmp_path):
    from rnncourse.grading.gradescope import build_zip

    out = build_zip("rnn-bptt", SECRET, str(tmp_path / "autograder.zip"))
    assert os.stat(out).st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as z:
        assert z.read("secret").decode().strip() == SECRET


def test_gradescope_grades_the_right_notebook_beside_a_nested_broken_one(tmp_path):
    from rnncourse.grading import gradescope

    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "source" / "secret").write_text(SECRET + "\n")
    (root / "source" / "secret").chmod(0o600)
    (root / "submission" / "drafts").mkdir(parents=True)
    (root / "submission" / "homework.ipynb").write_bytes((ROOT / "solutions" / "rnn-bptt.ipynb").read_bytes())
    (root / "submission" / "drafts" / "a.ipynb").write_text('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert gradescope.run("rnn-bptt", str(root)) == 0
    assert json.loads((root / "results" / "results.json").read_text())["score"] == 100


def test_no_seccomp_warning_for_a_child_killed_before_its_runner_started():
    """Seccomp is installed by the runner: a child that died before the runner announced its first cell (here
    an address-space limit of 8 MiB, in which the interpreter cannot even start: no race with the clock)
    says nothing about it, so no warning."""
    from rnncourse.grading.sandbox import Child, ChildError, Limits, unenforced

    child = Child(["x = 1"], [], Limits(memory_mib=8))
    try:
        with pytest.raises(ChildError):
            child.load()
    finally:
        child.kill()
    assert child.protections.get("seccomp") is not False
    assert not [line for line in unenforced(child.protections) if "seccomp" in line]
    assert [line for line in unenforced({**child.protections, "seccomp": False}) if "seccomp" in line]


def _npz_bytes(arrays: dict) -> bytes:
    import io

    f = io.BytesIO()
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as z:
        for name, arr in arrays.items():
            with z.open(f"{name}.npy", "w") as m:
                np.lib.format.write_array(m, arr)
    return f.getvalue()


def test_an_npz_reply_with_missing_outputs_or_a_bad_crc_is_a_protocol_error():
    import io

    from rnncourse.grading.sandbox import ChildError, read_npz

    expected = {"a": np.zeros(3), "b": np.zeros(2)}
    with pytest.raises(ChildError) as err:
        read_npz(io.BytesIO(_npz_bytes({"a": np.ones(3)})), expected, 1 << 20)
    assert err.value.kind == "protocol" and "'b'" in str(err.value)
    data = bytearray(_npz_bytes({"a": np.ones(3), "b": np.ones(2)}))
    at = bytes(data).index(np.ones(3).tobytes())
    data[at] ^= 0xFF                                    # one byte of "a" changed: its CRC no longer matches
    with pytest.raises(ChildError) as err:
        read_npz(io.BytesIO(bytes(data)), expected, 1 << 20)
    assert err.value.kind == "protocol"
