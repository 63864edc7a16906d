"""The cost-marker check (tests/cost_markers.py) fails what it must and nothing else.

A throwaway pytest run, in a folder of its own, loads the plugin and runs four tests under a CPU limit of
0.5 s: one burning 1 s of CPU unmarked (must fail, naming its CPU time), the same marked slow (passes), one
sleeping 1.5 s (wall time only: passes, as a test slowed by a busy machine must), and one whose child
process burns 1 s (the child's CPU counts: must fail). A fifth run checks where the markers land.
"""
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

BURN = "import time\ndef burn(seconds):\n    end = time.process_time() + seconds\n    while time.process_time() < end:\n        pass\n"
SUBJECT = BURN + '''
import subprocess, sys, pytest

def test_burns_unmarked():
    burn(1.0)

@pytest.mark.slow
def test_burns_marked_slow():
    burn(1.0)

def test_sleeps():
    time.sleep(1.5)

def test_child_burns():
    subprocess.run([sys.executable, "-c", "import time\\nend = time.process_time() + 1\\nwhile time.process_time() < end: pass"], check=True)
'''


def _pytest(folder, *args, limit="0.5"):
    env = {**os.environ, "PYTHONPATH": str(TESTS), "RNNCOURSE_UNMARKED_CPU_LIMIT": limit,
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}                   # only this plugin: a quick start-up
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "cost_markers", "-p", "no:cacheprovider", "-rA",
                           "-o", "addopts=", *args], capture_output=True, text=True, cwd=folder, env=env, timeout=300)


def test_an_unmarked_test_over_the_cpu_limit_fails_and_a_sleeping_one_does_not(tmp_path):
    (tmp_path / "test_subject.py").write_text(SUBJECT)
    proc = _pytest(tmp_path, "test_subject.py")
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "FAILED test_subject.py::test_burns_unmarked" in out, out
    assert "FAILED test_subject.py::test_child_burns" in out, out
    assert "PASSED test_subject.py::test_burns_marked_slow" in out, out
    assert "PASSED test_subject.py::test_sleeps" in out, out
    assert "is not marked slow but used 1." in out and "s of CPU (limit 0.5 s" in out, out


def test_a_bad_limit_is_refused_with_what_was_expected(tmp_path):
    (tmp_path / "test_subject.py").write_text("def test_nothing():\n    pass\n")
    proc = _pytest(tmp_path, "test_subject.py", limit="ten")
    assert proc.returncode != 0
    assert "RNNCOURSE_UNMARKED_CPU_LIMIT must be a number of CPU seconds, got 'ten'" in proc.stdout + proc.stderr


def test_markers_follow_the_file(tmp_path):
    expected = {"test_claims_x.py": ["claims", "slow"], "test_grading.py": ["pipeline", "slow"], "test_plain.py": []}
    for path in expected:
        (tmp_path / path).write_text(
            "def test_it(request):\n"
            "    names = {m.name for m in request.node.iter_markers()}\n"
            "    print('MARKERS', request.node.path.name, sorted(names & {'slow', 'claims', 'pipeline', 'book', 'notebook', 'browser'}))\n")
    proc = _pytest(tmp_path, *expected, "-s")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for path, markers in expected.items():
        assert f"MARKERS {path} {markers}" in proc.stdout, proc.stdout


def test_costly_work_comes_first_and_a_file_stays_on_one_worker_unless_it_spreads(tmp_path):
    """The collection order puts claims before cheap tests (the scheduler hands work out in that order); under
    --dist loadgroup a file's tests run on one worker, the book files' tests on one worker together, and a
    file of SPREAD_FILES test by test. Worker assignment of spread tests is up to timing, so a spread file's
    tests are checked only to have run."""
    record = tmp_path / "record"
    body = ("import os, time\n\ndef test_{k}(request):\n"
            "    time.sleep(0.05)\n"
            f"    with open({str(record)!r}, 'a') as f:\n"
            "        f.write(f\"{{request.node.path.name}} {{os.environ.get('PYTEST_XDIST_WORKER')}}\\n\")\n")
    files = ["tests/test_a_plain.py", "tests/test_claims_deep.py", "tests/test_claims_adding.py",
             "tests/test_book.py", "tests/test_captions.py"]
    (tmp_path / "tests").mkdir()
    for name in files:
        (tmp_path / name).write_text("".join(body.format(k=k) for k in range(4)))
    order = _pytest(tmp_path, *files, "--collect-only", "-q")
    listed = [line.split("::")[0] for line in order.stdout.splitlines() if "::" in line]
    assert listed == [f for f in files if "claims" in f for _ in range(4)] + \
        [f for f in files if "claims" not in f for _ in range(4)], order.stdout     # claims first, then the rest
    proc = _pytest(tmp_path, *files, "-p", "xdist", "-n", "2", "--dist", "loadgroup")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line.split() for line in record.read_text().splitlines()]
    assert len(lines) == 20, lines
    workers = {name: {w for n, w in lines if n == name} for name, _ in lines}
    assert all(len(workers[n]) == 1 for n in ("test_a_plain.py", "test_claims_deep.py")), workers
    assert workers["test_book.py"] == workers["test_captions.py"] and len(workers["test_book.py"]) == 1, workers
    assert sum(n == "test_claims_adding.py" for n, _ in lines) == 4


def test_work_units_follow_the_files():
    import cost_markers

    assert cost_markers.work_unit("tests/test_site.py::test_x[book/index]") == "book"
    assert cost_markers.work_unit("tests/test_book.py::test_y") == "book"
    assert cost_markers.work_unit("tests/test_claims_deep.py::test_z[0]") == "tests/test_claims_deep.py"
    assert cost_markers.work_unit("solutions/gru.ipynb::Cell 3") == "solutions/gru.ipynb"
    spread = "tests/test_claims_adding.py::test_lstm_chapter_t100_over_four_seeds[2]"
    assert cost_markers.work_unit(spread) == spread
    assert all((cost_markers.ROOT / f).is_file() for f in cost_markers.SPREAD_FILES | cost_markers.BOOK_FILES)
