"""The assignment specs against the notebooks students read, and the grader's shared pieces."""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from rnncourse.grading import assignments
from rnncourse.grading import spec as specs

ROOT = Path(__file__).resolve().parents[1]


def _markdown(name: str) -> str:
    nb = json.loads((ROOT / "solutions" / f"{name}.ipynb").read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("name", sorted(assignments.ASSIGNMENTS))
def test_points_declared_in_the_spec_are_the_points_the_notebook_states(name):
    """Points are declared once (spec.Part.points); the notebook's table and part headings must agree."""
    spec, text = assignments.get(name), _markdown(name)
    table = re.findall(r"^\| (\d+) \| (.+?) \| (\d+) \|$", text, flags=re.M)
    headings = [int(p) for p in re.findall(r"^## Part \d+:.*\((\d+) points\)$", text, flags=re.M)]
    assert [int(p) for _, _, p in table] == [p.points for p in spec.parts]
    assert headings == [p.points for p in spec.parts]
    assert [re.findall(r"`(\w+)`", fns)[-1] for _, fns, _ in table] == [p.name for p in spec.parts]
    assert spec.max_score == 100


def test_one_test_id_names_results_and_seeds():
    from rnncourse.grading.grader import plan

    spec = assignments.get("rnn-bptt")
    ids = [specs.test_id(p.name, t.name) for p, t, _ in plan(spec)]
    assert len(set(ids)) == len(ids) and ids[0] == "rnn_cell_forward: public (B=3, I=4, H=5)"
    assert specs.test_seed("s", spec.name, ids[0]) != specs.test_seed("s", spec.name, ids[1])


def test_rel_error_is_the_course_one():
    from rnncourse.grading import compare
    from rnncourse.scratch import gradcheck

    assert compare.rel_error is gradcheck.rel_error
    a, b = np.array([1.0, -4.0]), np.array([1.0, -3.0])
    assert compare.rel_error(a, b) == pytest.approx(1 / 4)       # max|a-b| / max(max|a|, max|b|), by hand


def test_child_side_modules_load_no_reference_code():
    code = ("import sys, rnncourse.grading.runner, rnncourse.grading.drivers, rnncourse.grading.launcher, "
            "rnncourse.grading.fence, rnncourse.grading.pidns, rnncourse.grading.selfcheck, rnncourse.grading.replay\n"
            "print(sorted(m for m in sys.modules if m.startswith(('rnncourse.scratch', 'rnncourse.torch', 'torch'))))")
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert out.stdout.strip() == "[]"


def test_stale_cgroups_of_a_killed_grader_are_removed_at_the_next_start(tmp_path):
    """A grader killed with SIGKILL leaves its pids cgroup and scratch; the next `rnncourse grade` removes them."""
    root = Path("/sys/fs/cgroup/pids")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()                                   # a pid that no longer runs
    stale = root / f"rnncourse-{dead.pid}-deadbeef"
    stale.mkdir()
    scratch = Path(tempfile.gettempdir()) / f"rnncourse-grade-{dead.pid}-deadbeef"      # its scratch directory
    (scratch / "work").mkdir(parents=True)
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "a.ipynb").write_bytes((ROOT / "exercises" / "rnn-bptt.ipynb").read_bytes())
    proc = subprocess.run([sys.executable, "-m", "rnncourse.cli", "grade", str(tmp_path / "subs"), "--assignment",
                           "rnn-bptt", "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists()
    assert not scratch.exists()


def test_seccomp_program_denies_exactly_the_listed_calls():
    """Run the BPF program by hand (a tiny interpreter of the five instructions it uses)."""
    from rnncourse.grading import fence

    def run(prog, arch, nr, arg0=0):
        pc, acc = 0, 0
        while True:
            code, jt, jf, k = prog[pc]
            if code == fence.BPF_LD_W_ABS:
                acc = {0: nr, 4: arch, 16: arg0}[k]
            elif code == fence.BPF_RET_K:
                return k
            elif code in (fence.BPF_JEQ_K, fence.BPF_JGE_K, fence.BPF_JSET_K):
                hit = {fence.BPF_JEQ_K: acc == k, fence.BPF_JGE_K: acc >= k, fence.BPF_JSET_K: bool(acc & k)}[code]
                pc += jt if hit else jf
            pc += 1

    prog, arch = fence.seccomp_program("x86_64"), fence.AUDIT_ARCH["x86_64"]
    denied = set(fence.DENIED_SYSCALLS["x86_64"].values())
    for nr in range(0, 460):
        want = {435: fence.RET_ERRNO | fence.ENOSYS}.get(nr, fence.RET_ERRNO | fence.EPERM if nr in denied else fence.RET_ALLOW)
        assert run(prog, arch, nr) == want, nr
    assert run(prog, arch, 0x40000000 + 59) == fence.RET_ERRNO | fence.EPERM      # x32 execve
    assert run(prog, 0x40000003, 59) == fence.RET_KILL_PROCESS                    # another architecture
    fork_flags = 0x01200011                     # CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, as fork() uses
    thread_flags = 0x003D0F00                   # what pthread_create passes to clone when clone3 is refused
    assert run(prog, arch, 56, fork_flags) == run(prog, arch, 56, thread_flags) == fence.RET_ALLOW
    for flag in (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000):
        assert run(prog, arch, 56, fork_flags | flag) == fence.RET_ERRNO | fence.EPERM, hex(flag)


def test_children_alive_at_once_never_share_a_uid():
    from rnncourse.grading.sandbox import Child, Limits

    children = [Child(["x = 1"], [], Limits()) for _ in range(3)]
    try:
        assert all(c.load()["cell_errors"] == [] for c in children)
        assert all(c.protections["own_uid"] for c in children)
        assert len({c.uid for c in children}) == 3
    finally:
        for c in children:
            c.kill()


def test_root_child_has_a_private_small_tmp_even_without_landlock():
    """As root the child's /tmp and /var/tmp are private 16 MiB tmpfs: what it writes there never reaches
    the machine's, and it cannot fill them. Landlock (which forbids writing there at all) is switched off
    so that this layer is tested on its own; the child's scratch directory under /tmp still works."""
    from rnncourse.grading.sandbox import Child, Limits

    probe = f"rnncourse-private-tmp-probe-{os.getpid()}"
    cells = [f"open('/tmp/{probe}', 'w').write('x'); open('/var/tmp/{probe}', 'w').write('x')",
             "open('/tmp/big', 'wb').write(b'x' * (20 << 20))",
             "import tempfile\nwith tempfile.NamedTemporaryFile() as f: f.write(b'scratch works')"]
    child = Child(cells, [], Limits(landlock=False))
    try:
        errors = child.load()["cell_errors"]
        assert child.protections["private_tmp"] and child.protections["landlock_abi"] == 0
        assert [e.get("cell") for e in errors] == [2], errors          # cells are numbered from 1
        assert "No space left" in str(errors[0]), errors
    finally:
        child.kill()
    assert not os.path.exists(f"/tmp/{probe}") and not os.path.exists(f"/var/tmp/{probe}")
def test_word2vec_statistical_checks_accept_correct_draws_and_reject_wrong_ones():
    """check_negatives / check_table (the verdicts that are not "equal to the reference") on the library's
    draws for many seeds, and on plausible wrong samplers, for every test's inputs."""
    from rnncourse.grading.assignments import word2vec as spec
    from rnncourse.scratch import word2vec as w2v

    draw_tests = next(p for p in spec.ASSIGNMENT.parts if p.name == "draw_negatives").tests
    for test in draw_tests:
        for seed in range(30):
            inputs = test.make_inputs(seed)
            expected = test.reference(inputs)
            assert test.check(expected, inputs, expected) == [], (test.name, seed)
        table, shape = inputs["table"].astype(np.int64), expected["negatives"].shape
        V, rng = int(table.max()) + 1, np.random.default_rng(0)
        counts_like = np.bincount(table) ** (1 / 0.75)              # the unigram distribution behind the table
        wrong = {
            "uniform over words": rng.integers(0, V, shape),
            "unigram, not unigram^0.75": rng.choice(V, size=shape, p=counts_like / counts_like.sum()),
            "systematic, not random": np.resize(np.sort(table), shape),
            "same draws for both seeds": None,
        }
        for what, draws in wrong.items():
            if draws is None:
                outputs = {"negatives": expected["negatives"], "negatives_other_seed": expected["negatives"]}
            else:
                outputs = {"negatives": draws.astype(float), "negatives_other_seed": expected["negatives_other_seed"]}
            assert test.check(outputs, inputs, expected), (test.name, what)
    table_test = next(p for p in spec.ASSIGNMENT.parts if p.name == "noise_table").tests[0]
    inputs = table_test.make_inputs(1)
    good = table_test.reference(inputs)
    assert table_test.check(good, inputs, good) == []
    unigram = {"table": w2v.noise_table(inputs["counts"], 1.0, int(inputs["size"])).astype(float)}
    assert "P_n" in table_test.check(unigram, inputs, good)[0]
