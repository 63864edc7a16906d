"""Seed study of lecture 002's eight initialisations on the adding problem (book/training.md, sec-training-init).

    python benchmarks/experiments/init_seeds.py          # one row per (scheme, T, seed)

torch.nn.RNN on one thread, in the named setting rnncourse.experiments.INIT_STUDY (T = 20, 1,500 Adam steps,
norm clipping at 1, three seeds), every scheme; then the IRNN and the tanh sRNN again at T = 50.
tests/test_claims_training.py asserts what the chapter says about these runs; rerun it under a second
kernel (ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2) before quoting a change.
"""
import os

import torch

os.environ.setdefault("RNNCOURSE_PROGRESS", "0")
from rnncourse.experiments import INIT_STUDY, train_adding_init  # noqa: E402
from rnncourse.scratch import SCHEMES  # noqa: E402

torch.set_num_threads(1)
STUDIES = [(INIT_STUDY.T, tuple(SCHEMES)), (50, ("IRNN", "sRNN"))]

print(f"{'scheme':11} {'T':>3} {'seed':>4} {'final MSE':>10} {'first step < 0.01':>18} {'seconds':>8}", flush=True)
for T, schemes in STUDIES:
    for scheme in schemes:
        for seed in INIT_STUDY.seeds:
            run = train_adding_init(scheme, INIT_STUDY, seed=seed, T=T)
            first = run.first_step_below(0.01)
            print(f"{scheme:11} {T:3d} {seed:4d} {run.final:10.4f} {first or 'never':>18} {run.seconds:8.1f}", flush=True)
