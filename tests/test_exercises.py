"""The exercise pipeline: exercises/ is generated from solutions/, blanks fail their self-checks with a
message, and `rnncourse check` tells a student what is wrong.

nbval itself runs every notebook in solutions/ and exercises/ as part of the suite (see pyproject.toml);
the tests here check what nbval cannot: that the exercises are in sync, that the blanks really are blank,
and that a broken solution would make nbval fail.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from rnncourse.grading.assign import BEGIN, END, STUB, assign, make_exercise

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
RNNCOURSE = [sys.executable, "-m", "rnncourse.cli"]


def test_there_are_solutions_and_each_has_an_exercise():
    assert len(SOLUTIONS) >= 2
    assert sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb")) == [p.name for p in SOLUTIONS]


def test_exercises_are_up_to_date_with_solutions():
    proc = subprocess.run([*RNNCOURSE, "assign", "--check"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr + "\nrun `rnncourse assign` and commit exercises/"


def test_assign_check_detects_a_stale_exercise(tmp_path):
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    edited = tmp_path / "solutions" / SOLUTIONS[0].name
    nb = json.loads(edited.read_text())
    nb["cells"][0]["source"] = "# An edited title\n"
    edited.write_text(json.dumps(nb))
    assert assign(tmp_path / "solutions", tmp_path / "exercises", check_only=True) == [SOLUTIONS[0].name]
    assert assign(tmp_path / "solutions", tmp_path / "exercises") == [SOLUTIONS[0].name]       # regenerates
    assert assign(tmp_path / "solutions", tmp_path / "exercises", check_only=True) == []


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_has_no_solution_code_and_no_outputs(solution):
    solution_nb = nbformat.read(solution, as_version=4)
    exercise_nb = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    assert exercise_nb.metadata["rnncourse"]["assignment"] == solution.stem
    blanks = 0
    for sol_cell, ex_cell in zip(solution_nb.cells, exercise_nb.cells, strict=True):
        if ex_cell.cell_type != "code":
            assert ex_cell.source == sol_cell.source
            continue
        assert BEGIN not in ex_cell.source and END not in ex_cell.source
        assert ex_cell.outputs == [] and ex_cell.execution_count is None
        blanks += ex_cell.source.count(STUB)
        # every line that was inside a solution block is gone from the exercise
        inside = False
        for line in sol_cell.source.splitlines():
            if line.strip() in (BEGIN, END):
                inside = line.strip() == BEGIN
            elif inside and line.strip() and not line.strip().startswith("#"):
                assert line not in ex_cell.source.splitlines(), f"solution line leaked: {line!r}"
        if "selfcheck" in ex_cell.metadata.get("tags", []):
            assert "raises-exception" in ex_cell.metadata["tags"]
    assert blanks >= 4


def test_make_exercise_keeps_indentation_and_tags_top_level_blanks():
    cell = nbformat.v4.new_code_cell(f"def f(x):\n    y = 1\n    {BEGIN}\n    return x + y\n    {END}\n\n{BEGIN}\nz = f(2)\n{END}")
    nb = make_exercise(nbformat.v4.new_notebook(cells=[cell]))
    source = nb["cells"][0]["source"]
    assert f"    {STUB}" in source and f"\n{STUB}" in source and "return x + y" not in source
    assert "raises-exception" in nb["cells"][0]["metadata"]["tags"]


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_blank_exercise_self_checks_fail_saying_what_to_do(solution):
    """Run the exercise as a student would; every self-check must fail, pointing at the blank."""
    nb = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(ROOT)}}).execute()
    checks = [c for c in nb.cells if "selfcheck" in c.metadata.get("tags", [])]
    assert checks
    for cell in checks:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert errors, f"self-check passed on a blank exercise: {cell.source}"
        assert errors[0].ename == "SelfCheckFailed"                 # an AssertionError shown as one message
        assert not any("selfcheck.py" in line for line in errors[0].traceback)
        shown = "".join(o.get("text", "") for o in cell.outputs) + errors[0].evalue
        assert "NotImplementedError" in shown and "Your code here" in shown, shown


def test_nbval_fails_a_solution_whose_self_check_fails(tmp_path):
    """The nbval run in this suite is not a formality: a wrong solution makes it fail."""
    nb = nbformat.read(ROOT / "solutions" / "rnn-bptt.ipynb", as_version=4)
    for cell in nb.cells:
        if "def rnn_cell_forward(" in cell.source:
            cell.source = cell.source.replace("return h_next, cache", "return h_next * 1.001, cache")
    nbformat.write(nb, tmp_path / "broken.ipynb")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                           "-o", "addopts=", str(tmp_path / "broken.ipynb")], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout
    assert "relative error" in proc.stdout and "failed" in proc.stdout


def _check(notebook, *extra):
    return subprocess.run([*RNNCOURSE, "check", str(notebook), *extra], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_check_passes_the_solution(solution, repo_check):
    proc = repo_check("solutions", solution.name)             # run once per test run, shared with test_package.py
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[FAIL]" not in proc.stdout and "[PASS]" in proc.stdout
    assert "hidden" not in proc.stdout.split("public tests:")[0]          # students see public tests only


def test_check_on_the_blank_exercise_fails_every_part_and_says_why(repo_check):
    proc = repo_check("exercises", "rnn-bptt.ipynb")
    assert proc.returncode == 1
    assert "[PASS]" not in proc.stdout and "public tests: 0 /" in proc.stdout
    assert proc.stdout.count("NotImplementedError") >= 5


def test_check_says_which_shape_and_which_gradient_is_wrong(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / "rnn-bptt.ipynb", as_version=4)
    for cell in nb.cells:
        if "def rnn_forward(" in cell.source:
            cell.source = cell.source.replace("return hs, cache", "return hs[:-1], cache")
        if "def rnn_cell_backward(" in cell.source:
            cell.source = cell.source.replace('"bias_hh": da.sum(axis=0),', '"bias_hh": 2 * da.sum(axis=0),')
    path = tmp_path / "mine.ipynb"
    nbformat.write(nb, path)
    proc = _check(path)
    assert proc.returncode == 1
    assert "expected shape (6, 3, 5), got (5, 3, 5)" in proc.stdout
    assert "dbias_hh: wrong values, relative error" in proc.stdout
    assert "[PASS] rnn_cell_forward" in proc.stdout


def test_check_explains_a_notebook_it_cannot_read(tmp_path):
    path = tmp_path / "garbage.ipynb"
    path.write_text("not json")
    proc = _check(path)
    assert proc.returncode == 2 and "cannot read" in proc.stderr and "Traceback" not in proc.stdout + proc.stderr
