"""Say what went wrong in the student's words (parent side, after grading; scores are never changed here).

``polish(result, assignment, path)`` rewrites a graded Result's messages:

* cell numbers as Jupyter shows them after Run All (the grader counts only the cells it runs, so its
  ``<cell 4>`` can be Jupyter's ``[6]``), and a note about a cell names the graded functions it defines
  (an error inside a call names the function it was raised in);
* a refused import (torch, matplotlib, ...: under Landlock the child cannot read them) named as such,
  instead of a PermissionError holding the grader's paths; a test that then fails with a NameError says
  why;
* a failed test of a part that runs another graded function first (a backward runs the student's forward
  to get its cache; a sequence function calls the student's cell function) says so, and names that
  part when it failed its own tests: "fix that part first; this one may be right". Functions the part's
  tests are fed the reference's values for (``Part.fed``) are not named: they cannot have caused it.

The call graph is read from the submission's own source (``ast``, never executed), so it names only the
calls the student's code really makes.
"""
from __future__ import annotations

import ast
import re
import sys

_REFUSED = re.compile(r"PermissionError: \[Errno 13\] Permission denied: '[^']*?/(?:site|dist)-packages/([A-Za-z0-9_]+)[/.][^']*'")
_CELL_NOTE = re.compile(r"^cell (\d+):")
_CELL_REF = re.compile(r"<cell (\d+)>")


def _graded_cell_numbers(path) -> list:
    """Jupyter's number (1-based among all code cells) of each cell the grader runs, in order."""
    from .notebook import NotebookError, load_notebook

    try:
        nb = load_notebook(path)      # the grader's caps: a hostile file costs no more here than there
        numbers, k = [], 0
        for cell in nb["cells"]:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            k += 1
            meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
            if "selfcheck" not in (meta.get("tags") or []):
                numbers.append(k)
        return numbers
    except (NotebookError, KeyError, TypeError):
        return []


def _renumber(text: str, numbers: list, pattern, template: str) -> str:
    def sub(m):
        k = int(m.group(1))
        return template.format(numbers[k - 1]) if 1 <= k <= len(numbers) else m.group(0)
    return pattern.sub(sub, text)


def _refused_import(note: str):
    m = _REFUSED.search(note)
    return m.group(1) if m else None


def _hide_paths(text: str) -> str:
    for prefix in sorted({sys.prefix, sys.base_prefix, sys.exec_prefix}, key=len, reverse=True):
        if prefix and prefix != "/":
            text = text.replace(prefix, "<python>")
    return text


def calls(cells: list, functions, closure: bool = True) -> dict:
    """{graded function: graded functions it calls, directly or (``closure``) through each other}, from the
    source."""
    functions = set(functions)
    direct = {f: set() for f in functions}
    for source in cells:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in functions:
                direct[node.name] = {c.func.id for c in ast.walk(node) if isinstance(c, ast.Call)
                                     and isinstance(c.func, ast.Name) and c.func.id in functions - {node.name}}
    if not closure:
        return direct
    reach = {}
    for f in functions:
        seen, todo = set(), list(direct[f])
        while todo:
            g = todo.pop()
            if g not in seen:
                seen.add(g)
                todo += direct.get(g, ())
        reach[f] = seen
    return reach


def _defines(cells: list, k: int, functions) -> list:
    """The graded functions the grader's k-th cell (1-based) defines, from its source."""
    try:
        tree = ast.parse(cells[k - 1]) if 1 <= k <= len(cells) else None
    except (SyntaxError, ValueError):
        return []
    return [n.name for n in (tree.body if tree else []) if isinstance(n, ast.FunctionDef) and n.name in functions]


def depends_on(assignment, cells: list) -> dict:
    """{part name: [earlier graded functions its tests run besides the part's own]}: the functions the part's
    driver calls (Part.functions, e.g. the forward before a backward) and those they call in this notebook."""
    direct = calls(cells, assignment.functions, closure=False)
    out = {}
    for part in assignment.parts:
        fed = set(getattr(part, "fed", ()))
        used, todo = set(), [f for f in part.functions if f not in fed]
        while todo:                        # what the part's functions call, not through a fed function
            f = todo.pop()
            if f not in used:
                used.add(f)
                todo += [g for g in direct.get(f, ()) if g not in fed]
        others = [f for f in assignment.functions if f in used and f != part.name]
        if others:
            out[part.name] = others
    return out


def polish(result, assignment, path):
    """Rewrite ``result``'s notes and test outputs as described in the module docstring; return it."""
    from .notebook import NotebookError, read_submission

    numbers = _graded_cell_numbers(path)
    try:
        cells = read_submission(path).cells
    except NotebookError:
        cells = []
    refused = {}
    notes = []
    for note in result.notes:
        module = _refused_import(note)
        m = _CELL_NOTE.match(note)
        defined = _defines(cells, int(m.group(1)), assignment.functions) if m else []
        if module and m:
            cell = numbers[int(m.group(1)) - 1] if 1 <= int(m.group(1)) <= len(numbers) else m.group(1)
            refused[module] = cell
            note = (f"cell [{cell}]: `import {module}` is not available while grading (graded cells may use only "
                    f"NumPy and the standard library); use NumPy. The rest of that cell did not run, so functions "
                    f"defined after the import in that cell are missing: put imports of {module} in a cell of "
                    f"their own (or remove them) before you hand in.")
        else:
            note = _renumber(note, numbers, _CELL_NOTE, "cell [{}]:")
        if defined:                      # which graded function(s) that cell holds, so which parts it costs
            note = note.replace(":", f" (which defines {', '.join(f'`{f}`' for f in defined)}):", 1)
        notes.append(_hide_paths(note))
    result.notes = notes
    deps = depends_on(assignment, cells) if cells else {}
    part_of = {p.name: p.name for p in assignment.parts}
    failed_parts = {t.part for t in result.tests if t.score < t.max_score}
    for t in result.tests:
        text = _hide_paths(_renumber(t.output, numbers, _CELL_REF, "cell [{}]"))
        if t.score < t.max_score:
            if refused and ("NameError" in text or "is not defined" in text):
                text += ("\n(That name is missing because a cell stopped at a refused import: "
                         + ", ".join(f"`{m}` in cell [{c}]" for m, c in refused.items()) + "; see the notes.)")
            runs_first = deps.get(t.part, [])
            broken = [f for f in runs_first if part_of.get(f) in failed_parts]
            if broken:
                text += ("\nThis test runs your " + ", ".join(f"`{f}`" for f in broken) + " first, and "
                         + ("that part" if len(broken) == 1 else "those parts") + " failed " +
                         ("its" if len(broken) == 1 else "their") + " own tests: fix "
                         + ("it" if len(broken) == 1 else "them") + f" first; your `{t.part}` may be right.")
            elif runs_first:
                text += "\n(This test also runs your " + ", ".join(f"`{f}`" for f in runs_first) + ".)"
        t.output = text
    return result
