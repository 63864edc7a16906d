"""The character language model's long-run parts (benchmarks/pretrained/train_char_lstm.py): stacked layers,
keeping the best validation weights, per-prediction bits, Kneser-Ney and LSTM samplers drawn side by
side, and the shipping function.

References: torch.nn.LSTM layers run one by one and torch's cross-entropy over each whole piece (no
windows), a second run stopped at the kept step, KneserNey.distribution called context by context, the
one-hypothesis sampler ``generate`` with the same generator.
"""
import dataclasses
import json

import numpy as np
import pytest
import torch

from rnncourse.ngram import KneserNey
from rnncourse.runs import language_models as lm
from rnncourse.sampling import generate, generate_parallel

V = 27


def test_two_layers_are_two_torch_lstms_in_a_row_with_dropout_between():
    setting = lm.LMSetting(hidden_size=6, embedding_dim=4, num_layers=2, dropout=0.3)
    torch.manual_seed(0)
    model = lm.TorchLM(V, setting).eval()
    assert model.rnn.num_layers == 2 and model.rnn.dropout == 0.3
    first, second = torch.nn.LSTM(4, 6), torch.nn.LSTM(6, 6)
    sd = model.rnn.state_dict()
    first.load_state_dict({k.replace("_l0", "_l0"): v for k, v in sd.items() if k.endswith("_l0")})
    second.load_state_dict({k.replace("_l1", "_l0"): v for k, v in sd.items() if k.endswith("_l1")})
    ids = torch.randint(0, V, (9, 3))
    with torch.no_grad():
        out, _ = second(first(model.embed(ids))[0])
        expected = model.head(out)
        logits, (h, c) = model(ids)
    assert h.shape == (2, 3, 6)
    torch.testing.assert_close(logits, expected)
    one = lm.TorchLM(V, dataclasses.replace(setting, num_layers=1))
    assert one.rnn.dropout == 0.0 and one.rnn.num_layers == 1   # one layer: nothing between layers to drop


def test_position_bits_are_each_pieces_cross_entropy_and_average_to_evaluate_bits():
    torch.manual_seed(1)
    model = lm.TorchLM(V, lm.LMSetting(hidden_size=8, num_layers=2, embedding_dim=5, dropout=0.5))
    ids = np.random.default_rng(0).integers(0, V, 1003)
    bits = lm.position_bits(model, ids, batch_size=4, T=37)
    N = len(ids) // 4
    assert bits.shape == (N - 1, 4) and model.training        # the mode it came in
    model.eval()
    for b in range(4):
        piece = torch.from_numpy(ids[b * N:(b + 1) * N])
        with torch.no_grad():
            logits, _ = model(piece[:-1, None])                # the whole piece at once, no windows
        ref = torch.nn.functional.cross_entropy(logits[:, 0], piece[1:], reduction="none").numpy() / np.log(2)
        np.testing.assert_allclose(bits[:, b], ref, rtol=1e-5, atol=1e-5)
    assert abs(lm.evaluate_bits(model, ids, batch_size=4, T=37) - bits.mean()) < 1e-6


def test_keep_best_leaves_the_weights_a_run_stopped_at_that_step_has():
    vocab, train_ids, valid_ids, _ = lm.char_data("lee")
    train_ids = train_ids[:600]                               # 600 characters: the model overfits them
    setting = lm.LMSetting(hidden_size=64, T=16, batch_size=4, steps=150, eval_every=10, lr=0.05)
    run = lm.train_lm(train_ids, valid_ids, len(vocab), setting, seed=0, valid_limit=2000, keep_best=True)
    best = run.eval_steps[int(np.argmin(run.valid_bits))]
    assert run.best_step == best and best != run.eval_steps[-1], (run.eval_steps, run.valid_bits)
    again = lm.train_lm(train_ids, valid_ids, len(vocab), setting, seed=0, valid_limit=2000, stop_after=best)
    for (k, v), (k2, v2) in zip(run.model.state_dict().items(), again.model.state_dict().items()):
        assert k == k2 and torch.equal(v, v2), k
    assert abs(lm.evaluate_bits(run.model, valid_ids[:2000]) - min(run.valid_bits)) < 1e-6


def test_kneser_ney_distributions_are_distribution_row_by_row():
    ids = np.random.default_rng(2).integers(0, 5, 3000)
    kn = KneserNey(ids, 5, 4)
    contexts = np.array([[0, 1, 2], [4, 4, 4], [1, 0, 3], [2, 2, 1]])
    expected = np.stack([kn.distribution(c) for c in contexts])
    np.testing.assert_allclose(kn.distributions(contexts), expected, rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match=r"shape \(K, order-1 = 3\); got \(4, 2\)"):
        kn.distributions(contexts[:, :2])
    with pytest.raises(ValueError, match=r"ids in \[0, V=5\)"):
        kn.distributions(contexts + 3)


def test_kneser_ney_step_scores_each_draw_by_its_last_order_minus_one_symbols():
    ids = np.random.default_rng(3).integers(0, 6, 4000)
    kn = KneserNey(ids, 6, 4)
    step = lm.kneser_ney_step(kn)
    prompt = ids[:10]
    drawn = generate(step, prompt[-3:-1][None, :], prompt[-1], 30, rng=7)
    text = np.concatenate([prompt, drawn])
    state, token = prompt[-3:-1][None, :], np.array([prompt[-1]])
    for i, nxt in enumerate(drawn):
        logp, state = step(token, state)
        np.testing.assert_allclose(np.exp(logp[0]), kn.distribution(text[len(prompt) + i - 3:len(prompt) + i]))
        token = np.array([nxt])


def test_generate_parallel_with_one_row_is_generate_and_rows_are_independent_streams():
    torch.manual_seed(4)
    model = lm.TorchLM(V, lm.LMSetting(hidden_size=8, num_layers=2, embedding_dim=4)).eval()
    step, prompt = lm.step_function(model), np.arange(12) % V
    state = lm.prime(model, prompt)
    one = generate(step, state, prompt[-1], 25, temperature=0.8, top_k=5, rng=11)
    par = generate_parallel(step, lm.repeat_state(state, 1), np.array([prompt[-1]]), 25, temperature=0.8,
                            top_k=5, rng=11)
    assert par.shape == (1, 25) and par[0].tolist() == one
    many = generate_parallel(step, lm.repeat_state(state, 3), np.full(3, prompt[-1]), 25, rng=5)
    for row in many:                                       # each row scored alone: every draw had p > 0
        s, tok = state, prompt[-1]
        for nxt in row:
            logits, s = step(np.array([tok]), s)
            assert np.isfinite(logits[0, nxt])
            tok = nxt
    with pytest.raises(ValueError, match="first_tokens must be a 1-D integer array"):
        generate_parallel(step, state, np.array([[1]]), 3)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        generate_parallel(step, state, np.array([1]), -1)


def test_ship_char_lm_writes_float16_weights_and_a_manifest_that_loads_back(tmp_path):
    setting = lm.LMSetting(hidden_size=8, num_layers=2, embedding_dim=4, dropout=0.1, T=16, batch_size=8,
                           steps=20, eval_every=10)
    manifest = lm.ship_char_lm("script.py", name="tiny", setting=setting, directory=tmp_path, show_progress=False)
    with np.load(tmp_path / "tiny.npz") as arrays:
        assert {arrays[k].dtype for k in arrays.files} == {np.dtype(np.float16)}
        weights = {k: arrays[k] for k in arrays.files}
    saved = json.loads((tmp_path / "tiny.json").read_text())
    assert saved["stored_as"] == "float16" and [s for s, _ in saved["curve"]] == [10, 20]
    assert saved["settings"] == json.loads(json.dumps(dataclasses.asdict(setting)))
    assert saved["metrics"]["best_step"] in (10, 20) and manifest["metrics"] == saved["metrics"]

    class Loaded:                                          # what rnncourse.pretrained.load returns, in short
        state_dict = {k: v.astype(np.float32) for k, v in weights.items()}
        manifest = saved
    model = lm.model_from_shipped(Loaded)
    assert model.setting == setting
    assert not model.training and "rnn.weight_ih_l1" in weights
    vocab, _, _, test_ids = lm.char_data("wiki")
    assert abs(lm.evaluate_bits(model, test_ids) - saved["metrics"]["test_bits_per_char"]) < 0.01


def test_logistic_cv_side_by_side_equals_one_model_per_fold_trained_by_fit():
    """The page's cross-validation trains its k models as one stack; the reference trains each alone with
    sentiment_runs.fit from the same seeds (23 sentences in 5 folds: training sets of 18 and 19)."""
    from rnncourse.runs import sentiment as sr

    rng = np.random.default_rng(5)
    X = rng.poisson(0.3, (23, 40)).astype(float)
    y = (X[:, :5].sum(1) > X[:, 5:10].sum(1)).astype(np.int64)
    for seed in (0, 3):
        got = sr.logistic_cv(X, y, k=5, seed=seed)
        Xt = torch.tensor(X, dtype=torch.float32)
        expected = []
        for f, test in enumerate(sr.folds(len(y), 5, seed)):
            train = np.setdiff1d(np.arange(len(y)), test)
            mu, sd = Xt[train].mean(0), Xt[train].std(0) + 1e-6
            torch.manual_seed(seed * 100 + f)
            model = sr.BagOfWords(X.shape[1])
            sr.fit(model, (Xt[train] - mu) / sd, y[train], sr.PL_STEPS, len(train), sr.PL_LR, seed,
                   sr.PL_WEIGHT_DECAY)
            expected.append(sr.accuracy(model, (Xt[test] - mu) / sd, y[test]))
        np.testing.assert_array_equal(got, expected)
        assert len(set(np.round(expected, 3))) > 1            # the folds differ: not a constant being compared
