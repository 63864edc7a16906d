"""What book/seq2seq.md says about the seed study on French number words (sec-seq2seq-length,
sec-seq2seq-reversal, sec-seq2seq-attention, sec-seq2seq-exposure). benchmarks/experiments/seq2seq_seeds.py
prints the same rows (rnncourse.runs.seq2seq.study_row); these tests train them again, in the named setting
NUMBERS with the overrides STUDY_MODELS, and assert the prose: orderings and bounds that hold in every seed
with a margin beyond the seed-to-seed spread we observed. Slow by design (nine training runs of 300 steps
on one thread). Every score is on test-part numbers, which training never draws.
"""
import numpy as np
import pytest
from one_thread import one_torch_thread

from rnncourse.runs.seq2seq import NUMBERS, STUDY_MODELS, study_row

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rows():
    """{model: [study_row, one per seed]} for the plain, reversed and attention models."""
    with one_torch_thread():
        out = {name: [study_row(name, seed) for seed in NUMBERS.seeds] for name in STUDY_MODELS}
    for name, runs in out.items():                   # the table, as the seed script prints it (pytest -s)
        for seed, row in zip(NUMBERS.seeds, runs):
            print(f"{name:10} {seed:4d} " + " ".join(f"{a:5.2f}" for a in row["accuracy"].values())
                  + " " + " ".join(f"{row[k]:.3f}" for k in ("exact", "BLEU-4", "forced", "free", "p_after", "p_clean")))
    return out


def test_the_study_is_three_seeds_of_the_chapter_setting():
    assert NUMBERS.seeds == (0, 1, 2) and NUMBERS.steps == 300 and (NUMBERS.min_digits, NUMBERS.max_digits) == (1, 8)
    assert not NUMBERS.attention and not NUMBERS.reverse_source


def test_attention_holds_up_on_long_numbers_where_the_plain_model_fails(rows):
    """"the attention model translated 78 to 91 % of the 7-digit numbers and 52 to 88 % of the 8-digit ones
    (the 8-digit figure moves most, from seed to seed and from kernel to kernel; the test asserts at least
    70 % and 40 %), while the plain encoder-decoder got at most 2 % of either right; on 2-digit numbers both
    were at 85 % or more" (six runs: three seeds on two kernels. Asserted with margins of at least one
    seed-to-seed deviation, 0.04 and 0.12, below the lowest run: the plain model at most 10 %, 2-digit at
    least 75 %, the gap on 6-8 digits at least 0.4, observed 0.52-0.74)"""
    for plain, attn in zip(rows["plain"], rows["attention"]):
        a, p = attn["accuracy"], plain["accuracy"]
        assert p[7] <= 0.1 and p[8] <= 0.1, p
        assert a[7] >= 0.7 and a[8] >= 0.4, a
        assert min(a[d] - p[d] for d in (6, 7, 8)) >= 0.4, (p, a)
        assert p[2] >= 0.75 and a[2] >= 0.75, (p, a)


def test_bleu_and_exact_match_order_the_models_alike(rows):
    """"Over all 800 test numbers of 1-8 digits, exact match was 0.28-0.42 for the plain model and 0.80-0.90
    with attention, and BLEU-4 0.46-0.51 and 0.89-0.95: BLEU ranks the two models the same way, and gives the
    plain model credit for its partly right long numbers, which exact match does not." """
    for plain, attn in zip(rows["plain"], rows["attention"]):
        assert attn["exact"] > plain["exact"] + 0.1 and attn["BLEU-4"] > plain["BLEU-4"] + 0.1, (plain, attn)
        assert plain["BLEU-4"] > plain["exact"], plain


def test_reversing_the_source_helps_the_plain_model_modestly(rows):
    """"Reading the digits backwards raised the mean accuracy over 3- to 6-digit numbers in each of the three
    seeds, by 3, 4.5 and 20 points (2.5, 4.5 and 20 under the second kernel): on average it helps, by an amount three seeds cannot pin down (the test
    asserts only that the mean gain is positive), and it left 7- and 8-digit numbers as hopeless as before
    (3 % at most)." (observed mean gain 0.09, seed-to-seed deviation 0.09; 7-8 digits asserted at most 0.1)"""
    middle = lambda acc: np.mean([acc[d] for d in (3, 4, 5, 6)])
    gains = [middle(rev["accuracy"]) - middle(plain["accuracy"]) for plain, rev in zip(rows["plain"], rows["reversed"])]
    assert np.mean(gains) > 0, gains
    assert all(rev["accuracy"][7] <= 0.1 and rev["accuracy"][8] <= 0.1 for rev in rows["reversed"])


def test_free_running_errors_compound_under_an_alignment_aware_score(rows):
    """"a word error rate about twice the teacher-forced one in every seed, 1.9 to 2.1 times; after a first
    mistake, 4.6 to 6.1 times as many errors as with a right history, on both floating-point kernels" (asserted with margin: more than 1.5
    and 3 times, in every seed)"""
    for row in rows["plain"]:
        assert row["free"] > 1.5 * row["forced"], row
        assert row["p_after"] > 3 * row["p_clean"] and row["n_after"] >= 50, row
