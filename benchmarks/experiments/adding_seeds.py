"""Seed study of the adding-problem results quoted in the LSTM and GRU chapters.

    python benchmarks/experiments/adding_seeds.py            # one row per (setting, model, seed)

Single-threaded CPU, the settings the chapters use (rnncourse.runs.adding.LSTM_CHAPTER, GRU_CHAPTER).
tests/test_claims_adding.py asserts what the chapters say about these runs; rerun it under a second
kernel (ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2) before quoting a change.
"""
import os

import torch

os.environ.setdefault("RNNCOURSE_PROGRESS", "0")
from rnncourse.runs.adding import GRU_CHAPTER, LSTM_CHAPTER, LSTM_CHAPTER_RNN_SEEDS, train_adding  # noqa: E402

torch.set_num_threads(1)
# (name, setting, {model: its seeds}): the LSTM chapter's tanh RNN baseline runs on its first two seeds only
STUDIES = [("LSTM chapter", LSTM_CHAPTER, {"LSTM": LSTM_CHAPTER.seeds, "RNN": LSTM_CHAPTER_RNN_SEEDS}),
           ("GRU chapter", GRU_CHAPTER, {kind: GRU_CHAPTER.seeds for kind in ("RNN", "LSTM", "GRU")})]

print(f"{'setting':13} {'model':5} {'seed':>4} {'final MSE':>10} {'first step < 0.01':>18} {'seconds':>8}", flush=True)
for name, setting, kinds in STUDIES:
    for kind, seeds in kinds.items():
        for seed in seeds:
            run = train_adding(kind, setting, seed=seed)
            first = run.first_step_below(0.01)
            print(f"{name:13} {kind:5} {seed:4d} {run.final:10.4f} {first or 'never':>18} {run.seconds:8.1f}", flush=True)
