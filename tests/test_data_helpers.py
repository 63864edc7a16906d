"""Data helpers that moved out of the runs modules: prefixes and splits checked against the raw corpora."""
from __future__ import annotations

import numpy as np
import pytest

from rnncourse.data import lee_background, wiki_sample
from rnncourse.data.gensim_data import BOOK_SLICE_TOKENS, wiki_slice
from rnncourse.data.sentiment import contrast_data
from rnncourse.data.text import lee_characters, lee_text_split


def test_wiki_slice_is_the_first_tokens_of_the_wiki_sample():
    full = [w for s in wiki_sample() for w in s]
    part = wiki_slice(25_000)
    assert [w for s in part for w in s] == full[:25_000]
    assert sum(map(len, wiki_slice())) == BOOK_SLICE_TOKENS == 200_000
    with pytest.raises(ValueError, match="tokens must be a positive int; got 0"):
        wiki_slice(0)


def test_lee_characters_and_split_decode_back_to_the_corpus():
    docs = lee_background()
    ids, alphabet = lee_characters()
    assert "".join(alphabet[i] for i in ids) == "\n".join(" ".join(d) for d in docs)
    assert list(alphabet) == sorted(set(alphabet))
    vocab, train, held = lee_text_split()
    assert vocab.decode(np.concatenate([train, held])) == " ".join(" ".join(d) for d in docs)
    assert len(train) == int(0.9 * (len(train) + len(held)))


def test_contrast_data_draws_train_and_test_from_their_own_seeds():
    words, x_tr, y_tr, x_te, y_te = contrast_data(30, 20, seed=4)
    assert x_tr.shape[0] == y_tr.shape[0] == 30 and x_te.shape[0] == y_te.shape[0] == 20
    again = contrast_data(30, 20, seed=4)
    np.testing.assert_array_equal(again[1], x_tr)
    other = contrast_data(30, 20, seed=5)
    assert not np.array_equal(other[1], x_tr)
