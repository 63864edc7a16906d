"""Seed study of dropout in a recurrent language model (book/training.md, sec-training-dropout).

    python benchmarks/experiments/dropout_seeds.py                 # one row per (scheme, seed), then the spread
    python benchmarks/experiments/dropout_seeds.py batch_size=16   # the same with a field of DROPOUT_STUDY replaced

A character LSTM (64 units) trained on 4,000 characters of gensim's Lee background corpus and validated on
its last 50,000, in the named setting rnncourse.runs.dropout.DROPOUT_STUDY (500 Adam steps, p = 0.25), with
no dropout, per-step recurrent masks, non-recurrent-only masks and variational masks, all models trained
together (rnncourse.torch.stacked_lstm.StackedCharLSTM). tests/test_claims_dropout.py asserts what the chapter says
about these runs; rerun it under a second kernel (ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2)
before quoting a change.
"""
import os
import sys
import time
from dataclasses import replace

import numpy as np
import torch

os.environ.setdefault("RNNCOURSE_PROGRESS", "0")
from rnncourse.runs.dropout import DROPOUT_SCHEMES, DROPOUT_STUDY, train_dropout_study  # noqa: E402

torch.set_num_threads(1)
overrides = {k: type(getattr(DROPOUT_STUDY, k))(v) for k, v in (a.split("=") for a in sys.argv[1:])}
setting = replace(DROPOUT_STUDY, **overrides)
start = time.process_time()
run = train_dropout_study(setting)
print(setting)
print(f"{'scheme':14} {'seed':>4} {'best val':>9} {'at step':>8} {'final val':>10} {'final train':>12}")
for seed in setting.seeds:
    for scheme in DROPOUT_SCHEMES:
        curve = run.val_loss[scheme, seed]
        print(f"{scheme:14} {seed:4d} {min(curve):9.4f} {run.steps[int(np.argmin(curve))]:8d} {curve[-1]:10.4f} "
              f"{run.train_loss[scheme, seed][-1]:12.4f}")
print("seed-to-seed spread of the final validation loss (mean, standard deviation over seeds):")
for scheme in DROPOUT_SCHEMES:
    finals = [run.final(scheme, seed) for seed in setting.seeds]
    print(f"  {scheme:14} {np.mean(finals):.4f} {np.std(finals, ddof=1):.4f}")
print("variational minus non-recurrent, per seed:",
      [round(run.final("variational", s) - run.final("non-recurrent", s), 4) for s in setting.seeds])
print(f"{run.seconds:.0f} s wall, {time.process_time() - start:.0f} s CPU")
