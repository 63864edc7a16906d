"""Input makers shared by assignments: seeded float64 arrays of the shapes a test names."""
from __future__ import annotations

import numpy as np


def cell_params(rng, G: int, I: int, H: int, scale: float = 0.5) -> dict:
    return {"weight_ih": rng.standard_normal((G * H, I)) * scale, "weight_hh": rng.standard_normal((G * H, H)) * scale,
            "bias_ih": rng.standard_normal(G * H) * scale, "bias_hh": rng.standard_normal(G * H) * scale}


def shape_label(**sizes) -> str:
    return "(" + ", ".join(f"{k}={v}" for k, v in sizes.items()) + ")"
