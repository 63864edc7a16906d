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
