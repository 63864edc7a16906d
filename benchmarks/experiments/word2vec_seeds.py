"""Seed robustness of the word2vec chapter's comparison with gensim (the chapter trains one seed).

    python benchmarks/experiments/word2vec_seeds.py          # one row per seed: WordSim353 and SimLex-999 rho

The chapter's settings (rnncourse.word2vec_runs: the first 200k tokens of the wiki sample, skip-gram,
D=50, 5 epochs). tests/test_claims_word2vec.py asserts what the chapter says about these runs.
"""
from rnncourse.word2vec_runs import chapter_corpus, train_gensim, train_ours

SEEDS = range(5)

if __name__ == "__main__":
    corpus = chapter_corpus()
    print(f"{'seed':>4} {'ours WS353':>10} {'gensim WS353':>12} {'ours SimLex':>11} {'gensim SimLex':>13}")
    for seed in SEEDS:
        a, b = train_ours(corpus, seed), train_gensim(corpus, seed)
        print(f"{seed:4d} {a.wordsim:10.3f} {b.wordsim:12.3f} {a.simlex:11.3f} {b.simlex:13.3f}", flush=True)
