"""seq2seq: scoring a sequence, greedy decoding and beam search over a decoder step function that the
notebook provides.

The decoder is a tiny tanh RNN with a softmax read-out (``drivers.decoder_step``, the grader's own copy of
the notebook's ``make_step``), with random weights scaled so that its distributions are peaked. The
reference is :mod:`rnncourse.decoding` (checked against exhaustive search in tests/test_decoding.py). The
beam-search tests are chosen so that beam search finds a strictly more probable output than greedy
search: a beam search that only returns the greedy answer fails them.
"""
from __future__ import annotations

import numpy as np

from rnncourse import decoding

from ..drivers import decoder_step
from ..spec import Assignment, Part, Test

START, END = 0, 1


def make_decoder(V: int, H: int, max_len: int, scale: float, beam_width: int = 0, beam_beats_greedy: bool = False):
    """Inputs of one search: decoder weights (embed (V, H), weight_hh (H, H), weight_out (V, H), bias_out (V,)),
    h0 (1, H), start/end tokens, max_len (and beam_width). With ``beam_beats_greedy`` the seed is advanced
    (deterministically) until beam search beats greedy search by at least 0.05 in log-probability."""
    def make(seed):
        for attempt in range(1000):
            rng = np.random.default_rng([seed, attempt])
            inputs = {"embed": rng.standard_normal((V, H)) * scale, "weight_hh": rng.standard_normal((H, H)) * scale / np.sqrt(H),
                      "weight_out": rng.standard_normal((V, H)) * scale, "bias_out": rng.standard_normal(V),
                      "h0": rng.standard_normal((1, H)), "start_token": START, "end_token": END, "max_len": max_len}
            if beam_width:
                inputs["beam_width"] = beam_width
            if not beam_beats_greedy:
                return inputs
            greedy = decoding.greedy_decode(decoder_step(inputs), inputs["h0"], START, END, max_len)
            best = decoding.beam_search(decoder_step(inputs), inputs["h0"], START, END, max_len, beam_width)[0]
            if best.log_prob > greedy.log_prob + 0.05:
                return inputs
        raise RuntimeError("no decoder where beam search beats greedy search")     # never seen
    return make


def make_scored(V: int, H: int, length: int):
    """A decoder (as make_decoder) and a random output of ``length`` tokens to score."""
    def make(seed):
        inputs = make_decoder(V, H, max_len=length, scale=2.0)(seed)
        inputs["tokens"] = np.random.default_rng([seed, 7]).integers(0, V, length).astype(np.float64)
        return inputs
    return make


def ref_score(inputs):
    """log p(tokens | start) by the definition: feed each token, add the log-probability of the next one."""
    step, state = decoder_step(inputs), inputs["h0"]
    last, total = START, 0.0
    for token in inputs["tokens"].astype(int).tolist():
        log_probs, state = step(np.array([last]), state)
        total += float(log_probs[0, token])
        last = token
    return {"log_prob": np.float64(total)}


def score_tests():
    cases = [("public (V=6, H=4, 5 tokens)", (6, 4, 5), False), ("hidden (V=3, H=2, 1 token)", (3, 2, 1), True),
             ("hidden (V=12, H=7, 9 tokens)", (12, 7, 9), True)]
    return tuple(Test(name, "sequence_log_prob", make_scored(*args), ref_score, hidden=hidden, rtol=1e-9)
                 for name, args, hidden in cases)


def ref_greedy(inputs):
    h = decoding.greedy_decode(decoder_step(inputs), inputs["h0"], START, END, int(inputs["max_len"]))
    return {"tokens": np.array(h.tokens, dtype=np.float64), "log_prob": np.float64(h.log_prob)}


def ref_beam(inputs):
    h = decoding.beam_search(decoder_step(inputs), inputs["h0"], START, END, int(inputs["max_len"]),
                             int(inputs["beam_width"]))[0]
    return {"tokens": np.array(h.tokens, dtype=np.float64), "log_prob": np.float64(h.log_prob)}


def make_expand(K: int, V: int, beam_width: int):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {"log_probs": np.log(rng.dirichlet(np.ones(V), size=K)), "scores": -rng.exponential(3.0, K),
                "beam_width": beam_width}
    return make


def ref_expand(inputs):
    """The beam_width best (parent, token) pairs by total = score + log-prob, best first: the selection
    rnncourse.decoding.beam_search makes each step, written out here on its own."""
    totals = inputs["scores"][:, None] + inputs["log_probs"]
    order = np.argsort(-totals, axis=None, kind="stable")[:int(inputs["beam_width"])]
    parents, tokens = np.divmod(order, totals.shape[1])
    return {"parents": parents.astype(np.float64), "tokens": tokens.astype(np.float64), "totals": totals[parents, tokens]}


def greedy_tests():
    cases = [("public (V=6, H=4, max_len=8)", (6, 4, 8, 2.0), False), ("hidden (V=3, H=2, max_len=5)", (3, 2, 5, 1.0), True),
             ("hidden (V=12, H=7, max_len=15, never ends)", (12, 7, 15, 0.3), True)]
    return tuple(Test(name, "greedy_decode", make_decoder(*args), ref_greedy, hidden=hidden, rtol=1e-9)
                 for name, args, hidden in cases)


def expand_tests():
    cases = [("public (K=1, V=5, beam=3)", (1, 5, 3), False), ("public (K=3, V=4, beam=3)", (3, 4, 3), False),
             ("hidden (K=4, V=9, beam=4)", (4, 9, 4), True), ("hidden (K=2, V=3, beam=6: every pair)", (2, 3, 6), True)]
    return tuple(Test(name, "beam_expand", make_expand(*args), ref_expand, hidden=hidden, rtol=1e-12)
                 for name, args, hidden in cases)


def beam_tests():
    cases = [("public (V=6, H=4, max_len=8, beam=3, beats greedy)", (6, 4, 8, 2.0, 3, True), False),
             ("hidden (V=5, H=3, max_len=6, beam=1: greedy)", (5, 3, 6, 2.0, 1, False), True),
             ("hidden (V=8, H=5, max_len=10, beam=4, beats greedy)", (8, 5, 10, 2.0, 4, True), True),
             ("hidden (V=4, H=6, max_len=12, beam=2, beats greedy)", (4, 6, 12, 2.5, 2, True), True),
             ("hidden (V=10, H=4, max_len=7, beam=5, beats greedy)", (10, 4, 7, 1.5, 5, True), True)]
    return tuple(Test(name, "beam_search", make_decoder(*args), ref_beam, hidden=hidden, rtol=1e-9)
                 for name, args, hidden in cases)


ASSIGNMENT = Assignment(
    name="seq2seq",
    title="Decoding a sequence: scoring, greedy search and beam search",
    parts=(
        Part("sequence_log_prob", 15, ("sequence_log_prob",), score_tests()),
        Part("greedy_decode", 25, ("greedy_decode",), greedy_tests()),
        Part("beam_expand", 15, ("beam_expand",), expand_tests()),
        Part("beam_search", 45, ("beam_search",), beam_tests()),
    ),
    forbidden_modules=("rnncourse.scratch", "rnncourse.torch", "rnncourse.decoding", "torch"),
)
