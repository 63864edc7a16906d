"""What the word2vec chapter says about runs it cannot afford on the page (a seed study).

The chapter trains one seed of ours and of gensim; this test trains the five seeds its prose quotes, in
the same settings (rnncourse.word2vec_runs; benchmarks/experiments/word2vec_seeds.py prints the same
table), and asserts the prose. gensim runs with 2 threads and is not deterministic, and ours changes with
the order of floating-point sums (BLAS, library versions): the bounds leave a margin around the quoted
ranges.
"""
import numpy as np
import pytest

from rnncourse.word2vec_runs import chapter_corpus, train_gensim, train_ours

pytestmark = pytest.mark.slow

SEEDS = range(5)


def test_wordsim_and_simlex_over_five_seeds():
    """"our WordSim353 rho was between 0.17 and 0.23 and gensim's between 0.14 and 0.25; their means over the
    five seeds were within 0.03 of each other, and SimLex-999 rho stayed within 0.07 of zero for both."
    (and the summary: "came within 0.03 of gensim's WordSim353 rho (mean over five seeds)") """
    corpus = chapter_corpus()
    runs = [(train_ours(corpus, s), train_gensim(corpus, s)) for s in SEEDS]
    ours = np.array([a.wordsim for a, _ in runs])
    ref = np.array([b.wordsim for _, b in runs])
    assert np.all((ours >= 0.165) & (ours <= 0.235)), ours
    assert np.all((ref >= 0.135) & (ref <= 0.255)), ref      # gensim's 2 threads: 0.152 seen in one CI run
    assert abs(ours.mean() - ref.mean()) <= 0.03, (ours, ref)
    assert all(abs(r.simlex) <= 0.075 for pair in runs for r in pair), [(a.simlex, b.simlex) for a, b in runs]
