"""Parent side: the Gradescope autograder zip, and what its ``run_autograder`` runs.

    rnncourse gradescope ASSIGNMENT --secret-file FILE [--out autograder.zip]

The zip (Gradescope unpacks it into /autograder/source) holds ``setup.sh`` (installs the pinned stack:
torch==2.13.0 CPU build, NumPy, this package), ``run_autograder``, the package source (``rnncourse-src/``:
the library and grader, never ``solutions/``), and the secret (made root-only 0600 before use). Gradescope
runs ``run_autograder`` as root with the student's files in /autograder/submission and reads
/autograder/results/results.json; ``run`` below grades the one notebook there with the same trusted
grader and protections as ``rnncourse grade``. RNNCOURSE_AUTOGRADER_ROOT relocates /autograder (tests).
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

TORCH_PIN = "torch==2.13.0"
PACKAGE = Path(__file__).resolve().parents[1]

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd /autograder/source
python3 -m pip install --no-cache-dir {TORCH_PIN} --index-url https://download.pytorch.org/whl/cpu
python3 -m pip install --no-cache-dir ./rnncourse-src
chown root:root secret && chmod 600 secret
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this as root for each submission: grade /autograder/submission into results/results.json.
set -euo pipefail
ROOT="${{RNNCOURSE_AUTOGRADER_ROOT:-/autograder}}"
chmod 600 "$ROOT/source/secret"
exec "${{RNNCOURSE_PYTHON:-python3}}" -m rnncourse.cli gradescope-run {assignment} --root "$ROOT"
"""


def _source_files():
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".txt", ".json", ".csv"):
            yield path, Path("rnncourse-src") / path.relative_to(PACKAGE.parent)
    for name in ("pyproject.toml", "README.md"):
        if (PACKAGE.parent / name).is_file():
            yield PACKAGE.parent / name, Path("rnncourse-src") / name


def build_zip(assignment: str, secret: str, out: str) -> str:
    """Write the autograder zip for ``assignment`` to ``out``; return its path."""
    def add(z, name, text, mode):
        info = zipfile.ZipInfo(name)
        info.external_attr = (0o100000 | mode) << 16
        z.writestr(info, text)

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        add(z, "setup.sh", SETUP_SH, 0o755)
        add(z, "run_autograder", RUN_AUTOGRADER.format(assignment=assignment), 0o755)
        add(z, "secret", secret + "\n", 0o600)
        for path, arcname in _source_files():
            z.write(path, str(arcname))
    return out


def _pick_notebook(folder: Path, assignment: str):
    from .notebook import NotebookError, read_submission

    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    for p in notebooks:
        try:
            if read_submission(p).assignment == assignment:
                return p
        except NotebookError:
            pass
    return notebooks[0] if notebooks else None


def run(assignment_name: str, root: str, limits=None) -> int:
    """Grade the submission under ``root``/submission into ``root``/results/results.json."""
    from . import assignments
    from .grader import Result, _result, plan
    from .report import write_reports
    from .sandbox import clean_up_after_killed_graders
    from .secret import read_secret
    from .workers import grade_all

    started = time.monotonic()
    root_path, assignment = Path(root), assignments.get(assignment_name)
    results_dir = root_path / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    notebook = _pick_notebook(root_path / "submission", assignment.name)
    if notebook is None:
        result = Result("submission", assignment.name, notes=["No notebook (.ipynb) was submitted."])
        result.tests = [_result(p, t, pts, 0.0, "Not graded: no notebook was submitted.") for p, t, pts in plan(assignment)]
    else:
        secret = read_secret(str(root_path / "source" / "secret"), assignment.name)
        clean_up_after_killed_graders()
        job = {"path": str(notebook), "student": "submission", "assignment": assignment, "secret": secret,
               "limits": limits}
        result = grade_all([job], 1)[0]
    result.execution_time = time.monotonic() - started
    staging = tempfile.mkdtemp(prefix="rnncourse-gradescope-")
    try:
        write_reports([result], staging, assignment)
        shutil.copyfile(os.path.join(staging, "submission", "results.json"), results_dir / "results.json")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"{notebook or 'no notebook submitted'}: {result.score:g} / {result.max_score:g}", file=sys.stderr)
    return 0
