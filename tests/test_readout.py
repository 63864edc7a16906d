"""LastStepRegressor: the scratch read-out of h_T (hand-written backward) against its torch twin (autograd)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from rnncourse.scratch import GRU, LSTM
from rnncourse.scratch.readout import LastStepRegressor as ScratchRegressor
from rnncourse.torch.readout import LastStepRegressor


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_loss_and_grads_match_autograd(kind):
    torch.manual_seed(0)
    ref = LastStepRegressor(getattr(torch.nn, kind)(2, 5, dtype=torch.float64), out_features=3)
    ours = ScratchRegressor({"LSTM": LSTM, "GRU": GRU}[kind](2, 5, dtype=np.float64), out_features=3,
                            dtype=np.float64, rng=1)
    for k, v in ref.state_dict().items():
        ours.params[k][...] = v.numpy()
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((7, 4, 2)), rng.standard_normal((4, 3))
    loss = ref.loss((x, y))
    loss.backward()
    ours.zero_grad()
    assert ours.loss_and_grads((x, y)) == pytest.approx(loss.item(), rel=1e-12)
    assert ours.mse(x, y) == pytest.approx(loss.item(), rel=1e-12)
    for k, p in ref.named_parameters():
        np.testing.assert_allclose(ours.grads[k], p.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=k)
    assert set(ours.grads) == {k for k, _ in ref.named_parameters()}
