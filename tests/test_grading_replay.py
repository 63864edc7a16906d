"""The sealed reference values a later part's test is fed (``rnncourse/grading/replay.py``), in process.

A stand-in answers only the exact calls the grader sealed, and any other call with the student's own
function; what a test sends the child is values (no callables), and no reference result is among them in
the clear. The pipeline (a real ``rnncourse grade`` run) is in ``test_grading_parts.py``.
"""
from pathlib import Path

import numpy as np
import pytest

from rnncourse.grading import assignments, replay
from rnncourse.grading import spec as specs
from rnncourse.grading.feedback import depends_on
from rnncourse.grading.notebook import read_submission

ROOT = Path(__file__).resolve().parents[1]


def _sealed_calls():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    result = (a @ np.ones((4, 2)), {"x": b * 2, "n": np.float64(7.0)})
    return a, b, result, replay.seal("f", [((a, b, 2), result)])


def test_a_stand_in_answers_the_sealed_call_and_nothing_else():
    a, b, result, sealed = _sealed_calls()
    plain, tables = replay.split({**sealed, "z": 1.0})
    assert plain == {"z": 1.0}
    own_calls = []

    def own(x, y, k):
        own_calls.append(k)
        return "own"
    ns = {"f": own}
    with replay.installed(ns, tables):
        got = ns["f"](a.copy(), b.copy(), 2)
        assert np.array_equal(got[0], result[0]) and np.array_equal(got[1]["x"], result[1]["x"])
        assert got[1]["n"] == 7.0 and isinstance(got, tuple) and isinstance(got[1], dict)
        assert ns["f"](a, b, k=2)[1]["n"] == 7.0                 # keywords placed by the student's signature
        assert ns["f"](a, b, 3) == "own"                         # another call: the student's own function
        assert ns["f"](a + 1e-12, b, 2) == "own"                 # not the exact arguments: the student's own
        assert ns["f"](np.nextafter(a, 1), b, 2) == "own"
    assert ns["f"] is own and own_calls == [3, 2, 2]              # the name is given back after the call
    ns = {}
    with replay.installed(ns, tables):
        assert ns["f"](a, b, 2)[1]["n"] == 7.0                     # a missing earlier function: answered too
        with pytest.raises(NameError, match="'f' is not defined"):
            ns["f"](a, b, 5)
    assert ns == {}


def test_sealed_values_are_not_the_reference_values():
    a, b, result, sealed = _sealed_calls()
    assert sorted(sealed) == ["replay__f__data", "replay__f__index"]
    assert not any(callable(v) for v in sealed.values())
    data = sealed["replay__f__data"].view(np.float64)
    assert data.size == result[0].size + result[1]["x"].size + 1          # every value, sealed
    for want in (result[0], result[1]["x"], np.array([7.0])):
        assert not np.isin(want.ravel(), data).any()
    index = str(sealed["replay__f__index"])
    assert "7.0" not in index and str(result[0][0, 0])[:8] not in index


def _all_tests():
    for name in sorted(assignments.ASSIGNMENTS):
        spec = assignments.get(name)
        for part in spec.parts:
            for test in part.tests:
                yield spec, part, test


@pytest.mark.parametrize("spec,part,test", [t for t in _all_tests() if t[1].fed],
                         ids=lambda v: getattr(v, "name", None))
def test_what_a_fed_test_sends_is_values_and_holds_no_reference_result_in_the_clear(spec, part, test):
    inputs = test.make_inputs(specs.test_seed("public", spec.name, specs.test_id(part.name, test.name)))
    expected = test.reference(inputs)
    assert any(k.startswith((replay.PREFIX, "cache_")) for k in inputs)       # it is fed something
    pool = []
    for k, v in inputs.items():
        assert isinstance(v, (np.ndarray, int, float, str)), (k, type(v))
        if isinstance(v, np.ndarray) and v.dtype.kind in "fu" and v.dtype.itemsize == 8:
            pool.append((v.view(np.float64) if v.dtype.kind == "u" else v).ravel())
    pool = np.concatenate(pool)
    for key, want in expected.items():    # not even shifted or in pieces: most of its values absent
        found = np.isin(np.asarray(want, dtype=np.float64).ravel(), pool).mean()
        assert found < 0.5, f"{key}: {found:.0%} of its values are among the inputs in the clear"

def test_feedback_does_not_blame_a_function_whose_values_were_fed():
    spec = assignments.get("lstm-backward")
    deps = depends_on(spec, read_submission(ROOT / "solutions" / "lstm-backward.ipynb").cells)
    assert "lstm_output_backward" not in deps.get("lstm_cell_backward", [])
    assert "lstm_cell_backward" not in deps.get("lstm_backward", [])
    assert deps["lstm_backward"] == ["lstm_forward"]
