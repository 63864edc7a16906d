"""Each part graded on its own (issue 25 item 6): a mistake in an earlier part costs only that part.

Where a later part builds on an earlier one, its tests feed the reference's values for the earlier part
(a cache as arrays, and the earlier function's answers sealed for the calls a right later function makes;
``rnncourse/grading/replay.py``). Each bad submission below is the solution with one earlier function
broken (an edit that must apply); one `rnncourse grade` run grades them all, and each must lose exactly
that function's part. On the grader before this change the later parts failed with it (lstm-backward:
35, 35, 55 and 45 instead of 90, 90, 85 and 75; gru: 35, 0 and 35 instead of 80, 80 and 65; training: 35
instead of 80; deep-bidirectional-recursive: 66.7 and 50 instead of 86.7 and 80). A hostile submission
that tries to get the reference's values out of what it is fed gains nothing.
"""
import json
from pathlib import Path

import nbformat
import pytest
from test_grading import assert_full_marks, grade_notebooks

ROOT = Path(__file__).resolve().parents[1]
LIMITS = ["--load-timeout", "20", "--call-timeout", "5", "--wall-factor", "20", "--memory-mib", "2048"]


def variant(assignment, marker, old, new):
    nb = nbformat.read(ROOT / "solutions" / f"{assignment}.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1 and old in cells[0].source, f"update this bad submission: {old!r} not in the {marker} cell"
    cells[0].source = cells[0].source.replace(old, new)
    return nb


# A hostile Part 6: lstm_backward never routes a gradient; it reads every array it can reach from the
# stand-in it is handed (closure, attributes, the objects the garbage collector knows), calls the stand-in
# with arguments other than a right backward's, and returns per-step sums of whatever it found.
HOSTILE_BACKWARD = '''
def lstm_backward(dhs, cache, dc_last):
    import gc
    T, B, H = dhs.shape
    f = lstm_cell_backward
    seen = [getattr(c, "cell_contents", None) for c in (getattr(f, "__closure__", None) or ())]
    seen += [o for o in gc.get_objects() if isinstance(o, dict)]
    arrays = []
    def walk(o, depth=0):
        if depth > 4:
            return
        if isinstance(o, np.ndarray):
            arrays.append(o)
        elif isinstance(o, dict):
            for v in list(o.values())[:200]:
                walk(v, depth + 1)
        elif isinstance(o, (list, tuple)):
            for v in list(o)[:200]:
                walk(v, depth + 1)
    for o in seen:
        walk(o)
    steps = [f(dhs[t], np.zeros((B, H)), cache[t]) for t in range(T)]
    grads = {k: sum(s[k] for s in steps) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    for a in arrays:                      # any sealed array of a weight's shape, read as float64
        if a.dtype == np.uint64 and a.shape == grads["weight_hh"].shape:
            grads["weight_hh"] = grads["weight_hh"] + a.view(np.float64)
    grads["x"] = np.stack([s["x"] for s in steps])
    grads["h0"], grads["c0"] = steps[0]["h"], steps[0]["c"]
    return grads
'''

LSTM = "lstm-backward"
# name -> (notebook, expected score): each loses exactly its own part's points
CASES = {
    # The correct notebook stays in this batch (the unmodified solution's full marks also come from repo_grade):
    # it is the control that the hostile neighbour below, which reads what the grader feeds it, does not change it.
    "correct": (nbformat.read(ROOT / "solutions" / f"{LSTM}.ipynb", as_version=4), 100),
    # Part 2 wrong (the gradient from the next step's cell state dropped): Parts 5 and 6 call it
    "output-backward-wrong": (variant(LSTM, "def lstm_output_backward(", "dc = dc_next + dh_next", "dc = dh_next"), 90),
    # Part 4 wrong (the tanh gate's derivative of a sigmoid)
    "gates-backward-wrong": (variant(LSTM, "def lstm_gates_backward(", "dg * (1 - g**2)", "dg * g * (1 - g)"), 90),
    # Part 1 wrong (h from c, not tanh(c)): Part 6's lstm_forward calls it
    "cell-forward-wrong": (variant(LSTM, "def lstm_cell_forward(", "h_next = o * tanh_c", "h_next = o * c_next"), 85),
    # Part 5 wrong (the recurrent weights' gradient from x): Part 6's lstm_backward calls it
    "cell-backward-wrong": (variant(LSTM, "def lstm_cell_backward(", '"weight_hh": da.T @ h', '"weight_hh": da.T @ h * 2'),
                            75),
    # Part 6's backward hostile, on top of a wrong Part 5: gets nothing for it (60 = 45 + Part 6's forward tests)
    "hostile-reads-what-it-is-fed": (variant(LSTM, "def lstm_cell_backward(", '"weight_hh": da.T @ h',
                                             '"weight_hh": da.T @ h * 2'), 60),
}
_cells = [c for c in CASES["hostile-reads-what-it-is-fed"][0].cells if "def lstm_backward(" in c.source]
_cells[0].source = _cells[0].source.split("def lstm_backward(")[0] + HOSTILE_BACKWARD


GRU = "gru"
# No correct notebook here (nothing hostile in this batch): the solution's full marks come from repo_grade.
GRU_CASES = {
    # Part 1 wrong (z and 1 - z swapped): Part 3's gru_forward calls it
    "cell-forward-wrong": (variant(GRU, "def gru_cell_forward(", "h_next = (1 - z) * n + z * h", "h_next = z * n + (1 - z) * h"),
                           80),
    # Part 1 not written at all: Parts 2-4 are still graded
    "cell-forward-missing": (variant(GRU, "def gru_cell_forward(", "def gru_cell_forward(", "def not_done_yet("), 80),
    # Part 2 wrong (the direct path z * dh_next into h dropped): Part 4's gru_backward calls it
    "cell-backward-wrong": (variant(GRU, "def gru_cell_backward(", '"h": d_gh @ weight_hh + dh_next * z', '"h": d_gh @ weight_hh'),
                            65),
}
TRAINING = "training"
TRAINING_CASES = {
    # Part 4 wrong (b_hh left out of a, so f is wrong too): Part 5 is given the reference's cache (35 before)
    "leaky-forward-wrong": (variant(TRAINING, "def leaky_cell_forward(", "h @ weight_hh.T + bias_hh)", "h @ weight_hh.T)"),
                            80),
}
DEEP = "deep-bidirectional-recursive"
DEEP_CASES = {
    # Part 1 wrong (the reverse direction not run over reversed time, so its cache is wrong too; the T = 1
    # tests are blind to it): 66.7 before
    "birnn-forward-wrong": (variant(DEEP, "def birnn_forward(", "xin = x[::-1] if d else x", "xin = x"),
                            100 - 20 * 2 / 3),
    # Part 3 wrong (children swapped, so every internal state in the cache is wrong): 50 before
    "tree-forward-wrong": (variant(DEEP, "def tree_forward(", "np.concatenate([h[left], h[right]])",
                                   "np.concatenate([h[right], h[left]])"), 80),
}
ALL = {LSTM: CASES, GRU: GRU_CASES, TRAINING: TRAINING_CASES, DEEP: DEEP_CASES}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return {name: grade_notebooks({case: nb for case, (nb, _) in cases.items()}, name, tmp_path_factory, LIMITS)
            for name, cases in ALL.items()}


@pytest.mark.parametrize("assignment,name", [(a, n) for a, cases in ALL.items() for n in cases])
def test_a_mistake_costs_only_its_own_part(graded, assignment, name):
    results = json.loads((graded[assignment] / name / "results.json").read_text())
    feedback = (graded[assignment] / name / "feedback.md").read_text()
    assert results["score"] == pytest.approx(ALL[assignment][name][1], abs=1e-5), feedback


@pytest.mark.parametrize("assignment", list(ALL))
def test_the_mistakes_are_made_from_a_solution_with_full_marks(assignment, repo_grade):
    """The unmodified solution, graded once per test run (tests/conftest.py), scores 100: so each score above is
    what its one mistake costs. (The LSTM batch also grades it, as a control beside its hostile submission.)"""
    assert_full_marks(repo_grade(assignment))
