"""rnncourse.runs.seq2seq: the columns it sums are the month name and the day in the padded source, and
the masses are sums of the model's attention rows (checked against alpha read directly)."""
import datetime

import numpy as np
import pytest
import torch

from rnncourse.data.dates import FORMATS, MONTHS, date_pairs, format_date
from rnncourse.runs import seq2seq as S2S
from rnncourse.runs.seq2seq import DATES, Seq2SeqRun, vocabularies
from rnncourse.torch.seq2seq import Seq2Seq


@pytest.mark.parametrize("fmt", [f for f in FORMATS if "{Month}" in f and "{d}" in f])
def test_field_columns_point_at_the_month_name_and_the_day(fmt):
    for source, target in date_pairs(50, 3, formats=(fmt,)):
        date = datetime.date.fromisoformat(target)
        S = 30
        padded = "·" * (S - len(source)) + source
        month, day = S2S.field_columns(date, S, fmt)
        assert "".join(padded[j] for j in month) == MONTHS[date.month - 1]
        digits = str(date.day)
        assert padded[day[0]:day[0] + len(digits)] == digits                 # the day's digits ...
        assert day == list(range(day[0], min(day[0] + len(digits) + 1, S)))   # ... and the next character, if any


def test_field_columns_reject_a_form_without_a_month_name_and_a_short_width():
    date = datetime.date(1963, 9, 17)
    with pytest.raises(ValueError, match="must contain"):
        S2S.field_columns(date, 30, "{dd}.{mm}.{Y}")
    with pytest.raises(ValueError, match="at least the source's length 26"):
        S2S.field_columns(date, 20)


def test_masses_are_sums_of_the_attention_rows():
    src_vocab, tgt_vocab = vocabularies("dates")
    torch.manual_seed(0)
    model = Seq2Seq(len(src_vocab), len(tgt_vocab), 8, 12, attention=True)        # untrained: any weights do
    run = Seq2SeqRun(DATES, model, src_vocab, tgt_vocab, [], 0.0)
    examples = [S2S.DATE_EXAMPLE, (format_date(datetime.date(2001, 5, 3), S2S.DATE_FORM), "2001-05-03")]
    got = S2S.alignment_masses(run, examples)
    src, tgt_in, _ = run.batch(examples)
    alpha = model.alignment(src, tgt_in)
    chars = [[src_vocab.symbols[i] if i else "" for i in src[:, b]] for b in range(2)]
    # "September" starts after "Tuesday, 17 " in the first source, "May" after "Thursday, 3 " in the second
    for b, (name, day) in enumerate((("September", "17"), ("May", "3"))):
        start = "".join(chars[b]).index(name) + sum(c == "" for c in chars[b])
        expected = alpha[[5, 6], b][:, start:start + len(name)].sum(axis=1)
        np.testing.assert_allclose(got["month"][b], expected, rtol=1e-12)
        d0 = start - len(day) - 1
        np.testing.assert_allclose(got["day"][b], alpha[[8, 9], b][:, d0:d0 + len(day) + 1].sum(axis=1), rtol=1e-12)
    with pytest.raises(ValueError, match="is not its date written as"):
        S2S.alignment_masses(run, [("17 September 1963", "1963-09-17")])
