"""ruff (configured in pyproject.toml) is clean over the library, the tests (with the root conftest.py) and the benchmarks."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is not installed (it is in the test extra of pyproject.toml)"
    proc = subprocess.run([ruff, "check", "rnncourse", "tests", "benchmarks", "book/_ext", "conftest.py"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
