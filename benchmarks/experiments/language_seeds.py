"""Seed study behind book/language-models.md (sec-lm-training, sec-sentiment).

    python benchmarks/experiments/language_seeds.py

1. The character LSTM and tanh RNN in the named settings rnncourse.runs.language_models.CHAR_CHAPTER and
   CHAR_RNN_CHAPTER (300 steps), each seed: test bits per character against the 3-gram and 5-gram.
   And the Kneser-Ney model of orders 5 to 9 on the same test text (the chapter's "best n-gram" is order 7).
2. The contrast-sentence task (rnncourse.runs.sentiment.CONTRAST), five seeds: bag-of-words and GRU
   test accuracy, the share of test sentences also in training, the GRU on the unseen ones.
3. The 200 Pang & Lee sentences: 10-fold cross-validated accuracy over five fold assignments, bag of
   words and mean word2vec vectors (the word2vec chapter's run, seed 0), and the GRU classifier
   (rnncourse.runs.sentiment.PL_GRU) on the same folds of the first two assignments.

torch on one thread. tests/test_claims_language.py reruns the same and asserts what the chapter says;
rerun under a second kernel (OPENBLAS_CORETYPE=Haswell for NumPy; ATEN_CPU_CAPABILITY=avx2
MKL_ENABLE_INSTRUCTIONS=AVX2 for torch) before quoting a change.
"""
import torch

from rnncourse.runs import language_models as lm
from rnncourse.runs import sentiment as sentiment_runs

torch.set_num_threads(1)

print("1. character models: test bits per character", flush=True)
study = lm.char_seed_study()
print(f"   3-gram {study['3-gram']:.3f}, 5-gram {study['5-gram']:.3f}")
for kind in ("LSTM", "RNN"):
    print(f"   {kind}: " + ", ".join(f"{b:.3f}" for b in study[kind]), flush=True)

print("   Kneser-Ney: " + ", ".join(f"{n}-gram {b:.4f}" for n, b in lm.kneser_ney_char_orders().items()), flush=True)

print("2. contrast sentences: test accuracy", flush=True)
for seed in sentiment_runs.CONTRAST.seeds:
    r = sentiment_runs.contrast_run(sentiment_runs.CONTRAST, seed)
    print(f"   seed {seed}: bag of words {r['bow_test']:.3f}, GRU {r['rnn_test']:.3f}; "
          f"{r['test_seen_share']:.3f} of the test sentences seen in training, GRU on the rest "
          f"{r['rnn_test_unseen']:.3f}", flush=True)

print("3. Pang & Lee, 10-fold CV accuracy over fold assignments", flush=True)
for name, accs in sentiment_runs.pang_lee_study().items():
    print(f"   {name}: " + ", ".join(f"{a:.3f}" for a in accs), flush=True)
gru = [sentiment_runs.pang_lee_gru_cv(seed=s).mean() for s in sentiment_runs.PL_GRU_FOLD_SEEDS]
print("   GRU: " + ", ".join(f"{a:.3f}" for a in gru), flush=True)
