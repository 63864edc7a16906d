"""Seed study of deck C's eight initialisations on the adding problem (book/training.md, sec-training-init).

    python benchmarks/experiments/init_seeds.py            # one row per (scheme, T, seed), then medians
    python benchmarks/experiments/init_seeds.py 0 1 2 3 4  # other seeds (the chapter's are INIT_STUDY.seeds)

torch.nn.RNN on one thread, in the named setting rnncourse.runs.adding.INIT_STUDY (T = 20, 1,500 Adam steps,
norm clipping at 1, three seeds), every scheme; then the IRNN and the tanh sRNN again at T = 50.
tests/test_claims_training.py asserts what the chapter says about these runs (medians over seeds, with
margin); rerun it under a second kernel (ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2) before
quoting a change.
"""
import os
import sys

import numpy as np
import torch

os.environ.setdefault("RNNCOURSE_PROGRESS", "0")
from rnncourse.runs.adding import INIT_STUDY, train_adding_init  # noqa: E402
from rnncourse.scratch import SCHEMES  # noqa: E402

torch.set_num_threads(1)
seeds = [int(s) for s in sys.argv[1:]] or list(INIT_STUDY.seeds)
STUDIES = [(INIT_STUDY.T, tuple(SCHEMES)), (50, ("IRNN", "sRNN"))]

print(f"{'scheme':11} {'T':>3} {'seed':>4} {'final MSE':>10} {'first step < 0.01':>18} {'seconds':>8}", flush=True)
summary = []
for T, schemes in STUDIES:
    for scheme in schemes:
        firsts = []
        for seed in seeds:
            run = train_adding_init(scheme, INIT_STUDY, seed=seed, T=T)
            first = run.first_step_below(0.01)
            firsts.append(first or np.inf)           # never: later than any step
            print(f"{scheme:11} {T:3d} {seed:4d} {run.final:10.4f} {first or 'never':>18} {run.seconds:8.1f}", flush=True)
        finite = [f for f in firsts if np.isfinite(f)]
        summary.append(f"{scheme:11} {T:3d} median {np.median(firsts):7.0f}  solved {len(finite)}/{len(firsts)}"
                       f"  std of solved {np.std(finite, ddof=1) if len(finite) > 1 else float('nan'):6.0f}")
print("first step below 0.01 over the seeds (never = inf):", *summary, sep="\n")
