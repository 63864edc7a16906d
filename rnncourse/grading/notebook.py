"""Read a submitted notebook defensively and pick the cells the grader runs.

Every code cell runs except those tagged ``selfcheck`` (they call the reference implementation through
``rnncourse.grading.selfcheck`` for the student's benefit, and the grader must not load the reference
into the student's process). IPython magics and shell escapes (a line starting with ``%`` or ``!``) are
dropped only where a statement starts: a cell that is valid Python is kept exactly as it is (a line of
black-formatted code may start with ``%`` or ``!=`` inside brackets), and in one that is not, a line is
dropped only outside brackets, strings and backslash continuations.

Whatever the JSON holds (deep nesting, a ``source`` that is not text, tags that are not a list of
strings, a huge file), the reader either returns the cells or raises NotebookError with a reason: the
file's size (``MAX_NOTEBOOK_BYTES``) is checked before it is parsed, its number of cells
(``MAX_CELLS``) before any cell is looked at.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import stat
from dataclasses import dataclass

SELFCHECK_TAG = "selfcheck"
METADATA_KEY = "rnncourse"
MAX_NOTEBOOK_BYTES = 32 << 20      # a notebook with its figures is a few MiB
MAX_CELLS = 2000


class NotebookError(Exception):
    pass


@dataclass
class Submission:
    assignment: str | None     # from notebook metadata, if present
    cells: list                # sources of the code cells the grader runs

    @property
    def digest(self) -> str:
        """sha256 of the cells the grader runs: the same for the same notebook, run after run."""
        return hashlib.sha256(json.dumps(self.cells).encode("utf-8", "surrogatepass")).hexdigest()


def _source(cell) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        return "".join(s if isinstance(s, str) else "" for s in src)
    return src if isinstance(src, str) else ""


def _tags(cell) -> list:
    meta = cell.get("metadata")
    tags = meta.get("tags", []) if isinstance(meta, dict) else []
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


class _Scanner:
    """Whether a line starts a statement: tracks brackets, strings and backslash continuations, line by line."""

    def __init__(self):
        self.depth, self.quote, self.continued = 0, None, False

    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        i, n, self.continued = 0, len(line), False
        while i < n:
            ch = line[i]
            if self.quote:
                if ch == "\\":
                    i += 2
                    continue
                if line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                    continue
                i += 1
                continue
            if ch == "#":
                break
            if ch in "'\"":
                triple = line[i:i + 3]
                self.quote = triple if triple in ("'''", '"""') else ch
                i += len(self.quote)
                continue
            if ch in "([{":
                self.depth += 1
            elif ch in ")]}":
                self.depth = max(0, self.depth - 1)
            elif ch == "\\" and i == n - 1:
                self.continued = True
            i += 1
        if self.quote in ("'", '"'):    # an unterminated one-line string ends with its line
            self.quote = None


def drop_magics(source: str) -> str:
    """``source`` without the lines that are IPython magics or shell escapes at the start of a statement."""
    try:
        ast.parse(source)
        return source                  # valid Python: no line of it is a magic
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    kept, scanner = [], _Scanner()
    for line in source.splitlines():
        if scanner.at_statement_start() and line.lstrip().startswith(("%", "!")):
            continue
        scanner.feed(line)
        kept.append(line)
    return "\n".join(kept)


def load_notebook(path) -> dict:
    """The notebook's JSON, read within the caps (size, cells, nesting); NotebookError says what is wrong.

    Every reader of a submission in the grader's process goes through here, so no notebook can cost the
    grader more memory or time than the caps allow."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise NotebookError("the file is not a regular file, so it is not a notebook")
            if info.st_size > MAX_NOTEBOOK_BYTES:
                raise NotebookError(f"the file is {info.st_size / 2**20:.0f} MiB; a notebook may be at most "
                                    f"{MAX_NOTEBOOK_BYTES >> 20} MiB (clear its outputs)")
            raw = f.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as exc:
        raise NotebookError(f"the file could not be read ({exc.strerror})") from None
    if len(raw) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"the file is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB")
    if raw.count(b'"cell_type"') > MAX_CELLS:
        raise NotebookError(f"the notebook has more than {MAX_CELLS} cells")
    try:
        nb = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookError("the file is not UTF-8 text, so it is not a notebook") from None
    except json.JSONDecodeError as exc:
        raise NotebookError(f"the file is not valid notebook JSON ({exc.msg} at line {exc.lineno})") from None
    except (RecursionError, MemoryError, ValueError):
        raise NotebookError("the file is not a notebook (its JSON is nested too deeply or too large)") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError("the file is JSON but not a notebook (no list of cells)")
    if len(nb["cells"]) > MAX_CELLS:
        raise NotebookError(f"the notebook has {len(nb['cells'])} cells; at most {MAX_CELLS} are graded")
    return nb


def read_submission(path) -> Submission:
    """Parse a notebook file; NotebookError with a readable reason for anything that is not one."""
    nb = load_notebook(path)
    meta = nb.get("metadata", {}) if isinstance(nb.get("metadata"), dict) else {}
    ours = meta.get(METADATA_KEY, {}) if isinstance(meta.get(METADATA_KEY), dict) else {}
    cells = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or SELFCHECK_TAG in _tags(cell):
            continue
        cells.append(drop_magics(_source(cell)))
    assignment = ours.get("assignment")
    return Submission(assignment if isinstance(assignment, str) else None, cells)
