"""The `rnncourse` command.

    rnncourse assign [--check]                        generate exercises/ from solutions/
    rnncourse check NOTEBOOK [--assignment NAME]      a student's check: public tests, what is wrong
    rnncourse grade SUBMISSIONS... --assignment NAME --out DIR [--jobs N] [--secret-file FILE]
                                                      grade notebooks or folders: gradebook.csv,
                                                      <student>/results.json (Gradescope), <student>/feedback.md
    rnncourse gradescope NAME --secret-file FILE      the Gradescope autograder zip (setup.sh, run_autograder)
    rnncourse gradescope-run NAME [--root /autograder] what run_autograder runs inside Gradescope
    rnncourse --version                               the installed version
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _limits(args):
    from .grading.sandbox import Limits

    return Limits(load_seconds=args.load_timeout, call_seconds=args.call_timeout, memory_mib=args.memory_mib,
                  wall_factor=args.wall_factor)


def _add_limit_options(p):
    p.add_argument("--load-timeout", type=float, default=60.0, help="CPU seconds to run the whole notebook (default 60)")
    p.add_argument("--call-timeout", type=float, default=20.0, help="CPU seconds per graded call (default 20)")
    p.add_argument("--wall-factor", type=float, default=5.0,
                   help="wall-clock limit = this times the CPU limit, for a notebook that sleeps (default 5)")
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


def _protection_summary(results) -> list:
    from .grading.sandbox import unenforced

    lines = []
    for r in results:
        if r.protections:
            for line in unenforced(r.protections):
                if line not in lines:
                    lines.append(line)
    return lines


def _secret(args, assignment_name: str, required: bool):
    """The secret from --secret-file, or None with the reason printed (then exit with status 2). Without
    --secret-file: an error when ``required``, else a warning and the public default."""
    from .grading.secret import SecretError, read_secret

    try:
        secret = read_secret(args.secret_file, assignment_name)
    except SecretError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if secret is None and required:
        print("error: --secret-file is required (the hidden tests' inputs come from it)", file=sys.stderr)
    elif secret is None:
        print("warning: no --secret-file: hidden-test inputs are predictable", file=sys.stderr)
        secret = "rnncourse-default"
    return secret


def cmd_grade(args) -> int:
    from .grading import assignments
    from .grading.report import write_reports
    from .grading.sandbox import clean_up_after_killed_graders, is_root
    from .grading.workers import grade_all

    assignment = assignments.get(args.assignment)
    paths = _collect(args.submissions)
    if not paths:
        print("no notebooks found in", " ".join(args.submissions), file=sys.stderr)
        return 2
    secret = _secret(args, assignment.name, required=False)
    if secret is None:
        return 2
    n_workers = min(args.jobs or os.cpu_count() or 1, len(paths))
    clean_up_after_killed_graders()
    jobs = [{"path": str(p), "student": s, "assignment": assignment, "secret": secret, "limits": _limits(args)}
            for p, s in zip(paths, _student_names(paths))]
    results = grade_all(jobs, n_workers)
    write_reports(results, args.out, assignment)
    for r in results:
        print(f"{r.student:30s} {r.score:7.2f} / {r.max_score:g}")
    print(f"wrote {args.out}/gradebook.csv and per-student results.json + feedback.md")
    held = next((r.protections for r in results if r.protections), {})
    print("protections: " + ", ".join(f"{k}={v}" for k, v in held.items()))
    for line in _protection_summary(results):
        print(f"WARNING: not enforced: {line}")
    if not is_root():
        print("WARNING: the grader is not root, so children run as your own user; see docs/grading.md")
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


def cmd_gradescope(args) -> int:
    from .grading import assignments
    from .grading.gradescope import build_zip

    assignment = assignments.get(args.assignment)
    secret = _secret(args, assignment.name, required=True)
    if secret is None:
        return 2
    out = build_zip(assignment.name, secret, args.out or f"autograder-{assignment.name}.zip")
    print(f"wrote {out}: upload it as the Gradescope autograder (solutions/ is not in it)")
    return 0


def cmd_gradescope_run(args) -> int:
    from .grading.gradescope import run

    return run(args.assignment, args.root, _limits(args))


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
    p.add_argument("--secret-file", default=None,
                   help="file holding the secret that seeds hidden tests (mode 0600, owned by the grader's user: "
                        "root when grading as root); one secret, or lines ASSIGNMENT = SECRET")
    _add_limit_options(p)
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("gradescope", help="build the Gradescope autograder zip for an assignment")
    p.add_argument("assignment")
    p.add_argument("--secret-file", default=None, help="the secret file (as for grade); its secret goes into the zip")
    p.add_argument("--out", default=None, help="default: autograder-ASSIGNMENT.zip")
    p.set_defaults(func=cmd_gradescope)

    p = sub.add_parser("gradescope-run", help="(inside Gradescope) grade /autograder/submission")
    p.add_argument("assignment")
    p.add_argument("--root", default=os.environ.get("RNNCOURSE_AUTOGRADER_ROOT", "/autograder"))
    _add_limit_options(p)
    p.set_defaults(func=cmd_gradescope_run)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
