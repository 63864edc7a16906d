"""Run a torch.nn recurrent module with autograd and return every value a scratch model must reproduce.

The upstream gradients (d_output, d_final_state) are random, so the comparison exercises the full
vector-Jacobian product rather than the gradient of one particular loss.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class Reference:
    module: torch.nn.Module
    x: np.ndarray
    state0: object          # ndarray, or (h0, c0) for LSTM
    d_output: np.ndarray
    d_state: object
    output: np.ndarray
    state: object
    dx: np.ndarray
    d_state0: object
    param_grads: dict


def _np(t):
    return t.detach().cpu().numpy()


def run_reference(kind: str, input_size=5, hidden_size=7, num_layers=1, bidirectional=False,
                  batch_first=False, bias=True, T=6, B=3, seed=0, unbatched=False, **kw) -> Reference:
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    module = getattr(torch.nn, kind)(input_size, hidden_size, num_layers=num_layers, bias=bias,
                                     batch_first=batch_first, bidirectional=bidirectional, dtype=torch.float64, **kw)
    D = 2 if bidirectional else 1
    x_shape = (T, input_size) if unbatched else ((B, T, input_size) if batch_first else (T, B, input_size))
    s_shape = (num_layers * D, hidden_size) if unbatched else (num_layers * D, B, hidden_size)
    rand = lambda shape: torch.randn(shape, generator=gen, dtype=torch.float64)  # noqa: E731
    x = rand(x_shape).requires_grad_()
    states = [rand(s_shape).requires_grad_() for _ in range(2 if kind == "LSTM" else 1)]
    out, final = module(x, tuple(states) if kind == "LSTM" else states[0])
    finals = list(final) if kind == "LSTM" else [final]
    d_out = rand(out.shape)
    d_finals = [rand(f.shape) for f in finals]
    loss = (out * d_out).sum() + sum((f * d).sum() for f, d in zip(finals, d_finals))
    loss.backward()
    pack = (lambda xs: tuple(_np(v) for v in xs)) if kind == "LSTM" else (lambda xs: _np(xs[0]))
    return Reference(
        module=module, x=_np(x), state0=pack(states), d_output=_np(d_out),
        d_state=pack(d_finals), output=_np(out), state=pack(finals), dx=_np(x.grad),
        d_state0=pack([s.grad for s in states]),
        param_grads={k: _np(p.grad) for k, p in module.named_parameters()},
    )


def numpy_state_dict(module: torch.nn.Module) -> dict:
    return {k: _np(v) for k, v in module.state_dict().items()}
