"""Seed study of the sunspot comparison in book/tdnn-narx.md (section sec-sunspots): linear AR vs TDNN vs
NARX, normalised MSE one year ahead on the held-out years 1921-1979.

    python benchmarks/experiments/sunspots_seeds.py      # one row per seed

Setting rnncourse.runs.tdnn_narx.SUNSPOTS; tests/test_claims_narx.py asserts the ranking the chapter states.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import time  # noqa: E402

from rnncourse.runs.tdnn_narx import SUNSPOTS, sunspot_comparison  # noqa: E402

print(f"{'seed':>4} {'AR':>7} {'TDNN':>7} {'NARX':>7} {'ranking':>18} {'s':>5}", flush=True)
for seed in SUNSPOTS.seeds:
    start = time.perf_counter()
    r = sunspot_comparison(SUNSPOTS, seed)
    ranking = " < ".join(sorted(r, key=r.get))
    print(f"{seed:4d} {r['AR']:7.3f} {r['TDNN']:7.3f} {r['NARX']:7.3f} {ranking:>18} {time.perf_counter() - start:5.1f}",
          flush=True)
