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


class AssignError(Exception):
    """A problem with the folders or a solution notebook, said in one line naming the fix."""


def _exercises(solutions_dir) -> list:
    """[(solution path, exercise text)] for every solution, all read and converted before anything is written."""
    folder = Path(solutions_dir)
    if not folder.is_dir():
        raise AssignError(f"no {solutions_dir}/ folder here: run `rnncourse assign` in the course repository "
                          f"(or pass --solutions FOLDER)")
    solutions = sorted(folder.glob("*.ipynb"))
    if not solutions:
        raise AssignError(f"{solutions_dir}/ holds no notebooks (.ipynb): nothing to generate")
    made = []
    for sol in solutions:
        try:
            made.append((sol, render(make_exercise(json.loads(sol.read_text(encoding="utf-8"))))))
        except (OSError, UnicodeDecodeError) as exc:
            raise AssignError(f"cannot read {sol}: {exc}; nothing was written") from None
        except json.JSONDecodeError as exc:
            raise AssignError(f"{sol} is not valid notebook JSON ({exc.msg} at line {exc.lineno}); fix it and rerun "
                              f"(nothing was written)") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AssignError(f"{sol} is not a notebook assign can convert ({exc}); nothing was written") from None
    return made


def assign(solutions_dir="solutions", exercises_dir="exercises", check_only=False) -> list:
    """Write (or, with check_only, compare) every exercise; return the names that are out of date.
    AssignError (one line) when a folder or a solution is unusable, before anything is written."""
    made = _exercises(solutions_dir)
    target_dir = Path(exercises_dir)
    stale = []
    for sol, text in made:
        target = target_dir / sol.name
        try:
            same = target.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            stale.append(sol.name)
    if check_only or not stale:
        return stale
    try:
        target_dir.mkdir(exist_ok=True)
        probe = target_dir / ".rnncourse-write-probe"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise AssignError(f"cannot write into {exercises_dir}/ ({exc.strerror}); make it writable "
                          f"(nothing was written)") from None
    for sol, text in made:
        if sol.name in stale:
            (target_dir / sol.name).write_text(text, encoding="utf-8")
    return stale
