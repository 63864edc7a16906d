"""The runs layer sits above the library, and the chapters' runs do not import one another.

Parsed from the source (ast), so a lazy import inside a function counts as much as one at the top:
- no library module (scratch/, torch/, data/, grading/, pretrained/ and the top-level helpers) imports
  ``rnncourse.runs``;
- a module of ``rnncourse/runs/`` imports no other chapter's runs module (the loop excepted);
- ``rnncourse/`` top level holds no chapter runs module.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rnncourse"
RUNS = PACKAGE / "runs"
SHARED_RUNS = {"rnncourse.runs", "rnncourse.runs.loop"}     # what every runs module may import


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every rnncourse module ``path`` imports, absolute names (``from .x import y`` resolved; ``from . import y``
    counted as both the package and ``package.y``)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            stem = ".".join(base + ([node.module] if node.module else []))
            found.add(stem)
            found |= {f"{stem}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "rnncourse" or name.startswith("rnncourse.")}


def test_the_import_parser_resolves_relative_imports(tmp_path):
    pkg = tmp_path / "rnncourse" / "runs"
    pkg.mkdir(parents=True)
    source = pkg / "x.py"
    source.write_text("from ..scratch import Adam\nfrom .loop import train\nfrom . import deep\nimport rnncourse.data\n"
                      "def f():\n    from .seq2seq import NUMBERS\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "rnncourse"
    try:
        names = imported_modules(source)
    finally:
        PACKAGE = saved
    assert {"rnncourse.scratch", "rnncourse.runs.loop", "rnncourse.runs.deep", "rnncourse.data",
            "rnncourse.runs.seq2seq"} <= names


LIBRARY = sorted(p for p in PACKAGE.rglob("*.py")
                 if RUNS not in p.parents)


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_library_does_not_import_the_runs_layer(path):
    above = sorted(n for n in imported_modules(path) if n == "rnncourse.runs" or n.startswith("rnncourse.runs."))
    assert not above, f"{path.relative_to(PACKAGE)} (library) imports the runs layer: {above}"


RUNS_MODULES = sorted(p for p in RUNS.glob("*.py") if p.name not in ("__init__.py", "loop.py"))


def test_there_are_chapter_runs_modules():
    assert len(RUNS_MODULES) >= 8, [p.name for p in RUNS_MODULES]


@pytest.mark.parametrize("path", RUNS_MODULES, ids=lambda p: p.name)
def test_a_chapters_runs_import_no_other_chapters_runs(path):
    own = module_name(path)
    allowed = SHARED_RUNS | {own}
    sideways = sorted(n for n in imported_modules(path) if n.startswith("rnncourse.runs.")
                      and not any(n == a or n.startswith(a + ".") for a in allowed - {"rnncourse.runs"}))
    assert not sideways, f"rnncourse/runs/{path.name} imports another chapter's runs: {sideways}"


def holds_chapter_runs(path: Path) -> bool:
    """A chapter-runs module names its settings and records: a module-level class called ...Setting or ...Run."""
    tree = ast.parse(path.read_text())
    return any(isinstance(n, ast.ClassDef) and n.name.endswith(("Setting", "Run")) for n in tree.body)


def test_the_detector_sees_every_chapter_runs_module():
    missed = [p.name for p in RUNS_MODULES
              if not holds_chapter_runs(p)]
    assert not missed


TOP_LEVEL = sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("path", TOP_LEVEL, ids=lambda p: p.name)
def test_the_top_level_holds_no_chapter_runs(path):
    assert not path.name.endswith("_runs.py") and path.name != "experiments.py", path.name
    assert not holds_chapter_runs(path), f"rnncourse/{path.name} holds chapter runs: move it into rnncourse/runs/"
