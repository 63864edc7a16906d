"""Static checks of the notebook source, done in the parent (the child could lie; the source cannot).

A graded function is flagged when its body — or any notebook function it calls, transitively — uses a
name bound by an import of a forbidden module (``import rnncourse.scratch as s``, ``from rnncourse import
scratch``, ``from torch import autograd`` ...), imports one itself, or reaches for dynamic import or code
execution (``__import__``, ``importlib``, ``exec``, ``eval``, ``compile``). What this cannot see —
obfuscated imports at run time — the runtime check in the child reports (``forbidden_loaded``).
The rule is on imports, not on text: a docstring or string that names ``torch.`` is not flagged.

Nothing in the source can crash the check: a cell that does not parse (a syntax error, a null byte,
nesting deeper than the parser takes) is reported and left out, and the walk over the functions a graded
function calls is iterative (a chain of thousands of helpers is no deeper than one).
"""
from __future__ import annotations

import ast

DYNAMIC = {"__import__", "importlib", "exec", "eval", "compile", "__builtins__", "builtins"}


def _forbidden(module: str, forbidden) -> str | None:
    return next((m for m in forbidden if module == m or module.startswith(m + ".")), None)


def _import_bindings(tree, forbidden) -> dict:
    """Names bound anywhere in ``tree`` by importing a forbidden module -> that module."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                hit = _forbidden(alias.name, forbidden)
                if hit:
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                hit = _forbidden(node.module, forbidden) or _forbidden(full, forbidden)
                if hit:
                    bound[alias.asname or alias.name] = full
    return bound


def check_sources(cells: list, functions, forbidden) -> tuple[dict, list]:
    """Return ({graded function: reason it gets zero}, [syntax error messages])."""
    syntax_errors, trees = [], []
    for index, source in enumerate(cells):
        try:
            trees.append(ast.parse(source))
        except SyntaxError as exc:
            syntax_errors.append(f"cell {index + 1}: SyntaxError: {exc.msg} (line {exc.lineno})")
        except (ValueError, RecursionError, MemoryError) as exc:    # a null byte; nesting too deep
            syntax_errors.append(f"cell {index + 1}: SyntaxError: the cell cannot be parsed ({type(exc).__name__})")
    module = ast.Module(body=[n for t in trees for n in t.body], type_ignores=[])
    bindings = _import_bindings(module, forbidden)
    defs = {n.name: n for n in module.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}

    def own_problems(fn) -> tuple:
        """(what ``fn``'s own body does wrong, the notebook functions it calls)."""
        found, calls = [], []
        for node in ast.walk(fn):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"imports {n}" for n in names if _forbidden(n, forbidden) or n.split(".")[0] in DYNAMIC]
            elif isinstance(node, ast.Name):
                if node.id in bindings:
                    found.append(f"uses {node.id} (imported from {bindings[node.id]})")
                elif node.id in DYNAMIC:
                    found.append(f"uses {node.id}")
                elif node.id in defs and node.id != fn.name:
                    calls.append(node.id)
        return found, calls

    def problems(fn) -> list:
        """What ``fn`` and every notebook function it calls, transitively, do wrong (iterative walk)."""
        found, seen, todo = [], {fn.name}, [fn.name]
        while todo:
            own, calls = own_problems(defs[todo.pop(0)])
            found += own
            todo += [c for c in calls if c not in seen]
            seen.update(calls)
        return found

    flagged = {}
    for name in functions:
        if name in defs:
            found = problems(defs[name])
            if found:
                flagged[name] = "; ".join(dict.fromkeys(found))
    return flagged, syntax_errors
