"""word2vec (skip-gram and CBOW, negative sampling) on gensim's wiki sample: ours (NumPy, compiled, torch) vs gensim, in one process.

Same corpus (about 453k tokens, articles cut at 10,000 tokens, the longest sentence gensim reads whole) and
the same settings for all: vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, alpha 0.025 ->
0.0001, 5 epochs. gensim runs with workers=2. Each timing covers building the vocabulary and training.
Quality: Spearman rho on the WordSim353 pairs the vocabulary covers. The implementations alternate
within each repetition, so load from other processes hits all alike; we print each run and the ratios of
the median times to gensim's with the same model (lower is better), the same for CPU time (all threads of
the process: on a machine busy with other work it says more than the wall clock), and the mean and
standard deviation of rho over the repetitions (gensim's two threads are not deterministic, so one seed
says little).

    python benchmarks/bench_word2vec.py [--reps 1] [--epochs 5] [--batch-size 256] [--only numpy,gensim]
                                        [--torch-threads 1]

"numpy" is one thread (whatever BLAS threads NumPy's small matrix products use), "numpy-2threads" two
Hogwild threads like gensim's 2 workers, "torch" one thread of batches with --torch-threads intra-op
threads. The same names with "-cbow" train CBOW (gensim's cbow_mean=1) instead of skip-gram.
"compiled" is ``Word2Vec(engine="compiled")``: gensim's per-word SGD loops compiled with numba
(rnncourse/scratch/word2vec_compiled.py), two Hogwild threads like gensim's 2 workers. Its kernels are
compiled (or loaded from numba's cache) once before any timing, as gensim's Cython is compiled before it
is installed; the script prints that first-call time separately. Run with RNNCOURSE_NUMBA_CACHE=0 to
measure a compilation from scratch rather than a cache load.
"numpy-floor-cbow" is a floor, not a model: the NumPy trainer with every step reduced to the row gathers
(W_in[context], W_out[centre and noise words]) and the two repeated-row scatter-adds that any step of
ours has to make, adding zeros, with no arithmetic at all. Its time is what the NumPy formulation costs
before it computes anything; its rho is that of the untrained vectors.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from gensim.models import Word2Vec as GensimWord2Vec

from rnncourse.data import WordVocab, wiki_sample, word_pairs
from rnncourse.runs.word2vec import WIKI_MIN_COUNT, WIKI_SETTING
from rnncourse.scratch import similarity_rho, word2vec_compiled
from rnncourse.scratch.word2vec import Word2Vec as NumpyWord2Vec
from rnncourse.scratch.word2vec import scatter_add_rows
from rnncourse.torch.word2vec import Word2Vec as TorchWord2Vec

SETTINGS, MIN_COUNT = WIKI_SETTING, WIKI_MIN_COUNT


class FloorWord2Vec(NumpyWord2Vec):
    """The NumPy trainer's data movement only: each step gathers and scatter-adds the rows it would
    update (zeros), and computes nothing."""

    def _step(self, context, mask, centre, negatives, lr, cbow):
        targets = np.concatenate([centre[:, None], negatives], axis=1)        # (B, K+1)
        rows = context[mask]                                                   # (R,)
        X, Y = self.W_in[rows], self.W_out[targets.reshape(-1)]               # (R, D), (B (K+1), D)
        X.fill(0.0)
        Y.fill(0.0)
        scatter_add_rows(self.W_in, rows, X)
        scatter_add_rows(self.W_out, targets.reshape(-1), Y)
        return 0.0


def run_gensim(sentences, epochs, seed, sg=True):
    start, cpu = time.perf_counter(), time.process_time()
    m = GensimWord2Vec(sentences, sg=int(sg), min_count=MIN_COUNT, epochs=epochs, workers=2, seed=seed,
                       **SETTINGS)
    return time.perf_counter() - start, time.process_time() - cpu, m.wv.index_to_key, m.wv.vectors


def run_ours(cls, sentences, epochs, seed, batch_size, workers=1, sg=True, engine="numpy"):
    start, cpu = time.perf_counter(), time.process_time()
    vocab = WordVocab(sentences, MIN_COUNT)
    m = cls(vocab, sg=sg, seed=seed, batch_size=batch_size, workers=workers, engine=engine,
            **SETTINGS).train(sentences, epochs)
    return time.perf_counter() - start, time.process_time() - cpu, vocab.words, m.vectors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--only", default="gensim,numpy,numpy-2threads,torch")
    ap.add_argument("--torch-threads", type=int, default=1,
                    help="torch intra-op threads (default 1: on a busy 2-core machine 2 threads wait on each other)")
    args = ap.parse_args()
    torch.set_num_threads(args.torch_threads)
    sentences = wiki_sample()              # parsed once (about 2 s), outside every timing
    pairs = word_pairs("wordsim353")
    runners = {}
    for suffix, sg in (("", True), ("-cbow", False)):
        runners.update({
            "gensim" + suffix: lambda seed, sg=sg: run_gensim(sentences, args.epochs, seed, sg),
            "numpy" + suffix: lambda seed, sg=sg: run_ours(NumpyWord2Vec, sentences, args.epochs, seed,
                                                           args.batch_size, sg=sg),
            "numpy-2threads" + suffix: lambda seed, sg=sg: run_ours(NumpyWord2Vec, sentences, args.epochs, seed,
                                                                    args.batch_size, 2, sg=sg),
            "compiled" + suffix: lambda seed, sg=sg: run_ours(NumpyWord2Vec, sentences, args.epochs, seed,
                                                              args.batch_size, 2, sg=sg, engine="compiled"),
            "torch" + suffix: lambda seed, sg=sg: run_ours(TorchWord2Vec, sentences, args.epochs, seed,
                                                           args.batch_size, sg=sg)})
    runners["numpy-floor-cbow"] = lambda seed: run_ours(FloorWord2Vec, sentences, args.epochs, seed,
                                                        args.batch_size, sg=False)
    names = [n for n in args.only.split(",") if n]
    unknown = set(names) - set(runners)
    if unknown:
        ap.error(f"--only takes names from {sorted(runners)}; got {sorted(unknown)}")
    print(f"wiki sample: {sum(map(len, sentences))} tokens in {len(sentences)} sentences; "
          f"negative sampling, {args.epochs} epochs, batch of {args.batch_size} windows for ours; "
          f"torch threads {torch.get_num_threads()}")
    if any(n.startswith("compiled") for n in names):
        print(f"compiled kernels: first call {word2vec_compiled.warm_up():.2f} s (compilation, or a load from "
              f"numba's cache), before and outside every timing")
    times = {n: [] for n in names}
    cpus = {n: [] for n in names}
    rhos = {n: [] for n in names}
    for rep in range(args.reps):
        for name in names:
            seconds, cpu, words, vectors = runners[name](rep + 1)
            rho, used = similarity_rho(words, vectors, pairs)
            times[name].append(seconds)
            cpus[name].append(cpu)
            rhos[name].append(rho)
            print(f"rep {rep}: {name:19s} {seconds:6.1f} s ({cpu:5.1f} s CPU)   WordSim353 rho {rho:.3f} ({used} pairs)", flush=True)
    print("\n| implementation | median time | time / gensim (same model) | median CPU time | CPU / gensim | "
          "WordSim353 rho, mean ± sd |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in names:
        base = "gensim" + ("-cbow" if name.endswith("-cbow") else "")
        t, c = statistics.median(times[name]), statistics.median(cpus[name])
        ratio = t / statistics.median(times[base]) if base in times else float("nan")
        cpu_ratio = c / statistics.median(cpus[base]) if base in cpus else float("nan")
        sd = statistics.stdev(rhos[name]) if len(rhos[name]) > 1 else float("nan")
        print(f"| {name} | {t:.1f} s | {ratio:.2f}x | {c:.1f} s | {cpu_ratio:.2f}x | "
              f"{statistics.mean(rhos[name]):.3f} ± {sd:.3f} |")


if __name__ == "__main__":
    main()
