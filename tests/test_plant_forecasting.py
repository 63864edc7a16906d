"""The forecasting pieces of book/images-and-signals.md's nonlinear-plant section (rnncourse.runs.signals):
the ARX fit and its recursive forecasts against a linear plant whose coefficients we know, the LSTM's
recursive forecasts against running the same torch.nn.LSTM one step at a time, and the held-out run."""
import numpy as np
import pytest
import torch

from rnncourse.runs import signals as runs


def linear_plant(u, a1=0.5, a2=-0.2, b=1.5, c=0.1):
    y = np.zeros_like(u)
    for k in range(1, u.size - 1):
        y[k + 1] = a1 * y[k] + a2 * y[k - 1] + b * u[k] + c
    return y


def test_arx_fit_recovers_a_linear_plant_and_forecasts_it_exactly():
    u = np.random.default_rng(0).uniform(-2, 2, 300)
    y = linear_plant(u)
    coef = runs.fit_arx(y, u, 2, 1)
    np.testing.assert_allclose(coef, [0.5, -0.2, 1.5, 0.1], atol=1e-10)
    origins = np.arange(5, 280)
    forecasts = runs.arx_forecasts(coef, y, u, 2, 1, origins, 7)
    truth = np.stack([y[o + 1:o + 8] for o in origins])
    np.testing.assert_allclose(forecasts, truth, atol=1e-9)


def test_lstm_forecasts_match_a_step_by_step_free_run():
    torch.manual_seed(0)
    model = runs.Forecaster(5, 1, inputs=2)
    rng = np.random.default_rng(1)
    u, y = rng.uniform(-2, 2, 40), rng.normal(size=40)
    scale, origins, horizon = 1.7, np.array([3, 10, 25]), 4
    got = runs.lstm_plant_forecasts(model, scale, y, u, origins, horizon)
    with torch.no_grad():
        for row, o in zip(got, origins):
            x = torch.tensor(np.stack([y[:o + 1] / scale, u[:o + 1]], -1)[:, None], dtype=torch.float32)
            out, state = model(x)
            pred = [out[-1, 0, 0].item()]
            for j in range(1, horizon):
                step = torch.tensor([[[pred[-1], u[o + j]]]], dtype=torch.float32)
                out, state = model(step, state)
                pred.append(out[-1, 0, 0].item())
            np.testing.assert_allclose(row, np.array(pred) * scale, rtol=1e-5, atol=1e-6)


def test_held_out_run_is_driven_by_another_input():
    (u_tr, y_tr), (u_te, y_te) = runs.plant_data(runs.PLANT_PAGE)
    assert (u_tr.size, u_te.size) == (2000, 1000) and np.intersect1d(u_tr, u_te).size == 0
    from dataclasses import replace
    with pytest.raises(ValueError, match="another seed"):
        runs.plant_data(replace(runs.PLANT_PAGE, test_input_seed=runs.PLANT_PAGE.train_input_seed))


def test_bad_origins_and_coefficients_raise_value_errors():
    u = np.zeros(50)
    with pytest.raises(ValueError, match=r"origins must lie in \[1, 44\]"):
        runs.arx_forecasts(np.zeros(4), u, u, 2, 1, np.array([0, 10]), 5)
    with pytest.raises(ValueError, match=r"coef must have shape \(4,\)"):
        runs.arx_forecasts(np.zeros(3), u, u, 2, 1, np.array([5]), 5)
    with pytest.raises(ValueError, match="origins must be a non-empty 1-D integer array"):
        runs.lstm_plant_forecasts(runs.Forecaster(3, 1, inputs=2), 1.0, u, u, np.array([2.5]), 3)
