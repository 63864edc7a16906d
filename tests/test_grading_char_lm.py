"""The char-lm exercise under the grader: the solution, and bad submissions that each break one idea of
the exercise (one `rnncourse grade` run). Each bad submission is the solution with one edit that must apply.
"""
import json
import sys
from pathlib import Path

import nbformat
import pytest
from test_grading import grade_notebooks

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "char-lm.ipynb"
RNNCOURSE = [sys.executable, "-m", "rnncourse.cli"]
LIMITS = ["--load-timeout", "20", "--call-timeout", "5", "--wall-factor", "20", "--memory-mib", "2048"]


def variant(marker, old, new):
    nb = nbformat.read(SOLUTION, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1 and old in cells[0].source, f"update this bad submission: {old!r} not in the {marker} cell"
    cells[0].source = cells[0].source.replace(old, new)
    return nb


# name -> (notebook, expected score, text expected in the feedback)
CASES = {
    # The correct notebook stays in this batch (the unmodified solution is also graded by repo_grade): it is the
    # control that "forges-the-counts", which patches numpy in its own process, does not reach a neighbour.
    "correct": (nbformat.read(SOLUTION, as_version=4), 100, "Passed."),
    # the mean over T only, not over T*B: part 1 and the training parts that use it fail
    "gradient-not-averaged-over-batch": (variant("def softmax_cross_entropy(", "dlogits /= T * B", "dlogits /= T"),
                                         38.333333, "relative error"),     # (a B = 1 hidden test of part 4 passes)
    # the temperature ignored: the distribution and the sampler fail
    "temperature-ignored": (variant("def softmax_with_temperature(", "z = logits / temperature", "z = logits * 1.0"),
                            73.333333, "relative error"),      # (the tau = 1 test passes)
    # greedy instead of sampling: every draw is the arg-max
    "argmax-instead-of-sampling": (variant("def sample_with_temperature(", "idx = np.minimum(idx, probs.shape[-1] - 1)",
                                           "idx = probs.argmax(axis=-1)"), 80, "must draw its randomness"),
    # its own generator instead of the grader's: the seeds are the grader's
    "own-random-generator": (variant("def sample_with_temperature(", "u = rng.random((probs.shape[0], 1))",
                                     "u = np.random.default_rng().random((probs.shape[0], 1))"), 80,
                             "must draw its randomness from the generator"),
    # uniform draws from the grader's generator, and np.bincount patched to report softmax(z / tau) as
    # their counts: the grader counts the draws itself, so the forgery fails the sampling part (it passed
    # when the child counted them)
    "forges-the-counts": (variant("def sample_with_temperature(", "idx = np.minimum(idx, probs.shape[-1] - 1)",
                                  "idx = rng.integers(probs.shape[-1], size=probs.shape[0])\n"
                                  "    _p = probs[0].copy()\n"
                                  "    np.bincount = lambda x, weights=None, minlength=0: _p * len(x)"),
                          80, "the frequencies of"),
    # the state reset at every window instead of carried across: part 5 fails
    "state-not-carried": (variant("def train_stream(", "loss, params, h = train_step(params, streams[start:end + 1], h, lr)",
                                  "loss, params, h = train_step(params, streams[start:end + 1], np.zeros((B, H)), lr)"),
                          85, "relative error"),
    # the update uses the wrong sign: parts 4 and 5 fail
    "gradient-ascent": (variant("def train_step(", "v - lr * grads[k]", "v + lr * grads[k]"), 60, "relative error"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade_notebooks({name: nb for name, (nb, _, _) in CASES.items()}, "char-lm", tmp_path_factory, LIMITS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_char_lm_submission_gets_expected_score(graded, name):
    _, score, message = CASES[name]
    results = json.loads((graded / name / "results.json").read_text())
    feedback = (graded / name / "feedback.md").read_text()
    assert results["score"] == pytest.approx(score, abs=1e-5), feedback
    assert message in feedback
