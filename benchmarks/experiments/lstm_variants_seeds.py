"""Seed study of the LSTM-variant comparison quoted in the LSTM chapter (section sec-lstm-variants).

    python benchmarks/experiments/lstm_variants_seeds.py [seed ...]   # default: VARIANT_STUDY.seeds

The chapter's setting, rnncourse.runs.adding.VARIANT_STUDY (adding problem T=50, H=32, batch 64, 800 Adam
steps, NumPy from scratch, float32). One row per (variant, seed). tests/test_claims_lstm_variants.py
asserts what the chapter says about these runs; rerun it under a second BLAS kernel
(OPENBLAS_CORETYPE=Haswell) before quoting a change.
"""
import os
import sys

os.environ.setdefault("RNNCOURSE_PROGRESS", "0")
from rnncourse.runs.adding import VARIANT_STUDY, train_adding_variant  # noqa: E402

VARIANTS = ("vanilla", "NFG", "NOAF", "CIFG")
seeds = [int(s) for s in sys.argv[1:]] or list(VARIANT_STUDY.seeds)
print(f"{'variant':8} {'seed':>4} {'final MSE':>10} {'first step < 0.01':>18} {'seconds':>8}", flush=True)
for seed in seeds:
    for variant in VARIANTS:
        run = train_adding_variant(variant, VARIANT_STUDY, seed=seed)
        first = run.first_step_below(0.01)
        print(f"{variant:8} {seed:4d} {run.final:10.4f} {first or 'never':>18} {run.seconds:8.1f}", flush=True)
