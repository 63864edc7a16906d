"""The generators and helpers of book/dynamical-systems.md against independent references: the Tomita
grammars against hand-written automata (and known examples for grammar 3), the temporal XOR stream
against its definition, the autocorrelation against numpy.correlate, automaton minimisation against a
known minimal automaton; bad arguments raise ValueError."""
import itertools

import numpy as np
import pytest

from rnncourse.data.temporal_xor import temporal_xor
from rnncourse.data.tomita import accepts, strings_of_length
from rnncourse.runs.dynamical import Automaton, autocorrelation, train_echo

# transition tables delta[state][symbol], start 0, and accepting states (the usual minimal automata)
DFAS = {
    1: ([[1, 0], [1, 1]], {0}),
    2: ([[2, 1], [0, 2], [2, 2]], {0}),
    3: ([[0, 1], [2, 0], [3, 4], [2, 1], [4, 4]], {0, 1, 3}),   # odd 1s, then odd / even 0s, sink
    4: ([[1, 0], [2, 0], [3, 0], [3, 3]], {0, 1, 2}),
    5: ([[1, 2], [0, 3], [3, 0], [2, 1]], {0}),                 # (parity of 0s, parity of 1s)
    6: ([[1, 2], [2, 0], [0, 1]], {0}),                         # (#0 - #1) mod 3
    7: ([[0, 1], [2, 1], [2, 3], [4, 3], [4, 4]], {0, 1, 2, 3}),
}


def run(dfa, s):
    delta, acc = dfa
    q = 0
    for c in s:
        q = delta[q][int(c)]
    return q in acc


@pytest.mark.parametrize("grammar", sorted(DFAS))
def test_grammars_agree_with_their_automata_on_every_string_up_to_length_12(grammar):
    for L in range(0, 13):
        for bits in itertools.product("01", repeat=L):
            s = "".join(bits)
            assert accepts(grammar, s) == run(DFAS[grammar], s), (grammar, s)


def test_grammar_3_on_known_examples():
    for s in ["", "1", "0", "11", "00", "110", "11100", "100110", "0110111"]:
        assert accepts(3, s), s
    for s in ["10", "101", "1011", "1110", "01010", "110101"]:
        assert not accepts(3, s), s


def test_strings_of_length_are_all_strings_one_hot():
    x, y, strings = strings_of_length(4, 5)
    assert x.shape == (5, 32, 2) and len(set(strings)) == 32
    assert np.array_equal(x.argmax(2).T, [[int(c) for c in s] for s in strings])
    assert np.array_equal(y, [float("000" not in s) for s in strings])


def test_temporal_xor_every_third_bit_is_the_xor_of_the_two_before():
    x, target = temporal_xor(10, 7, rng=0)
    bits = np.concatenate([x[:1], target])[:, :, 0].astype(int)      # b_0 .. b_29
    assert x.shape == (29, 7, 1) and np.array_equal(x[1:], target[:-1])
    assert np.array_equal(bits[2::3], bits[0::3] ^ bits[1::3])
    assert 0.3 < bits[0::3].mean() < 0.7


def test_autocorrelation_against_numpy_correlate():
    e = np.random.default_rng(0).standard_normal(50)
    c = e - e.mean()
    full = np.correlate(c, c, mode="full")[c.size - 1:]
    assert abs(autocorrelation(e, 3) - full[3] / full[0]) < 1e-14
    assert abs(autocorrelation(np.tile([0.0, 0.0, 1.0], 20), 3) - 57 / 60) < 1e-12


def test_minimisation_merges_equivalent_states():
    # Tomita 4 with its start state duplicated (state 4 behaves like 0): minimises to the 4-state automaton
    redundant = Automaton([[1, 4], [2, 0], [3, 4], [3, 3], [1, 0]], [True, True, True, False, True])
    m = redundant.minimized()
    assert m.n_states == 4
    for L in range(0, 9):
        for bits in itertools.product("01", repeat=L):
            assert m.accepts("".join(bits)) == run(DFAS[4], "".join(bits))


def test_bad_arguments():
    with pytest.raises(ValueError, match="grammar must be one of 1..7; got 8"):
        accepts(8, "01")
    with pytest.raises(ValueError, match="string must consist of '0' and '1'; got '012'"):
        accepts(1, "012")
    with pytest.raises(ValueError, match="length must be a positive integer; got 0"):
        strings_of_length(1, 0)
    with pytest.raises(ValueError, match="triples must be a positive integer; got 0"):
        temporal_xor(0, 3)
    with pytest.raises(ValueError, match="kind must be 'elman', 'jordan' or 'rmlp'; got 'gru'"):
        train_echo("gru")


def test_echo_task_repeats_the_input_delay_steps_later():
    from rnncourse.data.echo import echo_task

    x, y = echo_task(12, 3, 5, rng=0)
    assert x.shape == y.shape == (12, 5, 1) and set(np.unique(x)) == {-1.0, 1.0}
    for t in range(12):
        expected = x[t - 3] if t >= 3 else np.zeros((5, 1))
        np.testing.assert_array_equal(y[t], expected)
    with pytest.raises(ValueError, match="delay < T = 4"):
        echo_task(4, 4, 2)
    with pytest.raises(ValueError, match="batch must be a positive integer"):
        echo_task(4, 1, 0)
