"""The captioning exercise through the real grader: its solution, and submissions that are wrong in the way
their names say (made from the solution by edits that must apply), each scored by the hidden tests too."""
import json

import nbformat
import pytest
from test_grading import ROOT, assert_full_marks, grade_notebooks, swap

SOLUTION = ROOT / "solutions" / "captioning.ipynb"


def variant(marker, edit):
    nb = nbformat.read(SOLUTION, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1, marker
    cells[0].source = edit(cells[0].source)
    return nb


# name -> (notebook, expected score, {part: expected points}). No correct notebook in this batch (nothing in it is
# hostile): the unmodified solution's full marks come from repo_grade (tests/conftest.py), graded once per test run.
CASES = {
    # a wrong gate order in the LSTM step costs that part alone: Parts 2 and 4, which call it, are fed its
    # reference answers (issue 25 item 6; before, they failed with it and this notebook scored 30)
    "wrong-gate-order": (variant("def lstm_step(", swap(
        "i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])", "f, i, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])")),
        85, {"lstm_step": 0, "decoder_forward": 25, "caption_loss": 30, "greedy_caption": 30}),
    # the image is not fed at t = -1: every forward test fails, the other parts are untouched
    "image-not-fed-first": (variant("def decoder_forward(", swap(
        "inputs = [features] + [embed[captions[:, t]] for t in range(T)]",
        "inputs = [embed[captions[:, 0]]] + [embed[captions[:, t]] for t in range(T)]")), 75, {"decoder_forward": 0}),
    # padding not masked: only the hidden test without padding (B=1, T=1) passes, 1 of 3 tests
    "padding-not-masked": (variant("def caption_loss(", swap("mask = targets != PAD", "mask = targets >= 0")),
                           80, {"caption_loss": 10}),
    # decoding goes on after <end>: only the max_len=1 test passes
    "no-stop-at-end": (variant("def greedy_caption(", swap("done |= last == END", "pass")),
                       80, {"greedy_caption": 10}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade_notebooks({name: nb for name, (nb, *_rest) in CASES.items()}, "captioning", tmp_path_factory)


@pytest.mark.parametrize("name", list(CASES))
def test_captioning_submission_gets_expected_score(graded, name):
    _, score, parts = CASES[name]
    results = json.loads((graded / name / "results.json").read_text())
    assert results["score"] == pytest.approx(score, abs=0.01), (graded / name / "feedback.md").read_text()
    for part, points in parts.items():
        got = sum(t["score"] for t in results["tests"] if t["name"].startswith(f"{part}:"))
        assert got == pytest.approx(points, abs=0.01), part


def test_the_mistakes_are_made_from_a_solution_with_full_marks(repo_grade):
    assert_full_marks(repo_grade("captioning"))
