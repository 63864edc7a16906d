"""The eight initialisations of deck C (see :mod:`rnncourse.scratch.init`) applied to torch modules.

``initialise_(rnn, scheme, rng)`` sets every ``weight_hh_l*`` of a ``torch.nn.RNN`` (or ``rnncourse.torch.RNN``)
to :func:`rnncourse.scratch.init.recurrent_weight` and zeros its biases for every scheme but sRNN. One
definition of each matrix serves both sides: an initialiser is data, not a computation to cross-check.
"""
from __future__ import annotations

import numpy as np
import torch

from ..scratch.init import check_module, recurrent_weight


def initialise_(rnn, scheme: str, rng=None) -> None:
    """In place. ``rnn.nonlinearity`` must be the scheme's (``rnncourse.scratch.SCHEMES``); a mismatch raises ValueError."""
    check_module(rnn, scheme)
    rng = np.random.default_rng(rng)
    with torch.no_grad():
        for name, p in rnn.named_parameters():
            if name.startswith("weight_hh"):
                p.copy_(torch.from_numpy(recurrent_weight(scheme, rnn.hidden_size, rng)))
            elif name.startswith("bias") and scheme != "sRNN":
                p.zero_()
