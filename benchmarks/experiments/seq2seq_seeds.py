"""Seed study of the encoder-decoder on French number words (book/seq2seq.md, sec-seq2seq-attention and
sec-seq2seq-reversal).

    python benchmarks/experiments/seq2seq_seeds.py       # one row per (model, seed): accuracy by digit count

rnncourse.torch.Seq2Seq on one thread, in the named setting rnncourse.seq2seq_runs.NUMBERS (numbers of 1 to
8 digits, 300 Adam steps of 64, seeds 0-2): the plain encoder-decoder, the same reading its source reversed,
and the attention decoder. Each is tested by greedy decoding on 100 fresh numbers per digit count.
tests/test_claims_seq2seq.py asserts what the chapter says about these runs; rerun it under a second kernel
(ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2) before quoting a change.
"""
import torch

from rnncourse.seq2seq_runs import NUMBERS, STUDY_MODELS, accuracy_by_digits, train

torch.set_num_threads(1)
digits = range(NUMBERS.min_digits, NUMBERS.max_digits + 1)
print(f"{'model':10} {'seed':>4} " + " ".join(f"{d:>5d}" for d in digits) + f" {'seconds':>8}", flush=True)
for name, overrides in STUDY_MODELS.items():
    for seed in NUMBERS.seeds:
        run = train(NUMBERS, seed, **overrides)
        acc = accuracy_by_digits(run)
        print(f"{name:10} {seed:4d} " + " ".join(f"{acc[d]:5.2f}" for d in digits) + f" {run.seconds:8.1f}", flush=True)
