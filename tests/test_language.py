"""Language models and sentiment (book/language-models.md): stream batching, n-gram baselines, sampling,
the NumPy language model against torch autograd, the generated sentiment language, Pang & Lee's sentences.

References: torch (autograd, softmax, the word_language_model batching rule), brute-force counting in
plain Python dicts, the binomial spread of sample frequencies, an independent parser of the contrast
language.
"""
import math
from collections import Counter

import numpy as np
import pytest
import torch

from rnncourse.data.language import batchify, encode_chars, join_tokens, split_text, stream_windows, word_ids, word_list
from rnncourse.data.sentiment import (
    NEGATIVE,
    POSITIVE,
    bag_of_words,
    contrast_sentences,
    contrast_vocabulary,
    encode_padded,
    pang_lee_sentences,
)
from rnncourse.decoding import greedy_decode
from rnncourse.ngram import KneserNey, NGram
from rnncourse.runs import language_models as lm
from rnncourse.sampling import generate, sample, softmax_with_temperature, top_k_logits


# ---- streams -------------------------------------------------------------------------------------
def test_batchify_matches_torch_word_language_model_rule():
    ids = np.arange(103)
    ref = torch.arange(103)[: (103 // 4) * 4].view(4, -1).t().contiguous()     # pytorch/examples' batchify
    assert np.array_equal(batchify(ids, 4), ref.numpy())


def test_stream_windows_tile_the_streams_and_shift_targets():
    s = batchify(np.arange(50), 3)                     # (16, 3)
    windows = list(stream_windows(s, 4))
    assert [x.shape[0] for x, _ in windows] == [4, 4, 4, 3]
    assert np.array_equal(np.concatenate([x for x, _ in windows]), s[:-1])
    assert np.array_equal(np.concatenate([y for _, y in windows]), s[1:])


def test_split_is_contiguous_and_in_order():
    text = "abcdefghij" * 10
    a, b, c = split_text(text)
    assert a + b + c == text and (len(a), len(b), len(c)) == (90, 5, 5)


@pytest.mark.parametrize("call, message", [
    (lambda: join_tokens([]), "empty"),
    (lambda: join_tokens([["123", "é"]]), "empty"),
    (lambda: split_text(""), "non-empty"),
    (lambda: encode_chars("abc!", " abc"), "'!'"),
    (lambda: encode_chars("", " abc"), "non-empty"),
    (lambda: batchify(np.arange(3), 4), "too short"),
    (lambda: batchify(np.arange(10.0), 2), "integer"),
    (lambda: word_ids([], ["a", "<unk>"]), "non-empty"),
    (lambda: word_ids(["a"], ["a"]), "<unk>"),
    (lambda: encode_padded([["the", "zebra"]], contrast_vocabulary()), "zebra"),
])
def test_bad_input_raises_value_error_naming_it(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_encode_chars_matches_charvocab():
    from rnncourse.data import CharVocab

    text = "the quick brown fox jumps over the lazy dog"
    v = CharVocab(text)
    assert np.array_equal(encode_chars(text, v.chars), v.encode(text))


def test_word_ids_map_unknown_words_to_unk():
    words = word_list("a b a c a b d".split(), 3)
    assert words == ["a", "b", "<unk>"]
    assert word_ids("a d b c".split(), words).tolist() == [0, 2, 1, 2]


# ---- n-gram baselines ----------------------------------------------------------------------------
def brute_force_prob(train, V, order, beta, history, v):
    """P_n(v | history) by the recursion, counting with Python dicts."""
    p = 1.0 / V
    for k in range(order):
        ctx = tuple(history[len(history) - k:]) if k else ()
        joint, total = Counter(), Counter()
        for t in range(k, len(train)):
            c = tuple(train[t - k:t])
            total[c] += 1
            joint[c + (train[t],)] += 1
        p = (joint[ctx + (v,)] + beta * p) / (total[ctx] + beta)
    return p


@pytest.mark.parametrize("order, beta", [(1, 1.0), (2, 0.5), (3, 2.0)])
def test_ngram_matches_brute_force_counting_and_normalises(order, beta):
    rng = np.random.default_rng(order)
    V = 4
    train = rng.integers(V, size=300)
    test = rng.integers(V, size=40)
    model = NGram(train, V, order, beta)
    want = [math.log2(brute_force_prob(list(train), V, order, beta, list(test[t - order + 1:t]), int(test[t])))
            for t in range(order - 1, len(test))]
    assert np.allclose(model.log2_probs(test), want, rtol=0, atol=1e-12)
    for history in ([0, 1], [3, 3], [2, 0]):                          # each conditional sums to 1
        total = sum(2 ** model.log2_probs(np.array(history[len(history) - order + 1:] + [v]))[-1]
                    for v in range(V)) if order > 1 else sum(brute_force_prob(list(train), V, 1, beta, [], v)
                                                             for v in range(V))
        assert abs(total - 1) < 1e-12


# ---- Kneser-Ney ----------------------------------------------------------------------------------
def test_kneser_ney_matches_a_hand_computed_bigram_model():
    """Corpus 0 1 0 1 2 1 (V = 3), one discount D = 1/2. Continuation counts of 0, 1, 2: 1, 2, 1 (1 is
    seen after 0 and after 2), so P_0 = ((1 - D, 2 - D, 1 - D) + 3D/3) / 4 = (1/4, 1/2, 1/4). After 0
    (seen twice, always followed by 1): P(1 | 0) = (2 - D + D P_0(1)) / 2 = 7/8, P(0 | 0) = D P_0(0) / 2."""
    kn = KneserNey(np.array([0, 1, 0, 1, 2, 1]), 3, 2, discount=0.5)
    np.testing.assert_allclose(kn.distribution([0]), [1 / 16, 7 / 8, 1 / 16], rtol=0, atol=1e-15)
    np.testing.assert_allclose(kn.distribution([1]), [3 / 8, 1 / 4, 3 / 8], rtol=0, atol=1e-15)
    np.testing.assert_allclose(kn.distribution([2]), [1 / 8, 3 / 4, 1 / 8], rtol=0, atol=1e-15)
    assert np.allclose(KneserNey(np.array([0, 1, 0, 1, 2, 1]), 3, 1, discount=0.5).distribution([]),
                       [(2 - 0.5 + 1.5 / 3) / 6, (3 - 0.5 + 1.5 / 3) / 6, (1 - 0.5 + 1.5 / 3) / 6])   # unigram: raw counts
    # the discounts from the count-of-counts: top level n1 = 3, n2 = 1 (0 1 twice): Y = 3/5; continuation
    # counts (1, 2, 1): Y = 2/4. n3 = 0, so modified KN falls back to the single discount.
    auto = KneserNey(np.array([0, 1, 0, 1, 2, 1]), 3, 2)
    np.testing.assert_allclose(auto.discounts(1), [0.6] * 3)
    np.testing.assert_allclose(auto.discounts(0), [0.5] * 3)


def brute_force_kn(train, V, order, d, context, target):
    """P_KN(target | context) from plain Python counting: raw n-gram counts at the top, the number of
    distinct predecessors at lower levels, d[k] = (D1, D2, D3+) of the level with contexts of length k."""
    def counts(k):
        if k == order - 1:
            return Counter(tuple(train[i:i + k + 1]) for i in range(len(train) - k))
        preds = {}
        for i in range(1, len(train) - k):
            preds.setdefault(tuple(train[i:i + k + 1]), set()).add(train[i - 1])
        return Counter({g: len(s) for g, s in preds.items()})
    p = 1.0 / V
    for k in range(order):
        c = counts(k)
        ctx = tuple(context[len(context) - k:]) if k else ()
        row = {g[-1]: n for g, n in c.items() if g[:-1] == ctx}
        total = sum(row.values())
        if total == 0:
            continue
        disc = lambda n, k=k: 0.0 if n == 0 else d[k][min(n, 3) - 1]
        gamma = sum(disc(n) for n in row.values())
        n = row.get(target, 0)
        p = (max(n - disc(n), 0.0) + gamma * p) / total
    return p


def count_of_counts_discounts(values):
    n = [sum(1 for v in values if v == r) for r in (1, 2, 3, 4)]
    y = n[0] / (n[0] + 2 * n[1])
    return np.clip([r - (r + 1) * y * n[r] / n[r - 1] for r in (1, 2, 3)], 0.1, [1, 2, 3])   # kept in [0.1, r]


@pytest.mark.parametrize("order", [1, 2, 3])
def test_kneser_ney_matches_brute_force_and_sums_to_one_in_every_context(order):
    rng = np.random.default_rng(10 + order)
    V = 8
    zipf = 1 / np.arange(1, V + 1) ** 1.5
    train = [int(v) for v in rng.choice(V, size=600, p=zipf / zipf.sum())]
    model = KneserNey(np.array(train), V, order)
    d = [model.discounts(k) for k in range(order)]
    top = Counter(tuple(train[i:i + order]) for i in range(len(train) - order + 1))
    if order > 1:                                             # counts 1..4 all occur: three distinct discounts
        assert all(r in top.values() for r in (1, 2, 3, 4))
        np.testing.assert_allclose(d[order - 1], count_of_counts_discounts(top.values()), rtol=1e-12)
        assert len(set(np.round(d[order - 1], 9))) == 3
    test = rng.integers(V, size=30)
    want = [math.log2(brute_force_kn(train, V, order, d, list(test[t - order + 1:t]), int(test[t])))
            for t in range(order - 1, len(test))]
    np.testing.assert_allclose(model.log2_probs(test), want, rtol=0, atol=1e-12)
    for modified in (True, False):
        m = KneserNey(np.array(train[:60]), V, order, modified=modified)   # short: many unseen contexts
        for context in np.ndindex(*(V,) * (order - 1)):
            p = m.distribution(list(context))
            assert p.min() > 0 and abs(p.sum() - 1) < 1e-12, (context, p.sum())


def test_kneser_ney_rejects_bad_input():
    with pytest.raises(ValueError, match="discount must be in"):
        KneserNey(np.arange(5), 5, 2, discount=1.5)
    with pytest.raises(ValueError, match="context must hold"):
        KneserNey(np.arange(5), 5, 3).distribution([1])
    with pytest.raises(ValueError, match="ids in"):
        KneserNey(np.arange(5), 4, 2)


# ---- sampling ------------------------------------------------------------------------------------
def test_softmax_with_temperature_matches_torch():
    z = np.random.default_rng(0).standard_normal((5, 7)) * 3
    for tau in (0.3, 1.0, 2.5):
        assert np.allclose(softmax_with_temperature(z, tau), torch.softmax(torch.tensor(z) / tau, -1).numpy(),
                           rtol=0, atol=1e-14)


def test_sample_frequencies_follow_p_tau_and_top_k():
    z = np.array([1.5, 0.2, -0.3, 0.9, -2.0])
    n = 200_000
    for tau, k in ((0.7, None), (1.6, None), (1.0, 3)):
        draws = sample(np.tile(z, (n, 1)), tau, top_k=k, rng=1)
        p = softmax_with_temperature(top_k_logits(z, k) if k else z, tau)
        freq = np.bincount(draws, minlength=len(z)) / n
        assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / n) + 1e-12), (tau, k, freq, p)


def test_greedy_generation_is_greedy_decoding_and_bad_temperature_is_rejected():
    W = np.random.default_rng(2).standard_normal((6, 6))

    def step(tokens, state):
        return np.log(softmax_with_temperature(W[tokens])), state

    got = generate(step, None, 0, 12, greedy=True)
    assert tuple(got) == greedy_decode(step, None, 0, end_token=-1, max_len=12).tokens
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="temperature"):
            softmax_with_temperature(np.zeros(3), bad)


# ---- the language model: NumPy against torch --------------------------------------------------------
@pytest.mark.parametrize("kind, D", [("LSTM", None), ("RNN", None), ("LSTM", 4), ("RNN", 3)])
def test_scratch_lm_gradients_match_autograd_with_a_carried_state(kind, D):
    V, setting = 7, lm.LMSetting(kind=kind, hidden_size=5, readout_scale=0.5, embedding_dim=D)
    rng = np.random.default_rng(3)
    x, y = rng.integers(V, size=(6, 3)), rng.integers(V, size=(6, 3))
    torch.manual_seed(0)
    ref = lm.TorchLM(V, setting).double()
    ours = lm.ScratchLM(V, setting)
    ours.load_torch(ref)
    h0 = rng.standard_normal((1, 3, 5)) * 0.5
    state = (h0, rng.standard_normal((1, 3, 5))) if kind == "LSTM" else h0
    loss, _ = ours.loss_and_grads(x, y, state)
    tstate = tuple(torch.tensor(s) for s in state) if kind == "LSTM" else torch.tensor(state)
    logits, _ = ref(torch.from_numpy(x), tstate)
    tloss = lm.nats(logits, torch.from_numpy(y))
    tloss.backward()
    assert abs(loss - tloss.item()) < 1e-12
    assert sorted(ours.grads) == sorted(name for name, _ in ref.named_parameters())
    for name, p in ref.named_parameters():
        assert np.max(np.abs(ours.grads[name] - p.grad.numpy())) / np.max(np.abs(p.grad.numpy())) < 1e-10, name


@pytest.mark.parametrize("kind, D", [("LSTM", None), ("RNN", None), ("LSTM", 4)])
def test_numpy_and_torch_training_curves_agree(kind, D):
    V, setting = 6, lm.LMSetting(kind=kind, hidden_size=8, T=5, batch_size=3, lr=5e-2, embedding_dim=D)
    ids = np.tile(np.arange(V), 40)                    # a learnable stream: the loss must fall
    windows = list(stream_windows(batchify(ids, 3), 5))[:8]
    torch.manual_seed(1)
    ref = lm.TorchLM(V, setting).double()
    ours = lm.ScratchLM(V, setting)
    ours.load_torch(ref)
    a, b = lm.scratch_training_curve(ours, windows, setting), lm.torch_training_curve(ref, windows, setting)
    assert np.max(np.abs(np.subtract(a, b))) < 1e-10 and a[-1] < a[0]


def test_untrained_loss_bound_holds_for_any_logits():
    rng = np.random.default_rng(5)
    for _ in range(200):
        V = int(rng.integers(2, 40))
        z = rng.standard_normal((10, V)) * rng.uniform(0, 3)
        y = rng.integers(V, size=10)
        L = -torch.log_softmax(torch.tensor(z), -1).numpy()[np.arange(10), y]
        assert np.all(np.abs(L - math.log(V)) <= z.max(1) - z.min(1) + 1e-12)


# ---- sentiment -------------------------------------------------------------------------------------
def parse_label(sentence):
    cut = sentence.index("but")

    def polarity(clause):
        sign = 1 if clause[-1] in POSITIVE else -1 if clause[-1] in NEGATIVE else 0
        return -sign if "not" in clause else sign

    first, second = polarity(sentence[:cut]), polarity(sentence[cut + 1:])
    assert first == -second != 0
    return int(second > 0)


def test_contrast_labels_follow_the_second_clause_and_bags_are_label_free():
    sents, labels = contrast_sentences(4000, rng=0)
    assert [parse_label(s) for s in sents] == labels.tolist()
    # exchange the clauses: the same words, the opposite label (by the same parser)
    for s in sents[:50]:
        cut = s.index("but")
        swapped = s[cut + 1:] + ["but"] + s[:cut]
        assert Counter(swapped) == Counter(s) and parse_label(swapped) == 1 - parse_label(s)
    # empirically: every bag's label frequency is near 1/2 among bags seen often
    words = contrast_vocabulary()
    ids = encode_padded(sents, words)
    bags = [tuple(row) for row in bag_of_words(ids, len(words)).astype(int)]
    groups = {}
    for bag, label in zip(bags, labels):
        groups.setdefault(bag, []).append(label)
    assert abs(labels.mean() - 0.5) < 0.03
    assert all(ids[k, -1] == words.index(sents[k][-1]) for k in range(20))   # left-padded: the sentence ends last


def test_pang_lee_sentences_are_200_balanced_latin1():
    sents, labels = pang_lee_sentences()
    assert len(sents) == 200 and labels.sum() == 100
    assert any(any(ord(ch) > 127 for w in s for ch in w) for s in sents)     # latin-1 characters decoded


def test_scratch_sentiment_classifier_matches_autograd():
    from rnncourse.scratch.text_classifier import ScratchClassifier
    from rnncourse.torch.text_classifier import RNNClassifier

    words = contrast_vocabulary()
    sents, labels = contrast_sentences(6, rng=7)
    ids = encode_padded(sents, words)
    assert (ids[:, 0] == 0).any()                      # some sentences are padded
    torch.manual_seed(0)
    ref = RNNClassifier(len(words), 4, 5).double()
    ours = ScratchClassifier(len(words), 4, 5)
    ours.load_torch(ref)
    loss = ours.loss_and_grads(ids, labels)
    tloss = torch.nn.functional.binary_cross_entropy_with_logits(ref(torch.from_numpy(ids)),
                                                                 torch.tensor(labels, dtype=torch.float64))
    tloss.backward()
    assert abs(loss - tloss.item()) < 1e-12
    for name, p in ref.named_parameters():
        assert np.max(np.abs(ours.grads[name] - p.grad.numpy())) / np.max(np.abs(p.grad.numpy())) < 1e-10, name


def test_lee_corpus_is_a_quick_character_stream():
    from rnncourse.data.language import ALPHABET, char_corpus

    text = char_corpus("lee")
    assert 340_000 < len(text) < 350_000 and set(text) <= set(ALPHABET) and "  " not in text
    with pytest.raises(ValueError, match="'wiki' or 'lee'"):
        char_corpus("brown")


# ---- model options: tied read-out, dropout, learning-rate schedule, early stop ---------------------
def test_tied_readout_is_h_p_e_transpose_and_stores_the_table_once():
    setting = lm.LMSetting(embedding_dim=3, hidden_size=5, tie=True)
    torch.manual_seed(0)
    model = lm.TorchLM(7, setting).eval()
    assert sorted(model.state_dict()) == ["embed.weight", "out_bias", "proj.weight", "rnn.bias_hh_l0",
                                          "rnn.bias_ih_l0", "rnn.weight_hh_l0", "rnn.weight_ih_l0"]
    with torch.no_grad():
        model.out_bias.normal_()
    ids = torch.tensor([[1, 2], [3, 4], [5, 6]])
    logits, _ = model(ids)
    h, _ = torch.nn.LSTM(3, 5).requires_grad_(False), None
    h.load_state_dict({k[4:]: v for k, v in model.state_dict().items() if k.startswith("rnn.")})
    E, P, b = model.embed.weight, model.proj.weight, model.out_bias
    want = (h(E[ids])[0] @ P.T) @ E.T + b                       # z_t = (h_t P^T) E^T + b_y
    torch.testing.assert_close(logits, want, rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match="no wider than the state"):
        lm.TorchLM(7, lm.LMSetting(embedding_dim=6, hidden_size=5, tie=True))


def test_learning_rate_schedule_is_flat_then_linear_and_stop_after_ends_early():
    s = lm.LMSetting(steps=10, lr=1.0, decay_from=0.6, final_lr_fraction=0.1)
    rates = [lm.learning_rate(s, k) for k in range(10)]
    # flat for steps 0..5, then 1 - 0.9 * (k - 6) / 4 for k = 6..9
    np.testing.assert_allclose(rates, [1.0] * 6 + [1.0, 0.775, 0.55, 0.325], rtol=0, atol=1e-12)
    small = lm.LMSetting(hidden_size=8, T=5, batch_size=2, steps=50, eval_every=3, dropout=0.5)
    ids = np.arange(400) % 6
    run = lm.train_lm(ids, ids[:60], 6, small, stop_after=7)
    assert len(run.train_nats) == 7 and run.eval_steps == [3, 6, 7]


def test_evaluate_bits_scores_without_dropout_and_keeps_the_mode():
    """Scoring uses eval mode (dropout off: the same bits twice) and leaves the model in the mode it came in,
    so a model put in eval mode for sampling is not switched back to dropout by a score in between."""
    torch.manual_seed(0)
    model = lm.TorchLM(5, lm.LMSetting(hidden_size=8, dropout=0.5))
    ids = np.tile(np.arange(5), 40)
    model.train()
    first = lm.evaluate_bits(model, ids, batch_size=4, T=16)
    assert model.training and lm.evaluate_bits(model, ids, batch_size=4, T=16) == first
    model.eval()
    assert lm.evaluate_bits(model, ids, batch_size=4, T=16) == first and not model.training
