"""Seed study of the NARX identification results quoted in book/tdnn-narx.md (Narendra & Parthasarathy
1990, Examples 2 and 3, at CPU scale).

    python benchmarks/experiments/narx_seeds.py        # one row per (example, training, seed)

The settings are rnncourse.runs.tdnn_narx.NARENDRA_EX2 / NARENDRA_EX3 (series-parallel training), and the
same followed by parallel training (BPTT through the engine, ``parallel_steps``). tests/test_claims_narx.py
asserts what the chapter says about these runs; rerun it under a second kernel (OPENBLAS_CORETYPE=Haswell)
before quoting a change.
"""
import os
from dataclasses import replace

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
from rnncourse.runs.tdnn_narx import NARENDRA_EX2, NARENDRA_EX3, train_narx  # noqa: E402

PARALLEL_STEPS = 100

print(f"{'example':7} {'training':16} {'seed':>4} {'one-step RMSE':>13} {'free-run RMSE':>13} {'ratio':>6} {'s':>5}",
      flush=True)
for setting in (NARENDRA_EX2, NARENDRA_EX3):
    for label, s in (("series-parallel", setting), ("+ parallel", replace(setting, parallel_steps=PARALLEL_STEPS))):
        for seed in setting.seeds:
            run = train_narx(s, seed)
            print(f"{setting.example:7d} {label:16} {seed:4d} {run.one_step_rmse:13.4f} {run.free_run_rmse:13.4f} "
                  f"{run.free_run_rmse / run.one_step_rmse:6.2f} {run.seconds:5.1f}", flush=True)
