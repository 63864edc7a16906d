"""The word LSTM of book/language-models.md (sec-lm-words): per-word log-probabilities of a stream, and the
shipped weights (rnncourse/pretrained/word_lstm). Their learning curve is in tests/test_claims_word_lstm.py.

References: each piece of the stream read in one forward call (no windows) with a float64 NumPy
log-softmax; the manifest's own validation perplexity, recorded when the weights were trained.
"""
import dataclasses

import numpy as np
import pytest
import torch

from rnncourse.data.language import batchify
from rnncourse.runs import language_models as lm


@pytest.mark.parametrize("T", [1, 5, 32])
def test_log2_probs_match_whole_pieces_read_at_once(T):
    torch.manual_seed(0)
    setting = dataclasses.replace(lm.WORD_LSTM, embedding_dim=8, hidden_size=12, dropout=0.5)
    model = lm.TorchLM(30, setting)                    # left in training mode: log2_probs must not drop
    ids = np.random.default_rng(1).integers(0, 30, size=203)
    got = lm.log2_probs(model, ids, batch_size=4, T=T)
    streams = batchify(ids, 4)                         # (50, 4)
    assert got.shape == (49, 4) and model.training
    model.eval()
    with torch.no_grad():
        for b in range(4):
            logits = model(torch.from_numpy(streams[:-1, b:b + 1]))[0][:, 0].double().numpy()
            shifted = logits - logits.max(1, keepdims=True)
            logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
            want = logp[np.arange(49), streams[1:, b]] / np.log(2)
            np.testing.assert_allclose(got[:, b], want, atol=1e-5)
            # entry [j, b] scores ids[b * N + j + 1]
            assert np.array_equal(streams[1:, b], ids[b * 50 + 1:(b + 1) * 50])
    assert abs(-got.mean() - lm.evaluate_bits(model, ids, batch_size=4, T=T)) < 1e-5


def test_shipped_word_lstm_reproduces_its_recorded_validation_perplexity():
    torch.set_num_threads(1)
    model, shipped = lm.load_word_lstm()
    m = shipped.manifest
    assert m["stored_as"] == "float16" and m["settings"]["V"] == lm.WORD_VOCAB
    defaults = {f.name: f.default for f in dataclasses.fields(lm.LMSetting)}
    for key, value in dataclasses.asdict(lm.WORD_LSTM).items():
        if key not in m["settings"]:          # a field added after the run: its default is what the run had
            assert value == defaults[key], key
            continue
        assert m["settings"][key] == (list(value) if isinstance(value, tuple) else value), key
    assert not model.training and model.embed.weight.shape == (lm.WORD_VOCAB, lm.WORD_LSTM.embedding_dim)
    _, _, valid_ids, _ = lm.word_data("wiki")
    ppl = 2 ** lm.evaluate_bits(model, valid_ids)
    # the same float16 weights scored again: only float32 summation order differs between CPUs
    assert abs(ppl / m["metrics"]["valid_perplexity_float16"] - 1) < 1e-3, (ppl, m["metrics"])
    assert m["curve"][-1][0] == lm.WORD_LSTM.steps


def test_load_word_lstm_names_what_is_available():
    with pytest.raises(ValueError, match="no pretrained model 'nope'"):
        lm.load_word_lstm("nope")
