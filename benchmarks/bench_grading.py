"""Wall-clock time of `rnncourse grade`: one submission, and a class of 50 (half solutions, half blanks).

    python benchmarks/bench_grading.py [--assignment rnn-bptt] [--n 50] [--jobs 2] [--reps 1]

Each timing is one `rnncourse grade` process, start to end (interpreter start, clean-up, one fenced child
per notebook, reports), as an instructor would run it. The secret is a random 32-character file made
here. On a shared machine these times move with the load of other jobs: compare runs made side by side.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _grade(folder: Path, assignment: str, jobs: int, secret_file: Path) -> float:
    out = Path(tempfile.mkdtemp(prefix="bench-grading-out-"))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "rnncourse.cli", "grade", str(folder), "--assignment", assignment,
                           "--out", str(out), "--jobs", str(jobs), "--secret-file", str(secret_file)],
                          capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stdout + proc.stderr)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--assignment", default="rnn-bptt")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reps", type=int, default=1)
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        secret_file = base / "secret"
        secret_file.write_text(secrets.token_hex(16) + "\n")
        secret_file.chmod(0o600)
        solution = (ROOT / "solutions" / f"{args.assignment}.ipynb").read_bytes()
        blank = (ROOT / "exercises" / f"{args.assignment}.ipynb").read_bytes()
        one, many = base / "one", base / "many"
        one.mkdir()
        many.mkdir()
        (one / "s.ipynb").write_bytes(solution)
        for i in range(args.n):
            (many / f"s{i:03d}.ipynb").write_bytes(solution if i % 2 == 0 else blank)
        times_one, times_many = [], []
        for _ in range(args.reps):
            times_one.append(_grade(one, args.assignment, 1, secret_file))
            times_many.append(_grade(many, args.assignment, args.jobs, secret_file))
        load = os.getloadavg()[0]
        print(f"one submission: {statistics.median(times_one):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times_one)})")
        print(f"{args.n} submissions (half solutions, half blanks), --jobs {args.jobs}: "
              f"{statistics.median(times_many):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times_many)})")
        print(f"load average at the end: {load:.2f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
