"""One thread for the grader's own math: set before NumPy or torch is imported (no imports here)."""
from __future__ import annotations

import os


def one_math_thread() -> None:
    """Keep the grader's own NumPy/torch math on one thread: call before they are imported.

    The parent forks a worker per notebook (``grade_all``). torch's OpenMP (libgomp) thread pool is not
    fork-safe: a worker forked after the parent's first multi-threaded torch operation (the reference
    solution graded in the parent, :mod:`.canary`) blocks for ever at its own first one. Measured: `rnncourse
    grade` of the captioning solution hung with these variables unset on a 2-core machine. The grader's
    arithmetic is small, and the students' notebooks already run on one thread (the sandbox's own environment,
    :mod:`.sandbox`)."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
