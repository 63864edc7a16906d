"""Read a submitted notebook defensively and pick the cells the grader runs.

Every code cell runs except those tagged ``selfcheck`` (they call the reference implementation through
``rnncourse.grading.selfcheck`` for the student's benefit, and the grader must not load the reference
into the student's process). IPython magics and shell escapes (lines starting with % or !) are dropped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

SELFCHECK_TAG = "selfcheck"
METADATA_KEY = "rnncourse"


class NotebookError(Exception):
    pass


@dataclass
class Submission:
    assignment: str | None     # from notebook metadata, if present
    cells: list                # sources of the code cells the grader runs


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def read_submission(path) -> Submission:
    """Parse a notebook file; NotebookError with a readable reason for anything that is not one."""
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
    except UnicodeDecodeError:
        raise NotebookError("the file is not UTF-8 text, so it is not a notebook") from None
    except json.JSONDecodeError as exc:
        raise NotebookError(f"the file is not valid notebook JSON ({exc.msg} at line {exc.lineno})") from None
    except OSError as exc:
        raise NotebookError(f"the file could not be read ({exc.strerror})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError("the file is JSON but not a notebook (no list of cells)")
    meta = nb.get("metadata", {}) if isinstance(nb.get("metadata"), dict) else {}
    ours = meta.get(METADATA_KEY, {}) if isinstance(meta.get(METADATA_KEY), dict) else {}
    cells = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        tags = (cell.get("metadata") or {}).get("tags", []) if isinstance(cell.get("metadata"), dict) else []
        if SELFCHECK_TAG in tags:
            continue
        lines = [ln for ln in _source(cell).splitlines() if not ln.lstrip().startswith(("%", "!"))]
        cells.append("\n".join(lines))
    assignment = ours.get("assignment")
    return Submission(assignment if isinstance(assignment, str) else None, cells)
