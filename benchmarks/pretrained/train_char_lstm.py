"""Train the shipped character model 'char_lstm' (book/language-models.md, sec-lm-shipped).

    nice -n 5 python benchmarks/pretrained/train_char_lstm.py

Setting rnncourse.language_models.CHAR_SHIPPED (an embedding into two LSTM layers of 256 units with
dropout, 1,600 Adam steps of 64 x 100 characters of the wiki sample's training text, seed 0, one thread);
keeps the weights of the best validation bits and writes rnncourse/pretrained/char_lstm.npz (float16)
and .json through rnncourse.language_models.ship_char_lm. About 12 CPU-minutes on an idle machine.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402

from rnncourse.language_models import ship_char_lm  # noqa: E402

torch.set_num_threads(1)
manifest = ship_char_lm("benchmarks/pretrained/train_char_lstm.py")
print(f"char_lstm: {manifest['cpu_seconds'] / 60:.1f} CPU-minutes; "
      + ", ".join(f"{k} {v:.4g}" for k, v in manifest["metrics"].items()))
