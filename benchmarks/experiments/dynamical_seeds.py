"""Seed study of the runs quoted in book/dynamical-systems.md.

    python benchmarks/experiments/dynamical_seeds.py        # one row per (experiment, seed)

The settings are rnncourse.runs.dynamical.XOR (Elman's temporal XOR), ECHO (Elman against Jordan, and the RMLP, on
y_t = x_{t-2}), TOMITA (a second-order RNN on Tomita grammar 4, tested on lengths 11-14) and HOPFIELD
(recall overlap against the load). tests/test_claims_dynamical.py asserts what the chapter says about these
runs; rerun it under a second kernel (OPENBLAS_CORETYPE=Haswell) before quoting a change.
"""
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
from rnncourse.runs.dynamical import (  # noqa: E402
    ECHO,
    HOPFIELD,
    TOMITA,
    XOR,
    extract_automaton,
    hopfield_capacity,
    train_echo,
    train_tomita,
    train_xor,
)

print("temporal XOR (Elman network): error on the predictable bit, on the others, autocorrelation at lags 3 and 1")
for seed in XOR.seeds:
    t0 = time.perf_counter()
    r = train_xor(XOR, seed)
    print(f"  seed {seed}: {r.predictable:.4f} {r.unpredictable:.4f} lag3 {r.lag3:.3f} lag1 {r.lag1:.3f} "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)
print(f"echo y_t = x_(t-{ECHO.delay}): test MSE (1 = knowing nothing)")
for seed in ECHO.seeds:
    print(f"  seed {seed}: Elman {train_echo('elman', ECHO, seed):.5f}  Jordan {train_echo('jordan', ECHO, seed):.4f}  "
          f"RMLP {train_echo('rmlp', ECHO, seed):.5f}", flush=True)
print(f"Tomita {TOMITA.grammar}, second-order RNN: training accuracy, test accuracy by length")
for seed in TOMITA.seeds:
    r = train_tomita(TOMITA, seed)
    print(f"  seed {seed}: train {r.train_accuracy:.4f} test "
          + " ".join(f"{L}:{a:.4f}" for L, a in r.test_accuracy.items())
          + f"; extracted automaton: {extract_automaton(r.model).minimized().n_states} states", flush=True)
print(f"Hopfield N = {HOPFIELD.N}: mean overlap at alpha = {HOPFIELD.alphas}")
for seed in HOPFIELD.seeds:
    print(f"  seed {seed}: " + " ".join(f"{m:.3f}" for m in hopfield_capacity(HOPFIELD, seed)), flush=True)
