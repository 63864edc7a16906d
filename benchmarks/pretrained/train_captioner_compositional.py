"""Train the shipped Show-and-Tell captioner 'captioner_compositional' (book/images-and-signals.md, sec-captioning).

    nice -n 5 python benchmarks/pretrained/train_captioner_compositional.py

Setting rnncourse.runs.signals.SHIPPED_CAPTIONERS["captioner_compositional"] (6,000 generated training scenes, 3,000 Adam
steps of 64, seed 0, one thread); writes rnncourse/pretrained/captioner_compositional.npz and .json through
rnncourse.runs.signals.ship_captioner. A few CPU-minutes.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402

from rnncourse.runs.signals import ship_captioner  # noqa: E402

torch.set_num_threads(1)
manifest = ship_captioner("captioner_compositional", "benchmarks/pretrained/train_captioner_compositional.py")
print(f"captioner_compositional: {manifest['cpu_seconds'] / 60:.1f} CPU-minutes; held-out metrics "
      + ", ".join(f"{k} {v:.3f}" for k, v in manifest["metrics"].items()))
