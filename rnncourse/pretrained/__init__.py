"""Trained weights shipped inside the package, with the provenance of each.

A chapter whose headline result needs more CPU than a page has (DESIGN.md, "Applications show the method
working") loads weights trained by a script in ``benchmarks/pretrained/`` and evaluates them live. Each
model NAME is two files in this folder:

- ``NAME.npz``: the library model's ``state_dict()`` (torch's keys, NumPy arrays);
- ``NAME.json``: its manifest, the fields of :data:`MANIFEST_FIELDS`: which script trained it, with which
  seed and settings, at which commit, how much CPU it took, the final metrics and the learning curve.

``make pretrained`` reruns every script; nothing is ever downloaded. The wheel carries the files.
"""
from __future__ import annotations

import json
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DIRECTORY = Path(__file__).resolve().parent

#: Every manifest carries these keys.
#: ``curve`` is a list of ``[step, value]`` pairs (the training script says which metric in ``curve_metric``).
MANIFEST_FIELDS = ("name", "script", "seed", "settings", "commit", "cpu_seconds", "wall_seconds", "metrics",
                   "curve_metric", "curve", "created", "versions")


@dataclass(frozen=True)
class Pretrained:
    """One shipped model: ``state_dict`` (key -> array) and ``manifest`` (see :data:`MANIFEST_FIELDS`)."""

    name: str
    state_dict: dict
    manifest: dict

    def provenance(self) -> str:
        """One paragraph for a page: what trained these weights, where, and what they scored then."""
        m = self.manifest
        metrics = ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in m["metrics"].items())
        return (f"Weights '{m['name']}': trained by {m['script']} (seed {m['seed']}) at commit {m['commit']}, "
                f"{m['cpu_seconds'] / 60:.1f} CPU-minutes on {m['versions'].get('machine', 'an unnamed machine')}, "
                f"{m['created']}. Final metrics when trained: {metrics}.")


def available() -> list[str]:
    """Names of the shipped models (those with both an .npz and a .json)."""
    return sorted(p.stem for p in DIRECTORY.glob("*.json") if p.with_suffix(".npz").exists())


def load(name: str) -> Pretrained:
    """The shipped model ``name``; a ValueError lists what is available when it is not."""
    npz, manifest = DIRECTORY / f"{name}.npz", DIRECTORY / f"{name}.json"
    if not (npz.exists() and manifest.exists()):
        raise ValueError(f"no pretrained model {name!r}; available: {available()} "
                         f"(`make pretrained` rebuilds them from benchmarks/pretrained/)")
    with np.load(npz, allow_pickle=False) as arrays:
        # weights stored in float16 (to fit the size budget) come back as float32, like every other model's
        state_dict = {k: arrays[k].astype(np.float32) if arrays[k].dtype == np.float16 else arrays[k]
                      for k in arrays.files}
    meta = json.loads(manifest.read_text())
    missing = [k for k in MANIFEST_FIELDS if k not in meta]
    if missing:
        raise ValueError(f"manifest {manifest.name} lacks {missing}")
    return Pretrained(name, state_dict, meta)


def git_commit(root: Path | None = None) -> str:
    """The commit the training script ran at (with '+dirty' if the tree had changes), or 'unknown'."""
    root = root or DIRECTORY.parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def versions() -> dict:
    """Library versions and the machine, recorded in every manifest."""
    import torch

    return {"python": platform.python_version(), "numpy": np.__version__, "torch": torch.__version__,
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip()}


def save(name: str, state_dict: dict, manifest: dict, directory: Path = DIRECTORY,
         float_dtype=np.float32) -> Path:
    """Write ``NAME.npz`` and ``NAME.json``; returns the .npz path.

    Floating arrays are stored as ``float_dtype``: float32, or float16 for a model that would not fit the
    2 MB budget otherwise (:func:`load` returns float16 arrays as float32; the manifest records the
    storage type, and the page evaluates the weights as loaded). Integer arrays are kept as they are.
    ``manifest`` must hold every key of :data:`MANIFEST_FIELDS` except ``name`` (filled in here)."""
    float_dtype = np.dtype(float_dtype)
    if float_dtype not in (np.dtype(np.float32), np.dtype(np.float16)):
        raise ValueError(f"float_dtype must be float32 or float16; got {float_dtype}")
    manifest = {"name": name, **manifest, "stored_as": float_dtype.name}
    missing = [k for k in MANIFEST_FIELDS if k not in manifest]
    if missing:
        raise ValueError(f"manifest for {name!r} lacks {missing}")
    arrays = {k: (np.asarray(v) if np.issubdtype(np.asarray(v).dtype, np.integer)
                  else np.asarray(v, float_dtype))
              for k, v in state_dict.items()}
    directory = Path(directory)                    # a str or any os.PathLike names a folder as well
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.npz"
    np.savez_compressed(path, **arrays)
    (directory / f"{name}.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return path
