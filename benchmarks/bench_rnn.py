"""Forward + backward time of rnncourse.scratch vs torch.nn on CPU, side by side in one process.

One batch of T=100, B=32, I=64, H=128 in float32 (the sizes the foundation issue fixes). The two
implementations alternate, so load from other processes hits both alike; we report the median over all
timed calls and the ratio scratch / torch.nn (lower is better; 1.0 = parity).

Each repetition times one library in a block: a pause (``--settle``, default 0.3 s), one untimed call,
then ``--block`` timed calls back to back, as in a training loop.
- The pause: both libraries keep their worker threads spinning for a while after a call (OpenBLAS about
  2^28 cycles, OpenMP a spin count), and a call of the other library made right away competes with those
  threads for the 2 cores. Measured here without it, torch.nn's LSTM took 28 ms instead of 13 ms.
- The untimed call: the first call after a pause pays for waking threads and refilling caches, far more
  for NumPy's 200 small per-step products than for torch's fused kernel. Timing only that first call
  (this script's protocol until stop 11) measured scratch's GRU at 29 ms; in a loop it takes 21 ms.

The last rows give the floor of the NumPy design: the time of only the matrix products each model has
to do (the hoisted input projection, one product per step forward and one per step backward, and the
three gradient products), with no elementwise work at all, over torch.nn's whole forward+backward. No
NumPy code gets below that ratio, however its elementwise work is written.

    python benchmarks/bench_rnn.py [--reps 20] [--block 5] [--threads N]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from rnncourse import scratch

T, B, I, H = 100, 32, 64, 128
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def median_times(runs: dict, reps: int, block: int, settle: float) -> dict:
    """Median seconds of each callable in ``runs``, timed in alternating blocks (see the module docstring)."""
    times = {name: [] for name in runs}
    for _ in range(reps):
        for name, f in runs.items():
            time.sleep(settle)                 # let the other library's worker threads stop spinning
            f()                                # untimed: wakes this library's threads, refills caches
            for _ in range(block):
                t0 = time.perf_counter()
                f()
                times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def torch_run(kind: str, x_np, dy_np, onednn: bool = True):
    """(torch.nn module, one forward+backward of it); ``onednn=False`` runs it with oneDNN off."""
    torch.manual_seed(0)
    ref = getattr(torch.nn, kind)(I, H)
    x_t, dy_t = torch.from_numpy(x_np).requires_grad_(), torch.from_numpy(dy_np)

    def run():
        ref.zero_grad()
        x_t.grad = None
        torch.backends.mkldnn.enabled = onednn
        try:
            out, _ = ref(x_t)
            out.backward(dy_t)
        finally:
            torch.backends.mkldnn.enabled = True

    return ref, run


def inputs():
    """x (T, B, I) and dL/dy (T, B, H), float32, the same for every run."""
    x_np = np.random.default_rng(0).standard_normal((T, B, I)).astype(np.float32)
    dy_np = np.random.default_rng(1).standard_normal((T, B, H)).astype(np.float32)
    return x_np, dy_np


def products_only(kind: str):
    """One forward+backward's matrix products of ``kind`` in NumPy and nothing else: the floor of any
    NumPy implementation (random operands of the right shapes; the values do not matter)."""
    G = GATES[kind]
    rng = np.random.default_rng(0)
    rand = lambda *shape: rng.standard_normal(shape).astype(np.float32)  # noqa: E731
    x, weight_ih, weight_hh = rand(T * B, I), rand(G * H, I), rand(G * H, H)
    weight_hh_t = np.ascontiguousarray(weight_hh.T)
    h, da, hs, das = rand(B, H), rand(B, G * H), rand(T * B, H), rand(T * B, G * H)

    def run():
        x @ weight_ih.T                        # the hoisted input projection
        for _ in range(T):
            h @ weight_hh_t                    # forward: one product per step
        for _ in range(T):
            da @ weight_hh                     # backward: one product per step
        das.T @ hs, das.T @ x, das @ weight_ih  # dW_hh, dW_ih and dx, each over all steps at once

    return run


def time_model(kind: str, reps: int, block: int, settle: float, onednn: bool = True) -> dict:
    """Median seconds of one forward+backward of scratch's ``kind``, of torch.nn's (same weights) and
    of the NumPy matrix products alone, timed in alternating blocks in one process."""
    x_np, dy_np = inputs()
    ref, run_torch = torch_run(kind, x_np, dy_np, onednn)
    ours = getattr(scratch, kind)(I, H, dtype=np.float32)
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})

    def run_scratch():
        ours.zero_grad()
        ours.forward(x_np)
        ours.backward(dy_np)

    runs = {"scratch": run_scratch, "torch.nn": run_torch, "products": products_only(kind)}
    return median_times(runs, reps, block, settle)


def _row(name: str, ours: float, theirs: float) -> str:
    return f"{name:22} {1e3 * ours:10.2f} {1e3 * theirs:12.2f} {ours / theirs:7.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=20, help="blocks per library")
    parser.add_argument("--block", type=int, default=5, help="timed calls per block")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    parser.add_argument("--settle", type=float, default=0.3, help="pause before each block, seconds")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    timing = (args.reps, args.block, args.settle)
    print(f"forward+backward, T={T} B={B} I={I} H={H} float32, median of {args.reps} blocks of {args.block}; "
          f"torch threads {torch.get_num_threads()}")
    print(f"{'model':22} {'scratch ms':>10} {'torch.nn ms':>12} {'ratio':>7}")
    floors = {}
    for kind in GATES:
        t = time_model(kind, *timing)
        print(_row(kind, t["scratch"], t["torch.nn"]))
        floors[kind] = t
    # torch.nn's CPU LSTM is one fused oneDNN kernel (aten::mkldnn_rnn_layer); with oneDNN off it is
    # ATen's loop of per-step matmuls and pointwise kernels, the same algorithm as the NumPy code.
    t = time_model("LSTM", *timing, onednn=False)
    print(_row("LSTM, no oneDNN in torch", t["scratch"], t["torch.nn"]))
    print("floor: NumPy's matrix products alone, no elementwise work, over the same torch.nn times")
    for kind, t in floors.items():
        print(_row(f"{kind}, products only", t["products"], t["torch.nn"]))

if __name__ == "__main__":
    main()
