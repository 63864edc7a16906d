import os

# `make test` runs two pytest-xdist workers on two cores. NumPy's BLAS (OpenBLAS) and torch would each
# start a second thread per worker and oversubscribe the cores: on the suite's small matrices the extra
# threads only spin. Measured: tests/test_claims_deep.py took 145 s of CPU with the default threads and
# 81 s with one, in the same wall time. Set before NumPy or torch is imported; inherited by the book build.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from filelock import FileLock  # noqa: E402

# Make tests/torch_reference.py (and test_book's helpers) importable as plain modules.
sys.path.insert(0, os.path.dirname(__file__))

# The cost markers and the 10-second CPU rule are applied by the root conftest.py (tests/cost_markers.py).

ROOT = Path(__file__).resolve().parents[1]


def _shared_dir(tmp_path_factory, worker_id) -> Path:
    """A folder every pytest-xdist worker of this run sees (the master's base temp without xdist)."""
    return tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent


@pytest.fixture(scope="session")
def repo_check(tmp_path_factory, worker_id):
    """``repo_check("solutions" | "exercises", "name.ipynb")``: `rnncourse check` of a graded notebook of this
    repository, run ONCE per test run and shared by every test that needs it (test_exercises.py and the
    in-repository side of test_package.py), across xdist workers (a file lock and a JSON record per notebook).
    Returns a subprocess.CompletedProcess (args, returncode, stdout, stderr)."""
    shared = _shared_dir(tmp_path_factory, worker_id) / "repo-checks"
    shared.mkdir(exist_ok=True)

    def check(kind: str, name: str) -> subprocess.CompletedProcess:
        if kind not in ("solutions", "exercises") or not (ROOT / kind / name).is_file():
            raise ValueError(f"repo_check expects ('solutions' | 'exercises', a notebook there), got {(kind, name)!r}")
        record = shared / f"{kind}-{name}.json"
        with FileLock(str(record) + ".lock"):
            if not record.exists():
                proc = subprocess.run([sys.executable, "-m", "rnncourse.cli", "check", f"{kind}/{name}"],
                                      capture_output=True, text=True, cwd=ROOT, timeout=900)
                record.write_text(json.dumps([proc.args, proc.returncode, proc.stdout, proc.stderr]))
        return subprocess.CompletedProcess(*json.loads(record.read_text()))

    return check


@pytest.fixture(scope="session")
def repo_grade(tmp_path_factory, worker_id):
    """``repo_grade(assignment)``: `rnncourse grade` of this repository's unmodified ``solutions/<a>.ipynb`` and
    ``exercises/<a>.ipynb``, the two in ONE grade run, run ONCE per test run and shared, across xdist workers (a
    file lock and a JSON record per assignment, as ``repo_check``), by every test that needs the unmodified
    notebooks' grades: test_grading.py's full-marks-and-zero test and the mistake batches (test_grading*.py),
    which check their correct control from here instead of grading the solution again. Graded as those tests
    grade: test_grading.py's ``LIMITS`` (the tightest any of them uses) and a secret file of mode 0600.

    Returns {"returncode", "output" (the grader's stdout and stderr), "solution", "exercise"}; the last two are
    {"results": results.json as a dict, "feedback": feedback.md's text}, or None if the run wrote none."""
    from test_grading import LIMITS, RNNCOURSE, secret_file

    shared = _shared_dir(tmp_path_factory, worker_id) / "repo-grades"
    shared.mkdir(exist_ok=True)

    def grade(assignment: str) -> dict:
        notebooks = {"solution": ROOT / "solutions" / f"{assignment}.ipynb", "exercise": ROOT / "exercises" / f"{assignment}.ipynb"}
        if not all(p.is_file() for p in notebooks.values()):
            raise ValueError(f"repo_grade expects an assignment with a solution and an exercise, got {assignment!r}")
        record = shared / f"{assignment}.json"
        with FileLock(str(record) + ".lock"):
            if not record.exists():
                work = shared / assignment
                folder, out = work / "submissions", work / "out"
                folder.mkdir(parents=True)
                for student, path in notebooks.items():
                    (folder / f"{student}.ipynb").write_bytes(path.read_bytes())
                proc = subprocess.run([*RNNCOURSE, "grade", str(folder), "--assignment", assignment, "--out", str(out),
                                       "--secret-file", secret_file(work, "another-secret-e81b57d2a4c9063f"), *LIMITS],
                                      capture_output=True, text=True, cwd=ROOT, timeout=900)
                graded = {"returncode": proc.returncode, "output": proc.stdout + proc.stderr}
                for student in notebooks:
                    results, feedback = out / student / "results.json", out / student / "feedback.md"
                    graded[student] = ({"results": json.loads(results.read_text()), "feedback": feedback.read_text()}
                                       if results.is_file() and feedback.is_file() else None)
                record.write_text(json.dumps(graded))
        return json.loads(record.read_text())

    return grade


@pytest.fixture(scope="session")
def html_dir(tmp_path_factory, worker_id):
    """The book, built ONCE per test run with every chapter executed, -W, --all, into a temporary folder.

    Under pytest-xdist every worker asks for it: the first builds while holding a lock, the others wait
    and reuse its output (two builds at once would double the CPU and race on the execution cache).
    The execution cache (_build/.jupyter_cache) is shared with `make book`, so unchanged chapters are
    not executed again. RNNCOURSE_BUILT_BOOK=_build/html tests the book `make book` already built instead
    (for a developer iterating on the book tests; nothing sets it in `make test`). The timeout is for a machine many times slower than an idle 2-core one.
    """
    prebuilt = os.environ.get("RNNCOURSE_BUILT_BOOK")
    if prebuilt:                  # a developer's shortcut after `make book`; `make test` and CI always build
        html = Path(prebuilt).resolve()
        if not (html / "book" / "index.html").is_file():
            pytest.fail(f"RNNCOURSE_BUILT_BOOK should name a built book's html folder (with book/index.html), got {prebuilt!r}")
        return html
    shared = _shared_dir(tmp_path_factory, worker_id)
    out, done = shared / "book", shared / "book.done"
    with FileLock(str(shared / "book.lock")):
        if not done.exists():
            jb = Path(sys.executable).parent / "jupyter-book"
            proc = subprocess.run([str(jb), "build", str(ROOT), "--path-output", str(out), "--all", "-W", "--keep-going"],
                                  capture_output=True, text=True, timeout=3600,
                                  env={**os.environ, "RNNCOURSE_PROGRESS": "0"})
            done.write_text(str(proc.returncode) + "\n" + proc.stdout[-6000:] + "\n" + proc.stderr[-3000:])
    code, _, log = done.read_text().partition("\n")
    if code != "0":
        pytest.fail(f"book build failed (exit {code}):\n{log}")
    return out / "_build" / "html"
