"""What book/language-models.md says about its seed studies (sec-lm-training, sec-sentiment).
benchmarks/experiments/language_seeds.py prints the same runs; these tests train them again in the named
settings and assert the prose. About a minute of CPU on one thread.
"""
import pytest
import torch

from rnncourse.runs import language_models as lm
from rnncourse.runs import sentiment as sentiment_runs

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _single_thread():
    torch.set_num_threads(1)


def test_char_models_against_the_ngrams():
    """"Across three seeds the LSTM ended between 2.6 and 2.8 bits per character, the tanh RNN between 2.8
    and 2.92 (the 3-gram: 2.87), and the LSTM was ahead of the RNN by more than 0.08 bits in every seed." """
    assert lm.CHAR_CHAPTER.steps == lm.CHAR_RNN_CHAPTER.steps == 300 and len(lm.CHAR_CHAPTER.seeds) == 3
    study = lm.char_seed_study()
    assert 2.84 < study["3-gram"] < 2.90 and 2.00 < study["5-gram"] < 2.06
    assert all(2.6 < b < 2.8 for b in study["LSTM"]), study
    assert all(2.8 < b < 2.92 for b in study["RNN"]), study
    assert all(a < b - 0.08 for a, b in zip(study["LSTM"], study["RNN"])), study


def test_bag_of_words_fails_and_the_gru_succeeds_on_contrast_sentences():
    """"Over five seeds the bag of words stayed between 0.45 and 0.56 test accuracy and the GRU above 0.97
    every time." """
    assert len(sentiment_runs.CONTRAST.seeds) == 5
    runs = [sentiment_runs.contrast_run(sentiment_runs.CONTRAST, s) for s in sentiment_runs.CONTRAST.seeds]
    assert all(0.45 < r["bow_test"] < 0.56 for r in runs), runs
    assert all(r["rnn_test"] > 0.97 for r in runs), runs
    # "about a quarter of the 1,000 test sentences also occur among the training ones" ... "on the unseen
    # test sentences as well" (observed over the five seeds: seen share 0.234-0.250, GRU on the unseen 1.000)
    assert all(0.15 < r["test_seen_share"] < 0.32 for r in runs), runs
    assert all(r["rnn_test_unseen"] > 0.97 for r in runs), runs


def test_kneser_ney_order_seven_is_within_0_005_bits_of_the_best_order():
    """"Over orders 5 to 9 ... the 7-gram is within 0.005 bits of the best order" (observed: 5 1.994,
    6 1.857, 7 1.820, 8 1.819, 9 1.824; counting is deterministic, so the margin is for other BLAS only)."""
    bits = lm.kneser_ney_char_orders()
    assert bits[7] - min(bits.values()) < 0.005, bits
    assert 1.79 < bits[7] < 1.85, bits


@pytest.mark.parametrize("fold_seed", sentiment_runs.PL_GRU_FOLD_SEEDS)
def test_a_gru_on_pang_lee_is_at_chance_too(fold_seed):
    """"The GRU classifier ... trained on the same folds ... stayed near chance: 0.49 and 0.52 on the first
    two fold assignments" (observed: 0.490, 0.515; over all five assignments 0.490, 0.515, 0.545, 0.575,
    0.515, standard deviation 0.03; the asserted band 0.35-0.65 leaves more than two standard deviations
    beyond either end). One test item per fold assignment, so that the workers share them."""
    assert sentiment_runs.PL_GRU_FOLD_SEEDS == sentiment_runs.PL_FOLD_SEEDS[:2] == (0, 1)
    accuracy = sentiment_runs.pang_lee_gru_cv(seed=fold_seed).mean()
    assert 0.35 < accuracy < 0.65, accuracy
