"""Seed robustness of the word2vec chapter's comparisons (the chapter trains one seed of skip-gram).

    python benchmarks/experiments/word2vec_seeds.py      # one row per seed and model, then means and sds

The chapter's settings (rnncourse.runs.word2vec: the first 200k tokens of the wiki sample, D=50, window 5,
K=5, 5 epochs), skip-gram and CBOW, ours (one thread, deterministic) and gensim's (2 threads, not
deterministic). For each run: WordSim353 and SimLex-999 rho, the same for the centred vectors, and the
mean cosine of random word pairs. tests/test_claims_word2vec.py asserts what the chapter says about them.
"""
import numpy as np

from rnncourse.progress import progress
from rnncourse.runs.word2vec import SEEDS, STUDY, seed_study

FIELDS = ("wordsim", "wordsim_centred", "simlex", "simlex_centred", "random_cosine")

if __name__ == "__main__":
    runs = seed_study(progress(SEEDS, desc="word2vec seeds"))
    print(f"{'model':12s} {'seed':>4} " + " ".join(f"{f:>15s}" for f in FIELDS) + f" {'seconds':>8s}")
    for name in STUDY:
        for seed, r in zip(SEEDS, runs[name]):
            print(f"{name:12s} {seed:4d} " + " ".join(f"{getattr(r, f):15.3f}" for f in FIELDS)
                  + f" {r.seconds:8.1f}")
    print()
    for name in STUDY:
        vals = {f: np.array([getattr(r, f) for r in runs[name]]) for f in FIELDS}
        print(f"{name:12s} mean " + " ".join(f"{v.mean():15.3f}" for v in vals.values()))
        print(f"{name:12s}   sd " + " ".join(f"{v.std(ddof=1):15.3f}" for v in vals.values()))
