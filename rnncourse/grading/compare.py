"""Compare a student's arrays with the reference (parent side) and say precisely what is wrong.

The relative error is the course's one ``rel_error`` (rnncourse.scratch.gradcheck). This module is
parent side only (the grader, and ``selfcheck`` in the student's own kernel, which load the reference
anyway); no child-side module (runner, drivers, launcher, fence) imports it, and a test checks that
importing those loads neither rnncourse.scratch nor torch.
"""
from __future__ import annotations

import numpy as np

from ..scratch.gradcheck import rel_error


def compare(outputs: dict, expected: dict, rtol: float) -> list:
    """Return a list of problems (empty when everything matches), one readable line each."""
    problems = []
    for key, want in expected.items():
        if key not in outputs:
            problems.append(f"{key}: missing from your results")
            continue
        got = outputs[key]
        if got.shape != want.shape:
            problems.append(f"{key}: expected shape {tuple(want.shape)}, got {tuple(got.shape)}")
            continue
        if not np.all(np.isfinite(got)):
            bad = int(np.size(got) - np.count_nonzero(np.isfinite(got)))
            problems.append(f"{key}: {bad} of {got.size} entries are NaN or infinite")
            continue
        err = rel_error(got, want)
        if not err <= rtol:
            idx = np.unravel_index(int(np.argmax(np.abs(got - want))), want.shape) if want.size else ()
            problems.append(f"{key}: wrong values, relative error {err:.2e} (tolerance {rtol:.0e}); "
                            f"largest difference at index {tuple(int(i) for i in idx)}: "
                            f"expected {want[idx]:.6g}, got {got[idx]:.6g}")
    return problems
