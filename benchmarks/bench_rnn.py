"""Forward + backward time of rnncourse.scratch vs torch.nn on CPU, side by side in one process.

One batch of T=100, B=32, I=64, H=128 in float32 (the sizes the foundation issue fixes). The two
implementations alternate within each repetition, so load from other processes hits both alike; we
report the median of the repetitions and the ratio scratch / torch.nn (lower is better; 1.0 = parity).

Each timed call is preceded by a pause (``--settle``, default 0.3 s). Both libraries keep their worker
threads spinning for a while after a call (OpenBLAS about 2^28 cycles, OpenMP a spin count), and a call
of the other library made right away competes with those spinning threads for the 2 cores: measured
here without the pause, torch.nn's LSTM took 28 ms instead of the 13 ms it takes alone, which made the
scratch/torch ratios look about twice as good as they are.

    python benchmarks/bench_rnn.py [--reps 20] [--threads N]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from rnncourse import scratch

T, B, I, H = 100, 32, 64, 128


def time_pair(kind: str, reps: int, settle: float, onednn: bool = True):
    """Median seconds of one forward+backward of each side; ``onednn=False`` runs torch.nn with oneDNN off."""
    torch.manual_seed(0)
    ref = getattr(torch.nn, kind)(I, H)
    ours = getattr(scratch, kind)(I, H, dtype=np.float32)
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    x_np = np.random.default_rng(0).standard_normal((T, B, I)).astype(np.float32)
    dy_np = np.random.default_rng(1).standard_normal((T, B, H)).astype(np.float32)
    x_t, dy_t = torch.from_numpy(x_np).requires_grad_(), torch.from_numpy(dy_np)

    def run_scratch():
        ours.zero_grad()
        out, _ = ours.forward(x_np)
        ours.backward(dy_np)

    def run_torch():
        ref.zero_grad()
        x_t.grad = None
        torch.backends.mkldnn.enabled = onednn
        try:
            out, _ = ref(x_t)
            out.backward(dy_t)
        finally:
            torch.backends.mkldnn.enabled = True

    for f in (run_scratch, run_torch):  # warm-up (allocator, BLAS threads)
        f()
    times = {"scratch": [], "torch.nn": []}
    for _ in range(reps):
        for name, f in (("scratch", run_scratch), ("torch.nn", run_torch)):
            time.sleep(settle)                 # let the other library's worker threads stop spinning
            t0 = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    parser.add_argument("--settle", type=float, default=0.3, help="pause before each timed call, seconds")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"forward+backward, T={T} B={B} I={I} H={H} float32, median of {args.reps}; torch threads {torch.get_num_threads()}")
    print(f"{'model':6} {'scratch ms':>11} {'torch.nn ms':>12} {'ratio':>7}")
    for kind in ("RNN", "LSTM", "GRU"):
        t = time_pair(kind, args.reps, args.settle)
        print(f"{kind:6} {1e3 * t['scratch']:11.2f} {1e3 * t['torch.nn']:12.2f} {t['scratch'] / t['torch.nn']:7.2f}")
    # torch.nn's CPU LSTM is one fused oneDNN kernel (aten::mkldnn_rnn_layer); with oneDNN off it is
    # ATen's loop of per-step matmuls and pointwise kernels, the same algorithm as the NumPy code.
    t = time_pair("LSTM", args.reps, args.settle, onednn=False)
    print(f"{'LSTM, torch.nn without oneDNN':31} {1e3 * t['torch.nn']:8.2f} ms, ratio {t['scratch'] / t['torch.nn']:.2f}")


if __name__ == "__main__":
    main()
