"""What book/seq2seq.md says about where the dates model looks (sec-seq2seq-attention, the alignment matrix),
over the seeds of rnncourse.runs.seq2seq (benchmarks/experiments/seq2seq_seeds.py dates prints the same
rows): the page draws one seed's matrix and prints its masses; these tests train the model in the named
setting DATES from each seed and assert the prose, with margins beyond the seed-to-seed spread we observed.
"""
import numpy as np
import pytest
from one_thread import one_torch_thread

from rnncourse.runs import seq2seq as S2S
from rnncourse.runs.seq2seq import DATES, train

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rows():
    with one_torch_thread():
        out = [S2S.date_study_row(train(DATES, seed)) for seed in S2S.DATE_SEEDS]
    for seed, row in zip(S2S.DATE_SEEDS, out):       # the table, as the seed script prints it (pytest -s)
        print(seed, {k: np.round(v, 3) for k, v in row.items()})
    return out


def test_the_study_is_five_seeds_of_the_chapter_setting():
    assert S2S.DATE_SEEDS == (0, 1, 2, 3, 4) and DATES.steps == 250 and DATES.attention


def test_month_and_day_digits_read_the_month_name_and_the_day_in_every_seed(rows):
    """"in each seed, on this example each month-digit row put at least 0.69 of its weight on the month's
    name and each day-digit row at least 0.9 on the day; over 200 held-out dates in the same form the median
    weight was 0.81 to 0.99 on the month name and 0.90 to 0.98 on the day" (two kernels, default and
    ATEN_CPU_CAPABILITY=avx2: lowest 0.692 and 0.903 on the example, seed-to-seed deviations 0.1 and 0.04;
    held-out medians lowest 0.815 and 0.904, deviations 0.07 and 0.03. Asserted: at least half the weight in
    every seed on the example, the median over seeds of each seed's lower row at least 0.7 (observed 0.90
    and 0.93) and 0.8 (0.91 and 0.94), held-out medians at least 0.6 and 0.75 in every seed)"""
    month = np.array([r["example_month"] for r in rows])
    day = np.array([r["example_day"] for r in rows])
    assert month.min() >= 0.5 and day.min() >= 0.5, (month, day)
    assert np.median(month.min(axis=1)) >= 0.7 and np.median(day.min(axis=1)) >= 0.8, (month, day)
    for r in rows:
        assert r["held_out_month_median"] >= 0.6 and r["held_out_day_median"] >= 0.75, r


def test_most_held_out_dates_put_half_the_weight_on_both_fields(rows):
    """"in the median seed at least 80 % of those dates had at least half of every month and day row's weight
    on the month name and the day (44 to 46 % in the weakest seed)" (observed 0.44-0.97 over both kernels, medians
    0.81 and 0.88, deviation 0.2; asserted: the median over seeds at least 0.5, every seed at least 0.2)"""
    share = np.array([r["held_out_share"] for r in rows])
    assert np.median(share) >= 0.5 and share.min() >= 0.2, share
