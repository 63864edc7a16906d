"""The deep-bidirectional-recursive exercise through the real grader: the solution, and bad submissions
made from it by one edit each (every edit must apply, so a restyled solution fails here instead of
silently turning a bad submission good). Each score follows from which public and hidden tests the bug
can pass: e.g. a bidirectional layer that forgets to flip the backward states back is right only at T = 1."""
import json
from pathlib import Path

import nbformat
import pytest
from test_grading import grade_notebooks

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "deep-bidirectional-recursive.ipynb"
LIMITS = ["--load-timeout", "10", "--call-timeout", "3", "--wall-factor", "20", "--memory-mib", "2048"]


def _variant(marker=None, old=None, new=None, prepend=None):
    nb = nbformat.read(SOLUTION, as_version=4)
    if marker:
        cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
        assert len(cells) == 1 and old in cells[0].source, f"update this bad submission: {old!r}"
        cells[0].source = cells[0].source.replace(old, new)
    if prepend:
        nb.cells.insert(2, nbformat.v4.new_code_cell(prepend))
    return nb


CASES = {   # name -> (notebook, expected score, text expected in the feedback)
    # The correct notebook stays in this batch (the unmodified solution is also graded by repo_grade): it is the
    # control that "tree-backward-uses-the-reference", flagged for importing the reference, does not get a
    # neighbour flagged too.
    "correct": (_variant(), 100, "Passed."),
    # forward right only at T = 1 (1 of 3 tests); the backward works from the honest cache
    "backward-states-not-flipped-back": (_variant("def birnn_forward(", "outs.append(hs[::-1] if d else hs)",
                                                  "outs.append(hs)"), 100 - 20 * 2 / 3, "wrong values"),
    "input-gradient-of-one-direction-only": (_variant("def birnn_backward(", 'grads["x"] = grads["x"] + (',
                                                      'grads["x"] = ('), 70, "dx: wrong values"),
    # the two-leaf tree has one internal node, where = and += agree: 1 of 4 tree_backward tests passes
    "shared-weight-gradient-overwritten": (_variant("def tree_backward(", 'grads["weight"] += np.outer(',
                                                    'grads["weight"] = np.outer('), 100 - 30 * 3 / 4, "dweight"),
    "tanh-derivative-forgotten": (_variant("def tree_backward(", "da = dh[p] * (1 - h[p] ** 2)", "da = dh[p]"),
                                  70, "wrong values"),
    "tree-backward-uses-the-reference": (_variant(
        "def tree_backward(", "    h, children, n, weight = cache",
        "    from rnncourse.scratch import recursive\n    h, children, n, weight = cache"), 70,
        "may not use the reference implementation"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade_notebooks({name: nb for name, (nb, *_rest) in CASES.items()}, "deep-bidirectional-recursive",
                           tmp_path_factory, LIMITS)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_submission_gets_the_score_its_bug_earns(graded, name):
    _, expected, message = CASES[name]
    results = json.loads((graded / name / "results.json").read_text())
    feedback = (graded / name / "feedback.md").read_text()
    assert results["max_score"] == 100
    assert results["score"] == pytest.approx(expected, abs=1e-4), feedback
    assert message in feedback, feedback
