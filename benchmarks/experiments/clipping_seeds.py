"""Seed study of clipping on a training run (book/training.md, sec-training-clipping).

    python benchmarks/experiments/clipping_seeds.py          # one row per (seed, clipping); the last three
                                                              # columns are what the chapter says about norm clipping

A tanh torch.nn.RNN with spectral radius 1.2 on the adding problem (T = 10), 600 plain SGD steps at lr 0.2,
in the named setting rnncourse.runs.clipping.CLIP_STUDY (eight seeds), without clipping, with norm clipping at 1
and with value clipping at 0.1. tests/test_claims_clipping.py asserts what the chapter says about these runs;
rerun it under a second kernel (ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2) before quoting a change.
"""
import torch

from rnncourse.runs.clipping import CLIP_KINDS, CLIP_STUDY, train_clipping

torch.set_num_threads(1)
print(f"{'seed':>4} {'clipping':8} {'diverged at':>11} {'mean loss, last 100':>20} {'max grad norm':>14} "
      f"{'steps with norm > 10':>20} {'max, steps 1-20':>15} {'max after 100':>13} {'norm > 1 after 20':>17}", flush=True)
for seed in CLIP_STUDY.seeds:
    for kind in CLIP_KINDS:
        run = train_clipping(kind, CLIP_STUDY, seed)
        norms = [n for n in run.grad_norm if n == n]
        late = norms[100:] or [float("nan")]
        above = sum(n > CLIP_STUDY.norm_threshold for n in norms[20:]) / max(len(norms) - 20, 1)
        print(f"{seed:4d} {kind:8} {run.diverged_at or 'never':>11} {run.mean_last():20.4f} {max(norms):14.3g} "
              f"{sum(n > 10 for n in norms):20d} {max(norms[:20]):15.3g} {max(late):13.3g} {above:17.2f}", flush=True)
