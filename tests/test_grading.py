"""The grader against the correct solution, the blank exercise and every kind of bad submission.

All submissions are graded in ONE `rnncourse grade` run (a real subprocess, in parallel), then each
student's score and message are checked, along with the CSV and the Gradescope JSON. Bad submissions
are made from the solution notebook by small edits, so each one differs from a correct notebook in
exactly the way its name says: every edit must apply (a marker matches exactly one cell, a replaced
line is there), so restyling a solution fails these tests instead of silently making a bad submission good.
"""
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "rnn-bptt.ipynb"
RNNCOURSE = [sys.executable, "-m", "rnncourse.cli"]
# CPU-second limits (a loaded machine does not slow CPU time) with a generous wall-clock factor: an honest
# notebook uses well under a second of CPU, a hostile loop is caught by its CPU time, not by the clock.
LIMITS = ["--load-timeout", "10", "--call-timeout", "3", "--wall-factor", "20", "--memory-mib", "2048"]


def secret_file(folder, text="test-secret-7f3a9c1e5b2d8046"):
    """A grading secret as an instructor keeps it: a file of the grader's user, mode 0600."""
    path = Path(folder) / "secret.txt"
    path.write_text(text + "\n")
    path.chmod(0o600)
    return str(path)


def grade_notebooks(notebooks: dict, assignment: str, tmp_path_factory, limits=LIMITS):
    """Grade {name: notebook (or its JSON text)} as an instructor does: one folder, ``rnncourse grade`` with a
    secret file and two jobs. Returns the output folder (<out>/<name>/results.json, feedback.md)."""
    folder = tmp_path_factory.mktemp(f"submissions-{assignment}")
    for name, nb in notebooks.items():
        path = folder / f"{name}.ipynb"
        if isinstance(nb, str):
            path.write_text(nb)
        else:
            nbformat.write(nb, path)
    out = tmp_path_factory.mktemp(f"grades-{assignment}")
    secret = secret_file(tmp_path_factory.mktemp(f"secret-{assignment}"))
    start = time.monotonic()
    proc = subprocess.run([*RNNCOURSE, "grade", str(folder), "--assignment", assignment, "--out", str(out),
                           "--jobs", "2", "--secret-file", secret, *limits], capture_output=True, text=True,
                          timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    print(f"graded {len(notebooks)} {assignment} submissions in {time.monotonic() - start:.1f} s")
    return out


def swap(old, new):
    """An edit of one cell: replace ``old`` by ``new``; fails when ``old`` is not in the cell."""
    def edit(source):
        assert old in source, f"the solution no longer contains {old!r}: update this bad submission"
        return source.replace(old, new)
    return edit


def _variant(cells_edit=None, append=None, prepend=None):
    nb = nbformat.read(SOLUTION, as_version=4)
    for marker, new_source in (cells_edit or {}).items():
        cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
        assert len(cells) == 1, f"{marker!r} is in {len(cells)} code cells of the solution, not exactly one"
        cells[0].source = new_source if not callable(new_source) else new_source(cells[0].source)
    index = 2  # after the imports cell
    for source in prepend or []:
        nb.cells.insert(index, nbformat.v4.new_code_cell(source))
        index += 1
    for source in append or []:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb


FIND_OUT_DIR = """
import os, glob
out = None
for cmd in glob.glob('/proc/[0-9]*/cmdline'):
    try:
        parts = open(cmd, 'rb').read().split(b'\\0')
    except OSError:
        continue
    if b'--out' in parts:
        out = parts[parts.index(b'--out') + 1].decode()
"""

# name -> (notebook or raw text, expected score, substring expected in the feedback)
CASES = {
    # The correct notebook stays in this batch (the unmodified solution is also graded by repo_grade): here it is
    # the control that its hostile neighbours (fork bombs, deleted or symlinked grader files, ...) leave its grade alone.
    "correct": (_variant(), 100, "Passed."),
    "warnings-and-stderr": (_variant(prepend=[
        "import sys, warnings\nwarnings.warn('noisy but correct')\nprint('to stderr', file=sys.stderr)\n"
        "np.log(np.zeros(3))"]), 100, "Passed."),
    "invalid-json": ("{ this is not a notebook", 0, "not valid notebook JSON"),
    "not-a-notebook": ('{"hello": "world"}', 0, "not a notebook"),
    "wrong-assignment": (nbformat.read(ROOT / "solutions" / "lstm-backward.ipynb", as_version=4), 0,
                         "is for assignment 'lstm-backward'"),
    # each part on its own: the backward parts are fed the reference's caches, so only Part 3 is lost
    "syntax-error-one-cell": (_variant({"def rnn_forward(": "def rnn_forward(x, h0:\n    pass"}), 85,
                              "`rnn_forward` is not defined"),
    # Parts 4 and 5 get the reference's answers wherever they call rnn_cell_backward: only Part 2 is lost
    "missing-function": (_variant({"def rnn_cell_backward(": "# I did not get to this"}), 75,
                         "`rnn_cell_backward` is not defined"),
    "wrong-signature": (_variant({"def rnn_backward_truncated(": swap(
        "def rnn_backward_truncated(dhs, cache, k):", "def rnn_backward_truncated(dhs, cache):\n    k = 3")}),
        85, "TypeError"),
    "wrong-shape": (_variant({"def rnn_forward(": swap("return hs, cache", "return hs[:-1], cache")}),
                    85, "expected shape (6, 3, 5), got (5, 3, 5)"),
    "nan-output": (_variant({"def rnn_cell_backward(": swap(
        '"bias_hh": da.sum(axis=0),', '"bias_hh": da.sum(axis=0) * np.nan,')}), 75, "NaN or infinite"),
    "inf-output": (_variant({"def rnn_forward(": swap("return hs, cache", "return hs / 0.0, cache")}),
                   85, "NaN or infinite"),
    "infinite-loop-in-function": (_variant({"def rnn_backward_truncated(": swap(
        "    T = dhs.shape[0]", "    while True:\n        pass")}), 85, "no answer within 3 s"),
    # Run All policy: a cell that never finishes is skipped as one that crashes is (the same verdict either way)
    "infinite-loop-at-top-level": (_variant(append=["while True:\n    pass"]), 100, "did not finish in time"),
    "allocate-50GB-at-import": (_variant(prepend=["big = np.ones(50 * 2**30 // 8)"]), 100, "MemoryError"),
    "allocate-50GB-in-function": (_variant({"def rnn_forward(": swap(
        "    T = x.shape[0]", "    T = x.shape[0]\n    waste = np.ones(50 * 2**30 // 8)")}), 85, "MemoryError"),
    "sys-exit-at-import": (_variant(prepend=["import sys\nsys.exit(0)"]), 100, "SystemExit"),
    # Run All policy (docs/grading.md): a cell that raises, exits or ends its process is skipped, alike.
    "os-exit-at-import": (_variant(prepend=["import os\nos._exit(0)"]), 100, "ended the notebook's process"),
    "segfault-at-import": (_variant(prepend=["import ctypes\nctypes.string_at(0)"]), 100, "SIGSEGV"),
    "fake-score": (nbformat.read(ROOT / "exercises" / "rnn-bptt.ipynb", as_version=4), 0, "NotImplementedError"),
    "fork-bomb": (_variant(prepend=["import os\nwhile True:\n    os.fork()"]), 100, "Passed."),
    "monkeypatch-numpy-and-pytest": (None, 0, "NotImplementedError"),
    "reads-hidden-tests-from-disk": (None, 0, "NotImplementedError"),
    "writes-and-deletes-grader-files": (_variant(append=[FIND_OUT_DIR + """
if out:
    for name in ('gradebook.csv', 'correct/results.json'):
        try: os.remove(os.path.join(out, name))
        except OSError: pass
    open(os.path.join(out, 'evil.txt'), 'w').write('owned')
open('results.json', 'w').write('{"score": 100}')
"""]), 100, "Passed."),
    "plants-symlinks-in-grader-output": (_variant(append=[FIND_OUT_DIR + """
if out:
    parent = os.path.dirname(os.path.abspath(out))
    open(os.path.join(parent, 'victim.txt'), 'w').write('precious')
    os.makedirs(os.path.join(parent, 'victim-dir'), exist_ok=True)
    os.symlink(os.path.join(parent, 'victim.txt'), os.path.join(out, 'gradebook.csv'))
    os.symlink(os.path.join(parent, 'victim-dir'), os.path.join(out, 'correct'))
"""]), 100, "Passed."),
    "imports-reference": (_variant(prepend=["from rnncourse.scratch import rnn_cell_forward as reference_forward"],
                                   cells_edit={"def rnn_cell_forward(": swap(
                                       "    h_next = np.tanh", "    return reference_forward(x, h, weight_ih, weight_hh, bias_ih, bias_hh)\n    h_next = np.tanh")}),
                          70, "may not use the reference implementation"),
    # 70: rnn_cell_forward and rnn_forward (which calls it) score 0; the backward parts never run it (fed)
    "imports-reference-obfuscated": (_variant(prepend=["ref = __builtins__.__import__('rnncourse.' + 'scr' + 'atch', fromlist=['x'])"]),
                                     100, "PermissionError"),
    # 100: the reference cannot even be read by the child (Landlock); without Landlock the runtime module
    # check gives 0 ("loaded rnncourse.scratch"). Either way nothing is earned from the reference.
    "returns-lying-ndarray-subclass": (_variant({"def rnn_cell_forward(": swap(
        "    return h_next, cache",
        "    class Liar(np.ndarray):\n        def __eq__(self, other): return True\n"
        "        def __sub__(self, other): return np.zeros(self.shape)\n"
        "    return (h_next * 0 + 7).view(Liar), cache")}), 85, "got 7"),
    # 85: rnn_cell_forward's tests fail (the subclass's own __eq__/__sub__ never run in the grader, which
    # receives plain float64 arrays); the later parts are fed the reference's values (each part on its own).
}


def _exercise_with(prepend):
    nb = nbformat.read(ROOT / "exercises" / "rnn-bptt.ipynb", as_version=4)
    for i, src in enumerate(prepend):
        nb.cells.insert(2 + i, nbformat.v4.new_code_cell(src))
    return nb


CASES["fake-score"] = (_exercise_with(["print('Score: 100/100')\nprint('{\"score\": 100, \"max_score\": 100}')"]), 0,
                       "NotImplementedError")
CASES["monkeypatch-numpy-and-pytest"] = (_exercise_with([
    "import sys, types\nnp.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
    "np.isfinite = lambda a: np.ones(np.shape(a), bool)\nsys.modules['pytest'] = types.SimpleNamespace(approx=lambda x: x)"]),
    0, "NotImplementedError")
CASES["reads-hidden-tests-from-disk"] = (_exercise_with([
    "import rnncourse, pathlib\nstolen = {p.name: p.read_text() for p in "
    "pathlib.Path(rnncourse.__file__).parent.joinpath('grading').rglob('*.py')}\nassert 'hidden' in ''.join(stolen.values())"]),
    0, "NotImplementedError")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade_notebooks({name: nb for name, (nb, *_rest) in CASES.items()}, "rnn-bptt", tmp_path_factory)


def _results(out, name):
    return json.loads((out / name / "results.json").read_text())


@pytest.mark.parametrize("name", list(CASES))
def test_submission_gets_expected_score_and_message(graded, name):
    _, expected_score, expected_message = CASES[name]
    results = _results(graded, name)
    feedback = (graded / name / "feedback.md").read_text()
    assert results["max_score"] == 100
    assert results["score"] == pytest.approx(expected_score), feedback
    assert expected_message in feedback, feedback


def test_gradebook_csv_has_every_student_with_part_scores(graded):
    rows = list(csv.DictReader((graded / "gradebook.csv").open()))
    assert sorted(r["student"] for r in rows) == sorted(CASES)
    by_name = {r["student"]: r for r in rows}
    assert float(by_name["correct"]["score"]) == 100 and float(by_name["wrong-shape"]["rnn_forward"]) == 0
    for r in rows:
        parts = ["rnn_cell_forward", "rnn_cell_backward", "rnn_forward", "rnn_backward", "rnn_backward_truncated"]
        assert sum(float(r[p]) for p in parts) == pytest.approx(float(r["score"]))


def test_results_json_is_gradescope_format(graded):
    results = _results(graded, "correct")
    assert set(results) >= {"score", "max_score", "tests"}
    for t in results["tests"]:
        assert set(t) == {"name", "score", "max_score", "output", "visibility"}
        assert t["visibility"] in {"visible", "after_published"}
    assert sum(t["max_score"] for t in results["tests"]) == pytest.approx(100)
    assert any(t["visibility"] == "after_published" for t in results["tests"])      # hidden tests exist
    assert any("B=6, I=2, H=9" in t["name"] for t in results["tests"])              # on shapes public tests lack


def test_planted_symlinks_are_replaced_not_followed(graded, tmp_path):
    # The planting notebook ran but could not plant (no read of /proc, no write outside its scratch):
    assert not (graded.parent / "victim.txt").exists()
    assert not (graded / "gradebook.csv").is_symlink() and not (graded / "correct").is_symlink()
    # Links planted by whoever else can write there are replaced, never followed:
    from rnncourse.grading import assignments
    from rnncourse.grading.grader import Result
    from rnncourse.grading.report import write_reports

    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "victim.txt").write_text("precious")
    (tmp_path / "victim-dir").mkdir()
    (out / "gradebook.csv").symlink_to(tmp_path / "victim.txt")
    (out / "correct").symlink_to(tmp_path / "victim-dir")
    write_reports([Result("correct", "rnn-bptt")], str(out), assignments.get("rnn-bptt"))
    assert (tmp_path / "victim.txt").read_text() == "precious" and not list((tmp_path / "victim-dir").iterdir())
    assert not (out / "gradebook.csv").is_symlink() and (out / "correct" / "results.json").is_file()


def test_no_grader_process_or_cgroup_is_left_behind(graded):
    # Other tests may be grading right now (pytest-xdist), so a runner is left behind only if it is an
    # orphan: its parent is neither a grader (an `rnncourse` process) nor another runner (forked children).
    table = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout.splitlines()
    procs = {int(pid): (int(ppid), args) for pid, ppid, args in (line.split(None, 2) for line in table if line.strip())}
    orphans = [args for pid, (ppid, args) in procs.items() if "rnncourse.grading.runner" in args
               and "rnncourse" not in procs.get(ppid, (0, ""))[1]]
    assert not orphans
    if Path("/sys/fs/cgroup/pids").exists():      # cgroups are named rnncourse-<grader pid>-<random>
        stale = [g.name for g in Path("/sys/fs/cgroup/pids").glob("rnncourse-*") if int(g.name.split("-")[1]) not in procs]
        assert not stale


USES_GLOBAL_RNG = _variant({"def rnn_forward(": swap(
    "return hs, cache", "import random\n    return hs * (1 + 1e-3 * (random.random() + np.random.rand())), cache")})


def test_regrading_gives_identical_results(graded, tmp_path):
    """Same secret, same scores and messages; code that draws from `random` / `np.random` gets the grader's seeds."""
    secret = secret_file(tmp_path)
    folder = tmp_path / "subs"
    folder.mkdir()
    for name in ("correct", "wrong-shape", "nan-output"):
        nbformat.write(CASES[name][0], folder / f"{name}.ipynb")
    nbformat.write(USES_GLOBAL_RNG, folder / "uses-global-rng.ipynb")
    runs = []
    for out in (tmp_path / "first", tmp_path / "again"):
        subprocess.run([*RNNCOURSE, "grade", str(folder), "--assignment", "rnn-bptt", "--out", str(out),
                        "--secret-file", secret, *LIMITS], check=True, capture_output=True, cwd=ROOT)
        runs.append(out)
    for name in ("correct", "wrong-shape", "nan-output"):
        assert _results(runs[1], name) == _results(graded, name)
    random_user = [_results(out, "uses-global-rng") for out in runs]
    assert random_user[0] == random_user[1]
    assert "relative error" in json.dumps(random_user[0])       # the noise was graded (and printed) identically


ASSIGNMENTS = [p.stem for p in sorted((ROOT / "solutions").glob("*.ipynb"))]


def assert_full_marks(graded):
    """``graded`` is ``repo_grade(assignment)`` (tests/conftest.py): the unmodified solution scored 100 of 100."""
    assert graded["returncode"] == 0, graded["output"]
    solution = graded["solution"]
    assert solution is not None, graded["output"]
    assert solution["results"]["score"] == solution["results"]["max_score"] == 100, solution["feedback"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_gives_its_solution_full_marks_and_its_exercise_zero(assignment, repo_grade):
    graded = repo_grade(assignment)            # graded once per test run, shared with the mistake batches (conftest.py)
    assert_full_marks(graded)
    assert graded["exercise"] is not None, graded["output"]
    blank = graded["exercise"]["results"]
    assert blank["score"] == 0 and blank["tests"] and all(t["score"] == 0 for t in blank["tests"])
    assert all("NotImplementedError" in t["output"] for t in blank["tests"])


def test_students_whose_names_sanitise_alike_get_separate_reports(tmp_path):
    from rnncourse.grading import assignments
    from rnncourse.grading.grader import Result
    from rnncourse.grading.report import write_reports

    results = [Result("a b", "rnn-bptt"), Result("a_b", "rnn-bptt"), Result("gradebook.csv", "rnn-bptt")]
    for r, note in zip(results, ("first", "second", "third")):
        r.notes.append(note)
    write_reports(results, str(tmp_path), assignments.get("rnn-bptt"))
    outputs = sorted(json.loads(p.read_text())["output"] for p in tmp_path.glob("*/results.json"))
    assert outputs == ["first", "second", "third"]
    assert (tmp_path / "gradebook.csv").is_file()


# ---- plausible mistakes in other exercises: each loses exactly the tests it should -----------------------
def _solution_with(assignment, cells_edit):
    """The solution of ``assignment`` with each marker's cell edited (every edit must apply)."""
    nb = nbformat.read(ROOT / "solutions" / f"{assignment}.ipynb", as_version=4)
    for marker, edit in cells_edit.items():
        cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
        assert len(cells) == 1, f"{marker!r} is in {len(cells)} code cells of {assignment}, not exactly one"
        cells[0].source = edit(cells[0].source)
    return nb


# assignment -> {name: (edits, expected score, substring expected in the feedback). No correct notebook in these
# batches: none of their submissions is hostile, so nothing could disturb a neighbour; the unmodified solution's
# full marks are asserted by test_every_assignment_gives_its_solution_full_marks_and_its_exercise_zero, from
# repo_grade (tests/conftest.py), graded once per test run.
MISTAKES = {
    "narx": {
        # q_y = 1 (one hidden test) hides the order; everything built on the regressors loses the same tests
        "lags-oldest-first": ({"def lagged_regressors(": swap("for i in range(q_y)]", "for i in reversed(range(q_y))]")},
                              100 - 15 * 2 / 3 - 15 * 2 / 3 - 10 * 3 / 4, "wrong values"),
        "free-run-reads-u-one-step-ahead": ({"def free_run(": swap("[u[k - i] for", "[u[k + 1 - i] for")}, 70,
                                            "wrong values"),
        "loss-summed-not-averaged": ({"def series_parallel_step(": swap(
            "loss = float(np.mean(diff**2))\n    grads = narx_backward(2 * diff / diff.size, cache)",
            "loss = float(np.sum(diff**2))\n    grads = narx_backward(2 * diff, cache)")}, 85, "loss: wrong values"),
        # right for r (N, R), wrong for r (T, B, R): a hidden backward test and every training step
        "bias-gradient-summed-over-one-axis": ({"def narx_backward(": swap(
            '"bias_h1": flat(da1).sum(axis=0)', '"bias_h1": da1.sum(axis=0)')}, 100 - 25 / 3 - 15, "expected shape"),
        "no-tanh-derivative-in-second-layer": ({"def narx_backward(": swap(
            "da2 = (dy @ params[\"weight_out\"]) * (1 - h2**2)", "da2 = dy @ params[\"weight_out\"]")}, 60,
            "wrong values"),
    },
    "word2vec": {
        "paper-subsampling-rule": ({"def keep_probability(": swap("np.sqrt(t / f) + t / f", "np.sqrt(t / f)")}, 90,
                                   "keep: wrong values"),
        # right until the scores are large: only the hidden test with scores in the thousands fails
        "naive-log-sigmoid": ({"def sgns_loss(": swap("float(np.sum(np.logaddexp(0.0, -sign * s)))",
                                                      "float(-np.sum(np.log(1 / (1 + np.exp(-sign * s)))))")},
                              100 - 50 / 4, "NaN or infinite"),
        "label-on-the-negatives": ({"def sgns_loss(": swap("g[:, 0] -= 1.0", "g[:, 1:] -= 1.0")}, 50, "dv: wrong values"),
        "noise-table-without-the-power": ({"def noise_table(": swap("** 0.75", "** 1.0")}, 100 - 10, "fills a share"),
        "negatives-uniform-over-words": ({"def draw_negatives(": swap(
            "table[rng.integers(0, len(table), size=(B, K))]", "rng.integers(0, table.max() + 1, size=(B, K))")}, 90,
            "chi-square"),
        "negatives-ignore-the-seed": ({"def draw_negatives(": swap("default_rng(seed)", "default_rng(0)")}, 90,
                                      "identical draws"),
        # only the hidden test with a single row (R = 1) has no repeated row
        "update-with-fancy-indexing": ({"def sparse_update(": swap("np.add.at(W, rows, -lr * values)",
                                                                   "W[rows] -= lr * values")}, 100 - 15, "W: wrong values"),
    },
}
MISTAKE_CASES = [(a, name) for a, cases in MISTAKES.items() for name in cases]


@pytest.fixture(scope="module")
def graded_mistakes(tmp_path_factory):
    return {assignment: grade_notebooks({name: _solution_with(assignment, edits) for name, (edits, *_rest) in cases.items()},
                                        assignment, tmp_path_factory)
            for assignment, cases in MISTAKES.items()}


@pytest.mark.parametrize("assignment,name", MISTAKE_CASES)
def test_plausible_mistake_loses_exactly_its_tests(graded_mistakes, assignment, name):
    _, expected_score, expected_message = MISTAKES[assignment][name]
    results = _results(graded_mistakes[assignment], name)
    feedback = (graded_mistakes[assignment] / name / "feedback.md").read_text()
    assert results["score"] == pytest.approx(expected_score), feedback
    assert expected_message in feedback, feedback
