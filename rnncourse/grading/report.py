"""Write what grading produced: a gradebook CSV, a Gradescope results.json and feedback per student.

Called once, after every child process is dead, so nothing a notebook did can change these files. A
notebook could still have planted files or symlinks in the output directory while it ran (it can find the
directory on the grader's command line), so every report is written into a fresh private directory and
then renamed into place, replacing whatever stands at that name without following links.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile


def safe_name(student: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._") or "student"


def folder_names(students: list) -> list:
    """A distinct report folder per student: safe_name, with -2, -3, ... when two names sanitise alike."""
    used, names = set(), []
    for student in students:
        base = name = safe_name(student)
        k = 1
        while name in used or name == "gradebook.csv":
            k += 1
            name = f"{base}-{k}"
        used.add(name)
        names.append(name)
    return names


def gradescope_json(result) -> dict:
    """The Gradescope autograder format: score, max_score, tests[{name, score, max_score, output, visibility}],
    and extra_data.protections: what held around this notebook's child (sandbox.Child.protections)."""
    return {
        "score": result.score,
        "max_score": result.max_score,
        "output": "\n".join(result.notes) if result.notes else "",
        "extra_data": {"protections": result.protections},
        "tests": [{"name": t.name, "score": round(t.score, 6), "max_score": round(t.max_score, 6), "output": t.output,
                   "visibility": "after_published" if t.hidden else "visible"} for t in result.tests],
    }


def feedback_text(result) -> str:
    lines = [f"# {result.assignment}: {result.student}", "", f"Score: {result.score:g} / {result.max_score:g}", ""]
    if result.notes:
        lines += ["Notes about your notebook:"] + [f"  - {n}" for n in result.notes] + [""]
    part = None
    for t in result.tests:
        if t.part != part:
            part = t.part
            got = sum(x.score for x in result.tests if x.part == part)
            total = sum(x.max_score for x in result.tests if x.part == part)
            lines += [f"## {part}: {got:g} / {total:g}"]
        mark = "PASS" if t.score == t.max_score else "FAIL"
        lines += [f"  [{mark}] {t.name} ({t.score:g}/{t.max_score:g})"] + [f"      {d}" for d in t.output.splitlines()]
    return "\n".join(lines) + "\n"


def _replace(target: str, new: str) -> None:
    """Put ``new`` at ``target``, first removing whatever is there (a symlink is removed, never followed)."""
    if os.path.islink(target) or os.path.isfile(target):
        os.unlink(target)
    elif os.path.isdir(target):
        shutil.rmtree(target)
    elif os.path.lexists(target):
        os.unlink(target)
    os.rename(new, target)


def write_reports(results: list, out_dir: str, assignment) -> None:
    os.makedirs(out_dir, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".reports-", dir=out_dir)
    try:
        _write_all(results, staging, assignment)
        for name in sorted(os.listdir(staging)):
            _replace(os.path.join(out_dir, name), os.path.join(staging, name))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_all(results: list, out_dir: str, assignment) -> None:
    part_names = [p.name for p in assignment.parts]
    with open(os.path.join(out_dir, "gradebook.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "score", "max_score", *part_names])
        for r in results:
            per_part = [round(sum(t.score for t in r.tests if t.part == p), 6) for p in part_names]
            writer.writerow([r.student, r.score, r.max_score, *per_part])
    for r, name in zip(results, folder_names([r.student for r in results])):
        folder = os.path.join(out_dir, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "results.json"), "w", encoding="utf-8") as f:
            json.dump(gradescope_json(r), f, indent=2)
        with open(os.path.join(folder, "feedback.md"), "w", encoding="utf-8") as f:
            f.write(feedback_text(r))
