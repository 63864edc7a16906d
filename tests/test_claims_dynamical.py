"""What book/dynamical-systems.md says about runs it cannot afford on the page (seed study).

The chapter trains seed 0 of each experiment and asserts it; these tests run every seed the prose quotes,
in the same settings (rnncourse.runs.dynamical; benchmarks/experiments/dynamical_seeds.py prints the same
table), and assert the prose. Checked also under OPENBLAS_CORETYPE=Haswell.
"""
import itertools

import numpy as np
import pytest

from rnncourse.data.tomita import accepts
from rnncourse.runs.dynamical import (
    ECHO,
    HOPFIELD,
    TOMITA,
    XOR,
    extract_automaton,
    hopfield_capacity,
    train_echo,
    train_tomita,
    train_xor,
)

pytestmark = pytest.mark.slow


def test_temporal_xor_over_eight_seeds():
    """"Over eight seeds the error on the predictable bit stayed below 0.01 and on the others between 0.24 and
    0.27, and the error's autocorrelation at lag 3 was above 0.9 every time." """
    assert len(XOR.seeds) == 8
    runs = [train_xor(XOR, s) for s in XOR.seeds]
    assert all(r.predictable < 0.01 for r in runs), [r.predictable for r in runs]
    assert all(0.24 <= r.unpredictable <= 0.27 for r in runs), [r.unpredictable for r in runs]
    assert all(r.lag3 > 0.9 for r in runs), [r.lag3 for r in runs]


def test_elman_learns_the_echo_and_jordan_does_not_over_eight_seeds():
    """"Over eight seeds the Elman network's test MSE stayed below 0.001 and the Jordan network's between
    0.8 and 0.9." """
    assert len(ECHO.seeds) == 8
    elman = [train_echo("elman", ECHO, s) for s in ECHO.seeds]
    jordan = [train_echo("jordan", ECHO, s) for s in ECHO.seeds]
    assert all(e < 0.001 for e in elman), elman
    assert all(0.8 <= j <= 0.9 for j in jordan), jordan


def test_rmlp_learns_the_echo_over_eight_seeds():
    """"Over the eight seeds of the study its [the RMLP's] test MSE stayed below 0.001." """
    rmlp = [train_echo("rmlp", ECHO, s) for s in ECHO.seeds]
    assert all(e < 0.001 for e in rmlp), rmlp


def test_second_order_rnn_on_tomita_4_over_eight_seeds():
    """"The network fitted the training set perfectly in at least six of eight seeds, and every seed that
    fitted it perfectly also classified at least 99.9% of the longer test strings correctly. A seed that
    failed was stuck with a training accuracy of at most 0.8." Plus the summary: its extracted automaton
    is the grammar's own four-state automaton (checked for every seed that fitted the training set)."""
    assert len(TOMITA.seeds) == 8 and TOMITA.grammar == 4
    runs = [train_tomita(TOMITA, s) for s in TOMITA.seeds]
    fitted = [r for r in runs if r.train_accuracy == 1.0]
    assert len(fitted) >= 6, [r.train_accuracy for r in runs]
    assert all(min(r.test_accuracy.values()) >= 0.999 for r in fitted), [r.test_accuracy for r in fitted]
    assert all(r.train_accuracy <= 0.8 for r in runs if r.train_accuracy < 1.0), [r.train_accuracy for r in runs]
    strings = ["".join(s) for L in range(0, 15) for s in itertools.product("01", repeat=L)]
    for r in fitted:
        m = extract_automaton(r.model).minimized()
        assert m.n_states == 4 and all(m.accepts(s) == accepts(4, s) for s in strings)


def test_hopfield_capacity_over_five_seeds():
    """"Over five seeds the mean overlap stayed above 0.99 at every load up to 0.12 and fell below 0.7 at
    every load from 0.20 on." """
    assert len(HOPFIELD.seeds) == 5 and HOPFIELD.N == 500
    alphas = np.array(HOPFIELD.alphas)
    for s in HOPFIELD.seeds:
        m = hopfield_capacity(HOPFIELD, s)
        assert np.all(m[alphas <= 0.12] > 0.99) and np.all(m[alphas >= 0.20] < 0.7), (s, m)
