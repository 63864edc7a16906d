"""Markers that say what a test costs, applied in one place, and a check that keeps them true.

Imported by the root conftest.py (its hooks become conftest hooks for the whole repository); tests/test_cost_markers.py loads it as a
plugin (``-p cost_markers``) into a throwaway pytest run to show that the check fails what it must.

The markers are registered, with what each means, in pyproject.toml. The tiers (CONTRIBUTING.md, "Test tiers"):

- ``slow``: excluded from the fast tier (``make check`` = ``pytest -m "not slow"``). Everything below is
  slow, plus any test marked ``slow`` by hand.
- ``claims``: ``tests/test_claims_*.py``, the chapters' seed studies retrained.
- ``notebook``: nbval's cells of ``solutions/*.ipynb`` and ``exercises/*.ipynb``.
- ``book``: a test that needs the built book (the ``html_dir`` fixture, one jupyter-book build).
- ``browser``: headless Chromium over the built book.
- ``pipeline``: real ``rnncourse grade``/``check`` subprocesses, sandboxed children, the wheel and a venv.

The check: a test NOT marked ``slow`` that spends more than ``RNNCOURSE_UNMARKED_CPU_LIMIT`` seconds
(default 10) of CPU in setup + call fails, saying how much it spent and asking for the marker. It counts
CPU time, never wall time: CPU time of this process (all its threads) plus that of the child processes
it waited for (a kernel, an ``rnncourse`` subprocess). A machine busy with other work slows the wall
clock of a test, not the CPU the test itself burns, so the check tells a slow test from a hostile
machine; the wall time is printed beside it for the reader.

``RNNCOURSE_CPU_REPORT=FILE`` appends one line per test (node id, CPU seconds, wall seconds of setup + call,
tab-separated) to FILE, marked or not: where the suite's CPU goes, measured the same way on a busy machine.
"""
import os
import resource
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT_VARIABLE = "RNNCOURSE_UNMARKED_CPU_LIMIT"
DEFAULT_LIMIT = 10.0


# Whole files whose tests are pipelines: every test in them starts subprocess graders, kernels or a venv.
PIPELINE_FILES = {
    "test_grading.py", "test_grading_captioning.py", "test_grading_char_lm.py", "test_grading_deep.py",
    "test_grading_seq2seq.py", "test_grading_parts.py", "test_grader_hostile.py", "test_grader_pid_namespace.py",
    "test_grader_gradescope.py", "test_package.py", "test_exercises.py", "test_grader_hardening.py",
    "test_grading_cli.py", "test_grading_pytest.py", "test_downloads.py",
}
# Tests of a pipeline file that run in-process in well under a second (nothing to spawn).
PIPELINE_FILE_EXCEPTIONS = {
    "test_exercises.py::test_there_are_solutions_and_each_has_an_exercise",
    "test_exercises.py::test_exercise_has_no_solution_code_and_no_outputs",
    "test_exercises.py::test_make_exercise_keeps_indentation_and_tags_top_level_blanks",
    "test_exercises.py::test_assign_check_detects_a_stale_exercise",
}


def cost_markers(item) -> set[str]:
    """The cost markers an item gets from where it lives and what it uses (beside any it carries)."""
    path = Path(str(item.path)).resolve()
    name = path.name
    found = set()
    if name.startswith("test_claims_"):
        found.add("claims")
    if path.suffix == ".ipynb" and path.parent.name in ("solutions", "exercises"):
        found.add("notebook")
    if "html_dir" in getattr(item, "fixturenames", ()):
        found.add("book")
    if name in PIPELINE_FILES and f"{name}::{getattr(item, 'originalname', item.name)}" not in PIPELINE_FILE_EXCEPTIONS:
        found.add("pipeline")
    if item.get_closest_marker("browser"):
        found.add("browser")
    return found


def pytest_configure(config):
    cpu_limit()                           # a malformed limit stops the run at the start, saying why


# How `make test` spreads the work over pytest-xdist's workers (``--dist loadgroup``, with the scheduler of
# pytest_xdist_make_scheduler below):
#
# - Order: longest first. The one book build (about 2.5 minutes on one core) starts at once, the seed
#   studies next, and the many cheap tests come last, to fill the gaps at the end. Left to itself, xdist
#   orders files by their number of tests, which put the single-test claim files (a minute or more each)
#   at the very end of the run while the other worker sat idle.
# - Units: a file's tests run on one worker, as with ``--dist loadfile`` (a notebook's cells share one kernel;
#   module fixtures and functools.cache studies are computed once), except
#   - BOOK_FILES: every test that needs the built book, as one unit, so that only one worker waits for it;
#   - SPREAD_FILES: files whose tests share no computed state (each trains its own seeds), whose tests go
#     one by one to whichever worker is free.
WORK_ORDER = ("book", "claims", "pipeline", "notebook")
BOOK_FILES = {"tests/test_book.py", "tests/test_site.py", "tests/test_captions.py"}
SPREAD_FILES = {"tests/test_claims_adding.py", "tests/test_claims_lstm_variants.py", "tests/test_claims_training.py",
                "tests/test_claims_language.py", "tests/test_claims_signals.py", "tests/test_claims_dynamical.py"}


def pytest_collection_modifyitems(config, items):
    rank = {}
    for item in items:
        markers = cost_markers(item)
        for name in sorted(markers - {m.name for m in item.iter_markers()}):
            item.add_marker(name)
        if markers and not item.get_closest_marker("slow"):
            item.add_marker("slow")
        rank[item] = next((k for k, name in enumerate(WORK_ORDER) if name in markers), len(WORK_ORDER))
    items.sort(key=rank.__getitem__)                   # stable: the collection order within each class


def work_unit(nodeid: str) -> str:
    """The unit of work one pytest-xdist worker runs whole, for a test's node id (see BOOK_FILES, SPREAD_FILES)."""
    path = nodeid.split("::", 1)[0]
    if path in BOOK_FILES:
        return "book"
    return nodeid if path in SPREAD_FILES else path


@pytest.hookimpl(optionalhook=True)      # a pytest-xdist hook: unknown, and unused, without xdist
def pytest_xdist_make_scheduler(config, log):
    """Under ``--dist loadgroup``: xdist's scope scheduler with :func:`work_unit` as the scope and the collection
    order kept. (xdist 3.8's own loadgroup reads ``xdist_group`` marks through ``item._nodeid``, which pytest
    9.2 no longer uses: it silently spread every test. This scheduler does not depend on it.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CostScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False
    return CostScheduling(config, log)


def _cpu_seconds() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def cpu_limit() -> float:
    value = os.environ.get(LIMIT_VARIABLE, "")
    try:
        return float(value) if value else DEFAULT_LIMIT
    except ValueError:
        raise pytest.UsageError(f"{LIMIT_VARIABLE} must be a number of CPU seconds, got {value!r}") from None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    item._cost_start = (_cpu_seconds(), time.monotonic())
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cpu0, wall0 = getattr(item, "_cost_start", (None, None))
    if call.when != "call" or cpu0 is None:
        return
    cpu, wall, limit = _cpu_seconds() - cpu0, time.monotonic() - wall0, cpu_limit()
    cpu_report = os.environ.get("RNNCOURSE_CPU_REPORT")
    if cpu_report:
        with open(cpu_report, "a") as out:
            out.write(f"{item.nodeid}\t{cpu:.2f}\t{wall:.2f}\n")
    if not report.passed or item.get_closest_marker("slow"):
        return
    if cpu > limit:
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} is not marked slow but used {cpu:.1f} s of CPU (limit {limit:g} s; wall clock "
            f"{wall:.1f} s, which a busy machine inflates and this check ignores). Make it cheaper, or mark it "
            f"@pytest.mark.slow (or add its file to tests/cost_markers.py) so that it leaves the fast tier.")
