"""The pytest entry point of the grader (registered under ``pytest11`` as ``rnncourse``).

    pytest --rnncourse-assignment gru submissions/ [--rnncourse-secret-file FILE] [--junitxml grades.xml]

Each submitted notebook x part x test becomes one pytest item, named ``student / part / test`` (students
named as ``rnncourse grade`` names them), with its points in ``user_properties`` (``points`` earned,
``max_points``, ``student``, ``part``, ``hidden``), which ``--junitxml`` writes as ``<property>``
elements. The notebooks are graded by the same sandboxed grader as ``rnncourse grade`` — the reference
solution first (``canary``), then every notebook once, in parallel — and each item reports its test's
verdict. ``-k NAME`` selects parts (or students); pytest exits non-zero when any test fails.

Without ``--rnncourse-secret-file`` only the public tests run, on the public inputs (what
``rnncourse check`` runs); with it, the hidden tests too, with the secret's inputs.

This module is loaded by every pytest run in an environment where rnncourse is installed, so it imports
nothing but pytest and the standard library at import time and does nothing unless the option is given.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

_STATE = pytest.StashKey()


def pytest_addoption(parser):
    group = parser.getgroup("rnncourse", "grading rnncourse notebooks (docs/grading.md)")
    group.addoption("--rnncourse-assignment", metavar="NAME", default=None,
                    help="grade the .ipynb files given (files or folders) as assignment NAME: one item per "
                         "student, part and test")
    group.addoption("--rnncourse-secret-file", metavar="FILE", default=None,
                    help="the grading secret (as for `rnncourse grade`): adds the hidden tests")
    group.addoption("--rnncourse-jobs", metavar="N", type=int, default=0,
                    help="notebooks graded in parallel (default: number of cores)")
    group.addoption("--rnncourse-solution", metavar="NOTEBOOK", default=None,
                    help="the reference solution graded first (default: solutions/NAME.ipynb beside the package)")


class _State:
    """What the plugin knows in one session: the assignment, secret, and every notebook's Result."""

    def __init__(self, config):
        from . import assignments
        from .names import collect, student_names
        from .sandbox import Limits
        from .secret import SecretError, read_secret

        name = config.getoption("rnncourse_assignment")
        try:
            self.assignment = assignments.get(name)
        except KeyError as exc:
            raise pytest.UsageError(str(exc.args[0])) from None
        secret_file = config.getoption("rnncourse_secret_file")
        try:
            secret = read_secret(secret_file, self.assignment.name) if secret_file else None
        except SecretError as exc:
            raise pytest.UsageError(str(exc)) from None
        self.hidden = secret is not None
        if not self.hidden:                 # public tests only: the assignment without its hidden tests
            self.assignment = public_only(self.assignment)
        self.secret = secret or "public"
        self.limits = Limits()
        self.jobs = config.getoption("rnncourse_jobs") or os.cpu_count() or 1
        self.solution = config.getoption("rnncourse_solution")
        missing = [a for a in config.args if not Path(a.split("::")[0]).exists()]
        if missing:
            raise pytest.UsageError(f"no such file or folder: {', '.join(missing)}")
        found = collect([a.split("::")[0] for a in config.args])
        self.names = {str(p.resolve()): s for (p, _), s in zip(found, student_names(found, self.assignment.name))}
        self.results: dict | None = None
        self.wanted: list = []

    def student(self, path: Path) -> str:
        return self.names.get(str(path.resolve()), path.stem)

    def result(self, path: Path):
        """The Result of the notebook at ``path``; the first call grades every notebook with a selected item."""
        if self.results is None:
            from .canary import sandbox_problem
            from .sandbox import clean_up_after_killed_graders
            from .workers import grade_all

            problem = sandbox_problem(self.assignment, self.secret, self.limits, self.solution)
            if problem:
                pytest.exit(problem, returncode=3)
            clean_up_after_killed_graders()
            jobs = [{"path": str(p), "student": self.student(p), "assignment": self.assignment, "secret": self.secret,
                     "limits": self.limits} for p in self.wanted]
            from .feedback import polish

            graded = [polish(r, self.assignment, p) for r, p in zip(grade_all(jobs, min(self.jobs, len(jobs))),
                                                                     self.wanted)]
            self.results = {str(p.resolve()): r for p, r in zip(self.wanted, graded)}
        return self.results[str(path.resolve())]


def public_only(assignment):
    """``assignment`` with its hidden tests left out (each part keeps its points, over its public tests)."""
    from dataclasses import replace

    return replace(assignment, parts=tuple(replace(p, tests=tuple(t for t in p.tests if not t.hidden))
                                           for p in assignment.parts))


def pytest_configure(config):
    if not config.getoption("rnncourse_assignment", None):
        return
    if config.getoption("nbval", False) or config.getoption("nbval_lax", False):
        raise pytest.UsageError(
            "--rnncourse-assignment and --nbval/--nbval-lax both collect the notebooks; nbval passes a notebook "
            "whose functions are wrong (its self-checks are tagged raises-exception), so drop --nbval-lax "
            "(in this repository: -o addopts='')")
    from .threads import one_math_thread

    one_math_thread()               # too late if torch is already imported: the workers then set one thread
    config.stash[_STATE] = _State(config)


def pytest_collect_file(file_path, parent):
    state = parent.config.stash.get(_STATE, None)
    if state is not None and file_path.suffix == ".ipynb":
        return Submission.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(session, config, items):
    state = config.stash.get(_STATE, None)
    if state is not None:
        paths = []
        for item in items:
            if isinstance(item, GradedTest) and item.path not in paths:
                paths.append(item.path)
        state.wanted = paths


class Submission(pytest.File):
    """One submitted notebook: an item per test of the assignment's plan."""

    def collect(self):
        from .grader import plan
        from .spec import test_id

        state = self.config.stash[_STATE]
        student = state.student(self.path)
        for part, test, points in plan(state.assignment, include_hidden=state.hidden):
            yield GradedTest.from_parent(self, name=f"{student} / {part.name} / {test.name}", student=student,
                                         part=part.name, test=test_id(part.name, test.name), points=points,
                                         hidden=test.hidden)


class GradedTestFailure(Exception):
    pass


class GradedTest(pytest.Item):
    def __init__(self, *, student, part, test, points, hidden, **kwargs):
        super().__init__(**kwargs)
        self.student, self.part, self.test, self.points, self.hidden = student, part, test, points, hidden
        self.keywords[part] = True
        self.user_properties += [("student", student), ("part", part), ("max_points", round(points, 6)),
                                 ("hidden", hidden)]

    def runtest(self):
        result = self.config.stash[_STATE].result(self.path)
        verdict = next(t for t in result.tests if t.name == self.test)
        self.user_properties.append(("points", round(verdict.score, 6)))
        if verdict.score < verdict.max_score:
            notes = "".join(f"\nnote: {n}" for n in result.notes)
            raise GradedTestFailure(f"{verdict.output}{notes}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, GradedTestFailure):
            return f"{self.student}: {self.test} (0/{self.points:g} points)\n{excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.student}: {self.test}"
