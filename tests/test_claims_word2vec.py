"""What the word2vec chapter says about runs it cannot afford on the page (a seed study).

The chapter trains one seed of skip-gram, ours and gensim's; this test runs the seed study it names
(rnncourse.runs.word2vec.seed_study, printed by benchmarks/experiments/word2vec_seeds.py): five seeds of
skip-gram and CBOW, ours and gensim's, on the chapter's slice and settings, and asserts the prose of
§Evaluation ("Over seeds, and CBOW") and of the Summary. gensim runs with 2 threads and is not
deterministic, so its claims are about the mean of its seeds. Every bound leaves at least one
seed-to-seed standard deviation beyond the values observed (five seeds, December 2026, in the comments).
"""
import numpy as np
import pytest

from rnncourse.runs.word2vec import seed_study, wiki_cbow_study

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs():
    study = seed_study()
    return {name: {f: np.array([getattr(r, f) for r in rs]) for f in
                   ("wordsim", "wordsim_centred", "simlex", "simlex_centred", "random_cosine")}
            for name, rs in study.items()}


def test_skip_gram_against_gensim(runs):
    """"Our WordSim353 rho was between 0.15 and 0.25 for every seed, and the means of our five seeds and
    gensim's were within 0.04 of each other; SimLex-999 rho stayed within 0.1 of zero for both."
    (Summary: "came within 0.04 of gensim's WordSim353 rho with skip-gram")"""
    ours, ref = runs["ours"], runs["gensim"]
    assert np.all((ours["wordsim"] > 0.15) & (ours["wordsim"] < 0.25)), ours["wordsim"]    # 0.184-0.228, sd 0.017
    assert abs(ours["wordsim"].mean() - ref["wordsim"].mean()) < 0.04, (ours, ref)         # 0.009
    assert np.all((ref["wordsim"] > 0.08) & (ref["wordsim"] < 0.32)), ref["wordsim"]       # one gensim seed: sanity
    for r in (ours, ref):
        # |.| <= 0.049 idle, sd 0.014; gensim's two threads reached -0.073 beside a CPU hog (another interleaving)
        assert np.all(np.abs(r["simlex"]) < 0.1), r["simlex"]


def test_the_shared_direction_and_centring(runs):
    """"The mean random-pair cosine was above 0.8 for every skip-gram run, ours and gensim's, and centring
    raised WordSim353 rho for every one of them; for ours by between 0.07 and 0.13 on average over the
    seeds. Centring put our SimLex-999 rho between 0.06 and 0.13 for every seed." """
    for name in ("ours", "gensim"):
        r = runs[name]
        assert np.all(r["random_cosine"] > 0.8), r["random_cosine"]                        # 0.848-0.884
        gain = r["wordsim_centred"] - r["wordsim"]
        assert np.all(gain > 0), (name, gain)                                              # >= 0.036, sd 0.026
    gain = runs["ours"]["wordsim_centred"] - runs["ours"]["wordsim"]
    assert 0.07 < gain.mean() < 0.13, gain                                                 # 0.097, sd 0.009
    sl = runs["ours"]["simlex_centred"]
    assert np.all((sl > 0.06) & (sl < 0.13)), sl                                           # 0.078-0.108, sd 0.011


def test_cbow_against_gensims_cbow(runs):
    """"CBOW learns no relatedness on these 200,000 tokens that WordSim353's pairs can detect: for every
    seed, ours and gensim's, rho was within +-0.13 of zero [...] and our mean was within 0.08 of gensim's.
    [...] the random-pair cosine was above 0.95 in every CBOW run). Its raw SimLex-999 rho was positive in
    every run, with a median between 0.05 and 0.17 for each trainer, but centring removed it (below 0.02 in
    every run)."
    (Summary: "within 0.08 with CBOW"; "above 0.95 for CBOW")"""
    ours, ref = runs["ours CBOW"], runs["gensim CBOW"]
    for r in (ours, ref):
        assert np.all(np.abs(r["wordsim"]) < 0.13), r["wordsim"]                           # -0.027..0.080, sd 0.035
        assert np.all(r["random_cosine"] > 0.95), r["random_cosine"]                       # 0.978-0.994
        # seen 0.057-0.144 over both trainers (sd 0.017-0.02; gensim's two threads vary run to run)
        assert np.all(r["simlex"] > 0) and 0.05 < np.median(r["simlex"]) < 0.17, r["simlex"]
        assert np.all(r["simlex_centred"] < 0.02), r["simlex_centred"]                     # <= -0.009, sd 0.018
    assert abs(ours["wordsim"].mean() - ref["wordsim"].mean()) < 0.08, (ours, ref)         # 0.039, sd 0.035


@pytest.fixture(scope="module")
def wiki_cbow():
    return wiki_cbow_study()          # numba is in the test extra: without it this fails, saying how to install it


def test_compiled_cbow_at_scale_is_gensims(wiki_cbow):
    """On the whole wiki sample (the benchmark's setting, D = 100), CBOW trained by gensim's algorithm
    compiled (``Word2Vec(engine="compiled")``) learns what gensim's CBOW learns: over five seeds our median
    WordSim353 rho is above 0.05, and the two means are within 0.07 of each other. Observed, December 2026,
    2 threads each (``bench_word2vec.py --reps 20 --only gensim-cbow,compiled-cbow``): per-seed rho 0.093-0.165 for ours
    (sd 0.023) and 0.087-0.167 for gensim's (sd 0.026), means 0.123 and 0.128; the means of five seeds
    differed by 0.007 (``--reps 5``), and by up to 0.04 with an earlier version whose draws read the
    generator's low bits. The bounds leave at least one seed-to-seed sd beyond what was seen."""
    ours, ref = wiki_cbow["compiled CBOW"], wiki_cbow["gensim CBOW"]
    assert np.median(ours) > 0.05, ours
    assert np.median(ref) > 0.05, ref                                                    # gensim: sanity
    assert abs(ours.mean() - ref.mean()) < 0.07, (ours, ref)
