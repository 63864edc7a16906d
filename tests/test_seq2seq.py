"""The encoder-decoder and additive attention: hand-written backward against float64 central differences
and against autograd on the torch twin (whose encoder and plain decoder are torch.nn.GRU), the alignment
weights, decoding through rnncourse.decoding, and the two generated tasks against the standard library
and num2words."""
import datetime

import numpy as np
import pytest
import torch
from num2words import num2words

import rnncourse.torch as twin
from rnncourse import scratch
from rnncourse.data import dates, numberwords
from rnncourse.data.pairs import BOS, EOS, PAD, TokenVocab, make_batch
from rnncourse.decoding import greedy_decode
from rnncourse.scratch import numerical_gradient_array, rel_error

VS, VT, E, H, A = 7, 6, 3, 4, 5


def _batch(rng, S=5, T=4, B=3):
    src = rng.integers(0, VS, (S, B))
    tgt_in = rng.integers(0, VT, (T, B))
    tgt_out = rng.integers(1, VT, (T, B))
    tgt_out[-1, 0] = PAD
    return src, tgt_in, tgt_out


def _pair(attention, scale=1.0):
    """A scratch model and its torch twin with the same float64 parameters (scaled up so that attention
    is far from uniform and every gradient is large enough for a central difference to resolve)."""
    torch.manual_seed(0)
    ref = twin.Seq2Seq(VS, VT, E, H, attention=attention, attention_size=A, dtype=torch.float64)
    with torch.no_grad():
        for p in ref.parameters():
            p.mul_(scale)
    model = scratch.Seq2Seq(VS, VT, E, H, attention=attention, attention_size=A)
    model.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    return model, ref


@pytest.mark.parametrize("attention", [False, True])
def test_backward_matches_central_differences(attention):
    rng = np.random.default_rng(0)
    model, _ = _pair(attention, scale=3.0)
    src, tgt_in, _ = _batch(rng)
    d_logits = rng.standard_normal((tgt_in.shape[0], tgt_in.shape[1], VT))
    model.zero_grad()
    model.forward(src, tgt_in)
    model.backward(d_logits)
    for name, value in model.params.items():
        # eps 1e-5: the checked functional sum(logits * d_logits) is large, so the rounding error of a central
        # difference (~1e-16 |F| / eps) needs a larger step than the default 1e-6
        numeric = numerical_gradient_array(lambda: model.forward(src, tgt_in), value, d_logits, eps=1e-5)
        assert rel_error(model.grads[name], numeric) < 1e-8, name


@pytest.mark.parametrize("attention", [False, True])
def test_loss_and_gradients_match_the_torch_twin(attention):
    rng = np.random.default_rng(1)
    model, ref = _pair(attention, scale=2.0)
    src, tgt_in, tgt_out = _batch(rng, S=6, T=5, B=4)
    loss = ref.loss(src, tgt_in, tgt_out)
    loss.backward()
    model.zero_grad()
    assert model.loss(src, tgt_in, tgt_out) == pytest.approx(loss.item(), rel=1e-12)
    for name, p in ref.named_parameters():
        assert rel_error(model.grads[name], p.grad.numpy()) < 1e-10, name


def test_attention_weights_are_a_distribution_and_match_the_twin():
    rng = np.random.default_rng(2)
    model, ref = _pair(True, scale=2.0)
    src, tgt_in, _ = _batch(rng, S=7, T=3, B=2)
    model.forward(src, tgt_in)
    alpha = model.alignment()
    assert alpha.shape == (3, 2, 7) and np.all(alpha > 0)
    np.testing.assert_allclose(alpha.sum(axis=2), 1.0, rtol=0, atol=1e-14)
    assert rel_error(alpha, ref.alignment(src, tgt_in)) < 1e-12


def test_attention_context_is_the_weighted_memory():
    """With a zero query and zero keys every score is equal: the context is the plain mean of the memory."""
    rng = np.random.default_rng(3)
    memory = rng.standard_normal((2, 5, 4))
    context, alpha, _ = scratch.attention_forward(rng.standard_normal((2, 3)), memory, np.zeros((2, 5, 6)),
                                                  np.zeros((6, 3)), rng.standard_normal(6))
    np.testing.assert_allclose(alpha, 0.2, rtol=1e-15)
    np.testing.assert_allclose(context, memory.mean(axis=1), rtol=1e-13)


@pytest.mark.parametrize("attention", [False, True])
def test_free_running_step_reproduces_teacher_forcing(attention):
    """Feeding the same tokens one at a time through step() gives the teacher-forced log-probabilities."""
    rng = np.random.default_rng(4)
    model, ref = _pair(attention)
    src, tgt_in, _ = _batch(rng, B=1)
    logits = model.forward(src, tgt_in)[:, 0]
    want = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    for impl in (model, ref):
        state = impl.start(src)
        for t, token in enumerate(tgt_in[:, 0]):
            log_probs, state = impl.step(np.array([token]), state)
            assert rel_error(log_probs[0], want[t]) < 1e-12


@pytest.mark.parametrize("attention", [False, True])
def test_batched_greedy_is_greedy_decode_per_example(attention):
    rng = np.random.default_rng(5)
    _, ref = _pair(attention, scale=2.0)
    src = rng.integers(3, VS, (6, 8))
    batch = ref.greedy(src, max_len=7)
    for b in range(src.shape[1]):
        one = greedy_decode(ref.step, ref.start(src[:, b:b + 1]), BOS, EOS, max_len=7).tokens
        assert tuple(batch[:len(one), b]) == one
        assert np.all(batch[len(one):, b] == EOS)


def test_bad_arguments_raise_value_errors():
    model = scratch.Seq2Seq(VS, VT, E, H, rng=0)
    with pytest.raises(ValueError, match=r"src must hold token indices in \[0, 7\)"):
        model.forward(np.full((3, 2), 9), np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(ValueError, match=r"tgt_in must be a non-empty int array of shape \(T, B\)"):
        model.forward(np.zeros((3, 2), dtype=np.int64), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="same batch size B; got 2 and 3"):
        model.forward(np.zeros((3, 2), dtype=np.int64), np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        scratch.Seq2Seq(VS, VT, E, 0)
    with pytest.raises(ValueError, match="every target is padding"):
        scratch.masked_cross_entropy(np.zeros((2, 1, 3)), np.zeros((2, 1), dtype=np.int64))
    with pytest.raises(ValueError, match="attention model"):
        model.alignment()


# ---- data --------------------------------------------------------------------------------------------
STRPTIME = {"{d} {Month} {Y}": "%d %B %Y", "{Month} {d}, {Y}": "%B %d, %Y", "{d} {Mon} {Y}": "%d %b %Y",
            "{Mon} {d} {Y}": "%b %d %Y", "{Weekday}, {d} {Month} {Y}": "%A, %d %B %Y",
            "{Weekday} {Month} {d}, {Y}": "%A %B %d, %Y", "{dd}.{mm}.{Y}": "%d.%m.%Y", "{Y} {Month} {d}": "%Y %B %d"}


def test_every_date_form_parses_back_with_strptime_to_its_target():
    assert sorted(STRPTIME) == sorted(dates.FORMATS)
    for fmt, directive in STRPTIME.items():
        for src, tgt in dates.date_pairs(40, rng=6, formats=(fmt,)):
            parsed = datetime.datetime.strptime(src, directive).date()     # the C locale: English names
            assert parsed.isoformat() == tgt and len(tgt) == 10
            assert set(src) <= set(dates.SOURCE_SYMBOLS)


def test_dates_cover_the_range_and_keep_four_digit_years():
    pairs = dates.date_pairs(2000, rng=7, years=(1950, 1960))
    years = {int(t[:4]) for _, t in pairs}
    assert years == set(range(1950, 1961))
    assert all(str(int(t[:4])) in s for s, t in pairs)
    assert dates.format_date(datetime.date(2021, 3, 3), "{d} {Month} {Y}") == "3 March 2021"
    with pytest.raises(ValueError, match="four-digit years"):
        dates.date_pairs(3, years=(99, 120))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        dates.date_pairs(0)


def test_number_words_are_num2words_french_and_cover_the_digit_counts():
    pairs = numberwords.number_pairs(500, rng=8, min_digits=1, max_digits=9)
    assert {len(s) for s, _ in pairs} == set(range(1, 10))
    for src, tokens in pairs:
        assert numberwords.join_french(tokens) == num2words(int(src), lang="fr")
        assert set(tokens) <= set(numberwords.FRENCH_WORDS)
    assert numberwords.join_french(numberwords.french_tokens(1984)) == "mille neuf cent quatre-vingt-quatre"
    english = numberwords.number_pairs(200, rng=9, max_digits=12, source="english")
    assert all(set(s) <= set(numberwords.ENGLISH_SYMBOLS) for s, _ in english)
    with pytest.raises(ValueError, match="1 <= min_digits <= max_digits <= 12"):
        numberwords.number_pairs(3, min_digits=4, max_digits=2)
    with pytest.raises(ValueError, match=r"value must be an integer in \[0, 10\*\*12\)"):
        numberwords.french_tokens(-1)


def test_vocab_and_batches():
    vocab = TokenVocab("abc")
    assert len(vocab) == 6 and vocab.encode("cab").tolist() == [5, 3, 4]
    with pytest.raises(ValueError, match=r"symbols \['x'\] are not in the vocabulary"):
        vocab.encode("abx")
    with pytest.raises(ValueError, match="empty sequence"):
        vocab.encode("")
    with pytest.raises(ValueError, match="at least one"):
        make_batch([], vocab, vocab)
    src, tgt_in, tgt_out = make_batch([("ab", "c"), ("abc", "ba")], vocab, vocab, reverse_source=True)
    assert src.T.tolist() == [[PAD, 4, 3], [5, 4, 3]]                  # reversed, left-padded
    assert tgt_in.T.tolist() == [[BOS, 5, PAD], [BOS, 4, 3]]
    assert tgt_out.T.tolist() == [[5, EOS, PAD], [4, 3, EOS]]
    assert vocab.decode([4, 3, EOS, 5]) == ["b", "a"]
    src, _, _ = make_batch([("ab", "c")], vocab, vocab, src_len=4)
    assert src.T.tolist() == [[PAD, PAD, 3, 4]]
    assert dates.MAX_SOURCE_LENGTH == max(len(s) for s, _ in dates.date_pairs(20000, rng=10))


def _attention_inputs(rng, B=3, S=5, H=4, M=6, A=5):
    return {"h": rng.standard_normal((B, H)), "memory": rng.standard_normal((B, S, M)),
            "attn_query": rng.standard_normal((A, H)), "attn_key": rng.standard_normal((A, M)),
            "attn_v": rng.standard_normal(A)}


def _attention_backward_complete(inputs, d_context):
    """Every gradient of additive attention from scratch.attention_backward, assembled as book/seq2seq.md
    writes it: the query path dh, the memory through the context and through the keys, dW_q, dW_k, dv."""
    x = inputs
    keys = x["memory"] @ x["attn_key"].T
    _, _, cache = scratch.attention_forward(x["h"], x["memory"], keys, x["attn_query"], x["attn_v"])
    dh, d_mem, d_keys, d_pre, dv_rows = scratch.attention_backward(d_context, cache, x["attn_query"], x["attn_v"])
    return {"h": dh, "memory": d_mem + d_keys @ x["attn_key"], "attn_query": d_pre.T @ x["h"],
            "attn_key": np.einsum("bsa,bsm->am", d_keys, x["memory"]), "attn_v": dv_rows.sum(axis=0)}


def test_attention_backward_is_complete_against_autograd_and_central_differences():
    """The query gradient (into the decoder's previous state), the memory gradient through both paths, and
    dW_q, dW_k, dv: against torch.autograd on the twin's attention (< 1e-10) and float64 central
    differences (< 1e-8)."""
    rng = np.random.default_rng(5)
    inputs = _attention_inputs(rng)
    d_context = rng.standard_normal((3, 6))
    ours = _attention_backward_complete(inputs, d_context)
    leaves = {k: torch.tensor(v, requires_grad=True) for k, v in inputs.items()}
    keys = leaves["memory"] @ leaves["attn_key"].T
    context, _ = twin.attention.attention(leaves["h"], leaves["memory"], keys, leaves["attn_query"], leaves["attn_v"])
    (context * torch.tensor(d_context)).sum().backward()
    for name, leaf in leaves.items():
        assert rel_error(ours[name], leaf.grad.numpy()) < 1e-10, name

    def context_of():
        k = inputs["memory"] @ inputs["attn_key"].T
        return scratch.attention_forward(inputs["h"], inputs["memory"], k, inputs["attn_query"], inputs["attn_v"])[0]

    for name, value in inputs.items():
        numeric = numerical_gradient_array(context_of, value, d_context)
        assert rel_error(ours[name], numeric) < 1e-8, name


def test_train_and_test_parts_are_disjoint_by_construction():
    from rnncourse.data.pairs import in_test_part
    train_numbers = {int(s) for s, _ in numberwords.number_pairs(3000, rng=1, min_digits=1, max_digits=8, part="train")}
    test_numbers = {int(s) for s, _ in numberwords.number_pairs(800, rng=2, min_digits=1, max_digits=8, part="test")}
    assert train_numbers and test_numbers and not train_numbers & test_numbers
    assert all(in_test_part(v) for v in test_numbers) and not any(in_test_part(v) for v in train_numbers)
    assert sorted(v for v in range(10) if in_test_part(v)) == [1, 4, 9]        # zero ("zéro") is a training number
    share = np.mean([in_test_part(v) for v in range(10**6, 10**6 + 20000)])
    assert 0.23 < share < 0.27
    train_days = {t for _, t in dates.date_pairs(3000, rng=3, part="train")}
    test_days = {t for _, t in dates.date_pairs(500, rng=4, part="test")}
    assert train_days and test_days and not train_days & test_days
    with pytest.raises(ValueError, match="part must be one of"):
        numberwords.number_pairs(3, part="held-out")


def test_edit_distance_equals_nltk_and_word_error_rate_sums_it():
    from nltk.metrics.distance import edit_distance as nltk_edit_distance

    from rnncourse.bleu import edit_distance, word_error_rate
    rng = np.random.default_rng(6)
    for _ in range(200):
        a = rng.integers(0, 4, rng.integers(0, 8)).tolist()
        b = rng.integers(0, 4, rng.integers(0, 8)).tolist()
        assert edit_distance(a, b) == nltk_edit_distance(a, b)
    ref = "mille neuf cent quatre - vingt - quatre".split()
    assert edit_distance(ref[:1] + ref[2:], ref) == 1                 # one dropped word is one error
    assert word_error_rate([ref, ref], [ref, ref[1:]]) == 1 / 16
    with pytest.raises(ValueError, match="token lists"):
        edit_distance("abc", ["a"])
