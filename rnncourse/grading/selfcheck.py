"""In-notebook self-checks for students: run the public tests of one part in the student's own kernel.

Used only by cells tagged ``selfcheck`` (the grader skips those cells). Imports the assignment specs
lazily, so importing this module does not load the reference implementations.
"""
from __future__ import annotations

import traceback
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parents[1])


def _describe(exc: BaseException) -> str:
    """'NotImplementedError: ... (raised at line 7: `raise ...`)', pointing into the student's code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(_PACKAGE)]
    where = ""
    if frames and frames[-1].line:
        inside = f" of `{frames[-1].name}`" if frames[-1].name != "<module>" else ""
        where = f" (raised at line {frames[-1].lineno}{inside}: `{frames[-1].line}`)"
    return f"your code raised {type(exc).__name__}: {exc}{where}"


class SelfCheckFailed(AssertionError):
    """A failing self-check. Jupyter (IPython) shows its message alone, not a traceback into this library:
    the lines printed above it already say which test failed and why."""

    def _render_traceback_(self):
        return [f"SelfCheckFailed: {line}" if i == 0 else f"    {line}" for i, line in enumerate(str(self).splitlines())]


def check(assignment: str, part: str, namespace: dict) -> None:
    """Run the public tests of ``part`` on the functions in ``namespace`` (pass ``globals()``).

    Prints one line per test; raises SelfCheckFailed (an AssertionError) listing what is wrong if any test fails.
    """
    from . import assignments, drivers
    from .compare import compare
    from .spec import test_id, test_seed

    spec = assignments.get(assignment)
    matching = [p for p in spec.parts if p.name == part]
    if not matching:
        raise ValueError(f"{assignment} has no part {part!r}; parts: {[p.name for p in spec.parts]}")
    failures = []
    for test in (t for t in matching[0].tests if not t.hidden):
        seed = test_seed("public", spec.name, test_id(part, test.name))
        inputs = test.make_inputs(seed)
        try:
            outputs = drivers.run(test.driver, namespace, inputs)
        except drivers.DriverError as exc:
            message = str(exc)
        except Exception as exc:  # the student's own code failed: say where, keep checking
            message = _describe(exc)
        else:
            message = None
        if message is not None:
            failures.append(f"{test.name}: {message}")
            print(f"FAIL {part} {test.name}: {message}")
            continue
        expected = test.reference(inputs)
        problems = test.check(outputs, inputs, expected) if test.check else compare(outputs, expected, test.rtol)
        print(f"{'PASS' if not problems else 'FAIL'} {part} {test.name}" + "".join(f"\n     {p}" for p in problems))
        failures += [f"{test.name}: {p}" for p in problems]
    if failures:
        raise SelfCheckFailed(f"{part}: {len(failures)} problem(s):\n" + "\n".join(failures))
