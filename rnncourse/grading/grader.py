"""Grade one notebook (parent side): static checks, sandboxed runs, trusted comparisons, scores.

The child runs the notebook once and then serves calls. When a call times out or the child dies, that
test fails with the reason, the child is killed, and the next test runs in a fresh child, so one hang or
crash costs only the tests it touches. A notebook that cannot even be loaded fails every test with the
same reason. Every verdict is computed here, against references computed here, from inputs made here.
"""
from __future__ import annotations

import traceback
from dataclasses import asdict, dataclass, field

from .compare import compare
from .notebook import NotebookError, read_submission
from .sandbox import Child, ChildError, Limits
from .spec import Assignment, test_seed
from .static import check_sources


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
    notes: list = field(default_factory=list)     # notebook-level messages (cell errors, ...)

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


def _tests(assignment: Assignment, include_hidden: bool):
    for part in assignment.parts:
        tests = [t for t in part.tests if include_hidden or not t.hidden]
        all_tests = part.tests if include_hidden else [t for t in part.tests if not t.hidden]
        for test in tests:
            yield part, test, part.points / len(all_tests)


def grade_notebook(path, assignment: Assignment, student: str, secret: str = "public", include_hidden: bool = True,
                   limits: Limits | None = None) -> Result:
    """Grade one submission. Never raises for anything the notebook contains."""
    limits = limits or Limits()
    result = Result(student, assignment.name)
    plan = list(_tests(assignment, include_hidden))

    def fail_all(message: str):
        for part, test, points in plan:
            result.tests.append(TestResult(f"{part.name}: {test.name}", part.name, 0.0, points, message, test.hidden))
        return result

    try:
        submission = read_submission(path)
    except NotebookError as exc:
        return fail_all(f"Not graded: {exc}.")
    if submission.assignment and submission.assignment != assignment.name:
        return fail_all(f"Not graded: this notebook is for assignment {submission.assignment!r}, "
                        f"not {assignment.name!r}. Did you submit the right file?")
    flagged, syntax_errors = check_sources(submission.cells, assignment.functions, assignment.forbidden_modules)
    result.notes += syntax_errors

    child, load_info, load_failure = None, None, None
    try:
        for part, test, points in plan:
            name = f"{part.name}: {test.name}"
            record = lambda score, message: result.tests.append(  # noqa: E731
                TestResult(name, part.name, score, points, message, test.hidden))
            bad = [f for f in part.functions if f in flagged]
            if bad:
                record(0.0, "; ".join(f"`{f}` may not use the reference implementation: {flagged[f]}" for f in bad))
                continue
            if load_failure:
                record(0.0, load_failure)
                continue
            if child is None:
                child = Child(submission.cells, assignment.forbidden_modules, limits)
                try:
                    load_info = child.load()
                except ChildError as exc:
                    load_failure = (f"Your notebook did not finish running: {exc}" +
                                    (" (an infinite loop at top level?)" if exc.kind == "timeout" else ""))
                    child.kill()
                    child = None
                    record(0.0, load_failure)
                    continue
                if not result.notes or not any(n.startswith("cell ") for n in result.notes[len(syntax_errors):]):
                    result.notes += [f"cell {e['cell']}: {e['error']}" for e in load_info["cell_errors"]
                                     if isinstance(e, dict)]
            if load_info["forbidden_loaded"]:
                record(0.0, f"Your notebook loaded {', '.join(load_info['forbidden_loaded'])}, which graded "
                            f"code may not use (only cells tagged 'selfcheck' may).")
                continue
            seed = test_seed(secret, assignment.name, name)
            inputs = test.make_inputs(seed)
            expected = test.reference(inputs)
            try:
                reply = child.call(test.driver, inputs, seed)
            except ChildError as exc:
                record(0.0, f"{exc} while running this test" + (" (an infinite loop?)" if exc.kind == "timeout" else ""))
                child.kill()
                child = None
                continue
            if reply["forbidden_loaded"]:
                load_info["forbidden_loaded"] = reply["forbidden_loaded"]
            if not reply["ok"]:
                record(0.0, f"Your code raised an error: {reply['error']}")
                continue
            problems = compare(reply["outputs"], expected, test.rtol)
            record(points if not problems else 0.0, "Passed." if not problems else "\n".join(problems))
    except Exception:  # a bug in the grader itself: keep what was graded, say so loudly
        result.notes.append("INTERNAL GRADER ERROR (please report):\n" + traceback.format_exc(limit=5))
        graded = {t.name for t in result.tests}
        for part, test, points in plan:
            name = f"{part.name}: {test.name}"
            if name not in graded:
                result.tests.append(TestResult(name, part.name, 0.0, points, "Not graded (internal grader error).", test.hidden))
    finally:
        if child is not None:
            child.kill()
    return result
