"""Train the shipped word LSTM 'word_lstm' (book/language-models.md, sec-lm-words).

    nice -n 5 python benchmarks/pretrained/train_word_lstm.py

Setting rnncourse.runs.language_models.WORD_LSTM (the 9,999 most frequent training words of the wiki sample and
<unk>; a tied embedding D = 64, an LSTM of H = 256, dropout 0.4, 3,600 Adam steps of 32 x 35 words, about
10 passes over the 406,478 training words), seed 0, one thread. It reads the training split only; the
whole validation split gives the learning curve; the page scores the test split. Writes
rnncourse/pretrained/word_lstm.npz (float16, under 2 MB) and word_lstm.json. The shipped run took 13.7
CPU-minutes (47 wall-minutes on a machine shared with other jobs); the manifest records both.
"""
import datetime
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402

from rnncourse import pretrained  # noqa: E402
from rnncourse.runs import language_models as lm  # noqa: E402

SEED = 0


def main() -> None:
    torch.set_num_threads(1)
    commit = pretrained.git_commit()                     # the code this run starts from
    run, fields = lm.train_word_lstm(lm.WORD_LSTM, seed=SEED)
    weights = {k: v.detach().numpy() for k, v in run.model.state_dict().items()}
    # the weights are stored in float16: score the validation split again as the page will load them
    rounded = {k: torch.from_numpy(v.astype(np.float16).astype(np.float32)) for k, v in weights.items()}
    run.model.load_state_dict(rounded)
    _, _, valid_ids, _ = lm.word_data("wiki")
    fields["metrics"]["valid_perplexity_float16"] = 2 ** lm.evaluate_bits(run.model, valid_ids)
    manifest = {"script": "benchmarks/pretrained/train_word_lstm.py", "commit": commit,
                "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "versions": pretrained.versions(), **fields}
    path = pretrained.save(lm.WORD_LSTM_NAME, weights, manifest, float_dtype=np.float16)
    m = fields["metrics"]
    print(f"{path} ({path.stat().st_size / 1e6:.2f} MB): validation perplexity {m['valid_perplexity']:.1f} "
          f"(<unk> {m['valid_unk_share']:.1%}; {m['valid_perplexity_float16']:.1f} after float16 rounding), "
          f"{fields['cpu_seconds'] / 60:.1f} CPU-minutes")


if __name__ == "__main__":
    main()
