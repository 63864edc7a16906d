"""Seed study of book/images-and-signals.md: digit strips, forecasting the CO2 series, forecasting a nonlinear
plant, and EEG-style classification, one row per seed and setting; and the shipped scene captioners, evaluated.

    python benchmarks/experiments/signals_seeds.py [captioning|digits|forecasting|plant|eeg]

Settings in rnncourse.runs.signals; tests/test_claims_signals.py asserts what the chapter states.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import sys  # noqa: E402

import torch  # noqa: E402

from rnncourse.runs import signals as runs  # noqa: E402

torch.set_num_threads(1)
which = sys.argv[1:] or ["captioning", "digits", "forecasting", "plant", "eeg"]

if "captioning" in which:                  # the shipped captioners, evaluated (benchmarks/pretrained trains them)
    keys = ("exact_greedy", "exact_beam", "token_accuracy", "BLEU-1", "BLEU-4")
    print(f"{'shipped model':>24} " + " ".join(f"{k:>14}" for k in keys), flush=True)
    for name, setting in runs.SHIPPED_CAPTIONERS.items():
        model, _ = runs.load_captioner(name)
        metrics = runs.evaluate_captioner(model, runs.caption_data(setting)[1], setting.beam_width)["metrics"]
        print(f"{name:>24} " + " ".join(f"{metrics[k]:14.3f}" for k in keys), flush=True)

if "digits" in which:
    keys = ("exact_greedy", "exact_beam", "word_accuracy", "token_accuracy", "BLEU-1", "BLEU-3", "BLEU-4")
    print(f"{'digit strips':>14} {'seed':>4} " + " ".join(f"{k:>14}" for k in keys) + f" {'s':>5}", flush=True)
    data = runs.caption_data(runs.DIGITS_STUDY)
    for seed in runs.DIGITS_STUDY.seeds:
        r = runs.train_captioner(runs.DIGITS_STUDY, seed, data=data)
        print(f"{'':>14} {seed:4d} " + " ".join(f"{r.metrics[k]:14.3f}" for k in keys) + f" {r.seconds:5.1f}", flush=True)

if "forecasting" in which:
    names = ("seasonal naive", "seasonal naive + drift", "linear AR", "LSTM direct", "LSTM recursive")
    print(f"{'seed':>4} " + " ".join(f"{k:>22}" for k in names) + f" {'s':>5}", flush=True)
    for seed in runs.FORECAST_STUDY.seeds:
        r = runs.forecast_comparison(runs.FORECAST_STUDY, seed)
        print(f"{seed:4d} " + " ".join(f"{r.rmse[k]:22.3f}" for k in names) + f" {r.seconds:5.1f}", flush=True)

if "plant" in which:                        # Narendra & Parthasarathy's Example 2, 10 steps ahead (PLANT_STUDY)
    data = runs.plant_data(runs.PLANT_STUDY)
    names = ("persistence", "linear ARX", "LSTM")
    print(f"{'seed':>4} " + " ".join(f"{k:>12}" for k in names) + "  (RMSE, horizons 1-10)"
          + f" {'LSTM h=1':>9} {'LSTM h=10':>9} {'ARX h=1':>8} {'s':>5}", flush=True)
    for seed in runs.PLANT_STUDY.seeds:
        r = runs.plant_comparison(runs.PLANT_STUDY, seed, data)
        print(f"{seed:4d} " + " ".join(f"{r.rmse[k]:12.4f}" for k in names) + " " * 23
              + f" {r.by_horizon['LSTM'][0]:9.4f} {r.by_horizon['LSTM'][-1]:9.4f}"
              + f" {r.by_horizon['linear ARX'][0]:8.4f} {r.seconds:5.1f}", flush=True)

if "eeg" in which:
    data = runs.eeg_data(runs.EEG_STUDY)
    names = list(runs.EEG_MODELS)
    print(f"{'seed':>4} " + " ".join(f"{k:>24}" for k in names) + "  (test accuracy)", flush=True)
    for seed in runs.EEG_STUDY.seeds:
        r = runs.eeg_comparison(runs.EEG_STUDY, seed, data)
        print(f"{seed:4d} " + " ".join(f"{r['accuracy'][k]:24.3f}" for k in names), flush=True)
    print("parameters: " + ", ".join(f"{k} {v}" for k, v in r["parameters"].items()))
