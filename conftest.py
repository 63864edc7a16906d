"""Root conftest: what each test costs (its markers), and which notebooks nbval runs, and how.

nbval runs the graded notebooks in solutions/ and exercises/ (every cell must run without error, except
cells tagged raises-exception, the blanks' self-checks) in lax mode: outputs hold floats, timings and
relative errors that change from run to run, and correctness is asserted by the self-check cells
themselves. Lax mode is applied HERE, to these two folders only, not through ``--nbval-lax`` in addopts:
with ``--nbval-lax`` in addopts, ``pytest submissions/`` would "pass" a class's notebooks whatever their
answers (a notebook that runs is a pass). Grade submissions with ``rnncourse grade``. Pass ``--nbval`` or
``--nbval-lax`` yourself to run nbval on other notebooks.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# Cost markers (slow, claims, notebook, book, browser, pipeline) applied by path and fixture, and the check
# that fails an unmarked test spending more than 10 s of CPU: tests/cost_markers.py, CONTRIBUTING.md. Loaded
# here, at the root, so that they also hold when only solutions/ or exercises/ is collected.
sys.path.insert(0, str(ROOT / "tests"))
from cost_markers import (  # noqa: E402, F401
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_runtest_makereport,
    pytest_runtest_setup,
    pytest_xdist_make_scheduler,
)

GRADED_NOTEBOOK_FOLDERS = (ROOT / "solutions", ROOT / "exercises")


def pytest_collect_file(file_path, parent):
    option = parent.config.option
    if file_path.suffix != ".ipynb" or getattr(option, "nbval", False) or getattr(option, "nbval_lax", False):
        return None                       # nbval's own hook collects it (or nothing does)
    if Path(file_path).resolve().parent not in GRADED_NOTEBOOK_FOLDERS:
        return None
    from nbval.plugin import IPyNbFile

    notebook = IPyNbFile.from_parent(parent, path=file_path)
    notebook.compare_outputs = False      # exactly what --nbval-lax sets, for these folders only
    return notebook
