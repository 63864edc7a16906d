"""What a student reads: refused imports named as such, Jupyter's cell numbers, "this test runs your
forward first", and a failing self-check shown as one message rather than a traceback into the library.
Each of these failed on commit 4402d48 (user-journeys review, journeys 1-2)."""
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def check(path, *args):
    return subprocess.run([sys.executable, "-m", "rnncourse.cli", "check", str(path), *args], capture_output=True,
                          text=True, timeout=600, cwd=Path(path).parent, env={**os.environ, "OMP_NUM_THREADS": "1"})


def edited(source, marker, edit):
    """The notebook ``source`` with the one code cell holding ``marker`` edited."""
    nb = nbformat.read(ROOT / source, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1, f"{marker!r} is in {len(cells)} code cells of {source}"
    cells[0].source = edit(cells[0].source)
    return nb


def jupyter_number(nb, marker):
    """The execution count Jupyter shows for the code cell holding ``marker`` after Run All."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    return 1 + next(i for i, c in enumerate(code) if marker in c.source)


def test_torch_import_is_named_and_the_missing_functions_explained(tmp_path):
    nb = edited("solutions/gru.ipynb", "def gru_cell_forward(", lambda s: "import torch\n" + s)
    nbformat.write(nb, tmp_path / "gru.ipynb")
    proc = check(tmp_path / "gru.ipynb")
    assert proc.returncode == 1
    cell = jupyter_number(nb, "def gru_cell_forward(")
    assert (f"cell [{cell}] (which defines `gru_cell_forward`): `import torch` is not available while grading"
            in proc.stdout), proc.stdout
    assert "use NumPy" in proc.stdout and "refused import: `torch`" in proc.stdout
    assert "PermissionError" not in proc.stdout and sys.prefix not in proc.stdout      # no grader paths


def test_matplotlib_in_an_exploration_cell_costs_nothing_and_is_named(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / "gru.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2])"))
    nbformat.write(nb, tmp_path / "gru.ipynb")
    proc = check(tmp_path / "gru.ipynb")
    assert proc.returncode == 0, proc.stdout
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    assert f"cell [{n_code}]: `import matplotlib` is not available while grading" in proc.stdout, proc.stdout


def test_cell_numbers_are_jupyters(tmp_path):
    nb = nbformat.read(ROOT / "exercises" / "gru.ipynb", as_version=4)
    nbformat.write(nb, tmp_path / "gru.ipynb")
    proc = check(tmp_path / "gru.ipynb", "--part", "gru_forward")
    cell = jupyter_number(nb, 'def gru_forward(')
    assert f"(at cell [{cell}], line 4, in `gru_forward`)" in proc.stdout, proc.stdout      # names the function


def test_a_backward_failing_because_of_the_forward_says_so(tmp_path):
    # the forward drops a bias: the backward formula is right, but its test runs this forward for its cache
    # (narx: a part not fed the reference's cache)
    nb = edited("solutions/narx.ipynb", "def narx_forward(", lambda s: _swap(
        s, 'h1 = np.tanh(r @ params["weight_h1"].T + params["bias_h1"])', 'h1 = np.tanh(r @ params["weight_h1"].T)'))
    nbformat.write(nb, tmp_path / "narx.ipynb")
    proc = check(tmp_path / "narx.ipynb")
    block = proc.stdout.split("[FAIL] narx_backward", 1)[1].split("[", 1)[0]
    assert "This test runs your `narx_forward` first, and that part failed its own tests" in block, proc.stdout


def test_a_part_fed_the_reference_values_is_not_blamed_on_the_earlier_part(tmp_path):
    # the same mistake in rnn-bptt: rnn_cell_backward is given the reference's cache, so it passes and
    # nothing blames rnn_cell_forward for the later parts
    nb = edited("solutions/rnn-bptt.ipynb", "def rnn_cell_forward(", lambda s: _swap(s, "h @ weight_hh.T", "h @ weight_hh"))
    nbformat.write(nb, tmp_path / "rnn.ipynb")
    proc = check(tmp_path / "rnn.ipynb")
    assert "[FAIL] rnn_cell_forward" in proc.stdout and "runs your `rnn_cell_forward`" not in proc.stdout, proc.stdout
    for part in ("rnn_cell_backward", "rnn_forward", "rnn_backward", "rnn_backward_truncated"):
        assert f"[PASS] {part}:" in proc.stdout, proc.stdout


def _swap(source, old, new):
    assert old in source, f"{old!r} is no longer in the solution: update this test"
    return source.replace(old, new)


def test_calls_are_read_from_the_students_source():
    from rnncourse.grading.feedback import calls

    cells = ["def f(x):\n    return g(x) + 1\n", "def g(x):\n    return h(x)\n", "def h(x):\n    return x\n",
             "def k(x):\n    return f  # named, not called\n", "def broken(:\n"]
    assert calls(cells, ["f", "g", "h", "k"]) == {"f": {"g", "h"}, "g": {"h"}, "h": set(), "k": set()}


def test_failing_self_check_is_one_message_in_jupyter(tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from rnncourse.grading.selfcheck import check\n"
                                          "def gru_cell_forward(*args):\n    raise NotImplementedError('Your code here')"),
                nbformat.v4.new_code_cell('check("gru", "gru_cell_forward", globals())', metadata={"tags": ["raises-exception"]})]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    error = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert len(error) == 1 and error[0].ename == "SelfCheckFailed"
    shown = "\n".join(error[0].traceback)
    assert "selfcheck.py" not in shown and "Traceback" not in shown and len(error[0].traceback) <= 3, shown
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs if o.output_type == "stream")
    assert "FAIL gru_cell_forward" in printed and "NotImplementedError" in printed
    assert "(raised at line 3 of `gru_cell_forward`" in printed, printed


@pytest.fixture(autouse=True)
def _one_thread(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
