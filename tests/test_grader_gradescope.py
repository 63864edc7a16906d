"""The Gradescope autograder zip, unpacked and run as Gradescope runs it (as root, /autograder relocated)."""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from rnncourse import pretrained

ROOT = Path(__file__).resolve().parents[1]


def _build(tmp_path, assignment="rnn-bptt"):
    secret = tmp_path / "secret"
    secret.write_text("gradescope-test-secret-0123456789\n")
    secret.chmod(0o600)
    out = tmp_path / "autograder.zip"
    subprocess.run([sys.executable, "-m", "rnncourse.cli", "gradescope", assignment, "--secret-file", str(secret),
                    "--out", str(out)], check=True, capture_output=True, cwd=ROOT)
    return out


def _autograder(tmp_path, zip_path):
    """Lay out /autograder as Gradescope does: source/ (the unpacked zip), run_autograder, submission/."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(root / "source")
    (root / "run_autograder").write_bytes((root / "source" / "run_autograder").read_bytes())
    (root / "submission").mkdir()
    return root


def _run(root):
    env = {**os.environ, "RNNCOURSE_AUTOGRADER_ROOT": str(root), "RNNCOURSE_PYTHON": sys.executable}
    env.pop("RNNCOURSE_GRADING_SECRET", None)
    proc = subprocess.run(["bash", str(root / "run_autograder")], capture_output=True, text=True, env=env, cwd=root,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_zip_installs_the_pinned_stack_and_leaves_out_the_solutions(tmp_path):
    with zipfile.ZipFile(_build(tmp_path)) as z:
        names = z.namelist()
        setup = z.read("setup.sh").decode()
        wheels = [n for n in names if n.startswith("rnncourse-") and n.endswith("-py3-none-any.whl")]
        assert len(wheels) == 1, names
        with zipfile.ZipFile(z.open(wheels[0])) as wheel:
            in_wheel = wheel.namelist()
    assert {"setup.sh", "run_autograder", "secret"} <= set(names)
    assert "torch==2.13.0" in setup and "./rnncourse-*-py3-none-any.whl" in setup
    assert "rnncourse/grading/runner.py" in in_wheel
    assert not [n for n in in_wheel if "solutions/" in n or n.endswith(".ipynb")]
    weights = [p.name for p in pretrained.DIRECTORY.glob("*.npz")]          # not needed to grade (gradescope.py)
    assert weights and not [n for n in in_wheel if n.endswith(".npz")]
    assert not [n for n in names if "solutions/" in n or n.endswith(".ipynb")]


def test_run_autograder_grades_a_submission_laid_out_as_gradescope_does(tmp_path):
    root = _autograder(tmp_path, _build(tmp_path))
    (root / "submission" / "my-homework.ipynb").write_bytes((ROOT / "solutions" / "rnn-bptt.ipynb").read_bytes())
    results = _run(root)
    assert results["score"] == results["max_score"] == 100
    assert results["extra_data"]["protections"]["landlock_abi"] >= 1
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}


def test_run_autograder_scores_a_blank_zero_and_no_notebook_zero(tmp_path):
    root = _autograder(tmp_path, _build(tmp_path))
    (root / "submission" / "blank.ipynb").write_bytes((ROOT / "exercises" / "rnn-bptt.ipynb").read_bytes())
    assert _run(root)["score"] == 0
    (root / "submission" / "blank.ipynb").unlink()
    (root / "submission" / "notes.txt").write_text("I forgot the notebook")
    empty = _run(root)
    assert empty["score"] == 0 and empty["max_score"] == 100 and "No notebook" in empty["output"]
