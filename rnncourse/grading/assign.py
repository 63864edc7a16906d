"""Generate student notebooks (exercises/) from solution notebooks (solutions/).

In every code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are replaced by
``raise NotImplementedError(...)`` at the same indentation. Outputs and execution counts are cleared.
Cells that will raise when run unchanged — self-checks, and cells with a solution block at top level —
are tagged ``raises-exception`` so nbval and Jupyter Book accept them.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = 'raise NotImplementedError("Your code here: replace this line with your implementation.")'


def strip_solutions(source: str) -> tuple[str, bool]:
    """Return (exercise source, whether a solution block sat at top level)."""
    out, inside, top_level = [], False, False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError("nested ### BEGIN SOLUTION")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            top_level = top_level or indent == ""
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}{STUB}")
        elif stripped == END:
            if not inside:
                raise ValueError("### END SOLUTION without BEGIN")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("### BEGIN SOLUTION without END")
    return "\n".join(out), top_level


def make_exercise(solution: dict) -> dict:
    nb = copy.deepcopy(solution)
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        new_source, top_level = strip_solutions(source)
        cell["source"] = new_source
        cell["outputs"], cell["execution_count"] = [], None
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if (top_level or "selfcheck" in tags) and "raises-exception" not in tags:
            tags.append("raises-exception")
    return nb


def render(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def assign(solutions_dir="solutions", exercises_dir="exercises", check_only=False) -> list:
    """Write (or, with check_only, compare) every exercise; return the names that are out of date."""
    stale = []
    Path(exercises_dir).mkdir(exist_ok=True)
    for sol in sorted(Path(solutions_dir).glob("*.ipynb")):
        text = render(make_exercise(json.loads(sol.read_text(encoding="utf-8"))))
        target = Path(exercises_dir) / sol.name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(sol.name)
            if not check_only:
                target.write_text(text, encoding="utf-8")
    return stale
