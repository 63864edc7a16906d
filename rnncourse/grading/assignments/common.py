"""Input makers shared by assignments: seeded float64 arrays of the shapes a test names."""
from __future__ import annotations

import numpy as np

from ..spec import Test


def cell_params(rng, G: int, I: int, H: int, scale: float = 0.5) -> dict:
    return {"weight_ih": rng.standard_normal((G * H, I)) * scale, "weight_hh": rng.standard_normal((G * H, H)) * scale,
            "bias_ih": rng.standard_normal(G * H) * scale, "bias_hh": rng.standard_normal(G * H) * scale}


def shape_label(**sizes) -> str:
    return "(" + ", ".join(f"{k}={v}" for k, v in sizes.items()) + ")"


def tests_over_shapes(driver: str, make, reference, shapes, rtol: float = 1e-6) -> tuple:
    """One Test per (sizes, hidden) in ``shapes``, named "public (B=3, ...)" or "hidden (...)".

    make(*sizes) returns the seeded input maker; reference(inputs) returns the expected outputs.
    """
    return tuple(Test(f"{'hidden' if hidden else 'public'} {shape_label(**sizes)}", driver, make(*sizes.values()),
                      reference, hidden=hidden, rtol=rtol) for sizes, hidden in shapes)
