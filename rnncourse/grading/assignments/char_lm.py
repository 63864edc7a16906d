"""char-lm: the softmax cross-entropy over time with its gradient, temperature sampling, and truncated-BPTT
training of a character-level tanh RNN with the state carried across windows.

References (parent side): torch.autograd in float64 for the loss, its gradient and the training steps;
softmax(z / tau) in closed form for the sampling distribution. The sampling test draws N samples in the
child from a NumPy generator seeded by the grader; the grader counts them (a notebook that patched NumPy
in the child could not change the count) and compares their frequencies with p_tau: with
N = 100,000 and every tested distribution's largest probability >= 0.25, a correct sampler is off by at
most 5 standard deviations (sqrt(p(1 - p) / N) <= 0.0016) with probability ~1 - 1e-6 per entry, i.e. a
relative error <= 0.032; ignoring the temperature moves the frequencies by far more. The test is
two-sided, as word2vec's is: counts that match N p_tau too closely to be random draws (laid out, not
drawn) fail too (the chi-square of the counts, over the values expected at least 25 times, in its lower
tail below ``TOO_CLOSE``; a sampler that draws fails so with probability TOO_CLOSE).
"""
from __future__ import annotations

import numpy as np

from ...scratch.gradcheck import rel_error
from ..spec import Assignment, Part, Test
from .common import shape_label
from .stats import chi_square_lower_tail, pooled_chi_square

N_SAMPLES = 100_000
LM_PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hy", "bias_y")


# ---- part 1: softmax cross-entropy over time --------------------------------------------------------
def make_ce(T, B, V):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {"logits": rng.standard_normal((T, B, V)) * 2.0, "targets": rng.integers(V, size=(T, B))}
    return make


def ref_ce(inputs):
    import torch

    z = torch.tensor(inputs["logits"], requires_grad=True)
    loss = torch.nn.functional.cross_entropy(z.reshape(-1, z.shape[-1]), torch.tensor(inputs["targets"]).reshape(-1))
    (dz,) = torch.autograd.grad(loss, z)
    return {"loss": np.float64(loss.item()), "dlogits": dz.numpy()}


# ---- parts 2 and 3: temperature ----------------------------------------------------------------------
def make_temperature(B, V, tau):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {"logits": rng.standard_normal((B, V)) * 1.5, "temperature": np.float64(tau)}
    return make


def _p_tau(z, tau):
    z = z / tau
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def ref_temperature(inputs):
    return {"probs": _p_tau(inputs["logits"], float(inputs["temperature"]))}


def make_sampling(V, tau):
    """One row of logits whose p_tau has largest probability >= 0.25 (see the module docstring)."""
    def make(seed):
        rng = np.random.default_rng(seed)
        z = rng.standard_normal(V) * 1.5
        favourite = rng.integers(V)
        while _p_tau(z, tau).max() < 0.3:                  # one clear favourite (see the module docstring)
            z[favourite] += 0.5
        return {"logits": z, "temperature": np.float64(tau), "sample_seed": int(rng.integers(2**31))}
    return make


SAMPLING_RTOL = 0.04      # on rel_error(frequencies, p_tau); see the module docstring
TOO_CLOSE = 1e-6          # lower-tail probability of the counts' chi-square below which they were not drawn


def ref_sampling(inputs):
    """The outputs' names and shapes (the verdict is check_sampling): N draws, the same N again from the same
    seed, and N from another seed."""
    shape = np.zeros(N_SAMPLES)
    return {"draws": shape, "draws_again": shape, "draws_other_seed": shape}


def check_sampling(outputs, inputs, expected):
    """In the grader, from the raw draws: indices in [0, V), the generator's state decides them (same seed,
    same draws; another seed, other draws), and their frequencies match p_tau = softmax(z / tau)."""
    V = inputs["logits"].size
    for key in expected:
        got = outputs[key]
        if got.shape != (N_SAMPLES,):
            return [f"sample_with_temperature must return one index per row, shape ({N_SAMPLES},); got {got.shape}"]
        if not np.all(np.isfinite(got)) or np.any(got != np.round(got)) or got.min() < 0 or got.max() >= V:
            return [f"sample_with_temperature must return integer indices in [0, V={V})"]
    if not np.array_equal(outputs["draws"], outputs["draws_again"]) or \
            np.array_equal(outputs["draws"], outputs["draws_other_seed"]):
        return ["sample_with_temperature must draw its randomness from the generator `rng` it is given (the same "
                "generator state must give the same samples, another state other samples)"]
    want = _p_tau(inputs["logits"], float(inputs["temperature"]))
    freq = np.bincount(outputs["draws"].astype(np.int64), minlength=V) / N_SAMPLES
    err = rel_error(freq, want)
    if err > SAMPLING_RTOL:
        return [f"the frequencies of {N_SAMPLES:,} draws are {np.round(freq, 3).tolist()}, but softmax(z / tau) is "
                f"{np.round(want, 3).tolist()} (relative error {err:.3f} > {SAMPLING_RTOL})"]
    chi2, df = pooled_chi_square(freq * N_SAMPLES, want * N_SAMPLES)
    if df >= 1 and chi_square_lower_tail(chi2, df) < TOO_CLOSE:
        return [f"the counts of the {N_SAMPLES:,} draws match N * softmax(z / tau) too closely to be random draws "
                f"(chi-square {chi2:.2g} on {df} degrees of freedom, P = {chi_square_lower_tail(chi2, df):.1e}): "
                "draw each sample from the generator `rng`"]
    return []


# ---- parts 4 and 5: truncated BPTT --------------------------------------------------------------------
def lm_params(rng, V, H):
    return {"weight_ih": rng.standard_normal((H, V)) * 0.5, "weight_hh": rng.standard_normal((H, H)) * 0.4,
            "bias_ih": rng.standard_normal(H) * 0.1, "bias_hh": rng.standard_normal(H) * 0.1,
            "weight_hy": rng.standard_normal((V, H)) * 0.5, "bias_y": rng.standard_normal(V) * 0.1}


def make_step(T, B, V, H):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {**lm_params(rng, V, H), "ids": rng.integers(V, size=(T + 1, B)),
                "h": rng.standard_normal((B, H)) * 0.5, "lr": np.float64(0.1)}
    return make


def make_stream(N, B, V, H, T):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {**lm_params(rng, V, H), "streams": rng.integers(V, size=(N, B)), "T": int(T), "lr": np.float64(0.1)}
    return make


def _torch_step(params, ids, h, lr):
    """One window with autograd: loss, updated parameters, last state (the reference)."""
    import torch

    p = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    V = p["weight_hy"].shape[0]
    x = torch.nn.functional.one_hot(torch.tensor(ids[:-1]), V).double()
    h = torch.tensor(h)
    logits = []
    for t in range(x.shape[0]):
        h = torch.tanh(x[t] @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"])
        logits.append(h @ p["weight_hy"].T + p["bias_y"])
    z = torch.stack(logits)
    loss = torch.nn.functional.cross_entropy(z.reshape(-1, V), torch.tensor(ids[1:]).reshape(-1))
    grads = torch.autograd.grad(loss, list(p.values()))
    new = {k: (v - lr * g).detach().numpy() for (k, v), g in zip(p.items(), grads)}
    return loss.item(), new, h.detach().numpy()


def ref_step(inputs):
    params = {k: inputs[k] for k in LM_PARAMS}
    loss, new, h = _torch_step(params, inputs["ids"], inputs["h"], float(inputs["lr"]))
    return {"loss": np.float64(loss), **{f"new_{k}": v for k, v in new.items()}, "h_last": h}


def ref_stream(inputs):
    params = {k: inputs[k] for k in LM_PARAMS}
    streams, T = inputs["streams"], int(inputs["T"])
    h = np.zeros((streams.shape[1], params["weight_hh"].shape[0]))
    losses = []
    for start in range(0, streams.shape[0] - 1, T):
        end = min(start + T, streams.shape[0] - 1)
        loss, params, h = _torch_step(params, streams[start:end + 1], h, float(inputs["lr"]))
        losses.append(loss)
    return {"losses": np.array(losses), **{f"new_{k}": v for k, v in params.items()}, "h_last": h}


def _tests(driver, make, reference, cases, rtol, check=None):
    return tuple(Test(f"{'hidden' if hidden else 'public'} {shape_label(**sizes)}", driver, make(**sizes), reference,
                      hidden=hidden, rtol=rtol, check=check) for sizes, hidden in cases)


ASSIGNMENT = Assignment(
    name="char-lm",
    title="A character language model: cross-entropy over time, temperature sampling, truncated BPTT",
    parts=(
        Part("softmax_cross_entropy", 30, ("softmax_cross_entropy",),
             _tests("softmax_cross_entropy", make_ce, ref_ce,
                    [(dict(T=4, B=3, V=5), False), (dict(T=1, B=6, V=2), True), (dict(T=7, B=2, V=11), True)], 1e-8)),
        Part("softmax_with_temperature", 10, ("softmax_with_temperature",),
             _tests("softmax_with_temperature", make_temperature, ref_temperature,
                    [(dict(B=3, V=6, tau=0.5), False), (dict(B=2, V=9, tau=2.0), True),
                     (dict(B=4, V=3, tau=1.0), True)], 1e-8)),
        Part("sample_with_temperature", 20, ("sample_with_temperature",),
             _tests("sample_with_temperature", make_sampling, ref_sampling,
                    [(dict(V=5, tau=0.7), False), (dict(V=8, tau=1.5), True), (dict(V=16, tau=0.5), True)],
                    SAMPLING_RTOL, check_sampling)),
        Part("train_step", 25, ("softmax_cross_entropy", "train_step"),
             _tests("train_step", make_step, ref_step,
                    [(dict(T=5, B=3, V=6, H=4), False), (dict(T=1, B=2, V=3, H=5), True),
                     (dict(T=8, B=1, V=7, H=3), True)], 1e-7)),
        Part("train_stream", 15, ("softmax_cross_entropy", "train_step", "train_stream"),
             _tests("train_stream", make_stream, ref_stream,
                    [(dict(N=20, B=3, V=5, H=4, T=6), False), (dict(N=9, B=2, V=4, H=3, T=3), True),
                     (dict(N=31, B=4, V=6, H=5, T=5), True)], 1e-7)),
    ),
)
