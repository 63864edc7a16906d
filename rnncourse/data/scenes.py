"""Captioned images, generated offline: scenes of two coloured shapes, and strips of handwritten digits.

**Shape scenes** (:func:`shape_scenes`). Each scene is a (3, P, Q) RGB image (P = Q = 16) on a black
background holding two objects, each a colour (red, green, blue, yellow) and a shape (circle, square,
triangle), drawn with NumPy at a jittered position and size. The second object is either to the right of
the first or below it, and the caption says so, true by construction:

    "a red circle left of a blue square"        "a green triangle above a yellow circle"

4 colours x 3 shapes = 12 objects; two different objects in one of two relations give 12 * 11 * 2 = 264
possible captions, of which about 260 appear in 1,000 scenes. A *compositional split*
(:func:`compositional_split`) holds out some colour-shape pairs (e.g. "red triangle"): training scenes never
contain them, test scenes always contain one.

**Digit strips** (:func:`digit_strips`): ``n_digits`` of scikit-learn's 8 x 8 handwritten digits
(``sklearn.datasets.load_digits``, shipped inside the scikit-learn wheel: no download) side by side, a
(1, 8, 8 * n_digits) image captioned with the digit sequence ("3 1 4").

Captions are token-index arrays over a :class:`CaptionVocab` with ``<pad>`` = 0, ``<start>``, ``<end>``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COLOURS = {"red": (1.0, 0.1, 0.1), "green": (0.1, 0.9, 0.1), "blue": (0.2, 0.3, 1.0), "yellow": (1.0, 0.9, 0.1)}
SHAPES = ("circle", "square", "triangle")
RELATIONS = ("left of", "above")
SIZE = 16                       # scene height P and width Q
SPECIALS = ("<pad>", "<start>", "<end>")


class CaptionVocab:
    """Words <-> indices; index 0 is ``<pad>``, then ``<start>``, ``<end>``, then ``words`` in order."""

    def __init__(self, words):
        words = list(words)
        if len(set(words)) != len(words) or any(w in SPECIALS for w in words):
            raise ValueError(f"words must be distinct and not {SPECIALS}; got {words}")
        self.itos = list(SPECIALS) + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad, self.start, self.end = 0, 1, 2

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, captions, length: int | None = None) -> np.ndarray:
        """Captions (strings of space-separated words) -> int array (N, L + 2): <start> words <end> <pad>...

        L is the longest caption (or ``length - 2`` when given)."""
        split = [c.split() for c in captions]
        unknown = sorted({w for s in split for w in s if w not in self.stoi})
        if unknown:
            raise ValueError(f"captions contain words outside the vocabulary: {unknown}")
        width = max(len(s) for s in split) + 2 if length is None else int(length)
        if any(len(s) + 2 > width for s in split):
            raise ValueError(f"length={width} is too short for a caption of {max(len(s) for s in split)} words + 2")
        out = np.zeros((len(split), width), dtype=np.int64)
        for i, s in enumerate(split):
            out[i, :len(s) + 2] = [self.start, *(self.stoi[w] for w in s), self.end]
        return out

    def decode(self, tokens) -> str:
        """Token indices -> caption string, stopping at <end>, skipping <start> and <pad>."""
        words = []
        for t in np.asarray(tokens).tolist():
            if t == self.end:
                break
            if t not in (self.pad, self.start):
                words.append(self.itos[t])
        return " ".join(words)


SCENE_VOCAB = CaptionVocab(["a", *COLOURS, *SHAPES, "left", "of", "above"])
DIGIT_VOCAB = CaptionVocab([str(d) for d in range(10)])


@dataclass(frozen=True)
class CaptionData:
    """images (N, C, P, Q) float64 in [0, 1]; captions list of N strings; tokens (N, L) int64 (see
    :meth:`CaptionVocab.encode`); objects (N, 2) of (colour, shape) pairs (scenes only, else None)."""

    images: np.ndarray
    captions: list
    tokens: np.ndarray
    vocab: CaptionVocab
    objects: tuple | None = None

    def subset(self, index) -> CaptionData:
        index = np.asarray(index)
        objects = None if self.objects is None else tuple(self.objects[i] for i in index.tolist())
        return CaptionData(self.images[index], [self.captions[i] for i in index.tolist()], self.tokens[index],
                           self.vocab, objects)


def _mask(shape: str, size: int, rng) -> np.ndarray:
    """A boolean (size, size) mask of one shape."""
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    c = size / 2
    if shape == "circle":
        return (yy - c) ** 2 + (xx - c) ** 2 <= (size / 2) ** 2
    if shape == "square":
        m = np.zeros((size, size), bool)
        m[1:-1, 1:-1] = True
        return m
    return (yy >= 0.5) & (np.abs(xx - c) <= yy / 2)           # triangle, apex at the top


def _draw(image: np.ndarray, colour: str, shape: str, top: int, left: int, size: int, rng) -> None:
    rgb = np.array(COLOURS[colour]) * rng.uniform(0.8, 1.0)
    mask = _mask(shape, size, rng)
    image[:, top:top + size, left:left + size][:, mask] = rgb[:, None]


def _objects(forbidden, rng):
    allowed = [(c, s) for c in COLOURS for s in SHAPES if (c, s) not in forbidden]
    i, j = rng.choice(len(allowed), size=2, replace=False)
    return allowed[i], allowed[j]


def shape_scenes(n: int, seed: int = 0, exclude=(), require=()) -> CaptionData:
    """``n`` scenes of two objects with true captions (see the module docstring).

    ``exclude``: (colour, shape) pairs that never appear; ``require``: each scene contains at least one of
    these pairs (the other object is any other pair not excluded). Returns a :class:`CaptionData` with
    images (n, 3, 16, 16)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    pairs = {(c, s) for c in COLOURS for s in SHAPES}
    for name, given in (("exclude", exclude), ("require", require)):
        bad = [p for p in given if tuple(p) not in pairs]
        if bad:
            raise ValueError(f"{name} must hold (colour, shape) pairs from {sorted(COLOURS)} x {list(SHAPES)}; got {bad}")
    exclude, require = {tuple(p) for p in exclude}, [tuple(p) for p in require]
    if set(require) & exclude:
        raise ValueError(f"a pair cannot be both required and excluded: {sorted(set(require) & exclude)}")
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 3, SIZE, SIZE))
    captions, objects = [], []
    for k in range(n):
        if require:
            first = require[rng.integers(len(require))]
            second = _objects(exclude | {first}, rng)[0]
            a, b = (first, second) if rng.random() < 0.5 else (second, first)
        else:
            a, b = _objects(exclude, rng)
        relation = RELATIONS[rng.integers(2)]
        size_a, size_b = rng.integers(6, 8, size=2)
        half = SIZE // 2
        if relation == "left of":                      # a in the left half, b in the right half
            pos_a = (rng.integers(0, SIZE - size_a + 1), rng.integers(0, half - size_a + 1))
            pos_b = (rng.integers(0, SIZE - size_b + 1), half + rng.integers(0, half - size_b + 1))
        else:                                          # a in the top half, b in the bottom half
            pos_a = (rng.integers(0, half - size_a + 1), rng.integers(0, SIZE - size_a + 1))
            pos_b = (half + rng.integers(0, half - size_b + 1), rng.integers(0, SIZE - size_b + 1))
        _draw(images[k], *a, *pos_a, size_a, rng)
        _draw(images[k], *b, *pos_b, size_b, rng)
        captions.append(f"a {a[0]} {a[1]} {relation} a {b[0]} {b[1]}")
        objects.append((a, b))
    tokens = SCENE_VOCAB.encode(captions, length=10)
    return CaptionData(images, captions, tokens, SCENE_VOCAB, tuple(objects))


def compositional_split(n_train: int, n_test: int, held_out, seed: int = 0) -> tuple[CaptionData, CaptionData]:
    """(train, test): training scenes never contain the ``held_out`` (colour, shape) pairs; every test
    scene contains at least one of them (each of its words was seen in training, never together)."""
    if not held_out:
        raise ValueError("held_out must name at least one (colour, shape) pair")
    train = shape_scenes(n_train, seed=seed, exclude=held_out)
    test = shape_scenes(n_test, seed=seed + 10_000, require=held_out)
    return train, test


def _load_digits():
    try:
        from sklearn.datasets import load_digits
    except ModuleNotFoundError:
        raise ValueError("digit strips read scikit-learn's shipped digits; install scikit-learn "
                         "(pip install scikit-learn, or rnncourse's [book] extra)") from None
    digits = load_digits()
    return digits.images / 16.0, digits.target


def digit_strips(n: int, n_digits: int = 3, seed: int = 0, part: str = "train") -> CaptionData:
    """``n`` strips of ``n_digits`` handwritten digits side by side, images (n, 1, 8, 8 * n_digits).

    The 1,797 digit images are split once (fixed permutation) into ``part`` "train" (the first 1,400) and
    "test" (the rest), so test strips are made of digit images never seen in training."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    if isinstance(n_digits, bool) or not isinstance(n_digits, (int, np.integer)) or not 1 <= n_digits <= 8:
        raise ValueError(f"n_digits must be an int from 1 to 8; got {n_digits!r}")
    if part not in ("train", "test"):
        raise ValueError(f"part must be 'train' or 'test'; got {part!r}")
    images, labels = _load_digits()
    order = np.random.default_rng(12345).permutation(len(labels))
    pool = order[:1400] if part == "train" else order[1400:]
    rng = np.random.default_rng(seed)
    picks = rng.choice(pool, size=(n, n_digits))
    strips = np.concatenate([images[picks[:, j]] for j in range(n_digits)], axis=2)[:, None]
    captions = [" ".join(str(d) for d in labels[row]) for row in picks]
    return CaptionData(strips, captions, DIGIT_VOCAB.encode(captions, length=n_digits + 2), DIGIT_VOCAB)
