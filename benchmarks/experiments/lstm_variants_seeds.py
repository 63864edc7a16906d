"""Seed robustness of the LSTM-variant comparison quoted in the LSTM chapter.

    python benchmarks/experiments/lstm_variants_seeds.py [seed ...]     # default seeds 0 1 2 3

The chapter's exact setting (rnncourse.experiments.train_adding_variant defaults: adding problem T=50,
H=32, batch 64, 800 Adam steps, NumPy from scratch, float32). One row per (variant, seed).
tests/test_claims_lstm_variants.py asserts what the chapter says about these runs.
"""
import os
import sys

os.environ.setdefault("RNNCOURSE_PROGRESS", "0")
from rnncourse.experiments import train_adding_variant  # noqa: E402

VARIANTS = ("vanilla", "NFG", "NOAF", "CIFG")
seeds = [int(s) for s in sys.argv[1:]] or [0, 1, 2, 3]
print(f"{'variant':8} {'seed':>4} {'final MSE':>10} {'first step < 0.01':>18} {'seconds':>8}", flush=True)
for seed in seeds:
    for variant in VARIANTS:
        run = train_adding_variant(variant, seed=seed)
        first = run.first_step_below(0.01)
        print(f"{variant:8} {seed:4d} {run.final:10.4f} {first or 'never':>18} {run.seconds:8.1f}", flush=True)
