"""The pytest route of grading: `pytest --rnncourse-assignment NAME DIR` against `rnncourse grade`.

One class, laid out as nbgrader lays it out (`submitted/<student>/<assignment>/<assignment>.ipynb`): the
solution (alice), the blank exercise (bob) and a solution whose `rnn_forward` drops its last step (carol).
The class is graded ONCE by each route (module-scoped fixtures: grading starts sandboxed children), and
the plugin's per-item points, read back from its JUnit XML, must add up to the gradebook's scores.
"""
import csv
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "rnn-bptt"
LIMITS = ["--load-timeout", "10", "--call-timeout", "3", "--wall-factor", "20", "--memory-mib", "2048"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def secret_file(folder, text="pytest-route-secret-5b8e2d7a1c9f3064"):    # strong enough for the grader (>= 64 bits)
    path = Path(folder) / "secret.txt"
    path.write_text(text + "\n")
    path.chmod(0o600)
    return str(path)


def _carol():
    nb = nbformat.read(ROOT / "solutions" / f"{ASSIGNMENT}.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "def rnn_forward(" in c.source]
    assert len(cells) == 1 and "return hs, cache" in cells[0].source, "update carol's edit"
    cells[0].source = cells[0].source.replace("return hs, cache", "return hs[:-1], cache")
    return nb


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    base = tmp_path_factory.mktemp("pytest-route")
    submitted = base / "submitted"
    for student, nb in (("alice", nbformat.read(ROOT / "solutions" / f"{ASSIGNMENT}.ipynb", as_version=4)),
                        ("bob", nbformat.read(ROOT / "exercises" / f"{ASSIGNMENT}.ipynb", as_version=4)),
                        ("carol", _carol())):
        folder = submitted / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    return base, submitted, secret_file(base)


@pytest.fixture(scope="module")
def cli_grades(klass):
    base, submitted, secret = klass
    out = base / "grades"
    proc = subprocess.run([sys.executable, "-m", "rnncourse.cli", "grade", str(submitted), "--assignment", ASSIGNMENT,
                           "--out", str(out), "--secret-file", secret, "--jobs", "2", *LIMITS],
                          capture_output=True, text=True, timeout=900, env=ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}


def run_pytest(args, cwd):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-q", *args],
                          capture_output=True, text=True, timeout=900, cwd=cwd, env=ENV)


def junit_items(path):
    """[(name, {property: value}, failed)] of every test case in a JUnit XML file."""
    items = []
    for case in ET.parse(path).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        items.append((case.get("name"), props, case.find("failure") is not None))
    return items


@pytest.fixture(scope="module")
def plugin_run(klass):
    base, submitted, secret = klass
    xml = base / "plugin.xml"
    proc = run_pytest(["--rnncourse-assignment", ASSIGNMENT, "--rnncourse-secret-file", secret, "--rnncourse-jobs", "2",
                       str(submitted), "--junitxml", str(xml)], cwd=base)
    return proc, junit_items(xml)


def test_students_are_named_by_their_nbgrader_folder(cli_grades):
    assert sorted(cli_grades) == ["alice", "bob", "carol"]


def test_plugin_items_carry_points_and_add_up_to_the_cli_scores(plugin_run, cli_grades):
    proc, items = plugin_run
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]       # bob and carol fail tests
    assert {props["student"] for _, props, _ in items} == {"alice", "bob", "carol"}
    for student, row in cli_grades.items():
        mine = [(name, props, failed) for name, props, failed in items if props["student"] == student]
        assert all(name.startswith(f"{student} / ") for name, _, _ in mine)
        assert any(props["hidden"] == "True" for _, props, _ in mine)            # the secret adds hidden tests
        assert sum(float(p["points"]) for _, p, _ in mine) == pytest.approx(float(row["score"]), abs=1e-4)
        assert sum(float(p["max_points"]) for _, p, _ in mine) == pytest.approx(float(row["max_score"]), abs=1e-4)
        for part in {p["part"] for _, p, _ in mine}:
            got = sum(float(p["points"]) for _, p, _ in mine if p["part"] == part)
            assert got == pytest.approx(float(row[part]), abs=1e-4), (student, part)
        for _, p, failed in mine:                                                 # failed <=> lost its points
            assert failed == (float(p["points"]) < float(p["max_points"]))
    assert float(cli_grades["alice"]["score"]) == 100 and float(cli_grades["bob"]["score"]) == 0
    assert 0 < float(cli_grades["carol"]["score"]) < 100


def test_plugin_k_selects_one_part_and_passes_when_it_passes(klass):
    base, submitted, _ = klass
    xml = base / "part.xml"
    proc = run_pytest(["--rnncourse-assignment", ASSIGNMENT, str(submitted / "alice"), "-k", "rnn_cell_forward",
                       "--junitxml", str(xml)], cwd=base)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    items = junit_items(xml)
    assert items and {props["part"] for _, props, _ in items} == {"rnn_cell_forward"}
    assert {props["student"] for _, props, _ in items} == {"alice"}
    assert all(props["hidden"] == "False" for _, props, _ in items)               # no secret: public tests only


def test_plugin_refuses_nbval_lax_alongside(klass):
    base, submitted, _ = klass
    proc = run_pytest(["--rnncourse-assignment", ASSIGNMENT, "--nbval-lax", str(submitted)], cwd=base)
    assert proc.returncode == 4 and "passed" not in proc.stdout              # a usage error, not a pass
    assert "drop --nbval-lax" in proc.stderr, proc.stderr


def test_plugin_does_nothing_and_imports_nothing_heavy_without_its_option(tmp_path):
    (tmp_path / "test_probe.py").write_text(
        "import sys\n"
        "def test_probe():\n"
        "    loaded = sorted(m for m in sys.modules if m.startswith(('rnncourse', 'torch')))\n"
        "    print('LOADED', loaded)\n"
        "    assert 'rnncourse.grading.pytest_plugin' in loaded   # the plugin is registered...\n"
        "    assert loaded == ['rnncourse', 'rnncourse.grading', 'rnncourse.grading.pytest_plugin']  # ...and light\n")
    nb = tmp_path / "note.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), nb)
    proc = run_pytest(["-s", str(tmp_path)], cwd=tmp_path)
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr    # the notebook: not an item


@pytest.mark.parametrize("args,message", [(["--rnncourse-assignment", "grux", "."], "unknown assignment 'grux'"),
                                          (["--rnncourse-assignment", ASSIGNMENT, "nope/"], "no such file or folder: nope/")])
def test_plugin_bad_input_is_a_usage_error(args, message, tmp_path):
    proc = run_pytest(args, cwd=tmp_path)
    assert proc.returncode == 4 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
