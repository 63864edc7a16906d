"""Registry of assignments. Each module defines ASSIGNMENT (a spec.Assignment). Parent side only:
these modules import the reference implementations.

To add an assignment (e.g. 04-topic): write solutions/04-topic.ipynb (metadata rnncourse.assignment =
"04-topic"), add drivers for its functions in rnncourse/grading/drivers.py, add a module here with its
parts, tests, input makers and references, and register it in ASSIGNMENTS below.
"""
from __future__ import annotations

import importlib

ASSIGNMENTS = {"01-rnn-bptt": "rnn_bptt", "02-lstm-backward": "lstm_backward", "03-gru": "gru"}


def get(name: str):
    if name not in ASSIGNMENTS:
        raise KeyError(f"unknown assignment {name!r}; known: {', '.join(sorted(ASSIGNMENTS))}")
    return importlib.import_module(f"{__name__}.{ASSIGNMENTS[name]}").ASSIGNMENT
