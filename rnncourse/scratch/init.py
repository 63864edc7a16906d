"""The eight recurrent-weight initialisations of deck C's table (book/syllabus.md) (Talathi & Vartak 2015; Le et al. 2015).

Each scheme gives the recurrent matrix W_hh: (H, H) of a vanilla RNN h_t = f(x_t W_ih^T + b + h_{t-1} W_hh^T)
and the nonlinearity f the scheme is defined with:

    sRNN        torch.nn's default, every entry ~ U(-1/sqrt(H), 1/sqrt(H)); tanh
    IRNN        W = I (Le et al. 2015); ReLU
    iRNN        W = 0.01 I (the scaled identity of Le et al. 2015, suggested for short dependencies); ReLU
    nRNN        W = R / rho(R), R_ij ~ N(0, 1/H): normalised by its spectral radius, so the largest
                eigenvalue modulus is exactly 1 and all the others are below 1 (Talathi & Vartak); ReLU
    np-RNN      W = (I + R R^T / H) / lambda_max, R_ij ~ N(0, 1): symmetric positive definite, largest
                eigenvalue exactly 1, all others in (0, 1) (Talathi & Vartak's eq. for the np-RNN); ReLU
    np-tanhRNN  the np-RNN matrix with tanh
    oRNN        a Haar-random orthogonal matrix (QR of a Gaussian with the signs of R's diagonal fixed);
                all eigenvalues on the unit circle; ReLU
    gRNN        R_ij ~ N(0, 1/H): by the circular law its eigenvalues fill the unit disc as H grows; ReLU

Where the table is ambiguous the book follows Talathi & Vartak (2015, "Improving performance of recurrent
neural network with ReLU nonlinearity"), whose table the lecture reproduces: it is a table of ReLU
networks, and its one explicit tanh row ("np-tanhRNN: np-RNN with tanh") implies every other row but the
plain sRNN is ReLU. The sRNN we read as the standard network, torch.nn.RNN with its default tanh and
default initialisation. The identity of the IRNN and the 0.01 scale of the iRNN are Le et al.'s. The
Gaussian variance 1/H is the one that puts the gRNN's spectrum in the unit disc; Le et al.'s tanh
baseline used a small fixed std, which :func:`recurrent_weight` accepts as ``std``.
"""
from __future__ import annotations

import numpy as np

SCHEMES = {            # name -> nonlinearity the scheme is defined with
    "sRNN": "tanh",
    "IRNN": "relu",
    "iRNN": "relu",
    "nRNN": "relu",
    "np-RNN": "relu",
    "np-tanhRNN": "tanh",
    "oRNN": "relu",
    "gRNN": "relu",
}


def _check(scheme, hidden_size):
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {tuple(SCHEMES)}; got {scheme!r}")
    if not isinstance(hidden_size, (int, np.integer)) or isinstance(hidden_size, bool) or hidden_size < 1:
        raise ValueError(f"hidden_size must be a positive integer; got {hidden_size!r}")


def check_module(module, scheme: str) -> None:
    """The scheme exists and ``module.nonlinearity`` is the one it is defined with, else ValueError."""
    _check(scheme, module.hidden_size)
    nonlinearity = getattr(module, "nonlinearity", None)
    if nonlinearity != SCHEMES[scheme]:
        raise ValueError(f"scheme {scheme!r} is defined with nonlinearity {SCHEMES[scheme]!r}; "
                         f"the model has {nonlinearity!r}")


def orthogonal(H: int, rng) -> np.ndarray:
    """A Haar-distributed orthogonal (H, H) matrix: Q of the QR of a Gaussian, columns signed by diag(R)."""
    q, r = np.linalg.qr(rng.standard_normal((H, H)))
    return q * np.sign(np.diag(r))


def normalised_positive_definite(H: int, rng) -> np.ndarray:
    """np-RNN: W = (I + R R^T / H) / lambda_max(I + R R^T / H), R_ij ~ N(0, 1). Symmetric, eigenvalues in (0, 1]."""
    r = rng.standard_normal((H, H))
    a = np.eye(H) + r @ r.T / H
    return a / np.linalg.eigvalsh(a)[-1]


def recurrent_weight(scheme: str, hidden_size: int, rng=None, *, std: float | None = None) -> np.ndarray:
    """W_hh: (H, H) float64 for one of :data:`SCHEMES` (see the module docstring). ``rng``: a seed or Generator.

    ``std`` overrides the Gaussian std of the gRNN (default 1/sqrt(H)); any other scheme rejects it.
    """
    _check(scheme, hidden_size)
    if std is not None and scheme != "gRNN":
        raise ValueError(f"std applies to the gRNN scheme only; got std={std!r} with scheme {scheme!r}")
    H, rng = int(hidden_size), np.random.default_rng(rng)
    if scheme == "sRNN":
        bound = 1.0 / np.sqrt(H)
        return rng.uniform(-bound, bound, (H, H))
    if scheme == "IRNN":
        return np.eye(H)
    if scheme == "iRNN":
        return 0.01 * np.eye(H)
    if scheme == "nRNN":
        r = rng.standard_normal((H, H)) / np.sqrt(H)
        return r / np.max(np.abs(np.linalg.eigvals(r)))
    if scheme in ("np-RNN", "np-tanhRNN"):
        return normalised_positive_definite(H, rng)
    if scheme == "oRNN":
        return orthogonal(H, rng)
    return rng.standard_normal((H, H)) * (1.0 / np.sqrt(H) if std is None else std)


def initialise(model, scheme: str, rng=None) -> None:
    """Set every W_hh of a scratch RNN (``rnncourse.scratch.RNN``) by ``scheme``, in place, and zero its
    biases for every scheme but sRNN (Le et al. and Talathi & Vartak start from zero biases).

    The model's nonlinearity must be the scheme's (:data:`SCHEMES`); a mismatch raises ValueError.
    """
    check_module(model, scheme)
    rng = np.random.default_rng(rng)
    for name, value in model.params.items():
        if name.startswith("weight_hh"):
            value[...] = recurrent_weight(scheme, model.hidden_size, rng)
        elif name.startswith("bias") and scheme != "sRNN":
            value[...] = 0.0
