"""The benchmark scripts run and print every row they promise (no timing is asserted: timings do not
belong in pass/fail tests; `make benchmark` is where they are read)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_rnn_prints_a_ratio_for_every_model_and_floor():
    run = subprocess.run([sys.executable, "benchmarks/bench_rnn.py", "--reps", "1", "--block", "1", "--settle", "0"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    rows = {}
    for line in run.stdout.splitlines():
        match = re.match(r"(.+?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", line)
        if match:
            rows[match[1].strip()] = [float(v) for v in match.groups()[1:]]
    expected = ["RNN", "LSTM", "GRU", "LSTM, no oneDNN in torch",
                "RNN, products only", "LSTM, products only", "GRU, products only"]
    assert list(rows) == expected, run.stdout
    for name, (ours, theirs, ratio) in rows.items():
        assert ours > 0 and theirs > 0 and abs(ratio - ours / theirs) < 0.01 + 0.01 * ratio, (name, run.stdout)
