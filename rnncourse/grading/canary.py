"""Refuse to grade when the sandbox cannot: grade a notebook whose score is known before a class.

A grader that cannot start its child (``python -m rnncourse.cli`` from a clone that was never installed,
a ``PYTHONPATH`` copy the child's isolated interpreter cannot see, a sandbox the machine refuses) would
otherwise give every student 0 and blame their notebook. So before grading anyone, the reference
solution (``solutions/<assignment>.ipynb`` next to the package, or the one given) is graded in the same
sandbox, with the same secret and limits; anything but full marks stops the run. Where no solution is at
hand (a wheel install, Gradescope), a one-cell notebook must load in the sandbox instead.
"""
from __future__ import annotations

from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


def reference_solution(assignment: str, given: str | None = None):
    """The solution notebook to grade first: ``given``, else solutions/<assignment>.ipynb beside the
    package (a clone or an editable install), else None."""
    if given:
        return Path(given)
    path = SOLUTIONS / f"{assignment}.ipynb"
    return path if path.is_file() else None


def _first_failure(result) -> str:
    failed = [t for t in result.tests if t.score < t.max_score]
    detail = failed[0].output.strip().splitlines()[0] if failed and failed[0].output.strip() else ""
    where = f"{failed[0].name}: {detail}" if failed else ""
    return "; ".join([*result.notes[:2], where]).strip("; ")


def sandbox_problem(assignment, secret: str, limits, solution: str | None = None) -> str | None:
    """None when the sandbox grades correctly here; else one sentence saying what went wrong and what to do."""
    from .grader import grade_notebook
    from .sandbox import Child, ChildError

    fix = ("install the package the grader runs from (`pip install -e .` in a clone, or the wheel) and run "
           "`rnncourse grade` without PYTHONPATH; see docs/grading.md")
    path = reference_solution(assignment.name, solution)
    if path is not None:
        result = grade_notebook(str(path), assignment, "reference solution", secret=secret, include_hidden=True,
                                limits=limits)
        if result.score == result.max_score:
            return None
        return (f"refusing to grade: the reference solution {path} scores {result.score:g} / {result.max_score:g} "
                f"in this grader's sandbox ({_first_failure(result)}), so every student would lose marks for "
                f"the grader's fault; {fix}")
    child = None
    try:
        child = Child(["canary = 1"], assignment.forbidden_modules, limits)
        info = child.load()
    except (ChildError, OSError) as exc:
        return f"refusing to grade: the sandbox cannot run even a one-line notebook ({exc}); {fix}"
    finally:
        if child is not None:
            child.kill()
    if info["cell_errors"]:
        return (f"refusing to grade: a one-line notebook fails in the sandbox "
                f"({info['cell_errors'][0].get('error')}); {fix}")
    return None
