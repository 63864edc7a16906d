"""BLEU (Papineni et al. 2002): modified n-gram precision with a brevity penalty, corpus level.

For candidates c_k, each with a list of references R_k (token lists), and n = 1 .. N:

    p_n = sum_k sum_{g in ngrams_n(c_k)} min(count_{c_k}(g), max_{r in R_k} count_r(g))  /  sum_k |ngrams_n(c_k)|
    BP  = 1 if C > R else exp(1 - R / C)      C = sum_k |c_k|,  R = sum_k |the reference closest in length to c_k|
    BLEU-N = BP * exp( (1/N) sum_{n=1}^{N} log p_n )

(ties in "closest length" go to the shorter reference, and a candidate shorter than n counts 1 n-gram in
the denominator, as in nltk). Without smoothing, BLEU-N is 0 as soon
as some p_n is 0. ``tests/test_bleu.py`` checks this against ``nltk.translate.bleu_score.corpus_bleu``.
"""
from __future__ import annotations

import math
from collections import Counter


def ngrams(tokens, n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _check(references, candidates):
    if len(references) != len(candidates):
        raise ValueError(f"need one list of references per candidate; got {len(references)} and {len(candidates)}")
    if not candidates:
        raise ValueError("need at least one candidate")
    for k, refs in enumerate(references):
        if isinstance(refs, str) or not refs or any(isinstance(r, str) for r in refs):
            raise ValueError(f"references[{k}] must be a non-empty list of token lists; got {refs!r}")


def corpus_bleu(references, candidates, max_n: int = 4) -> float:
    """BLEU-``max_n`` of ``candidates`` (list of token lists) against ``references`` (list of lists of token
    lists), uniform weights 1/max_n, no smoothing."""
    if isinstance(max_n, bool) or not isinstance(max_n, int) or max_n < 1:
        raise ValueError(f"max_n must be a positive int; got {max_n!r}")
    _check(references, candidates)
    matched, total = [0] * max_n, [0] * max_n
    cand_len = ref_len = 0
    for refs, cand in zip(references, candidates):
        cand = list(cand)
        cand_len += len(cand)
        ref_len += min((len(r) for r in refs), key=lambda L: (abs(L - len(cand)), L))
        for n in range(1, max_n + 1):
            counts = ngrams(cand, n)
            best = Counter()
            for r in refs:
                best |= ngrams(list(r), n)                    # max count of each n-gram over the references
            matched[n - 1] += sum(min(c, best[g]) for g, c in counts.items())
            total[n - 1] += max(len(cand) - n + 1, 1)           # nltk counts at least 1
    if cand_len == 0 or min(matched) == 0:
        return 0.0
    log_p = sum(math.log(m / t) for m, t in zip(matched, total)) / max_n
    bp = 1.0 if cand_len > ref_len else math.exp(1 - ref_len / cand_len)
    return bp * math.exp(log_p)


def bleu_scores(references, candidates, max_n: int = 4) -> dict:
    """{"BLEU-1": ..., ..., "BLEU-max_n": ...} (each BLEU-n with uniform weights over 1..n)."""
    return {f"BLEU-{n}": corpus_bleu(references, candidates, n) for n in range(1, max_n + 1)}


def edit_distance(candidate, reference) -> int:
    """Levenshtein distance between two token sequences: the fewest insertions, deletions and substitutions
    that turn ``candidate`` into ``reference`` (each costs 1). A dropped word costs 1, however many words
    follow it, where a position-by-position comparison would count every later word as wrong."""
    if isinstance(candidate, str) or isinstance(reference, str):
        raise ValueError("edit_distance compares token lists; got a string (split it into tokens first)")
    candidate, reference = list(candidate), list(reference)
    previous = list(range(len(reference) + 1))        # distances from the empty prefix of candidate
    for i, c in enumerate(candidate, 1):
        current = [i]
        for j, r in enumerate(reference, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (c != r)))
        previous = current
    return previous[-1]


def word_error_rate(references, candidates) -> float:
    """Corpus word error rate: the summed :func:`edit_distance` of each candidate to its reference (one
    reference each, a token list) over the summed reference lengths."""
    if len(references) != len(candidates) or not candidates:
        raise ValueError(f"need one reference per candidate, at least one; got {len(references)} and {len(candidates)}")
    total = sum(len(r) for r in references)
    if total == 0:
        raise ValueError("the references hold no token")
    return sum(edit_distance(c, r) for r, c in zip(references, candidates)) / total
