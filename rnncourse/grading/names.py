"""Which notebooks a grading run covers, and which student each one belongs to.

Shared by ``rnncourse grade`` and the pytest plugin, so that both name a student alike. Standard library
only: the pytest plugin imports this at collection time.

A student is named after the first folder under the submissions folder that is not the assignment's own
name (nbgrader's ``submitted/<student>/<assignment>/<file>.ipynb`` gives ``<student>``; a folder per
student gives that folder), else after the notebook's file name (a flat folder of ``<student>.ipynb``),
else, for a notebook named after the assignment (``s05_eve/gru.ipynb`` graded on its own), after the
folder holding it. Two notebooks that would get one name are told apart by their path.
"""
from __future__ import annotations

from pathlib import Path


def _key(text: str) -> str:
    return text.lower().replace("_", "-")


def collect(paths) -> list:
    """[(notebook, root)]: every ``.ipynb`` under each folder (checkpoints left out), and each file given,
    with the argument it came from. Sorted within a folder; arguments in the order given."""
    found = []
    for root in map(Path, paths):
        if root.is_dir():
            found += [(q, root) for q in sorted(root.rglob("*.ipynb")) if ".ipynb_checkpoints" not in q.parts]
        else:
            found.append((root, root))
    return found


def _base_name(path: Path, root: Path, assignment: str) -> str:
    skip = _key(assignment)
    if root.is_dir():
        folders = path.relative_to(root).parts[:-1]
        for folder in folders:
            if _key(folder) != skip:
                return folder
    if _key(path.stem) != skip:
        return path.stem
    for folder in [p.name for p in path.resolve().parents]:
        if folder and _key(folder) != skip:
            return folder
    return path.stem


def student_names(found: list, assignment: str) -> list:
    """One distinct name per (notebook, root) of ``collect``: see the module docstring."""
    base = [_base_name(p, r, assignment) for p, r in found]
    names = []
    for (path, root), name in zip(found, base):
        if base.count(name) > 1:
            rel = path.relative_to(root).with_suffix("").parts if root.is_dir() else (path.stem,)
            if name in rel:                     # named by a folder on the path: add what follows it
                rel = rel[rel.index(name) + 1:]
            name = "-".join((name, *rel)) if rel and rel != (name,) else name
        names.append(name)
    seen: dict = {}
    for i, name in enumerate(names):          # still alike (the same file given twice): number them
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[i] = f"{name}-{seen[name]}"
    return names
