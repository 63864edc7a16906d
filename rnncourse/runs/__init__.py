"""What the chapters train: one module of named settings and runs per chapter, over one training loop.

This layer sits above the library (``scratch/``, ``torch/``, ``data/``, ...): a runs module may import the
library and :mod:`rnncourse.runs.loop`, never another chapter's runs module, and nothing in the library
imports ``rnncourse.runs`` (``tests/test_layering.py`` checks both). Import a chapter's module directly,
e.g. ``from rnncourse.runs.adding import GRU_PAGE, train_adding``.
"""
