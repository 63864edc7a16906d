"""captioning: one LSTM step, the Show-and-Tell decoder's teacher-forced forward, its loss with padding
masked, and greedy decoding.

References (grader side only): torch.nn.LSTMCell in float64 (the step); torch.nn.LSTM in float64 fed the
image first (forward); torch's
cross_entropy with ignore_index and torch.autograd (loss and its gradient); rnncourse.decoding.greedy_decode
over the scratch decoder's step function, one caption at a time (greedy decoding).

Each part on its own: Parts 2 and 4 call the student's ``lstm_step``; their tests carry its reference
answers, sealed, for the calls a right decoder makes (``grading/replay.py``), so a mistake in Part 1 costs
only Part 1.
"""
from __future__ import annotations

import numpy as np

from .. import replay
from ..spec import Assignment, Part
from .common import cell_inputs, tests_over_shapes

PAD, START, END = 0, 1, 2
DECODER = ("embed", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "out_weight", "out_bias")


def decoder_params(rng, V, E, H, end_bias=0.0):
    """Random decoder parameters; ``end_bias`` raises the <end> logit (so that captions end early)."""
    out_bias = rng.standard_normal(V) * 0.1
    out_bias[[PAD, START]] = -30.0                   # as after training: <pad> and <start> are never predicted
    out_bias[END] += end_bias
    return {"embed": rng.standard_normal((V, E)), "weight_ih": rng.standard_normal((4 * H, E)),
            "weight_hh": rng.standard_normal((4 * H, H)), "bias_ih": rng.standard_normal(4 * H) * 0.5,
            "bias_hh": rng.standard_normal(4 * H) * 0.5, "out_weight": rng.standard_normal((V, H)) * 3,
            "out_bias": out_bias}


# ---- part 1: one LSTM step ----------------------------------------------------------------------------
def ref_lstm_step(inputs):
    import torch
    I, H = inputs["weight_ih"].shape[1], inputs["weight_hh"].shape[1]
    cell = torch.nn.LSTMCell(I, H, dtype=torch.float64)
    cell.load_state_dict({k: torch.tensor(inputs[k]) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    h, c = cell(torch.tensor(inputs["x"]), (torch.tensor(inputs["h"]), torch.tensor(inputs["c"])))
    return {"h_next": h.detach().numpy(), "c_next": c.detach().numpy()}


STEP_SHAPES = [(dict(B=3, I=4, H=5), False), (dict(B=1, I=6, H=2), True), (dict(B=7, I=3, H=4), True)]


# ---- part 2: teacher-forced forward ------------------------------------------------------------------
def forward_inputs(B, T, V, E, H):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {"features": rng.standard_normal((B, E)), "captions": rng.integers(0, V, (B, T)),
                **decoder_params(rng, V, E, H)}
    return make


def ref_forward(inputs):
    import torch
    E, H = inputs["embed"].shape[1], inputs["weight_hh"].shape[1]
    lstm = torch.nn.LSTM(E, H, dtype=torch.float64)
    lstm.load_state_dict({f"{k}_l0": torch.tensor(inputs[k]) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    words = torch.tensor(inputs["embed"])[torch.tensor(inputs["captions"])].transpose(0, 1)     # (T, B, E)
    hs, _ = lstm(torch.cat([torch.tensor(inputs["features"])[None], words]))
    logits = hs[1:].transpose(0, 1) @ torch.tensor(inputs["out_weight"]).T + torch.tensor(inputs["out_bias"])
    return {"logits": logits.detach().numpy()}


# ---- part 3: the masked loss ---------------------------------------------------------------------------
def loss_inputs(B, T, V, lengths):
    """Targets with the given number of real tokens per row (padding after), the rest random."""
    def make(seed):
        rng = np.random.default_rng(seed)
        targets = rng.integers(1, V, (B, T))
        for b, n in enumerate(lengths):
            targets[b, n:] = PAD
        return {"logits": rng.standard_normal((B, T, V)) * 2, "targets": targets}
    return make


def ref_loss(inputs):
    import torch
    logits = torch.tensor(inputs["logits"], requires_grad=True)
    V = logits.shape[-1]
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), torch.tensor(inputs["targets"]).reshape(-1),
                                             ignore_index=PAD)
    loss.backward()
    return {"loss": np.float64(loss.item()), "dlogits": logits.grad.numpy()}


# ---- part 4: greedy decoding ----------------------------------------------------------------------------
def greedy_inputs(B, V, E, H, max_len, end_bias=0.0, ends_early=False):
    """``ends_early``: redraw (from the same generator) until some reference caption ends before its last
    slot, so a decoder that does not stop at <end> fails this test for every seed, not only for most."""
    def make(seed):
        rng = np.random.default_rng(seed)
        while True:
            inputs = {"features": rng.standard_normal((B, E)) * 2, **decoder_params(rng, V, E, H, end_bias),
                      "max_len": max_len}
            if not ends_early or np.any(ref_greedy(inputs)["tokens"][:, :-1] == END):
                return inputs
    return make


def ref_greedy(inputs):
    from rnncourse.decoding import greedy_decode
    from rnncourse.scratch.captioning import decoder_start_state, decoder_step
    params = {k: inputs[k] for k in DECODER}
    max_len = int(inputs["max_len"])
    tokens = np.full((inputs["features"].shape[0], max_len), PAD, dtype=np.float64)
    for b, v in enumerate(inputs["features"]):
        found = greedy_decode(decoder_step(params), decoder_start_state(v[None], params), START, END, max_len).tokens
        tokens[b, :len(found)] = found
    return {"tokens": tokens}


# ---- each part on its own: lstm_step's reference answers for the calls Parts 2 and 4 make (grading/replay.py)
LSTM = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _step_call(x, h, c, inputs):
    """(arguments, reference result) of one call lstm_step(x, h, c, *LSTM weights)."""
    out = ref_lstm_step({"x": x, "h": h, "c": c, **{k: inputs[k] for k in LSTM}})
    return (x, h, c, *[inputs[k] for k in LSTM]), (out["h_next"], out["c_next"])


def _with_sealed_steps(make, calls):
    """``make`` whose inputs also carry lstm_step's answers, sealed, for the calls ``calls(inputs)`` lists."""
    def sized(**sizes):
        base = make(**sizes)

        def made(seed):
            inputs = base(seed)
            return {**inputs, **replay.seal("lstm_step", calls(inputs))}
        return made
    return sized


def forward_step_calls(inputs) -> list:
    """The calls of a right decoder_forward: the image feature from h = c = 0, then each embedded token."""
    B, H = inputs["features"].shape[0], inputs["weight_hh"].shape[1]
    h, c, calls = np.zeros((B, H)), np.zeros((B, H)), []
    for x in [inputs["features"]] + [inputs["embed"][inputs["captions"][:, t]] for t in range(inputs["captions"].shape[1])]:
        calls.append(_step_call(x, h, c, inputs))
        h, c = calls[-1][1]
    return calls


def greedy_step_calls(inputs) -> list:
    """The calls of a right greedy_caption, the whole batch at every step (a finished caption's row is fed its
    arg-max too, as the notebook's loop does): the image from h = c = 0, <start>, then each arg-max token."""
    B, H = inputs["features"].shape[0], inputs["weight_hh"].shape[1]
    calls = [_step_call(inputs["features"], np.zeros((B, H)), np.zeros((B, H)), inputs)]
    last = np.full(B, START)
    for _ in range(int(inputs["max_len"])):
        calls.append(_step_call(inputs["embed"][last], *calls[-1][1], inputs))
        last = np.argmax(calls[-1][1][0] @ inputs["out_weight"].T + inputs["out_bias"], axis=1)
    return calls


FORWARD_SHAPES = [(dict(B=3, T=5, V=7, E=4, H=6), False), (dict(B=1, T=1, V=3, E=2, H=2), True),
                  (dict(B=5, T=9, V=11, E=3, H=5), True)]
LOSS_SHAPES = [(dict(B=3, T=6, V=7, lengths=(6, 3, 1)), False), (dict(B=1, T=1, V=4, lengths=(1,)), True),
               (dict(B=4, T=8, V=12, lengths=(2, 8, 5, 0)), True)]
GREEDY_SHAPES = [(dict(B=3, V=7, E=4, H=6, max_len=6, ends_early=True), False), (dict(B=5, V=8, E=3, H=2, max_len=1), True),
                 (dict(B=6, V=9, E=5, H=4, max_len=8, end_bias=1.0, ends_early=True), True)]

ASSIGNMENT = Assignment(
    name="captioning",
    title="Captioning: an LSTM step, the Show-and-Tell decoder, its masked loss and greedy decoding",
    parts=(
        Part("lstm_step", 15, ("lstm_step",),
             tests_over_shapes("caption_lstm_step", cell_inputs(G=4, states=("h", "c")), ref_lstm_step, STEP_SHAPES,
                               rtol=1e-8)),
        Part("decoder_forward", 25, ("decoder_forward",),
             tests_over_shapes("caption_decoder_forward", _with_sealed_steps(forward_inputs, forward_step_calls),
                               ref_forward, FORWARD_SHAPES, rtol=1e-8), fed=("lstm_step",)),
        Part("caption_loss", 30, ("caption_loss",),
             tests_over_shapes("caption_loss", loss_inputs, ref_loss, LOSS_SHAPES, rtol=1e-8)),
        Part("greedy_caption", 30, ("greedy_caption",),
             tests_over_shapes("greedy_caption", _with_sealed_steps(greedy_inputs, greedy_step_calls), ref_greedy,
                               GREEDY_SHAPES), fed=("lstm_step",)),
    ),
)
