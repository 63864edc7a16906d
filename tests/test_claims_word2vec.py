"""What the word2vec chapter says about runs it cannot afford on the page (a seed study).

The chapter trains one seed of ours and of gensim; this test trains the five seeds its prose quotes, in
the same settings (rnncourse.word2vec_runs; benchmarks/experiments/word2vec_seeds.py prints the same
table), and asserts the prose. gensim runs with 2 threads and is not deterministic: the bounds leave a
margin around the quoted ranges.
"""
import pytest

from rnncourse.word2vec_runs import chapter_corpus, train_gensim, train_ours

pytestmark = pytest.mark.slow

SEEDS = range(5)


def test_wordsim_and_simlex_over_five_seeds():
    """"our WordSim353 rho was between 0.18 and 0.23 and gensim's between 0.20 and 0.22, the two within 0.03
    of each other for every seed; SimLex-999 rho stayed within 0.06 of zero
    for both." """
    corpus = chapter_corpus()
    runs = [(train_ours(corpus, s), train_gensim(corpus, s)) for s in SEEDS]
    ours = [a.wordsim for a, _ in runs]
    ref = [b.wordsim for _, b in runs]
    assert all(0.16 <= r <= 0.25 for r in ours), ours
    assert all(0.18 <= r <= 0.24 for r in ref), ref
    assert all(abs(a - b) <= 0.04 for a, b in zip(ours, ref)), list(zip(ours, ref))
    assert all(abs(r.simlex) <= 0.07 for pair in runs for r in pair), [(a.simlex, b.simlex) for a, b in runs]
