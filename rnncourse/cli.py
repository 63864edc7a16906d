"""The `rnncourse` command.

    rnncourse assign [--check]                        generate exercises/ from solutions/
    rnncourse check NOTEBOOK [--assignment NAME]      a student's check: public tests, what is wrong
    rnncourse grade SUBMISSIONS... --assignment NAME --out DIR [--jobs N]
                                                      grade notebooks or folders: gradebook.csv,
                                                      <student>/results.json (Gradescope), <student>/feedback.md
    rnncourse --version                               the installed version
"""
from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _limits(args):
    from .grading.sandbox import Limits

    return Limits(load_seconds=args.load_timeout, call_seconds=args.call_timeout, memory_mib=args.memory_mib)


def _add_limit_options(p):
    p.add_argument("--load-timeout", type=float, default=60.0, help="seconds to run the whole notebook (default 60)")
    p.add_argument("--call-timeout", type=float, default=20.0, help="seconds per graded call (default 20)")
    p.add_argument("--memory-mib", type=int, default=4096, help="address-space limit of the child (default 4096)")


def _collect(paths) -> list:
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
        else:
            found.append(p)
    return found


def _student_names(paths) -> list:
    stems = [p.stem for p in paths]
    return [f"{p.parent.name}-{p.stem}" if stems.count(p.stem) > 1 else p.stem for p in paths]


def _grade_one(job):
    """Worker: grade one notebook; never raises (a grader failure becomes a flagged result)."""
    path, student, assignment_name, secret, limits = job
    from .grading import assignments
    from .grading.grader import Result, grade_notebook

    try:
        return grade_notebook(path, assignments.get(assignment_name), student, secret=secret, limits=limits)
    except Exception as exc:  # pragma: no cover - defensive
        r = Result(student, assignment_name)
        r.notes.append(f"INTERNAL GRADER ERROR: {exc!r}")
        return r


def cmd_grade(args) -> int:
    from .grading import assignments
    from .grading.report import write_reports

    assignment = assignments.get(args.assignment)
    paths = _collect(args.submissions)
    if not paths:
        print("no notebooks found in", " ".join(args.submissions), file=sys.stderr)
        return 2
    secret = os.environ.get("RNNCOURSE_GRADING_SECRET", "")
    if args.secret_file:
        secret = Path(args.secret_file).read_text().strip()
    if not secret:
        print("warning: no grading secret (RNNCOURSE_GRADING_SECRET or --secret-file): hidden-test inputs "
              "are predictable", file=sys.stderr)
        secret = "rnncourse-default"
    jobs = [(str(p), s, assignment.name, secret, _limits(args)) for p, s in zip(paths, _student_names(paths))]
    if args.jobs == 1 or len(jobs) == 1:
        results = [_grade_one(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=args.jobs or os.cpu_count()) as pool:
            results = list(pool.map(_grade_one, jobs))
    write_reports(results, args.out, assignment)
    for r in results:
        print(f"{r.student:30s} {r.score:7.2f} / {r.max_score:g}")
    print(f"wrote {args.out}/gradebook.csv and per-student results.json + feedback.md")
    return 0


def cmd_check(args) -> int:
    from .grading import assignments
    from .grading.grader import grade_notebook
    from .grading.notebook import NotebookError, read_submission

    name = args.assignment
    if name is None:
        try:
            name = read_submission(args.notebook).assignment
        except NotebookError as exc:
            print(f"cannot read {args.notebook}: {exc}")
            return 2
        if name is None:
            print("the notebook does not say which assignment it is; pass --assignment NAME")
            return 2
    result = grade_notebook(args.notebook, assignments.get(name), Path(args.notebook).stem, secret="public",
                            include_hidden=False, limits=_limits(args))
    for note in result.notes:
        print("note:", note)
    for t in result.tests:
        mark = "PASS" if t.score == t.max_score else "FAIL"
        print(f"[{mark}] {t.name}  ({t.score:g}/{t.max_score:g})")
        if mark == "FAIL":
            print("".join(f"       {line}\n" for line in t.output.splitlines()), end="")
    print(f"public tests: {result.score:g} / {result.max_score:g} points (hidden tests are graded separately)")
    return 0 if result.score == result.max_score else 1


def cmd_assign(args) -> int:
    from .grading.assign import assign

    stale = assign(args.solutions, args.exercises, check_only=args.check)
    if args.check:
        if stale:
            print("out of date (run `rnncourse assign`):", ", ".join(stale))
            return 1
        print("exercises are up to date")
    else:
        print("wrote", ", ".join(stale) if stale else "nothing (already up to date)")
    return 0


def main(argv=None) -> int:
    from . import __version__

    parser = argparse.ArgumentParser(prog="rnncourse", description="rnncourse: exercises and grading")
    parser.add_argument("--version", action="version", version=f"rnncourse {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("assign", help="generate exercises/ from solutions/")
    p.add_argument("--solutions", default="solutions")
    p.add_argument("--exercises", default="exercises")
    p.add_argument("--check", action="store_true", help="only report exercises that are out of date (exit 1)")
    p.set_defaults(func=cmd_assign)

    p = sub.add_parser("check", help="run the public tests on your notebook")
    p.add_argument("notebook")
    p.add_argument("--assignment", default=None, help="default: read from the notebook's metadata")
    _add_limit_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("grade", help="grade notebooks (files or folders) into a gradebook")
    p.add_argument("submissions", nargs="+")
    p.add_argument("--assignment", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--jobs", type=int, default=0, help="parallel notebooks (default: number of cores)")
    p.add_argument("--secret-file", default=None, help="file holding the secret that seeds hidden tests")
    _add_limit_options(p)
    p.set_defaults(func=cmd_grade)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
