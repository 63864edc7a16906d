"""The `rnncourse` command.

    rnncourse assign [--check]                        generate exercises/ from solutions/
    rnncourse check NOTEBOOK [--assignment NAME] [--part NAME] [--json]
                                                      a student's check: public tests, what is wrong
    rnncourse grade SUBMISSIONS... --assignment NAME --out DIR [--jobs N] [--secret-file FILE] [--fail-under N]
                                                      grade notebooks or folders: gradebook.csv (merged),
                                                      <student>/results.json (Gradescope), <student>/feedback.md
    rnncourse gradescope NAME --secret-file FILE      the Gradescope autograder zip (setup.sh, run_autograder)
    rnncourse gradescope-run NAME [--root /autograder] what run_autograder runs inside Gradescope
    rnncourse --version                               the installed version

Exit status: 0 done (and, for check, every selected test passed; for grade, every student at or above
--fail-under); 1 a test failed (check) or a student scored below --fail-under (grade), or exercises are
out of date (assign --check); 2 bad input, said in one line naming the fix, before any grading starts;
3 the grader refuses to grade because its sandbox cannot grade the reference solution (no grades written).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

USAGE, REFUSED = 2, 3


class InputError(Exception):
    """Bad input: printed as one line ``error: ...`` on stderr, exit status 2."""


def _assignment(name: str):
    from .grading import assignments

    try:
        return assignments.get(name)
    except KeyError as exc:
        raise InputError(exc.args[0]) from None


def _writable_dir(path: str, what: str) -> None:
    """``path`` is (or can be made) a folder this process can write into; else InputError naming the fix."""
    if os.path.lexists(path) and not os.path.isdir(path):
        raise InputError(f"{what} {path} exists and is not a folder; give a folder name (it is created if missing)")
    try:
        os.makedirs(path, exist_ok=True)
        os.rmdir(tempfile.mkdtemp(prefix=".rnncourse-probe-", dir=path))
    except OSError as exc:
        raise InputError(f"cannot write into {what} {path} ({exc.strerror}); give a folder you can write to") from None


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
    except OSError as exc:
        print(f"error: cannot read the secret file {args.secret_file} ({exc.strerror}); give a regular file "
              f"holding the secret (mode 0600)", file=sys.stderr)
        return None
    if secret is None and required:
        print("error: --secret-file is required (the hidden tests' inputs come from it)", file=sys.stderr)
    elif secret is None:
        print("warning: no --secret-file: hidden-test inputs are predictable", file=sys.stderr)
        secret = "rnncourse-default"
    return secret


def cmd_grade(args) -> int:
    from .grading.canary import sandbox_problem
    from .grading.feedback import polish
    from .grading.names import collect, student_names
    from .grading.report import write_reports
    from .grading.sandbox import clean_up_after_killed_graders, is_root
    from .grading.workers import grade_all

    assignment = _assignment(args.assignment)
    missing = [p for p in args.submissions if not os.path.exists(p)]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}; give notebooks or folders of notebooks")
    found = collect(args.submissions)
    if not found:
        raise InputError(f"no notebooks (.ipynb) found in {' '.join(args.submissions)}")
    _writable_dir(args.out, "--out")
    secret = _secret(args, assignment.name, required=False)
    if secret is None:
        return USAGE
    limits = _limits(args)
    clean_up_after_killed_graders()
    problem = sandbox_problem(assignment, secret, limits, args.solution)
    if problem:
        print(f"error: {problem}. No grades were written.", file=sys.stderr)
        return REFUSED
    names = student_names(found, assignment.name)
    n_workers = min(args.jobs or os.cpu_count() or 1, len(found))
    jobs = [{"path": str(p), "student": s, "assignment": assignment, "secret": secret, "limits": limits}
            for (p, _), s in zip(found, names)]
    results = [polish(r, assignment, p) for r, (p, _) in zip(grade_all(jobs, n_workers), found)]
    write_reports(results, args.out, assignment, {s: str(p) for (p, _), s in zip(found, names)})
    for r in results:
        print(f"{r.student:30s} {r.score:7.2f} / {r.max_score:g}")
    print(f"wrote {args.out}/gradebook.csv (merged with the rows already there) and per-student results.json + feedback.md")
    held = next((r.protections for r in results if r.protections), {})
    print("protections: " + ", ".join(f"{k}={v}" for k, v in held.items()))
    for line in _protection_summary(results):
        print(f"WARNING: not enforced: {line}")
    if not is_root():
        print("WARNING: the grader is not root, so children run as your own user; see docs/grading.md")
    if args.fail_under is not None:
        below = [r.student for r in results if r.score < args.fail_under]
        if below:
            print(f"below --fail-under {args.fail_under:g}: {', '.join(below)}", file=sys.stderr)
            return 1
    return 0


def _only_part(assignment, part: str):
    """``assignment`` reduced to the part named ``part`` (InputError listing the parts if there is none)."""
    from dataclasses import replace

    names = [p.name for p in assignment.parts]
    if part not in names:
        raise InputError(f"{assignment.name} has no part {part!r}; its parts: {', '.join(names)}")
    return replace(assignment, parts=tuple(p for p in assignment.parts if p.name == part))


def cmd_check(args) -> int:
    from .grading.feedback import polish
    from .grading.grader import grade_notebook
    from .grading.notebook import NotebookError, read_submission

    name = args.assignment
    try:
        found = read_submission(args.notebook).assignment
    except NotebookError as exc:
        raise InputError(f"cannot read {args.notebook}: {exc}") from None
    if name is None:
        name = found
        if name is None:
            raise InputError(f"{args.notebook} does not say which assignment it is (a chapter notebook? the "
                             "exercise is the book's 'Graded exercise' download); or pass --assignment NAME")
    assignment = _assignment(name)
    if found and found != assignment.name:
        raise InputError(f"{args.notebook} is for assignment {found!r}, not {assignment.name!r}; check the right file")
    if args.part:
        assignment = _only_part(assignment, args.part)
    result = polish(grade_notebook(args.notebook, assignment, Path(args.notebook).stem, secret="public",
                                   include_hidden=False, limits=_limits(args)), assignment, args.notebook)
    passed = result.score == result.max_score
    if args.json:
        print(json.dumps({"assignment": assignment.name, "part": args.part, "score": result.score,
                          "max_score": result.max_score, "passed": passed, "notes": result.notes,
                          "tests": [{"name": t.name, "part": t.part, "score": t.score, "max_score": t.max_score,
                                     "passed": t.score == t.max_score, "output": t.output} for t in result.tests]},
                         indent=2, ensure_ascii=False))
        return 0 if passed else 1
    for note in result.notes:
        print("note:", note)
    for t in result.tests:
        mark = "PASS" if t.score == t.max_score else "FAIL"
        print(f"[{mark}] {t.name}  ({t.score:g}/{t.max_score:g})")
        if mark == "FAIL":
            print("".join(f"       {line}\n" for line in t.output.splitlines()), end="")
    print(f"public tests: {result.score:g} / {result.max_score:g} points (hidden tests are graded separately)")
    return 0 if passed else 1


def cmd_gradescope(args) -> int:
    from .grading.gradescope import build_zip

    assignment = _assignment(args.assignment)
    out_path = args.out or f"autograder-{assignment.name}.zip"
    folder = os.path.dirname(os.path.abspath(out_path))
    if not os.path.isdir(folder):
        raise InputError(f"--out {out_path}: the folder {folder} does not exist; create it or give another path")
    if not os.access(folder, os.W_OK) or os.path.isdir(out_path):
        raise InputError(f"--out {out_path}: cannot write a file there; give a writable path ending in .zip")
    secret = _secret(args, assignment.name, required=True)
    if secret is None:
        return USAGE
    out = build_zip(assignment.name, secret, out_path)
    print(f"wrote {out}: upload it as the Gradescope autograder (solutions/ is not in it)")
    return 0


def cmd_gradescope_run(args) -> int:
    from .grading.gradescope import run

    return run(_assignment(args.assignment).name, args.root, _limits(args))


def cmd_assign(args) -> int:
    from .grading.assign import AssignError, assign

    try:
        stale = assign(args.solutions, args.exercises, check_only=args.check)
    except AssignError as exc:
        raise InputError(str(exc)) from None
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
    from .grading.threads import one_math_thread

    one_math_thread()                      # before NumPy or torch is imported: the grader forks workers

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
    p.add_argument("--part", default=None, help="only this part's tests (e.g. gru_cell_forward); exit 0 iff they pass")
    p.add_argument("--json", action="store_true", help="print the result as JSON (score, max_score, tests[])")
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
    p.add_argument("--fail-under", type=float, default=None, metavar="N",
                   help="exit with status 1 when any student scores below N points (reports are written anyway)")
    p.add_argument("--solution", default=None, metavar="NOTEBOOK",
                   help="the reference solution graded first, which must score full marks in this sandbox "
                        "(default: solutions/ASSIGNMENT.ipynb beside the package; else a one-line notebook must load)")
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
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("interrupted (reports are written only at the end of a run)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
