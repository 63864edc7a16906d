"""word2vec: the subsampling keep-probabilities, the SGNS loss and its gradients for a batch, the
unigram^0.75 noise table, drawing negatives from it (checked statistically), and the sparse update.

References: rnncourse.scratch.word2vec (keep_probability with the C code's / gensim's rule,
noise_distribution, noise_table, draw_negatives, scatter_add_rows) and torch.autograd in float64 for the
SGNS loss. The table and the draws are random-looking by design, so their verdicts are not "equal to the
reference" but statistical checks in the grader (``check_table``, ``check_negatives``), on draws made
with the grader's seeds.
"""
from __future__ import annotations

import numpy as np

from rnncourse.scratch import word2vec as w2v

from ..spec import Assignment, Part, Test
from .common import shape_label, tests_over_shapes
from .stats import chi_square_z


def zipf_counts(rng, V, top=5000):
    """Word counts (V,), most frequent first, roughly Zipfian, all >= 1 (as float64 across the boundary)."""
    counts = np.floor(top / np.arange(1, V + 1) ** rng.uniform(0.8, 1.2)) + rng.integers(1, 4, V)
    return np.sort(counts)[::-1].astype(np.float64)


# ---- keep_probability -------------------------------------------------------------------------------
def keep_inputs(V, t):
    def make(seed):
        return {"counts": zipf_counts(np.random.default_rng(seed), V), "t": np.float64(t)}
    return make


def ref_keep(inputs):
    return {"keep": w2v.keep_probability(inputs["counts"], float(inputs["t"]), rule="gensim")}


KEEP = [(dict(V=20, t=1e-2), False), (dict(V=1, t=1e-3), True), (dict(V=300, t=1e-3), True)]


# ---- sgns_loss --------------------------------------------------------------------------------------
def sgns_inputs(V, D, B, K, scale=0.5):
    def make(seed):
        rng = np.random.default_rng(seed)
        return {"W_in": rng.standard_normal((V, D)) * scale, "W_out": rng.standard_normal((V, D)) * scale,
                "inputs": rng.integers(0, V, B), "outputs": rng.integers(0, V, B),
                "negatives": rng.integers(0, V, (B, K))}
    return make


def ref_sgns(inputs):
    """L = -sum_b [log sigma(u_o.v) + sum_k log sigma(-u_n.v)] and its gradients with respect to v = W_in[inputs]
    (B, D) and u = W_out[[outputs, negatives]] (B, K+1, D), by torch.autograd in float64."""
    import torch
    idx = {k: torch.tensor(inputs[k].astype(np.int64)) for k in ("inputs", "outputs", "negatives")}
    targets = torch.cat([idx["outputs"][:, None], idx["negatives"]], dim=1)
    v = torch.tensor(inputs["W_in"])[idx["inputs"]].requires_grad_()
    u = torch.tensor(inputs["W_out"])[targets].requires_grad_()
    s = torch.einsum("bkd,bd->bk", u, v)
    loss = -(torch.nn.functional.logsigmoid(s[:, 0]).sum() + torch.nn.functional.logsigmoid(-s[:, 1:]).sum())
    dv, du = torch.autograd.grad(loss, [v, u])
    return {"loss": np.float64(loss.item()), "dv": dv.numpy(), "du": du.numpy()}


SGNS = [(dict(V=10, D=4, B=6, K=3), False), (dict(V=3, D=2, B=1, K=1), True), (dict(V=40, D=7, B=25, K=8), True),
        (dict(V=6, D=8, B=5, K=4, scale=30.0), True)]       # scores in the thousands: a stable log-sigmoid


# ---- noise_table ------------------------------------------------------------------------------------
def table_inputs(V, size):
    """Zipfian counts in a random order (word 0 need not be the most frequent), so that no one table is
    right for every seed."""
    def make(seed):
        rng = np.random.default_rng(seed)
        return {"counts": rng.permutation(zipf_counts(rng, V)), "size": size}
    return make


def ref_table(inputs):
    return {"table": w2v.noise_table(inputs["counts"], 0.75, int(inputs["size"])).astype(np.float64)}


def check_table(outputs, inputs, expected):
    """Integers in [0, V) in which word w fills a share of the slots within 1/size of P_n(w) = c_w^0.75 / sum c^0.75."""
    table, size = outputs["table"], int(inputs["size"])
    if table.shape != (size,):
        return [f"table: expected shape ({size},), got {tuple(table.shape)}"]
    V = inputs["counts"].size
    if not np.all(np.isfinite(table)) or np.any(table != np.round(table)) or table.min() < 0 or table.max() >= V:
        return [f"table: every slot must hold a word index, an integer in [0, V={V})"]
    p_noise = w2v.noise_distribution(inputs["counts"], 0.75)
    share = np.bincount(table.astype(np.int64), minlength=V) / size
    err = np.abs(share - p_noise)
    w = int(np.argmax(err))
    if err[w] > 1.0 / size + 1e-12:
        return [f"table: word {w} fills a share {share[w]:.6f} of the slots, but P_n({w}) = {p_noise[w]:.6f} "
                f"(allowed difference 1/size = {1 / size:.1e})"]
    return []


TABLE = [(dict(V=8, size=1000), False), (dict(V=3, size=10_007), True), (dict(V=500, size=100_000), True)]


# ---- draw_negatives ---------------------------------------------------------------------------------
def draw_inputs(V, size, B, K):
    def make(seed):
        rng = np.random.default_rng(seed)
        table = w2v.noise_table(zipf_counts(rng, V), 0.75, size)
        return {"table": table.astype(np.float64), "B": B, "K": K,
                "seed": int(rng.integers(0, 2**31)), "other_seed": int(rng.integers(0, 2**31))}
    return make


def ref_draw(inputs):
    """Draws by the library with the same seeds: the outputs' names and shapes (the verdict is check_negatives)."""
    table = inputs["table"].astype(np.int64)
    shape = (int(inputs["B"]), int(inputs["K"]))
    return {"negatives": w2v.draw_negatives(table, shape, int(inputs["seed"])).astype(np.float64),
            "negatives_other_seed": w2v.draw_negatives(table, shape, int(inputs["other_seed"])).astype(np.float64)}


Z_LIMIT = 5.0     # a correct sampler fails a test with probability about 6e-7 (two-sided normal tail)


def check_negatives(outputs, inputs, expected):
    """Each draw (B, K) holds words of the table, with frequencies consistent with the table's shares (a
    chi-square test, neither too far from them nor too close to be random), and the two seeds draw differently."""
    table = inputs["table"].astype(np.int64)
    share = np.bincount(table, minlength=int(table.max()) + 1) / table.size
    problems = []
    for key, want in expected.items():
        got = outputs[key]
        if got.shape != want.shape:
            problems.append(f"{key}: expected shape {tuple(want.shape)}, got {tuple(got.shape)}")
            continue
        if not np.all(np.isfinite(got)) or np.any(got != np.round(got)) or got.min() < 0 or got.max() >= share.size \
                or np.any(share[got.astype(np.int64)] == 0):
            problems.append(f"{key}: every draw must be a word that occurs in the table")
            continue
        z = chi_square_z(got.astype(np.int64).ravel(), share)
        if z > Z_LIMIT:
            problems.append(f"{key}: the words' frequencies are not the table's shares (chi-square test, z = {z:.1f} "
                            f"> {Z_LIMIT:g}): draw uniform slots of the table")
        elif z < -Z_LIMIT:
            problems.append(f"{key}: the words' frequencies match the table's shares too closely to be random draws "
                            f"(chi-square test, z = {z:.1f} < -{Z_LIMIT:g})")
    if not problems and outputs["negatives"].size > 1 and np.array_equal(outputs["negatives"], outputs["negatives_other_seed"]):
        problems.append("negatives: two different seeds gave identical draws; use np.random.default_rng(seed)")
    return problems


def draw_tests():
    cases = [(dict(V=8, size=1000, B=500, K=20), False), (dict(V=50, size=10_000, B=1, K=20_000), True),
             (dict(V=300, size=100_000, B=4000, K=5), True)]
    return tuple(Test(f"{'hidden' if hidden else 'public'} {shape_label(**sizes)}", "w2v_draw_negatives",
                      draw_inputs(**sizes), ref_draw, hidden=hidden, check=check_negatives) for sizes, hidden in cases)


# ---- sparse_update ----------------------------------------------------------------------------------
def update_inputs(V, D, R, distinct=None):
    """W (V, D), rows (R,) drawn from ``distinct`` words (many repeats when it is small), values (R, D), lr."""
    def make(seed):
        rng = np.random.default_rng(seed)
        pool = rng.choice(V, size=min(V, distinct or V), replace=False)
        return {"W": rng.standard_normal((V, D)), "rows": rng.choice(pool, R), "values": rng.standard_normal((R, D)),
                "lr": np.float64(rng.uniform(0.01, 0.5))}
    return make


def ref_update(inputs):
    W = inputs["W"].copy()
    w2v.scatter_add_rows(W, inputs["rows"].astype(np.int64), inputs["values"], alpha=-float(inputs["lr"]))
    return {"W": W}


UPDATE = [(dict(V=10, D=3, R=12), False), (dict(V=5, D=2, R=6, distinct=1), True), (dict(V=4, D=3, R=1), True),
          (dict(V=200, D=5, R=500, distinct=20), True)]


ASSIGNMENT = Assignment(
    name="word2vec",
    title="word2vec: subsampling, the skip-gram negative-sampling loss, the noise table, the sparse update",
    parts=(
        Part("keep_probability", 10, ("keep_probability",),
             tests_over_shapes("w2v_keep_probability", keep_inputs, ref_keep, KEEP, rtol=1e-10)),
        Part("sgns_loss", 50, ("sgns_loss",), tests_over_shapes("w2v_sgns_loss", sgns_inputs, ref_sgns, SGNS, rtol=1e-8)),
        Part("noise_table", 10, ("noise_table",),
             tuple(Test(t.name, t.driver, t.make_inputs, t.reference, hidden=t.hidden, check=check_table)
                   for t in tests_over_shapes("w2v_noise_table", table_inputs, ref_table, TABLE))),
        Part("draw_negatives", 10, ("draw_negatives",), draw_tests()),
        Part("sparse_update", 20, ("sparse_update",),
             tests_over_shapes("w2v_sparse_update", update_inputs, ref_update, UPDATE, rtol=1e-12)),
    ),
)
