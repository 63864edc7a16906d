"""The experiment runner the chapters call: it records what it claims and actually learns."""
import numpy as np
import pytest
import torch

from rnncourse.data.adding import BASELINE_MSE, adding_problem
from rnncourse.runs.adding import held_out_seed, set_forget_bias, train_adding, train_adding_variant
from rnncourse.scratch import Linear, LSTMVariant
from rnncourse.torch import LSTMVariant as TorchLSTMVariant


def test_forget_bias_is_set_on_the_forget_block_only():
    m = torch.nn.LSTM(2, 4, num_layers=2, bidirectional=True)
    set_forget_bias(m, 2.5)
    for key in ("l0", "l1_reverse"):
        assert torch.all(getattr(m, f"bias_ih_{key}")[4:8] == 2.5) and torch.all(getattr(m, f"bias_hh_{key}")[4:8] == 0)
        assert not torch.all(getattr(m, f"bias_ih_{key}")[:4] == 2.5)
    ours = LSTMVariant(2, 4, "CIFG", rng=0)              # no forget gate: f = 1 - i, so b_i = -2.5
    set_forget_bias(ours, 2.5)
    assert np.all(ours.params["bias_ih_l0"][ours.block_rows("i")] == -2.5)


def test_train_adding_records_curve_and_learns_a_short_task(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    torch.set_num_threads(1)
    run = train_adding("LSTM", T=6, steps=300, hidden_size=16, eval_every=50, seed=0)
    assert run.steps == [50, 100, 150, 200, 250, 300] and len(run.test_mse) == 6 and run.seconds > 0
    assert run.final < 0.2 * BASELINE_MSE          # a 6-step sum is easy for any gated network


def test_train_adding_is_reproducible(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    a = train_adding("GRU", T=5, steps=20, hidden_size=4, eval_every=10, seed=3)
    b = train_adding("GRU", T=5, steps=20, hidden_size=4, eval_every=10, seed=3)
    assert a.test_mse == b.test_mse


def test_train_adding_variant_learns_a_short_task(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    run = train_adding_variant("CIFG", T=6, steps=300, hidden_size=16, eval_every=50, seed=0)
    assert run.steps == [50, 100, 150, 200, 250, 300] and run.final < 0.2 * BASELINE_MSE


@pytest.mark.parametrize("trainer", ["torch", "scratch"])
def test_until_below_stops_at_the_full_runs_first_step_below(monkeypatch, trainer):
    """A claim that asks only when a run first gets below a level trains it with until_below: the stopped run
    records the full run's evaluations up to that step, and has no final value to misread."""
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    torch.set_num_threads(1)
    kwargs = dict(T=6, steps=300, hidden_size=16, eval_every=25, seed=0)
    trainer = (lambda **kw: train_adding("LSTM", **kw)) if trainer == "torch" else \
        (lambda **kw: train_adding_variant("CIFG", **kw))
    full = trainer(**kwargs)
    level = 0.05 * BASELINE_MSE
    first = full.first_step_below(level)
    assert first is not None and first < 300, full.test_mse         # the short task is learnt well before the end
    stopped = trainer(until_below=level, **kwargs)
    k = full.steps.index(first) + 1
    assert stopped.steps == full.steps[:k] and stopped.test_mse == full.test_mse[:k]
    assert stopped.first_step_below(level) == first and stopped.first_step_below(2 * level) == full.first_step_below(2 * level)
    with pytest.raises(ValueError, match="cannot say when it first got below"):
        stopped.first_step_below(level / 2)
    with pytest.raises(ValueError, match="no final test MSE"):
        _ = stopped.final


@pytest.mark.parametrize("variant", ["vanilla", "CIFG"])
def test_numpy_training_loop_matches_the_same_loop_in_torch(monkeypatch, variant):
    """train_adding_variant (hand-written backward, scratch Adam and clipping) against torch.autograd,
    torch.optim.Adam and clip_grad_norm_ from the same initial weights and the same batches, in float64."""
    monkeypatch.setenv("RNNCOURSE_PROGRESS", "0")
    T, H, steps, seed = 8, 5, 30, 4
    ours = train_adding_variant(variant, T=T, steps=steps, hidden_size=H, batch_size=16, eval_every=10,
                                test_size=50, seed=seed, dtype=np.float64, clip=0.5)

    init = LSTMVariant(2, H, variant=variant, rng=seed)           # the same initialisation train_adding_variant draws
    head_init = Linear(H, 1, rng=seed + 1)
    rnn = TorchLSTMVariant(2, H, variant=variant, dtype=torch.float64)
    rnn.load_state_dict({k: torch.from_numpy(v) for k, v in init.state_dict().items()})
    with torch.no_grad():                                          # the documented gate-bias initialisation
        rows = init.block_rows("f") if "f" in init.spec.blocks else init.block_rows("i")
        rnn.bias_ih_l0[rows] = 1.0 if "f" in init.spec.blocks else -1.0
        rnn.bias_hh_l0[rows] = 0.0
    head = torch.nn.Linear(H, 1, dtype=torch.float64)
    head.load_state_dict({k: torch.from_numpy(v) for k, v in head_init.state_dict().items()})
    params = list(rnn.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-2)
    rng = np.random.default_rng(seed)
    x_test, y_test = map(torch.from_numpy, adding_problem(T, 50, rng=held_out_seed(seed), dtype=np.float64))
    theirs = []
    for step in range(1, steps + 1):
        x, y = map(torch.from_numpy, adding_problem(T, 16, rng=rng, dtype=np.float64))
        loss = torch.nn.functional.mse_loss(head(rnn(x)[0][-1]), y)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 0.5)
        optimizer.step()
        if step % 10 == 0:
            with torch.no_grad():
                theirs.append(torch.nn.functional.mse_loss(head(rnn(x_test)[0][-1]), y_test).item())
    assert np.allclose(ours.test_mse, theirs, rtol=1e-8, atol=0), (ours.test_mse, theirs)
