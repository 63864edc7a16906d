"""word2vec pieces: gradients against float64 central differences and torch autograd, the sampling rules
against their formulas and gensim, the window pairs against deck C's table, and the evaluation
functions against scipy and gensim."""
import numpy as np
import pytest
import scipy.stats
import torch
from gensim.models import Word2Vec as GensimWord2Vec

from rnncourse.data import WordVocab, analogy_questions, lee_background, word_pairs
from rnncourse.scratch import embedding_eval as ev
from rnncourse.scratch import word2vec as w2v
from rnncourse.scratch.gradcheck import numerical_gradient, rel_error
from rnncourse.torch import word2vec as tw2v

V, D, B, K, C = 11, 4, 6, 3, 4


def batch(seed=0):
    rng = np.random.default_rng(seed)
    W_in, W_out = rng.standard_normal((V, D)), rng.standard_normal((V, D))
    inputs = rng.integers(0, V, B)
    inputs[1] = inputs[0]                                    # repeated rows must have their gradients summed
    outputs, negatives = rng.integers(0, V, B), rng.integers(0, V, (B, K))
    negatives[2, 0] = outputs[2]
    context = rng.integers(0, V, (B, C))
    mask = rng.random((B, C)) < 0.6
    mask[:, 0] = True
    return W_in, W_out, inputs, outputs, negatives, context, mask


@pytest.mark.parametrize("model", ["sgns", "cbow"])
def test_gradients_match_central_differences(model):
    W_in, W_out, inputs, outputs, negatives, context, mask = batch()

    def loss():
        if model == "sgns":
            return w2v.sgns_loss(W_in, W_out, inputs, outputs, negatives)
        return w2v.cbow_loss(W_in, W_out, context, mask, outputs, negatives)

    _, g_in, g_out = loss()
    assert rel_error(g_in.dense(V), numerical_gradient(lambda: loss()[0], W_in)) < 1e-8
    assert rel_error(g_out.dense(V), numerical_gradient(lambda: loss()[0], W_out)) < 1e-8


@pytest.mark.parametrize("model", ["sgns", "cbow"])
def test_numpy_matches_torch_autograd_on_a_fixed_batch(model):
    W_in, W_out, inputs, outputs, negatives, context, mask = batch(1)
    T_in, T_out = torch.tensor(W_in, requires_grad=True), torch.tensor(W_out, requires_grad=True)
    t = {k: torch.from_numpy(v) for k, v in dict(i=inputs, o=outputs, n=negatives, c=context, m=mask).items()}
    if model == "sgns":
        L, g_in, g_out = w2v.sgns_loss(W_in, W_out, inputs, outputs, negatives)
        ref = tw2v.sgns_loss(T_in, T_out, t["i"], t["o"], t["n"])
    else:
        L, g_in, g_out = w2v.cbow_loss(W_in, W_out, context, mask, outputs, negatives)
        ref = tw2v.cbow_loss(T_in, T_out, t["c"], t["m"], t["o"], t["n"])
    ref.backward()
    assert L == pytest.approx(ref.item(), rel=1e-12)
    assert rel_error(g_in.dense(V), T_in.grad.numpy()) < 1e-12
    assert rel_error(g_out.dense(V), T_out.grad.numpy()) < 1e-12


def reference_window_update(W_in, W_out, context, mask, centre, negatives, lr, cbow):
    """The C code's and gensim's update of B windows, written again in torch (autograd does the calculus).

    Noise words equal to the centre word are dropped. Skip-gram: W -= lr * dL/dW for the loss of all the
    windows' (context, centre) pairs. CBOW: h_b is a leaf (the mean of the window's context rows); W_out
    -= lr * dL/dW_out, and every context row of window b gets -lr * dL/dh_b (not divided by n_b)."""
    W_in_t, W_out_t = torch.tensor(W_in), torch.tensor(W_out, requires_grad=True)
    new_in = W_in_t.clone()
    L = torch.zeros((), dtype=torch.float64)
    for b in range(len(centre)):
        ctx = [int(c) for c, m in zip(context[b], mask[b]) if m]
        if not ctx:
            continue
        noise = [int(n) for n in negatives[b] if n != centre[b]]
        if cbow:
            h = W_in_t[ctx].mean(dim=0).requires_grad_()
            inputs = [h]
        else:
            inputs = [W_in_t[c].clone().requires_grad_() for c in ctx]
        Lb = sum(-torch.nn.functional.logsigmoid(W_out_t[int(centre[b])] @ v)
                 - sum((torch.nn.functional.logsigmoid(-(W_out_t[n] @ v)) for n in noise),
                       torch.zeros((), dtype=torch.float64)) for v in inputs)
        grads = torch.autograd.grad(Lb, inputs, retain_graph=True)
        for c, g in zip(ctx, grads * len(ctx) if cbow else grads):
            new_in[c] -= lr * g
        L = L + Lb
    L.backward()
    return L.item(), new_in.numpy(), (W_out_t - lr * W_out_t.grad).detach().numpy()


@pytest.mark.parametrize("cbow", [False, True])
def test_window_step_is_the_c_codes_update(cbow):
    """The fast step equals the C code's and gensim's update, computed independently by torch autograd:
    for CBOW each context row moves by -lr * dL/dh (the step that once divided it by n_b learnt nothing at
    scale), and a noise word equal to the centre word is skipped (the batch has one such collision)."""
    W_in, W_out, _, centre, negatives, context, mask = batch(2)
    negatives[1, 1] = centre[1]                                   # a second collision, in another window
    mask[3] = False                                               # and a window without context
    lr = 0.1
    L, ref_in, ref_out = reference_window_update(W_in, W_out, context, mask, centre, negatives, lr, cbow)
    A, Bm = W_in.copy(), W_out.copy()
    step_loss = w2v.window_step(A, Bm, context, mask, centre, negatives, lr, cbow=cbow)
    assert step_loss == pytest.approx(L, rel=1e-12)
    np.testing.assert_allclose(A, ref_in, rtol=0, atol=1e-13)
    np.testing.assert_allclose(Bm, ref_out, rtol=0, atol=1e-13)
    assert not np.allclose(A, W_in) and not np.allclose(Bm, W_out)


def test_window_step_cbow_moves_context_rows_by_the_gradient_of_the_mean():
    """Central differences, independent of any autograd: for one CBOW window with n context words, each
    context row moves by -lr * dL/dh, i.e. n times -lr * dL/dW_in[row] (the loss's own gradient)."""
    rng = np.random.default_rng(5)
    W_in, W_out = rng.standard_normal((V, D)), rng.standard_normal((V, D))
    context, mask = np.array([[1, 2, 3, 4]]), np.array([[True, True, True, False]])
    centre, negatives = np.array([7]), np.array([[8, 9, 10]])
    fd = numerical_gradient(lambda: w2v.cbow_loss(W_in, W_out, context, mask, centre, negatives)[0], W_in)
    A = W_in.copy()
    w2v.window_step(A, W_out.copy(), context, mask, centre, negatives, 0.1, cbow=True)
    np.testing.assert_allclose(A - W_in, -0.1 * 3 * fd, rtol=0, atol=1e-9)


def test_torch_twin_loss_has_the_window_steps_gradients():
    """The torch twin of the step's loss (sparse lookups) has the gradients of the per-pair loss."""
    W_in, W_out, _, centre, negatives, context, mask = batch(2)
    for cbow in (False, True):
        if cbow:
            L, g_in, g_out = w2v.cbow_loss(W_in, W_out, context, mask, centre, negatives)
        else:
            b, j = np.nonzero(mask)
            L, g_in, g_out = w2v.sgns_loss(W_in, W_out, context[b, j], centre[b], negatives[b])
        T_in, T_out = torch.tensor(W_in, requires_grad=True), torch.tensor(W_out, requires_grad=True)
        tl = tw2v.window_loss(T_in, T_out, torch.from_numpy(context), torch.from_numpy(mask),
                              torch.from_numpy(centre), torch.from_numpy(negatives), cbow=cbow)
        tl.backward()
        assert tl.item() == pytest.approx(L, rel=1e-12)
        assert rel_error(T_in.grad.to_dense().numpy(), g_in.dense(V)) < 1e-12
        assert rel_error(T_out.grad.to_dense().numpy(), g_out.dense(V)) < 1e-12


@pytest.mark.parametrize("R,layers", [(0, 4), (50, 4), (500, 2), (500, 1)])
def test_scatter_add_rows_equals_np_add_at(R, layers):
    rng = np.random.default_rng(R)
    rows = rng.zipf(1.5, R) % 20                      # a few rows repeated many times, many once
    values = rng.standard_normal((R, 3))
    W = rng.standard_normal((20, 3))
    ref = W.copy()
    np.add.at(ref, rows, -0.5 * values)
    w2v.scatter_add_rows(W, rows, values, -0.5, layers=layers)
    np.testing.assert_allclose(W, ref, rtol=0, atol=1e-12)


def test_keep_probabilities_follow_the_two_formulas():
    counts = np.array([5000, 1000, 100, 10, 1])
    t, f = 1e-3, counts / counts.sum()
    np.testing.assert_allclose(w2v.keep_probability(counts, t, "paper"), np.minimum(1, np.sqrt(t / f)))
    np.testing.assert_allclose(w2v.keep_probability(counts, t, "gensim"),
                               np.minimum(1, (np.sqrt(f / t) + 1) * t / f))      # the C code's form
    assert np.all(w2v.keep_probability(counts, t, "gensim") >= w2v.keep_probability(counts, t, "paper"))


def test_keep_probabilities_match_gensims_sample_int():
    sents = lee_background()
    ref = GensimWord2Vec(min_count=5, sample=1e-3)
    ref.build_vocab(sents)
    vocab = WordVocab(sents, 5)
    ours = w2v.keep_probability(vocab.counts, 1e-3, "gensim")
    theirs = np.array([ref.wv.get_vecattr(w, "sample_int") / 2**32 for w in vocab.words])
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)
    assert ours.min() < 0.2                            # the most frequent words are really thinned


def test_noise_table_holds_unigram_to_the_three_quarters():
    counts = np.array([900, 300, 50, 7, 1, 1])
    size = 100_000
    table = w2v.noise_table(counts, 0.75, size)
    p = counts ** 0.75 / np.sum(counts ** 0.75)
    share = np.bincount(table, minlength=len(counts)) / size
    assert np.max(np.abs(share - p)) <= 1 / size + 1e-12
    draws = w2v.draw_negatives(table, 200_000, rng=0)
    freq = np.bincount(draws, minlength=len(counts)) / 200_000
    assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / 200_000) + 1e-12)


def test_noise_distribution_matches_gensims_cumulative_table():
    sents = lee_background()
    ref = GensimWord2Vec(min_count=5)
    ref.build_vocab(sents)
    vocab = WordVocab(sents, 5)
    cum = ref.cum_table.astype(np.float64)
    theirs = dict(zip(ref.wv.index_to_key, np.diff(np.r_[0.0, cum]) / cum[-1]))
    ours = w2v.noise_distribution(vocab.counts, 0.75)
    np.testing.assert_allclose(ours, [theirs[w] for w in vocab.words], rtol=0, atol=1e-8)


FOX = "the quick brown fox jumps over the lazy dog".split()
LECTURE_TABLE = {   # deck C (book/syllabus.md), window size 2
    "the": ["quick", "brown"], "quick": ["the", "brown", "fox"],
    "brown": ["the", "quick", "fox", "jumps"], "fox": ["quick", "brown", "jumps", "over"]}


def test_window_pairs_reproduce_the_lectures_quick_brown_fox_table():
    c, o = w2v.window_pairs(np.full(len(FOX), 2))
    for centre in range(4):
        assert [FOX[j] for j in o[c == centre]] == LECTURE_TABLE[FOX[centre]]
    assert len(c) == 2 * (2 * len(FOX) - 3)          # every word pairs with up to 2 on each side
    assert np.all(np.diff(c) >= 0)                    # text order


def test_dynamic_windows_and_sentence_boundaries_follow_their_definition():
    rng = np.random.default_rng(0)
    spans = w2v.reduced_windows(400, 5, rng)
    assert set(spans.tolist()) == {1, 2, 3, 4, 5}
    sentence = np.repeat(np.arange(8), 50)
    c, o = w2v.window_pairs(spans, sentence)
    brute = [(i, j) for i in range(400) for j in range(400)
             if i != j and abs(i - j) <= spans[i] and sentence[i] == sentence[j]]
    assert list(zip(c.tolist(), o.tolist())) == brute
    ctx, mask = w2v.window_contexts(spans, sentence, 5)
    rows, cols = np.nonzero(mask)
    assert sorted(zip(rows.tolist(), ctx[rows, cols].tolist())) == brute
    counts = np.bincount(w2v.reduced_windows(60_000, 5, 1), minlength=6)[1:]
    assert np.all(np.abs(counts / 60_000 - 0.2) < 0.01)


@pytest.fixture
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)      # small ops: a second thread only waits (badly so on a busy machine)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("sg", [True, False])
def test_numpy_and_torch_trainers_learn_and_agree(one_torch_thread, sg):
    sents = lee_background()
    vocab = WordVocab(sents, 5)
    kw = dict(vector_size=20, batch_size=256, seed=3, dtype=np.float64, sg=sg)
    a = w2v.Word2Vec(vocab, **kw).train(sents, epochs=2)
    b = tw2v.Word2Vec(vocab, **kw).train(sents, epochs=2)
    # 6 log 2: the loss per pair (skip-gram) or per window (CBOW) at W_out = 0
    assert a.losses[1] < a.losses[0] < 6 * np.log(2)
    np.testing.assert_allclose(a.losses, b.losses, rtol=1e-6)   # same samples, same steps, same losses
    np.testing.assert_allclose(a.vectors, b.vectors, rtol=0, atol=1e-8)


def test_two_hogwild_threads_train_as_well_as_one():
    sents = lee_background()
    vocab = WordVocab(sents, 5)
    one = w2v.Word2Vec(vocab, vector_size=20, batch_size=64, seed=3).train(sents, epochs=3)
    two = w2v.Word2Vec(vocab, vector_size=20, batch_size=64, seed=3, workers=2).train(sents, epochs=3)
    assert two.losses[2] < two.losses[0]
    assert abs(two.losses[-1] - one.losses[-1]) < 0.05 * one.losses[-1]


def test_spearman_matches_scipy_with_ties():
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 6, 50).astype(float), rng.standard_normal(50)
    assert ev.spearman(x, y) == pytest.approx(scipy.stats.spearmanr(x, y).statistic, abs=1e-12)
    np.testing.assert_allclose(ev.rankdata(x), scipy.stats.rankdata(x))


@pytest.fixture(scope="module")
def gensim_lee():
    sents = lee_background()
    return GensimWord2Vec(sents, vector_size=30, min_count=5, epochs=3, workers=1, seed=0).wv


def test_similarity_rho_and_analogies_match_gensims_evaluation(gensim_lee, tmp_path):
    kv = gensim_lee
    from gensim.test.utils import datapath
    _, (rho_ref, _), _ = kv.evaluate_word_pairs(datapath("wordsim353.tsv"))
    rho, n = ev.similarity_rho(kv.index_to_key, kv.vectors, word_pairs("wordsim353"))
    assert rho == pytest.approx(rho_ref, abs=1e-6) and 10 < n < 353
    acc_ref, sections = kv.evaluate_word_analogies(datapath("questions-words.txt"))
    questions = [q for qs in analogy_questions().values() for q in qs]
    acc, n_q = ev.analogy_accuracy(kv.index_to_key, kv.vectors, questions)
    total = sections[-1]
    assert n_q == len(total["correct"]) + len(total["incorrect"]) and acc == pytest.approx(acc_ref)
    near = ev.most_similar(kv.index_to_key, kv.vectors, "government", 5)
    assert [w for w, _ in near] == [w for w, _ in kv.most_similar("government", topn=5)]


@pytest.mark.parametrize("call,match", [
    (lambda: w2v.keep_probability([3, 0], 1e-3), r"positive word counts \(V,\)"),
    (lambda: w2v.keep_probability([3, 1], 1e-3, "c"), "rule must be 'paper' or 'gensim'; got 'c'"),
    (lambda: w2v.keep_probability([3, 1], -1), "sample .* positive number; got -1"),
    (lambda: w2v.reduced_windows(5, 0, 0), "window must be a positive integer; got 0"),
    (lambda: w2v.window_pairs(np.ones(3, int), np.zeros(4, int)), r"shape of spans \(3,\); got \(4,\)"),
    (lambda: w2v.sgns_loss(np.zeros((3, 2)), np.zeros((3, 2)), [0, 5], [1, 1], [[0], [1]]),
     r"inputs must hold word indices in \[0, V=3\); got values in \[0, 5\]"),
    (lambda: w2v.sgns_loss(np.zeros((3, 2)), np.zeros((3, 2)), [0, 1], [1], [[0], [1]]),
     r"outputs must be an integer array of shape \(2,\); got \(1,\)"),
    (lambda: w2v.sgns_loss(np.zeros((3, 2)), np.zeros((4, 2)), [0], [1], [[0]]), "both be \\(V, D\\)"),
    (lambda: w2v.cbow_loss(np.zeros((3, 2)), np.zeros((3, 2)), [[0, 1]], [[False, False]], [1], [[0]]),
     "at least one True per row"),
    (lambda: w2v.Word2Vec(WordVocab([["a"]], 1), window=0), "window must be a positive integer; got 0"),
    (lambda: w2v.Word2Vec(WordVocab([["a"]], 1), workers=0), "workers must be a positive integer; got 0"),
    (lambda: ev.most_similar(["a", "b"], np.eye(2), "c"), "'c' is not in the vocabulary of 2 words"),
    (lambda: ev.spearman([1, 2], [1, 2, 3]), "two 1-D arrays of one length"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_rho_interval_covers_the_true_spearman_rho_95_percent_of_the_time():
    """Simulated: n = 155 pairs from a bivariate normal of correlation r, whose population Spearman rho is
    (6 / pi) arcsin(r / 2); the 95 % interval should hold it in about 95 % of 4,000 samples."""
    rng = np.random.default_rng(0)
    n, r, reps = 155, 0.3, 4000
    rho_true = 6 / np.pi * np.arcsin(r / 2)
    x = rng.standard_normal((reps, n))
    y = r * x + np.sqrt(1 - r * r) * rng.standard_normal((reps, n))
    rx, ry = (np.argsort(np.argsort(a, axis=1), axis=1).astype(float) for a in (x, y))
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    rhos = np.sum(rx * ry, axis=1) / np.sqrt(np.sum(rx * rx, axis=1) * np.sum(ry * ry, axis=1))
    assert ev.spearman(x[0], y[0]) == pytest.approx(rhos[0], abs=1e-12)
    inside = [lo <= rho_true <= hi for lo, hi in (ev.rho_interval(float(p), n)[1:] for p in rhos)]
    assert 0.935 <= np.mean(inside) <= 0.965, np.mean(inside)
    se, lo, hi = ev.rho_interval(0.0, 103)
    assert se == pytest.approx(np.sqrt(1.06 / 100)) and hi == pytest.approx(-lo) == pytest.approx(np.tanh(1.96 * se), rel=1e-4)


def test_random_pair_cosine_is_the_mean_over_all_pairs():
    rng = np.random.default_rng(1)
    vectors = 2.0 + rng.standard_normal((40, 5))                   # one shared direction (1, ..., 1)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cos = unit @ unit.T
    exact = cos[~np.eye(40, dtype=bool)].mean()
    assert ev.random_pair_cosine(vectors, 200_000, 0) == pytest.approx(exact, abs=0.005)
    assert exact > 0.5
    centred = vectors - vectors.mean(axis=0)
    assert abs(ev.random_pair_cosine(centred, 200_000, 0)) < 0.05   # all pairs of centred rows: -1/39
