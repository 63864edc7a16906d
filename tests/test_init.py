"""The eight initialisations of deck C (book/syllabus.md): each matrix's defining property, checked by linear algebra."""
import numpy as np
import pytest
import torch

from rnncourse import scratch
from rnncourse.scratch import SCHEMES, initialise, recurrent_weight
from rnncourse.torch import initialise_

H = 64


def spectrum(W):
    return np.linalg.eigvals(W)


@pytest.mark.parametrize("seed", range(3))
def test_orthogonal_is_orthogonal_with_eigenvalues_on_the_unit_circle(seed):
    W = recurrent_weight("oRNN", H, seed)
    assert np.allclose(W.T @ W, np.eye(H), atol=1e-12) and np.allclose(W @ W.T, np.eye(H), atol=1e-12)
    assert np.allclose(np.abs(spectrum(W)), 1.0, atol=1e-10)


@pytest.mark.parametrize("scheme", ["np-RNN", "np-tanhRNN"])
@pytest.mark.parametrize("seed", range(3))
def test_normalised_positive_definite(scheme, seed):
    W = recurrent_weight(scheme, H, seed)
    assert np.allclose(W, W.T)
    lam = np.linalg.eigvalsh(W)
    assert lam[0] > 0                                    # positive definite
    assert abs(lam[-1] - 1) < 1e-12 and lam[-2] < 1      # the largest is exactly 1, the others below
    np.linalg.cholesky(W)                                # a second, independent test of definiteness


@pytest.mark.parametrize("seed", range(3))
def test_normalised_has_spectral_radius_one_and_one_top_eigenvalue(seed):
    moduli = np.sort(np.abs(spectrum(recurrent_weight("nRNN", H, seed))))
    assert abs(moduli[-1] - 1) < 1e-12
    # all others below 1 (a complex top eigenvalue comes with its conjugate of the same modulus)
    assert np.all(moduli[:-2] < 1)


def test_identity_schemes_and_gaussian_scale():
    assert np.array_equal(recurrent_weight("IRNN", H), np.eye(H))
    assert np.array_equal(recurrent_weight("iRNN", H), 0.01 * np.eye(H))
    W = recurrent_weight("gRNN", 400, 0)
    assert abs(W.std() - 1 / np.sqrt(400)) < 0.01 / np.sqrt(400) * 5
    radius = np.max(np.abs(spectrum(W)))
    assert 0.9 < radius < 1.1                            # circular law: the spectrum fills the unit disc
    bound = 1 / np.sqrt(H)
    S = recurrent_weight("sRNN", H, 0)
    assert S.min() >= -bound and S.max() <= bound


def test_initialise_sets_every_layer_and_zeroes_biases_and_checks_the_nonlinearity():
    model = scratch.RNN(3, H, num_layers=2, nonlinearity="relu", rng=0)
    initialise(model, "IRNN")
    for name, v in model.params.items():
        if name.startswith("weight_hh"):
            assert np.array_equal(v, np.eye(H))
        if name.startswith("bias"):
            assert not v.any()
    with pytest.raises(ValueError, match="scheme 'oRNN' is defined with nonlinearity 'relu'; the model has 'tanh'"):
        initialise(scratch.RNN(3, H), "oRNN")
    ref = torch.nn.RNN(3, H, nonlinearity="relu", dtype=torch.float64)
    initialise_(ref, "np-RNN", 5)
    assert np.array_equal(ref.weight_hh_l0.detach().numpy(), recurrent_weight("np-RNN", H, 5))
    assert not ref.bias_ih_l0.any()
    tanh = torch.nn.RNN(3, H)
    before = tanh.bias_hh_l0.detach().clone()
    initialise_(tanh, "sRNN", 1)
    assert torch.equal(tanh.bias_hh_l0.detach(), before)            # sRNN keeps torch's default biases


def test_bad_arguments():
    with pytest.raises(ValueError, match="scheme must be one of"):
        recurrent_weight("xRNN", 4)
    with pytest.raises(ValueError, match="hidden_size must be a positive integer; got 0"):
        recurrent_weight("oRNN", 0)
    with pytest.raises(ValueError, match="std applies to the gRNN scheme only"):
        recurrent_weight("oRNN", 4, std=0.1)
    assert len(SCHEMES) == 8


def test_train_adding_init_trains_the_schemes_module(monkeypatch):
    from rnncourse.runs.adding import train_adding_init

    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    run = train_adding_init("IRNN", T=3, steps=2, eval_every=1, test_size=8, batch_size=4, seed=0)
    assert run.label == "IRNN" and run.steps == [1, 2] and len(run.test_mse) == 2
    with pytest.raises(ValueError, match="scheme must be one of"):
        train_adding_init("LSTM")
