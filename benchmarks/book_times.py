"""Execution time of every chapter against the book's time budget.

    python benchmarks/book_times.py             # times recorded by the last `make book` (its jupyter-cache)
    python benchmarks/book_times.py --execute   # execute every chapter now, one after the other, and time it
    python benchmarks/book_times.py --execute --only images-and-signals   # one chapter (repeatable option)

Budget (DESIGN.md): each chapter under 60 s on an idle 2-core machine (aim for 20 s), the whole book
under 10 minutes. The build's per-cell timeout (_config.yml) is set for a machine several times slower,
so this script, not a timeout, is where the budget is kept. A cached time is whatever the machine was
doing during that build: measure on an idle machine before quoting a number.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import jupytext
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_BUDGET, CHAPTER_AIM, BOOK_BUDGET = 60.0, 20.0, 600.0


def chapters() -> list[Path]:
    """The numbered chapters of _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [ROOT / f"{e['file']}.md" for part in toc["parts"] if part.get("numbered") for e in part["chapters"]]


def cached_seconds(path: Path) -> float | None:
    """Execution time the jupyter-cache recorded for this chapter's current code (None if not cached)."""
    from jupyter_cache import get_cache

    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    try:
        record = cache.match_cache_notebook(jupytext.read(path))
    except KeyError:
        return None
    return float(record.data.get("execution_seconds", float("nan")))


def executed_seconds(path: Path) -> float:
    """Execute the chapter in a fresh kernel, as the book build does, and return the wall time."""
    from nbclient import NotebookClient

    nb = jupytext.read(path)
    start = time.perf_counter()
    NotebookClient(nb, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--execute", action="store_true", help="execute the chapters now instead of reading the cache")
    parser.add_argument("--only", action="append", metavar="CHAPTER", help="only this chapter (file name without .md)")
    args = parser.parse_args()
    selected = [p for p in chapters() if not args.only or p.stem in args.only]
    if args.only and len(selected) != len(set(args.only)):
        parser.error(f"--only must name chapters of _toc.yml; got {args.only}, known: {[p.stem for p in chapters()]}")
    print(f"{'chapter':32} {'seconds':>8} {'budget':>7}  verdict")
    total, over = 0.0, 0
    for path in selected:
        seconds = executed_seconds(path) if args.execute else cached_seconds(path)
        if seconds is None:
            print(f"{path.stem:32} {'-':>8} {CHAPTER_BUDGET:7.0f}  not in the cache (run `make book`, or --execute)")
            continue
        total += seconds
        verdict = "OVER BUDGET" if seconds > CHAPTER_BUDGET else ("above the 20 s aim" if seconds > CHAPTER_AIM else "ok")
        over += seconds > CHAPTER_BUDGET
        print(f"{path.stem:32} {seconds:8.1f} {CHAPTER_BUDGET:7.0f}  {verdict}")
    print(f"{'whole book':32} {total:8.1f} {BOOK_BUDGET:7.0f}  {'OVER BUDGET' if total > BOOK_BUDGET else 'ok'}")
    return 1 if over or total > BOOK_BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
