"""Seed study of the encoder-decoder on French number words (book/seq2seq.md, sec-seq2seq-length,
sec-seq2seq-reversal, sec-seq2seq-attention and sec-seq2seq-exposure).

    python benchmarks/experiments/seq2seq_seeds.py [numbers|dates]     # one row per (model, seed)

rnncourse.torch.Seq2Seq on one thread, in the named setting rnncourse.runs.seq2seq.NUMBERS (numbers of 1 to
8 digits, 300 Adam steps of 64, seeds 0-2): the plain encoder-decoder, the same reading its source reversed,
and the attention decoder. Training draws from the training part of the numbers only; each model is tested
by greedy decoding on test-part numbers (never trained on): 100 per digit count (exact match), the run's
800-number test set (exact match and BLEU-4), and 400 numbers of 1-8 digits for the exposure-bias scores
(rnncourse.runs.seq2seq.exposure_errors). tests/test_claims_seq2seq.py asserts what the chapter says about
these runs; rerun it under a second kernel (ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2) before
quoting a change.

"dates" trains the attention model on dates (setting DATES) from the seeds of rnncourse.runs.seq2seq and
prints where it looks for the month and the day (sec-seq2seq-attention): the attention mass of the two
month-digit rows on the month name and of the two day-digit rows on the day, for the chapter's example
and over held-out dates in its form; tests/test_claims_seq2seq_dates.py asserts the chapter's words.
"""
import sys

import numpy as np
import torch

from rnncourse.runs import seq2seq as S2S
from rnncourse.runs.seq2seq import DATES, NUMBERS, STUDY_MODELS, study_row, train

torch.set_num_threads(1)
which = sys.argv[1:] or ["numbers", "dates"]
digits = range(NUMBERS.min_digits, NUMBERS.max_digits + 1)
if "numbers" in which:
    print(f"{'model':10} {'seed':>4} " + " ".join(f"{d:>5d}" for d in digits)
          + f" {'exact':>6} {'BLEU-4':>6} {'forced':>6} {'free':>6} {'wrong_len':>9} {'p_after':>7} {'p_clean':>7}"
          + f" {'seconds':>8}", flush=True)
for name in STUDY_MODELS if "numbers" in which else ():
    for seed in NUMBERS.seeds:
        row = study_row(name, seed)
        print(f"{name:10} {seed:4d} " + " ".join(f"{row['accuracy'][d]:5.2f}" for d in digits)
              + f" {row['exact']:6.3f} {row['BLEU-4']:6.3f} {row['forced']:6.3f} {row['free']:6.3f}"
              + f" {row['wrong_length']:9d} {row['p_after']:7.3f} {row['p_clean']:7.3f} {row['seconds']:8.1f}", flush=True)

if "dates" in which:
    print(f"{'dates':10} {'seed':>4} {'example month rows':>19} {'example day rows':>17} {'held-out month':>15}"
          f" {'held-out day':>13} {'share >= 0.5':>13}  (attention mass; held out: median over dates and rows)")
    for seed in S2S.DATE_SEEDS:
        row = S2S.date_study_row(train(DATES, seed))
        print(f"{'':10} {seed:4d} {np.array2string(row['example_month'], precision=3):>19}"
              f" {np.array2string(row['example_day'], precision=3):>17} {row['held_out_month_median']:15.3f}"
              f" {row['held_out_day_median']:13.3f} {row['held_out_share']:13.3f}", flush=True)
