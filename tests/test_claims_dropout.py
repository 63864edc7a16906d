"""What book/training.md says about dropout in a recurrent language model (section sec-training-dropout).

The seed study is too slow for the page: benchmarks/experiments/dropout_seeds.py prints the same runs, and
the slow tests here train them again in the named setting DROPOUT_STUDY (about a minute of CPU) and assert the
prose. The fast tests check the stacked model against torch.nn.LSTMCell and the masks against their definitions.
"""
import numpy as np
import pytest
import torch

from rnncourse.experiments import (
    DROPOUT_PLACEMENT,
    DROPOUT_SCHEMES,
    DROPOUT_STUDY,
    StackedCharLSTM,
    dropout_masks,
    train_dropout_study,
)


def test_stacked_model_is_m_independent_lstms_with_masks():
    """Model m of StackedCharLSTM against torch.nn.LSTMCell with the same weights and masks (float64): logits
    and the gradient of every parameter, and a model's gradient does not depend on the other models' loss."""
    torch.manual_seed(0)
    M, V, E, H, T, B = 3, 7, 4, 5, 6, 2
    model = StackedCharLSTM(M, V, E, H).double()
    x = torch.randint(0, V, (M, T, B))
    masks = [torch.rand(M, T, B, n, dtype=torch.float64) * 2 for n in (E, H, H)]
    logits = model(x, *masks)
    weights = torch.randn_like(logits)
    (logits * weights)[1].sum().backward()                     # model 1's loss only
    cell, out = torch.nn.LSTMCell(E, H, dtype=torch.float64), torch.nn.Linear(H, V, dtype=torch.float64)
    emb = torch.nn.Parameter(model.embedding[1].detach().clone())
    with torch.no_grad():
        cell.weight_ih.copy_(model.weight_ih[1].T)
        cell.weight_hh.copy_(model.weight_hh[1].T)
        cell.bias_ih.copy_(model.bias[1, 0])
        cell.bias_hh.zero_()
        out.weight.copy_(model.weight_out[1].T)
        out.bias.copy_(model.bias_out[1, 0])
    h = c = torch.zeros(B, H, dtype=torch.float64)
    ref = []
    for t in range(T):
        h, c = cell(emb[x[1, t]] * masks[0][1, t], (h * masks[1][1, t], c))
        ref.append(out(h * masks[2][1, t]))
    ref = torch.stack(ref)
    (ref * weights[1]).sum().backward()
    assert torch.allclose(logits[1], ref, rtol=1e-12, atol=1e-12)
    assert torch.allclose(model.weight_hh.grad[1], cell.weight_hh.grad.T, rtol=1e-10, atol=1e-12)
    assert torch.allclose(model.weight_ih.grad[1], cell.weight_ih.grad.T, rtol=1e-10, atol=1e-12)
    assert torch.allclose(model.embedding.grad[1], emb.grad, rtol=1e-10, atol=1e-12)
    assert torch.allclose(model.weight_out.grad[1], out.weight.grad.T, rtol=1e-10, atol=1e-12)
    assert torch.count_nonzero(model.weight_hh.grad[[0, 2]]) == 0


def test_masks_follow_each_scheme():
    """A new mask at every step, one per sequence, or none, on each connection; entries 0 or 1/(1-p)."""
    T, B, H, p = 30, 8, 50, 0.25
    g = torch.Generator().manual_seed(0)
    for connection in ("x", "h", "out"):
        masks = dropout_masks(DROPOUT_SCHEMES, T, B, H, connection, p, g)
        for m, scheme in enumerate(DROPOUT_SCHEMES):
            where, mask = DROPOUT_PLACEMENT[scheme][connection], masks[m]
            if where is None:
                assert torch.all(mask == 1)
                continue
            assert set(torch.unique(mask).tolist()) <= {0.0, np.float32(1 / (1 - p)).item()}
            if where == "sequence":
                assert torch.all(mask == mask[:1]) and 0.65 < (mask[0] > 0).float().mean() < 0.85
            else:
                assert not torch.all(mask == mask[:1]) and 0.70 < (mask > 0).float().mean() < 0.80
    assert DROPOUT_PLACEMENT["non-recurrent"]["h"] is None and DROPOUT_PLACEMENT["naive"]["h"] == "step"


@pytest.fixture(scope="module")
def study():
    torch.set_num_threads(1)
    return train_dropout_study(DROPOUT_STUDY)


@pytest.mark.slow
def test_without_dropout_the_model_overfits(study):
    """"Without dropout, the validation loss was lowest by step 300 (2.25 to 2.29 nats per character) and then
    rose by at least 0.07 by step 500, while the training loss fell below 1.4, in every seed." """
    assert len(DROPOUT_STUDY.seeds) == 4 and DROPOUT_STUDY.steps == 500 and study.steps[-1] == 500
    for seed in DROPOUT_STUDY.seeds:
        curve = study.val_loss["none", seed]
        assert study.steps[int(np.argmin(curve))] <= 300, (seed, curve)
        assert 2.25 <= min(curve) <= 2.29 and curve[-1] - min(curve) >= 0.07, (seed, curve)
        assert study.train_loss["none", seed][-1] < 1.4


@pytest.mark.slow
def test_every_dropout_scheme_ends_well_below_no_dropout(study):
    """"Each of the three placements ended at least 0.08 below no dropout, in every seed (between 2.20 and 2.25)." """
    for seed in DROPOUT_STUDY.seeds:
        for scheme in ("naive", "non-recurrent", "variational"):
            final = study.final(scheme, seed)
            assert study.final("none", seed) - final >= 0.08 and 2.20 <= final <= 2.25, (scheme, seed, final)


@pytest.mark.slow
def test_variational_beats_non_recurrent_only_which_fits_the_training_text_best(study):
    """"Variational dropout ended below non-recurrent-only dropout in every seed; non-recurrent-only, which
    leaves W_hh unregularised, had the lowest training loss of the three placements in every seed; naive and
    variational dropout ended within 0.015 of each other." """
    for seed in DROPOUT_STUDY.seeds:
        assert study.final("variational", seed) < study.final("non-recurrent", seed), seed
        train = {s: study.train_loss[s, seed][-1] for s in ("naive", "non-recurrent", "variational")}
        assert min(train, key=train.get) == "non-recurrent", (seed, train)
        assert abs(study.final("naive", seed) - study.final("variational", seed)) <= 0.015, seed
