"""The character model of benchmarks/pretrained/train_char_lstm.py (setting lm.CHAR_SHIPPED) is not shipped:
its runs did not beat the Kneser-Ney 7-gram, and no page of the book uses it. Its manifest is kept in
benchmarks/pretrained/results/char_lstm.json for the record. This test checks that the record still
describes the script's setting and a run that learned; whether a rerun reproduces the recorded curve is
`python benchmarks/pretrained/train_char_lstm.py --check` (100 training steps, about 40 CPU-seconds): a
check for `make test` once the weights ship, as tests/test_claims_word_lstm.py is for the word LSTM.
"""
import dataclasses
import json
import math
from pathlib import Path

from rnncourse.runs import language_models as lm

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "benchmarks" / "pretrained" / "results" / "char_lstm.json"


def test_the_record_is_the_scripts_setting_and_a_run_that_learned():
    manifest = json.loads(RECORD.read_text())
    assert manifest["settings"] == json.loads(json.dumps(dataclasses.asdict(lm.CHAR_SHIPPED)))
    assert manifest["script"] == "benchmarks/pretrained/train_char_lstm.py" and (ROOT / manifest["script"]).is_file()
    steps, bits = zip(*manifest["curve"])
    assert list(steps) == list(range(100, lm.CHAR_SHIPPED.steps + 1, lm.CHAR_SHIPPED.eval_every))
    assert bits[0] < math.log2(27) and min(bits) < bits[0] - 0.5      # from below uniform, and falling far
    assert steps[bits.index(min(bits))] == manifest["metrics"]["best_step"]      # the weights kept were the best
