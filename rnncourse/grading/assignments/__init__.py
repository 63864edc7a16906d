"""Registry of assignments. Each module defines ASSIGNMENT (a spec.Assignment). Parent side only:
these modules import the reference implementations.

To add an assignment (e.g. topic): write solutions/topic.ipynb (metadata rnncourse.assignment =
"topic"), add drivers for its functions in rnncourse/grading/drivers.py, add a module here with its
parts, tests, input makers and references, and register it in ASSIGNMENTS below.
"""
from __future__ import annotations

import importlib

ASSIGNMENTS = {"rnn-bptt": "rnn_bptt", "lstm-backward": "lstm_backward", "gru": "gru", "training": "training",
               "char-lm": "char_lm", "deep-bidirectional-recursive": "deep_bidirectional_recursive",
               "seq2seq": "seq2seq", "narx": "narx", "word2vec": "word2vec",
               "captioning": "captioning"}


def get(name: str):
    if name not in ASSIGNMENTS:
        raise KeyError(f"unknown assignment {name!r}; known: {', '.join(sorted(ASSIGNMENTS))}")
    return importlib.import_module(f"{__name__}.{ASSIGNMENTS[name]}").ASSIGNMENT
