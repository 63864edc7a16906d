"""Write what grading produced: a gradebook CSV, a Gradescope results.json and feedback per student.

Nothing already written is lost: ``gradebook.csv`` keeps one row per (assignment, student) and a run
replaces only the rows of the students it graded (regrading one late student, or grading a second
assignment into the same folder, keeps every other row); ``<student>/results.json`` and ``feedback.md``
are the latest grading of that student, and ``<student>/<assignment>/`` keeps each assignment's copy.

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
import stat
import tempfile

FIXED = ["assignment", "student", "score", "max_score"]
TRAILING = ["path", "notes"]


def safe_name(student: str) -> str:
    """A folder name for ``student``: letters of any script, digits, '.', '-', '_' kept; the rest becomes '_'."""
    return re.sub(r"[^\w.-]+", "_", student).strip("._") or "student"


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
    execution_time (seconds) when the caller timed the grading, and extra_data.protections: what held around this notebook's child (sandbox.Child.protections)."""
    timed = {"execution_time": round(result.execution_time, 3)} if hasattr(result, "execution_time") else {}
    return {
        **timed,
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


def _one_line(notes: list) -> str:
    text = " | ".join(" ".join(str(n).split()) for n in notes)
    return text if len(text) <= 500 else text[:497] + "..."


def _read_gradebook(path: str) -> tuple:
    """(columns, rows) of an earlier gradebook.csv at ``path``; a planted symlink or anything unreadable counts
    as no gradebook (it is then replaced, never followed)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return [], []
    with os.fdopen(fd, encoding="utf-8", newline="") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return [], []
        reader = csv.DictReader(f)
        rows = [dict(r) for r in reader]
        columns = list(reader.fieldnames or [])
    for row in rows:
        row.setdefault("assignment", "")
    return columns, rows


def merged_gradebook(old_columns: list, old_rows: list, results: list, assignment, paths: dict) -> tuple:
    """(columns, rows): the earlier rows, with the rows of the students graded now replaced or added."""
    part_names = [p.name for p in assignment.parts]
    parts = [c for c in old_columns if c not in FIXED + TRAILING]
    parts += [p for p in part_names if p not in parts]
    new = {}
    for r in results:
        row = {"assignment": assignment.name, "student": r.student, "score": r.score, "max_score": r.max_score,
               "path": paths.get(r.student, ""), "notes": _one_line(r.notes)}
        row.update({p: round(sum(t.score for t in r.tests if t.part == p), 6) for p in part_names})
        new[(assignment.name, r.student)] = row
    rows = [row for row in old_rows if (row.get("assignment", ""), row.get("student")) not in new]
    rows += list(new.values())
    return FIXED + parts + TRAILING, rows


def write_reports(results: list, out_dir: str, assignment, paths: dict | None = None) -> None:
    """Write every report into a fresh private directory inside ``out_dir``, then rename each into place.
    ``paths`` maps a student to the notebook graded (the gradebook's path column)."""
    os.makedirs(out_dir, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".reports-", dir=out_dir)
    try:
        columns, rows = merged_gradebook(*_read_gradebook(os.path.join(out_dir, "gradebook.csv")), results,
                                         assignment, paths or {})
        with open(os.path.join(staging, "gradebook.csv"), "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)
        _write_students(results, staging, assignment)
        for name in sorted(os.listdir(staging)):
            target, new = os.path.join(out_dir, name), os.path.join(staging, name)
            if os.path.isdir(target) and not os.path.islink(target) and os.path.isdir(new):
                for entry in sorted(os.listdir(new)):       # an earlier student folder: keep its other files
                    _replace(os.path.join(target, entry), os.path.join(new, entry))
            else:
                _replace(target, new)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_students(results: list, out_dir: str, assignment) -> None:
    for r, name in zip(results, folder_names([r.student for r in results])):
        folder = os.path.join(out_dir, name)
        os.makedirs(os.path.join(folder, safe_name(assignment.name)))
        for where in (folder, os.path.join(folder, safe_name(assignment.name))):
            with open(os.path.join(where, "results.json"), "w", encoding="utf-8") as f:
                json.dump(gradescope_json(r), f, indent=2, ensure_ascii=False)
            with open(os.path.join(where, "feedback.md"), "w", encoding="utf-8") as f:
                f.write(feedback_text(r))
