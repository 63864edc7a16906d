"""Train the word LSTM that book/language-models.md loads (rnncourse/pretrained/word_lstm.npz).

Setting ``rnncourse.language_models.WORD_PRETRAINED`` (vocabulary of 10,000 training words, embedding
D = 48 tied to the read-out through a projection, H = 192, dropout 0.2, 600 steps of 32 x 35 words,
about one and a half passes over the wiki sample's training split), seed 0, one torch thread. It reads the training split
only; the validation split gives the learning curve; the chapter scores the test split.

    nice -n 5 python benchmarks/pretrained/train_word_lstm.py
"""
import datetime
import sys

import torch

from rnncourse import language_models as lm, pretrained

NAME, SEED = "word_lstm", 0


def main(name: str = NAME) -> None:
    torch.set_num_threads(1)
    commit = pretrained.git_commit()                     # the code this run starts from
    run, weights, fields = lm.train_pretrained(name, seed=SEED)
    manifest = {"script": f"benchmarks/pretrained/train_{name}.py", "commit": commit,
                "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "versions": pretrained.versions(), **fields}
    path = pretrained.save(name, weights, manifest)
    print(f"{path}: {fields['metrics']}, {fields['cpu_seconds'] / 60:.1f} CPU-minutes")


if __name__ == "__main__":
    main(*sys.argv[1:])
