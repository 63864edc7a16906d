"""What an assignment is, as data the grader can run.

An assignment has parts (a function or a group of functions worth some points). Each part has tests;
a test names a *driver* (a child-side function in ``drivers.py`` that calls the student's code), makes
its inputs from a seed (parent side), and computes the expected outputs with a reference (parent side).
A part's points are split evenly across its tests; a test scores all or nothing.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Test:
    name: str
    driver: str                                   # name of a function in rnncourse.grading.drivers
    make_inputs: Callable[[int], dict]            # seed -> {name: float64 array or int}
    reference: Callable[[dict], dict]             # inputs -> {output name: float64 array}
    hidden: bool = False
    rtol: float = 1e-6                            # tolerance on rel_error (max-abs scaled), see compare.py
    # A verdict other than "equals the reference": check(outputs, inputs, expected) -> list of problems, run
    # in the grader (a statistical test of random draws, say). The reference still gives the outputs' names
    # and shapes (it bounds what the grader reads). None: compare.compare(outputs, expected, rtol).
    check: Callable[[dict, dict, dict], list] | None = None


@dataclass(frozen=True)
class Part:
    name: str
    points: float
    functions: tuple                              # student functions this part grades
    tests: tuple
    # Earlier graded functions whose reference values this part's tests feed (a cache given as arrays, or
    # their answers sealed for the calls a right function makes: grading/replay.py), so that a mistake in
    # them does not cost this part. Feedback does not blame them for this part's failures.
    fed: tuple = ()


@dataclass(frozen=True)
class Assignment:
    name: str                                     # e.g. "rnn-bptt"; also notebook metadata rnncourse.assignment
    title: str
    parts: tuple
    forbidden_modules: tuple = ("rnncourse.scratch", "rnncourse.torch", "torch")

    @property
    def max_score(self) -> float:
        return float(sum(p.points for p in self.parts))

    @property
    def functions(self) -> tuple:
        seen = []
        for p in self.parts:
            seen += [f for f in p.functions if f not in seen]
        return tuple(seen)


def test_id(part: str, test: str) -> str:
    """The one name of a test, everywhere: feedback, results.json, and the seed (``test_seed``)."""
    return f"{part}: {test}"


def test_seed(secret: str, assignment: str, test: str, submission: str = "") -> int:
    """The seed of one test: a hash of the grader's secret, the test's name and the submission's digest
    (``notebook.Submission.digest``; empty for ``rnncourse check``).

    Fixed for a given secret and notebook (two grading runs give identical inputs and scores),
    unpredictable to a student who does not know the secret, and different for any other notebook: inputs
    a notebook saw (and printed in an error message) do not come back when it is resubmitted changed.
    ``rnncourse check`` uses the public secret "public".
    """
    digest = hashlib.sha256(f"{secret}\0{assignment}\0{test}\0{submission}".encode()).digest()
    return int.from_bytes(digest[:8], "little") % 2**63
