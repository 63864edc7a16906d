"""The `rnncourse` command's contract: bad input refused in one line before any grading, exit codes,
check --json / --part, grade --fail-under, a grader that refuses when its sandbox cannot grade, and a
gradebook that never loses a row. Every trap here was found by tests/../reviews (user journeys 2-4): each
test failed on commit 4402d48 (a traceback, a phantom student, exit 0, or a gradebook overwritten).
"""
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMITS = ["--load-timeout", "10", "--call-timeout", "3", "--wall-factor", "20", "--memory-mib", "2048"]


def rnncourse(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "rnncourse.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})})


def secret_file(folder, text="cli-secret-7f3c9a2e1b6d4085c2e9"):    # strong enough for the grader (>= 64 bits)
    path = Path(folder) / "secret.txt"
    path.write_text(text + "\n")
    path.chmod(0o600)
    return path


def assert_one_line_error(proc, *words):
    """Refused in one line on stderr (no traceback), naming what is wrong, with a non-zero exit."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in proc.stdout + proc.stderr


def read_only_folder(tmp_path):
    """A folder nobody can create files in: /proc for root (who ignores modes), else a 0555 folder."""
    if os.geteuid() == 0:
        return Path("/proc")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


@pytest.fixture(scope="module")
def subs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("subs")
    shutil.copy(ROOT / "solutions" / "gru.ipynb", folder / "ann.ipynb")
    return folder


# ---- bad input: one line, exit 2, nothing graded -----------------------------------------------------------
@pytest.mark.parametrize("command", [["grade", "SUBS", "--assignment", "grux", "--out", "o"],
                                     ["check", "SUBS/ann.ipynb", "--assignment", "grux"],
                                     ["gradescope", "grux", "--secret-file", "SECRET"],
                                     ["gradescope-run", "grux", "--root", "."]])
def test_unknown_assignment_is_one_line(command, subs, tmp_path):
    secret = secret_file(tmp_path)
    args = [str(a).replace("SUBS", str(subs)).replace("SECRET", str(secret)) for a in command]
    proc = rnncourse(*args, cwd=tmp_path)
    assert_one_line_error(proc, "unknown assignment 'grux'", "gru")
    assert not (tmp_path / "o").exists()


def test_grade_a_missing_folder_is_an_error_not_a_phantom_student(tmp_path):
    proc = rnncourse("grade", "nope/", "--assignment", "gru", "--out", "o", cwd=tmp_path)
    assert_one_line_error(proc, "no such file or folder: nope/")
    assert not (tmp_path / "o" / "gradebook.csv").exists()


def test_grade_out_that_is_a_file_is_refused_before_grading(subs, tmp_path):
    (tmp_path / "real.txt").write_text("keep me")
    proc = rnncourse("grade", subs, "--assignment", "gru", "--out", "real.txt", cwd=tmp_path)
    assert_one_line_error(proc, "real.txt", "not a folder")
    assert (tmp_path / "real.txt").read_text() == "keep me" and "ann" not in proc.stdout


def test_grade_out_read_only_is_refused_before_grading(subs, tmp_path):
    out = read_only_folder(tmp_path) / "grades"
    proc = rnncourse("grade", subs, "--assignment", "gru", "--out", out, cwd=tmp_path)
    assert_one_line_error(proc, "cannot write into --out")
    assert "ann" not in proc.stdout                      # nothing was graded


def test_secret_file_that_is_a_folder_is_one_line(subs, tmp_path):
    (tmp_path / "secretdir").mkdir()
    proc = rnncourse("grade", subs, "--assignment", "gru", "--out", "o", "--secret-file", "secretdir", cwd=tmp_path)
    assert_one_line_error(proc, "secret file secretdir")
    assert not (tmp_path / "o" / "gradebook.csv").exists()


def test_gradescope_out_into_a_missing_folder_is_one_line(tmp_path):
    proc = rnncourse("gradescope", "gru", "--secret-file", secret_file(tmp_path), "--out", "nodir/ag.zip", cwd=tmp_path)
    assert_one_line_error(proc, "does not exist")


def test_assign_without_solutions_says_so(tmp_path):
    for extra in ([], ["--check"]):
        proc = rnncourse("assign", *extra, cwd=tmp_path)
        assert_one_line_error(proc, "no solutions/ folder")


def test_assign_on_invalid_json_names_the_file_and_writes_nothing(tmp_path):
    (tmp_path / "solutions").mkdir()
    shutil.copy(ROOT / "solutions" / "gru.ipynb", tmp_path / "solutions" / "a-gru.ipynb")
    (tmp_path / "solutions" / "b-broken.ipynb").write_text("{ not json")
    proc = rnncourse("assign", cwd=tmp_path)
    assert_one_line_error(proc, "b-broken.ipynb", "not valid notebook JSON")
    assert not list(tmp_path.glob("exercises/*.ipynb"))        # not even the good one: checked before writing


def test_assign_into_a_read_only_exercises_folder_is_one_line(tmp_path):
    (tmp_path / "solutions").mkdir()
    shutil.copy(ROOT / "solutions" / "gru.ipynb", tmp_path / "solutions" / "gru.ipynb")
    proc = rnncourse("assign", "--exercises", read_only_folder(tmp_path), cwd=tmp_path)
    assert_one_line_error(proc, "cannot write into")


# ---- check: --part, --json ------------------------------------------------------------------------------------
def test_check_part_json_passes_one_part_of_a_half_done_notebook(tmp_path):
    nb = nbformat.read(ROOT / "exercises" / "gru.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "solutions" / "gru.ipynb", as_version=4)
    done = [c for c in solution.cells if c.cell_type == "code" and "def gru_cell_forward(" in c.source]
    blank = [c for c in nb.cells if c.cell_type == "code" and "def gru_cell_forward(" in c.source]
    assert len(done) == len(blank) == 1
    blank[0].source = done[0].source                           # the cell forward done, the rest blank
    nbformat.write(nb, tmp_path / "half.ipynb")
    ok = rnncourse("check", "half.ipynb", "--part", "gru_cell_forward", "--json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    report = json.loads(ok.stdout)
    assert report["passed"] and report["score"] == report["max_score"] == 20
    assert {t["part"] for t in report["tests"]} == {"gru_cell_forward"}
    failing = rnncourse("check", "half.ipynb", "--part", "gru_backward", "--json", cwd=tmp_path)
    assert failing.returncode == 1 and json.loads(failing.stdout)["score"] == 0
    nope = rnncourse("check", "half.ipynb", "--part", "nope", cwd=tmp_path)
    assert_one_line_error(nope, "no part 'nope'", "gru_cell_forward")


# ---- grade: refusal, exit codes, gradebook that never loses a row ----------------------------------------
def test_grade_refuses_when_the_sandbox_cannot_grade(subs, tmp_path):
    """A PYTHONPATH copy of the package (or a clone never installed): the child's isolated interpreter
    cannot run the copy, and every student would get 0. The grader must refuse, write nothing, exit 3."""
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "rnncourse", copy / "rnncourse", ignore=shutil.ignore_patterns("__pycache__", "*.npz"))
    proc = rnncourse("grade", subs, "--assignment", "gru", "--out", "o", "--secret-file", secret_file(tmp_path),
                     *LIMITS, cwd=tmp_path, env={"PYTHONPATH": str(copy)})
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "refusing to grade" in proc.stderr and "No grades were written" in proc.stderr
    assert not (tmp_path / "o" / "gradebook.csv").exists() and "ann" not in proc.stdout


def _grade(folder, assignment, out, secret, *extra):
    return rnncourse("grade", folder, "--assignment", assignment, "--out", out, "--secret-file", secret,
                     "--jobs", "2", *LIMITS, *extra, cwd=out.parent)


def _rows(out):
    return list(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """Three runs into one --out: gru for a class of two, then one student regraded (--fail-under),
    then another assignment (rnn-bptt) for one of them."""
    base = tmp_path_factory.mktemp("merge")
    secret = secret_file(base)
    gru, rnn = base / "gru-subs", base / "rnn-subs"
    for student, source in (("ann", "solutions"), ("bo", "exercises")):
        (gru / student).mkdir(parents=True)
        shutil.copy(ROOT / source / "gru.ipynb", gru / student / "gru.ipynb")
    (rnn / "ann").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "rnn-bptt.ipynb", rnn / "ann" / "rnn-bptt.ipynb")
    out = base / "grades"
    runs = [_grade(gru, "gru", out, secret)]
    first = _rows(out)
    runs.append(_grade(gru / "bo", "gru", out, secret, "--fail-under", "50"))
    runs.append(_grade(rnn, "rnn-bptt", out, secret))
    return out, runs, first


def test_regrading_one_student_keeps_the_others(merged):
    out, runs, first = merged
    assert runs[0].returncode == 0, runs[0].stdout + runs[0].stderr
    assert sorted((r["assignment"], r["student"]) for r in first) == [("gru", "ann"), ("gru", "bo")]
    rows = _rows(out)
    assert sorted((r["assignment"], r["student"]) for r in rows) == [("gru", "ann"), ("gru", "bo"), ("rnn-bptt", "ann")]
    assert {(r["assignment"], r["student"]): float(r["score"]) for r in rows} == {
        ("gru", "ann"): 100, ("gru", "bo"): 0, ("rnn-bptt", "ann"): 100}


def test_fail_under_exits_1_and_still_writes_the_reports(merged):
    out, runs, _ = merged
    assert runs[1].returncode == 1 and "below --fail-under 50: bo" in runs[1].stderr
    assert json.loads((out / "bo" / "gru" / "results.json").read_text())["score"] == 0


def test_each_assignment_keeps_its_own_results_per_student(merged):
    out, runs, _ = merged
    assert runs[2].returncode == 0, runs[2].stdout + runs[2].stderr
    assert json.loads((out / "ann" / "gru" / "results.json").read_text())["max_score"] == 100
    assert "rnn_cell_forward" in (out / "ann" / "rnn-bptt" / "feedback.md").read_text()
    assert "gru_cell_forward" in (out / "ann" / "gru" / "feedback.md").read_text()


def test_gradebook_has_path_and_notes_columns(merged):
    out, _, _ = merged
    rows = {(r["assignment"], r["student"]): r for r in _rows(out)}
    assert rows[("gru", "bo")]["path"].endswith(os.path.join("bo", "gru.ipynb"))
    assert "notes" in rows[("gru", "bo")]


def test_unicode_student_names_keep_their_letters(tmp_path):
    from rnncourse.grading import assignments
    from rnncourse.grading.grader import Result
    from rnncourse.grading.report import write_reports

    name = "Zoë Ångström – gru (final) 🚀"
    write_reports([Result(name, "gru")], str(tmp_path), assignments.get("gru"))
    folders = [p.name for p in tmp_path.iterdir() if p.is_dir()]
    assert folders == ["Zoë_Ångström_gru_final"], folders
    assert _rows(tmp_path)[0]["student"] == name


def test_classroom_template_has_one_step_per_part_with_its_points():
    import yaml

    from rnncourse.grading import assignments

    workflow = yaml.safe_load((ROOT / ".github" / "classroom" / "autograding.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if "autograding-command-grader" in s.get("uses", "")]
    spec = assignments.get("gru")
    assert [s["with"]["test-name"] for s in graders] == [p.name for p in spec.parts]
    for step, part in zip(graders, spec.parts):
        assert step["with"]["command"].endswith(f"--part {part.name}")
        assert step["with"]["max-score"] == part.points
    reporter = steps[-1]
    assert reporter["with"]["runners"].split(",") == [s["id"] for s in graders]


def test_check_of_another_assignments_notebook_is_one_line(tmp_path):
    shutil.copy(ROOT / "solutions" / "rnn-bptt.ipynb", tmp_path / "other.ipynb")
    proc = rnncourse("check", "other.ipynb", "--assignment", "gru", cwd=tmp_path)
    assert_one_line_error(proc, "is for assignment 'rnn-bptt', not 'gru'")


def test_grade_does_not_hang_when_the_math_libraries_may_start_threads(tmp_path):
    """`rnncourse grade` forks a worker per notebook after grading the reference solution in the parent. With
    OMP_NUM_THREADS unset, torch's OpenMP pool in the parent made the forked worker block for ever (seen with
    the captioning solution, a torch assignment, on 2 cores: killed after 60 s). The grader keeps its own math on
    one thread (rnncourse.grading.threads); here the variables the suite sets (conftest.py) are removed."""
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copy(ROOT / "solutions" / "captioning.ipynb", folder / "ann.ipynb")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    proc = subprocess.run([sys.executable, "-m", "rnncourse.cli", "grade", str(folder), "--assignment", "captioning",
                           "--out", str(tmp_path / "out"), "--secret-file", secret_file(tmp_path), "--jobs", "1"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads((tmp_path / "out" / "ann" / "results.json").read_text())["score"] == 100
