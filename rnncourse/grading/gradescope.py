"""Parent side: the Gradescope autograder zip, and what its ``run_autograder`` runs.

    rnncourse gradescope ASSIGNMENT --secret-file FILE [--out autograder.zip]

The zip (Gradescope unpacks it into /autograder/source) holds ``setup.sh`` (installs the pinned stack:
torch==2.13.0 CPU build, then this package from the wheel in the zip), ``run_autograder``, a wheel of the
package that is running (``rnncourse-VERSION-py3-none-any.whl``: the library and grader, never
``solutions/``), and the secret (made root-only 0600 before use). The wheel is written here from the
installed package's own files and metadata, so the zip is the same whether it is built from a clone or
from a wheel install, and needs no source tree. Gradescope runs ``run_autograder`` as root with the
student's files in /autograder/submission and reads /autograder/results/results.json; ``run`` below grades
the one notebook there with the same trusted grader and protections as ``rnncourse grade``.
RNNCOURSE_AUTOGRADER_ROOT relocates /autograder (tests).
"""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

TORCH_PIN = "torch==2.13.0"
PACKAGE = Path(__file__).resolve().parents[1]
# What the grading wheel carries: code and small data. The pretrained weights (.npz) are not needed to grade.
SUFFIXES = (".py", ".txt", ".json", ".csv")

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd /autograder/source
python3 -m pip install --no-cache-dir {TORCH_PIN} --index-url https://download.pytorch.org/whl/cpu
python3 -m pip install --no-cache-dir ./rnncourse-*-py3-none-any.whl
chown root:root secret && chmod 600 secret
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this as root for each submission: grade /autograder/submission into results/results.json.
set -euo pipefail
ROOT="${{RNNCOURSE_AUTOGRADER_ROOT:-/autograder}}"
chmod 600 "$ROOT/source/secret"
exec "${{RNNCOURSE_PYTHON:-python3}}" -m rnncourse.cli gradescope-run {assignment} --root "$ROOT"
"""


def _package_files():
    """(path, name inside the wheel) of every file of the running package the grader needs."""
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in SUFFIXES:
            yield path, path.relative_to(PACKAGE.parent).as_posix()


def _metadata() -> tuple:
    """(version, METADATA text, entry_points.txt text) of the installed distribution, or minimal ones."""
    from importlib import metadata

    from .. import __version__

    try:
        dist = metadata.distribution("rnncourse")
        if dist.version == __version__ and dist.read_text("METADATA"):
            return __version__, dist.read_text("METADATA"), dist.read_text("entry_points.txt") or ""
    except metadata.PackageNotFoundError:
        pass
    meta = (f"Metadata-Version: 2.1\nName: rnncourse\nVersion: {__version__}\nRequires-Python: >=3.10\n"
            f"Requires-Dist: numpy>=1.24\nRequires-Dist: {TORCH_PIN}\n")
    return __version__, meta, "[console_scripts]\nrnncourse = rnncourse.cli:main\n"


def write_wheel(folder) -> Path:
    """Write ``rnncourse-VERSION-py3-none-any.whl`` of the running package into ``folder``; return its path."""
    version, meta, entry_points = _metadata()
    info = f"rnncourse-{version}.dist-info"
    path = Path(folder) / f"rnncourse-{version}-py3-none-any.whl"
    record = []

    def put(z, name, data: bytes):
        z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")

    with zipfile.ZipFile(path, "w") as z:
        for file, name in _package_files():
            put(z, name, file.read_bytes())
        put(z, f"{info}/METADATA", meta.encode())
        put(z, f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: rnncourse.grading.gradescope\n"
                                b"Root-Is-Purelib: true\nTag: py3-none-any\n")
        put(z, f"{info}/entry_points.txt", entry_points.encode())
        put(z, f"{info}/top_level.txt", b"rnncourse\n")
        record.append(f"{info}/RECORD,,")
        z.writestr(zipfile.ZipInfo(f"{info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0)), "\n".join(record) + "\n")
    return path


def build_zip(assignment: str, secret: str, out: str) -> str:
    """Write the autograder zip for ``assignment`` to ``out``; return its path."""
    def add(z, name, text, mode):
        info = zipfile.ZipInfo(name)
        info.external_attr = (0o100000 | mode) << 16
        z.writestr(info, text)

    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)    # it holds the secret
    os.fchmod(fd, 0o600)
    with (tempfile.TemporaryDirectory() as tmp, os.fdopen(fd, "wb") as f,
          zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z):
        add(z, "setup.sh", SETUP_SH, 0o755)
        add(z, "run_autograder", RUN_AUTOGRADER.format(assignment=assignment), 0o755)
        add(z, "secret", secret + "\n", 0o600)
        wheel = write_wheel(tmp)
        z.write(wheel, wheel.name)
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
    from .canary import sandbox_problem
    from .feedback import polish
    from .grader import Result, _result, plan
    from .report import write_reports
    from .sandbox import Limits, clean_up_after_killed_graders
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
        problem = sandbox_problem(assignment, secret, limits or Limits())
        if problem:         # no results.json: Gradescope shows the autograder failed, not a 0 for the student
            print(f"error: {problem}", file=sys.stderr)
            return 3
        job = {"path": str(notebook), "student": "submission", "assignment": assignment, "secret": secret,
               "limits": limits}
        result = polish(grade_all([job], 1)[0], assignment, notebook)
    result.execution_time = time.monotonic() - started
    staging = tempfile.mkdtemp(prefix="rnncourse-gradescope-")
    try:
        write_reports([result], staging, assignment)
        shutil.copyfile(os.path.join(staging, "submission", "results.json"), results_dir / "results.json")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"{notebook or 'no notebook submitted'}: {result.score:g} / {result.max_score:g}", file=sys.stderr)
    return 0
