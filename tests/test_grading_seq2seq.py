"""The seq2seq exercise's grader against its solution, its blank exercise and bad submissions: a beam
search that only returns the greedy answer (it passes just the beam-width-1 test: the hidden tests are
chosen where beam search beats greedy), a selection step that keeps the worst extensions, a wrong return
type, and a notebook that loads the reference rnncourse.decoding. All graded in one `rnncourse grade` run."""
import json
import sys
from pathlib import Path

import nbformat
import pytest
from test_grading import grade_notebooks

ROOT = Path(__file__).resolve().parents[1]
RNNCOURSE = [sys.executable, "-m", "rnncourse.cli"]
LIMITS = ["--load-timeout", "10", "--call-timeout", "3", "--wall-factor", "20", "--memory-mib", "2048"]


def _edit(old, new):
    nb = nbformat.read(ROOT / "solutions" / "seq2seq.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
    assert len(cells) == 1, f"{old!r} must be in exactly one code cell of the solution"
    cells[0].source = cells[0].source.replace(old, new)
    return nb


def _imports_reference():
    nb = _edit(BEAM_DEF, BEAM_DEF + "    return [(h.tokens, h.log_prob) for h in reference(step, state, start_token, "
                                    "end_token, max_len, beam_width)]\n")
    nb.cells.insert(2, nbformat.v4.new_code_cell("from rnncourse.decoding import beam_search as reference"))
    return nb


BEAM_DEF = "def beam_search(step, state, start_token, end_token, max_len, beam_width):\n"
# name -> (notebook, score, substring of the feedback)
CASES = {
    "correct": (lambda: nbformat.read(ROOT / "solutions" / "seq2seq.ipynb", as_version=4), 100, "Passed."),
    "blank": (lambda: nbformat.read(ROOT / "exercises" / "seq2seq.ipynb", as_version=4), 0, "NotImplementedError"),
    # 15 + 25 + 15 + the beam_width=1 test of beam_search (45 / 5 tests)
    "beam-returns-greedy": (lambda: _edit(BEAM_DEF, BEAM_DEF + "    return [greedy_decode(step, state, start_token, end_token, max_len)]\n"),
                            64, "beam_search"),
    # every beam_expand test and every beam_search test fails (beam width 1 then takes the WORST token)
    "expand-keeps-the-worst": (lambda: _edit('order = np.argsort(-cand, axis=None, kind="stable")',
                                             'order = np.argsort(cand, axis=None, kind="stable")'), 40, "beam_expand"),
    "returns-a-tuple": (lambda: _edit("    return sorted(finished, key=lambda hypothesis: -hypothesis[1])",
                                      "    return tuple(sorted(finished, key=lambda hypothesis: -hypothesis[1]))"),
                        55, "must return a non-empty list"),
    # a separate cell imports the reference and beam_search calls it: beam_search is flagged statically (0 of 45)
    "imports-reference": (_imports_reference, 55, "may not use the reference implementation"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade_notebooks({name: make() for name, (make, _, _) in CASES.items()}, "seq2seq", tmp_path_factory, LIMITS)


@pytest.mark.parametrize("name", list(CASES))
def test_submission_gets_expected_score_and_message(graded, name):
    _, score, message = CASES[name]
    result = json.loads((graded / name / "results.json").read_text())
    feedback = (graded / name / "feedback.md").read_text()
    assert result["score"] == pytest.approx(score), feedback
    assert message in feedback, feedback
    if name == "correct":                  # every cell ran clean, the "Try it" cell's assertion included
        assert "Notes about your notebook" not in feedback, feedback
