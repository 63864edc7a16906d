"""Seed study behind book/deep-bidirectional-recursive.md (sections sec-bidir-task and sec-recursive-task).

    python benchmarks/experiments/deep_seeds.py          # one row per (task, model, seed)

The look-ahead task (one- and bidirectional torch.nn.GRU, named setting LOOKAHEAD) and the subtraction
trees (recursive network and bag of leaves, named setting TREES), each over the ten seeds STUDY_SEEDS of
rnncourse.runs.deep, torch on one thread; then the six deep-RNN kinds at 8,000 parameters as character
models of the Lee corpus (named setting CHAR_STUDY, its three seeds; section sec-deep-chars). tests/test_claims_deep.py asserts what the chapter says about
these runs; rerun it under a second kernel (OPENBLAS_CORETYPE=Haswell for NumPy; ATEN_CPU_CAPABILITY=avx2
MKL_ENABLE_INSTRUCTIONS=AVX2 for torch) before quoting a change.
"""
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # tiny matrices: extra BLAS threads only add overhead
import torch  # noqa: E402

from rnncourse.data.text import lee_text_split  # noqa: E402
from rnncourse.runs.deep import (  # noqa: E402
    CHAR_STUDY,
    DEEP_KINDS,
    LOOKAHEAD,
    STUDY_SEEDS,
    TREES,
    train_char,
    train_lookahead,
    train_trees,
)

torch.set_num_threads(1)

print(f"{'task':10} {'model':14} {'seed':>4} {'result':>24} {'seconds':>8}", flush=True)
for bidirectional in (False, True):
    for seed in STUDY_SEEDS:
        start = time.perf_counter()
        run = train_lookahead(bidirectional, LOOKAHEAD, seed)
        model = "bidirectional" if bidirectional else "one direction"
        print(f"{'lookahead':10} {model:14} {seed:4d} {f'accuracy {run.accuracy:.4f}':>24} "
              f"{time.perf_counter() - start:8.1f}", flush=True)
for kind in ("tree", "bag"):
    for seed in STUDY_SEEDS:
        start = time.perf_counter()
        run = train_trees(kind, TREES, seed)
        print(f"{'trees':10} {kind:14} {seed:4d} {f'MSE {run.test_mse:.3f} / var {run.variance:.2f}':>24} "
              f"{time.perf_counter() - start:8.1f}", flush=True)
char_data = lee_text_split()
for seed in CHAR_STUDY.seeds:
    for kind in DEEP_KINDS:
        start = time.perf_counter()
        run = train_char(kind, CHAR_STUDY, seed, char_data)
        curve = " ".join(f"{b:.3f}" for b in run.bpc)
        print(f"{'chars':10} {kind:14} {seed:4d} {f'bpc {curve}':>24} {time.perf_counter() - start:8.1f}", flush=True)
