"""Greedy and beam search against exhaustive search on small random decoders (closed-form reference)."""
import itertools

import numpy as np
import pytest
import torch

from rnncourse.decoding import beam_search, greedy_decode
from rnncourse.scratch.functional import log_softmax

V, END, START = 5, 0, 4


def random_decoder(seed, hidden=3):
    """A tiny RNN decoder: the state is (1, hidden); log p depends on the whole prefix."""
    rng = np.random.default_rng(seed)
    emb, w, out = rng.normal(size=(V, hidden)), rng.normal(size=(hidden, hidden)), 2 * rng.normal(size=(hidden, V))

    def step(tokens, state):
        state = np.tanh(emb[tokens] + state @ w)
        return log_softmax(state @ out), state

    return step, np.zeros((1, hidden))


def sequence_log_prob(step, state, tokens):
    total, last = 0.0, START
    for t in tokens:
        log_probs, state = step(np.array([last]), state)
        total += log_probs[0, t]
        last = t
    return total


def exhaustive_best(step, state, max_len):
    """Every sequence that ends at END within max_len tokens, or runs to max_len without END."""
    candidates = []
    for length in range(1, max_len + 1):
        for body in itertools.product([v for v in range(V) if v != END], repeat=length - 1):
            candidates.append(body + (END,))
    candidates += list(itertools.product([v for v in range(V) if v != END], repeat=max_len))
    scored = [(sequence_log_prob(step, state, c), c) for c in candidates]
    return max(scored)


@pytest.mark.parametrize("seed", range(8))
def test_wide_beam_finds_the_exhaustive_optimum(seed):
    step, state = random_decoder(seed)
    best_lp, best = exhaustive_best(step, state, max_len=4)
    found = beam_search(step, state, START, END, max_len=4, beam_width=V ** 4)[0]
    assert found.tokens == best
    assert abs(found.log_prob - best_lp) < 1e-9


@pytest.mark.parametrize("seed", range(8))
def test_beam_of_one_is_greedy_and_wider_beams_never_score_worse(seed):
    step, state = random_decoder(seed)
    greedy = greedy_decode(step, state, START, END, max_len=6)
    assert beam_search(step, state, START, END, max_len=6, beam_width=1)[0] == greedy
    assert abs(sequence_log_prob(step, state, greedy.tokens) - greedy.log_prob) < 1e-9
    wide = beam_search(step, state, START, END, max_len=6, beam_width=V ** 3)[0]
    assert wide.log_prob >= greedy.log_prob - 1e-12


def test_beam_beats_greedy_somewhere():
    """Greedy is not optimal: over random decoders, a beam of 3 finds a better sequence at least once."""
    gains = []
    for seed in range(30):
        step, state = random_decoder(seed)
        greedy = greedy_decode(step, state, START, END, max_len=6)
        beam = beam_search(step, state, START, END, max_len=6, beam_width=3)[0]
        gains.append(beam.log_prob - greedy.log_prob)
    assert max(gains) > 0.1


def test_torch_state_tuple_is_reordered_like_numpy():
    step, state = random_decoder(3)

    def torch_step(tokens, st):
        h, c = st
        log_probs, h2 = step(tokens, h.numpy())
        return log_probs, (torch.from_numpy(h2), c[np.zeros(len(tokens), dtype=int)])

    hyps_np = beam_search(step, state, START, END, max_len=5, beam_width=3)
    hyps_t = beam_search(torch_step, (torch.from_numpy(state), torch.zeros(1, 2)), START, END, 5, 3)
    assert [h.tokens for h in hyps_np] == [h.tokens for h in hyps_t]


def test_bad_arguments_are_named():
    step, state = random_decoder(0)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(step, state, START, END, 5, beam_width=0)
    with pytest.raises(ValueError, match="max_len"):
        greedy_decode(step, state, START, END, 0)
    with pytest.raises(ValueError, match=r"shape \(1, V\)"):
        greedy_decode(lambda t, s: (np.zeros(V), s), state, START, END, 3)
