"""Grade one notebook (parent side): static checks, fenced runs, trusted comparisons, scores.

Run All policy: every cell runs once, in order, in one namespace, as Jupyter's Run All would run it
except that a failing cell does not stop the notebook. A cell that fails — raises, calls ``sys.exit()``,
ends its process (``os._exit``, a crash, a kill) or never finishes (it uses up the load limit) — is
reported and skipped, and the next cell runs (after a cell ended the process or timed out, a fresh child
runs the notebook again without that cell). So a cell that sometimes crashes and sometimes runs out of
time (unbounded recursion) gets the same verdict either way. After ``MAX_LOAD_TIMEOUTS`` cells timed out
the notebook stops: every test fails with that reason (one notebook costs at most that many load limits).

Each test's seed mixes the grader's secret with a hash of the submission's cells (``spec.test_seed``):
the same notebook gets the same inputs run after run, and inputs a notebook learnt (from a hidden test's
call, printed in a later public test's error) are of no use to any other notebook.

The child then serves calls. When a call times out or the child dies, that test fails with the reason,
the child is killed, and the next test runs in a fresh child, so one hang or crash costs only the tests
it touches. Every verdict is computed here, against references computed here, from inputs made here.
"""
from __future__ import annotations

import traceback
from dataclasses import asdict, dataclass, field

from .compare import compare
from .notebook import NotebookError, read_submission
from .sandbox import Child, ChildError, Limits
from .spec import Assignment, test_id, test_seed
from .static import check_sources

REDACTED = "[redacted]"
MAX_LOAD_TIMEOUTS = 1


@dataclass
class TestResult:
    name: str
    part: str
    score: float
    max_score: float
    output: str
    hidden: bool


@dataclass
class Result:
    student: str
    assignment: str
    tests: list = field(default_factory=list)
    notes: list = field(default_factory=list)           # notebook-level messages (cell errors, ...)
    protections: dict = field(default_factory=dict)     # what held around the child (see sandbox.unenforced)

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(score=self.score, max_score=self.max_score)
        return d


def plan(assignment: Assignment, include_hidden: bool = True) -> list:
    """[(part, test, points)]: a part's points split evenly over the tests that are run."""
    out = []
    for part in assignment.parts:
        tests = [t for t in part.tests if include_hidden or not t.hidden]
        out += [(part, test, part.points / len(tests)) for test in tests]
    return out


def _result(part, test, points, score, message) -> TestResult:
    return TestResult(test_id(part.name, test.name), part.name, score, points, message, test.hidden)


class _Session:
    """The child of one notebook, restarted after a crash; applies the Run All policy at load."""

    def __init__(self, cells, assignment, limits):
        self.cells, self.assignment, self.limits = cells, assignment, limits
        self.child, self.load_info, self.load_failure, self.skip = None, None, None, {}
        self.protections: dict = {}
        self.timeouts = 0

    def ensure(self) -> None:
        """A loaded child, or ``load_failure`` set."""
        while self.child is None and self.load_failure is None:
            child = Child(self.cells, self.assignment.forbidden_modules, self.limits, self.skip)
            try:
                self.load_info = child.load()
                self.child = child
                self.protections = child.protections        # what held around a child that loaded
            except BaseException as exc:
                if not isinstance(exc, ChildError):          # SystemExit (SIGTERM): no child left behind
                    child.kill()
                    raise
                child.kill()
                self.protections = self.protections or child.protections
                cell = child.current_cell
                self.timeouts += exc.kind == "timeout"
                if exc.kind in ("died", "timeout") and cell is not None and cell not in self.skip \
                        and self.timeouts <= MAX_LOAD_TIMEOUTS:
                    what = "did not finish in time" if exc.kind == "timeout" else "ended the notebook's process"
                    self.skip[cell] = f"this cell {what} ({exc}); it was skipped"
                else:
                    self.load_failure = (f"Your notebook did not finish running: {exc}" +
                                         (" (an infinite loop at top level?)" if exc.kind == "timeout" else ""))

    def call(self, test, inputs, seed, expected) -> dict:
        try:
            return self.child.call(test.driver, inputs, seed, expected)
        except ChildError as exc:
            self.close()
            hint = " (an infinite loop?)" if exc.kind == "timeout" else ""
            kind = "protocol error: " if exc.kind == "protocol" else ""
            return {"ok": False, "error": f"{kind}{exc} while running this test{hint}", "crashed": True}

    def close(self) -> None:
        if self.child is not None:
            self.child.kill()
            self.child = None


def _read(path, assignment):
    """(submission, None) or (None, reason every test fails)."""
    try:
        submission = read_submission(path)
    except NotebookError as exc:
        return None, f"Not graded: {exc}."
    if submission.assignment and submission.assignment != assignment.name:
        return None, (f"Not graded: this notebook is for assignment {submission.assignment!r}, "
                      f"not {assignment.name!r}. Did you submit the right file?")
    return submission, None


def _grade_test(session, part, test, points, flagged, secret, assignment, digest="") -> TestResult:
    bad = [f for f in part.functions if f in flagged]
    if bad:
        return _result(part, test, points, 0.0, "; ".join(
            f"`{f}` may not use the reference implementation: {flagged[f]}" for f in bad))
    session.ensure()
    if session.load_failure:
        return _result(part, test, points, 0.0, session.load_failure)
    if session.load_info["forbidden_loaded"]:
        return _result(part, test, points, 0.0, f"Your notebook loaded {', '.join(session.load_info['forbidden_loaded'])}, "
                       f"which graded code may not use (only cells tagged 'selfcheck' may).")
    seed = test_seed(secret, assignment.name, test_id(part.name, test.name), digest)
    inputs = test.make_inputs(seed)
    expected = test.reference(inputs)
    reply = session.call(test, inputs, seed, expected)
    if reply.get("forbidden_loaded"):
        session.load_info["forbidden_loaded"] = reply["forbidden_loaded"]
    if reply.get("crashed"):
        return _result(part, test, points, 0.0, reply["error"])
    if not reply["ok"]:
        return _result(part, test, points, 0.0, f"Your code raised an error: {reply['error']}")
    problems = (test.check(reply["outputs"], inputs, expected) if test.check
                else compare(reply["outputs"], expected, test.rtol))
    return _result(part, test, points, points if not problems else 0.0, "Passed." if not problems else "\n".join(problems))


def _redact(result: Result, secret: str) -> Result:
    """Nothing the child said reaches feedback with the secret in it (``rnncourse check`` uses the public
    secret "public", which is no secret)."""
    if secret and secret != "public":
        for t in result.tests:
            t.output = t.output.replace(secret, REDACTED)
        result.notes = [n.replace(secret, REDACTED) for n in result.notes]
    return result


def grade_notebook(path, assignment: Assignment, student: str, secret: str = "public", include_hidden: bool = True,
                   limits: Limits | None = None, done: dict | None = None, on_test=None) -> Result:
    """Grade one submission. Never raises for anything the notebook contains.

    ``done`` maps test ids to results already known (from a grader worker that died): those tests are not
    rerun. ``on_test(TestResult)`` is called as each test is graded."""
    result, done = Result(student, assignment.name), done or {}
    tests = plan(assignment, include_hidden)
    submission, failure = _read(path, assignment)
    if failure:
        result.tests = [_result(p, t, pts, 0.0, failure) for p, t, pts in tests]
        return result
    session = _Session(submission.cells, assignment, limits or Limits())
    try:
        flagged, syntax_errors = check_sources(submission.cells, assignment.functions, assignment.forbidden_modules)
        result.notes += syntax_errors
        for part, test, points in tests:
            known = done.get(test_id(part.name, test.name))
            graded = known or _grade_test(session, part, test, points, flagged, secret, assignment, submission.digest)
            result.tests.append(graded)
            if on_test and not known:
                on_test(graded)
    except Exception:  # a bug in the grader itself: keep what was graded, say so loudly
        result.notes.append("INTERNAL GRADER ERROR (please report):\n" + traceback.format_exc(limit=5))
        graded_ids = {t.name for t in result.tests}
        result.tests += [_result(p, t, pts, 0.0, "Not graded (internal grader error).") for p, t, pts in tests
                         if test_id(p.name, t.name) not in graded_ids]
    finally:
        session.close()
    if session.load_info:
        result.notes += [f"cell {e.get('cell')}: {e.get('error')}" for e in session.load_info["cell_errors"]
                         if not str(e.get("error")).startswith("SyntaxError")]     # those are in syntax_errors
    result.protections = session.protections
    return _redact(result, secret)
