"""Seed robustness of the adding-problem results quoted in the LSTM and GRU chapters.

    python benchmarks/experiments/adding_seeds.py            # prints one row per (setting, model, seed)

Single-threaded CPU, the exact settings the chapters use (rnncourse.experiments.train_adding defaults).
tests/test_claims_adding.py asserts what the chapters say about these runs.
"""
import os

import torch

os.environ.setdefault("RNNCOURSE_PROGRESS", "0")
from rnncourse.experiments import train_adding  # noqa: E402

torch.set_num_threads(1)
SETTINGS = [("LSTM chapter", 100, 1500, ("LSTM", "RNN"), range(6)), ("GRU chapter", 50, 800, ("RNN", "LSTM", "GRU"), range(3))]

print(f"{'setting':13} {'model':5} {'seed':>4} {'final MSE':>10} {'first step < 0.01':>18} {'seconds':>8}")
for name, T, steps, kinds, seeds in SETTINGS:
    for kind in kinds:
        for seed in seeds:
            run = train_adding(kind, T=T, steps=steps, seed=seed)
            first = run.first_step_below(0.01)
            print(f"{name:13} {kind:5} {seed:4d} {run.final:10.4f} {first or 'never':>18} {run.seconds:8.1f}")
