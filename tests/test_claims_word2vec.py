"""What the word2vec chapter says about runs it cannot afford on the page (a seed study).

The chapter trains one seed of ours and of gensim; this test trains the five seeds its prose quotes, in
the same settings (rnncourse.word2vec_runs; benchmarks/experiments/word2vec_seeds.py prints the same
table), and asserts the prose. gensim runs with 2 threads and is not deterministic: the same seed moves by
about 0.01 idle and more under load (0.175 idle, 0.152 in one loaded CI run), so for gensim the claim is
about the mean of its five seeds (three idle runs: 0.196-0.200), and a single seed is only checked to be
a sensible word2vec result. Ours changes only with the order of floating-point sums (BLAS, library
versions): the bounds leave a margin around the quoted ranges.
"""
import numpy as np
import pytest

from rnncourse.word2vec_runs import chapter_corpus, train_gensim, train_ours

pytestmark = pytest.mark.slow

SEEDS = range(5)


def test_wordsim_and_simlex_over_five_seeds():
    """"our WordSim353 rho was between 0.17 and 0.23 for every seed, and the mean of gensim's five was between
    0.17 and 0.23 too; the two means were within 0.03 of each other, and SimLex-999 rho stayed within 0.07
    of zero for both."
    (and the summary: "came within 0.03 of gensim's WordSim353 rho (mean over five seeds)") """
    corpus = chapter_corpus()
    runs = [(train_ours(corpus, s), train_gensim(corpus, s)) for s in SEEDS]
    ours = np.array([a.wordsim for a, _ in runs])
    ref = np.array([b.wordsim for _, b in runs])
    assert np.all((ours >= 0.165) & (ours <= 0.235)), ours
    assert 0.165 <= ref.mean() <= 0.235, ref
    assert np.all((ref >= 0.10) & (ref <= 0.30)), ref          # a single gensim seed: only a sanity range
    assert abs(ours.mean() - ref.mean()) <= 0.03, (ours, ref)
    assert all(abs(r.simlex) <= 0.075 for pair in runs for r in pair), [(a.simlex, b.simlex) for a, b in runs]
