"""Real text and word-similarity sets that gensim's wheel ships in ``gensim/test/test_data`` (read offline).

Nothing is downloaded: gensim (the ``book``/``test`` extras of rnncourse) carries these files inside its
package. Each loader returns plain Python lists of lower-cased tokens, ready for
:class:`rnncourse.data.WordVocab`.

=====================  ==========================================================================
``wiki_sample()``      a shortened English Wikipedia dump: 106 articles, about 453k tokens
``wiki_slice(tokens)``  its first ``tokens`` tokens (the book's word2vec corpus: 200,000)
``lee_background()``   the Lee news corpus: 300 short documents, about 60k tokens
``word_pairs(name)``   ``"wordsim353"`` (Finkelstein et al. 2002) or ``"simlex999"`` (Hill et al. 2015):
                       (word1, word2, human score) triples
``analogy_questions``  Mikolov et al.'s (2013) 19,544 questions "a is to b as c is to d", by section
=====================  ==========================================================================
"""
from __future__ import annotations

import bz2
import contextlib
import functools
import hashlib
import os
import tempfile
from pathlib import Path

WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
LEE_FILE = "lee_background.cor"
PAIR_FILES = {"wordsim353": "wordsim353.tsv", "simlex999": "simlex999.txt"}
ANALOGY_FILE = "questions-words.txt"

# gensim's Word2Vec reads at most this many tokens of a sentence (it drops the rest silently).
GENSIM_MAX_SENTENCE = 10_000


def _gensim():
    try:
        import gensim
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            "this dataset is read from the test data inside the gensim wheel; install it with "
            "`pip install 'rnncourse[book]'` (or `pip install gensim`)") from err
    return gensim


def test_data_dir() -> str:
    """The folder ``gensim/test/test_data`` of the installed gensim; ValueError if it is missing."""
    path = os.path.join(os.path.dirname(_gensim().__file__), "test", "test_data")
    if not os.path.isdir(path):
        raise ValueError(f"expected gensim's shipped test data in {path}; the folder does not exist "
                         "(was gensim installed without its test data?)")
    return path


def _path(name: str) -> str:
    path = os.path.join(test_data_dir(), name)
    if not os.path.isfile(path):
        raise ValueError(f"expected the file {name!r} in gensim's test data ({test_data_dir()}); it is missing")
    return path


def _check_max_len(max_sentence_length):
    if max_sentence_length is not None and (not isinstance(max_sentence_length, int)
                                            or isinstance(max_sentence_length, bool)
                                            or max_sentence_length < 1):
        raise ValueError(f"max_sentence_length must be a positive integer or None; got {max_sentence_length!r}")


def _split(sentences, max_len):
    if max_len is None:
        return [list(s) for s in sentences]
    return [list(s[i:i + max_len]) for s in sentences for i in range(0, len(s), max_len)]


# Parsing the dump (gensim's markup filter) takes 3 to 5 s of CPU; every chapter, test process and notebook
# that reads it would pay that again. The parsed tokens are kept as plain text in the user's cache folder,
# named by the dump's SHA-256, gensim's version and this format's number, so a new dump or a new gensim
# parses afresh. Plain text, not pickle: a cache file is read as words and never executed.
_WIKI_CACHE_FORMAT = 1


def _wiki_cache_file(dump: str) -> Path:
    with open(dump, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "rnncourse" / f"wiki-tokens-{digest}-gensim{_gensim().__version__}-v{_WIKI_CACHE_FORMAT}.txt"


def _read_wiki_cache(path: Path) -> tuple | None:
    """The articles stored at ``path`` (one line each, tokens separated by spaces, then a last line
    ``#end <articles> <tokens>``), or None if the file is missing, unreadable or incomplete."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 2 or not lines[-1].startswith("#end "):
        return None
    articles = tuple(tuple(line.split(" ")) for line in lines[:-1])
    expected = lines[-1].split()[1:]
    if expected != [str(len(articles)), str(sum(map(len, articles)))] or not all(all(a) for a in articles):
        return None
    return articles


def _write_wiki_cache(path: Path, articles: tuple) -> None:
    """Store ``articles`` at ``path`` atomically (a temporary file, then a rename); if the folder cannot be
    written, store nothing and say nothing: the cache only saves time."""
    body = "\n".join(" ".join(a) for a in articles) + f"\n#end {len(articles)} {sum(map(len, articles))}"
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=path.name, suffix=".tmp") as fh:
            temporary = Path(fh.name)
            fh.write(body)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


def _parse_wiki(dump: str) -> tuple:
    from gensim.corpora import wikicorpus as wc

    articles = []
    with bz2.BZ2File(dump) as fh:
        for _title, text, _pageid in wc.extract_pages(fh):
            if text.lower().lstrip().startswith("#redirect"):
                continue
            tokens = wc.tokenize(wc.filter_wiki(text))   # lower-cased, 2..15 characters, no digits
            if tokens:
                articles.append(tuple(tokens))
    return tuple(articles)


@functools.lru_cache(maxsize=1)
def _wiki_articles() -> tuple:
    dump = _path(WIKI_FILE)
    try:
        cache = _wiki_cache_file(dump)
    except RuntimeError:             # no home folder to be found (say, a sandbox's user): parse, keep nothing
        return _parse_wiki(dump)
    articles = _read_wiki_cache(cache)
    if articles is None:
        articles = _parse_wiki(dump)
        _write_wiki_cache(cache, articles)
    return articles


def wiki_sample(max_sentence_length: int | None = GENSIM_MAX_SENTENCE) -> list[list[str]]:
    """The shortened English Wikipedia dump, one token list per article (redirects dropped).

    Wiki markup is stripped and text tokenised as gensim's ``WikiCorpus`` does (lower case, tokens of
    2 to 15 letters). Articles longer than ``max_sentence_length`` tokens are cut into consecutive pieces
    of at most that length (the default, 10,000, is the longest sentence gensim's Word2Vec reads whole);
    ``None`` keeps whole articles. Parsed once (3 to 5 s), then read from the user's cache folder
    (``$XDG_CACHE_HOME/rnncourse``, or ``~/.cache/rnncourse``) and kept in memory.
    """
    _check_max_len(max_sentence_length)
    return _split(_wiki_articles(), max_sentence_length)


# the book's word2vec corpus (the word2vec chapter, and the sentence features of the language-models chapter)
BOOK_SLICE_TOKENS = 200_000


def wiki_slice(tokens: int = BOOK_SLICE_TOKENS) -> list[list[str]]:
    """The first ``tokens`` tokens of :func:`wiki_sample`, in its sentences of at most 10,000 tokens."""
    if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens < 1:
        raise ValueError(f"tokens must be a positive int; got {tokens!r}")
    out, n = [], 0
    for s in wiki_sample():
        if n >= tokens:
            break
        out.append(s[: tokens - n])
        n += len(out[-1])
    return out


def lee_background() -> list[list[str]]:
    """The Lee background corpus: one token list per line (``gensim.utils.simple_preprocess``)."""
    from gensim.utils import simple_preprocess

    with open(_path(LEE_FILE), encoding="utf-8") as fh:
        return [simple_preprocess(line) for line in fh if line.strip()]


def word_pairs(name: str) -> list[tuple[str, str, float]]:
    """Human similarity judgements: ``[(word1, word2, score), ...]``, words lower-cased.

    name: ``"wordsim353"`` (353 pairs rated 0-10 for relatedness) or ``"simlex999"`` (999 pairs rated
    0-10 for similarity proper).
    """
    if name not in PAIR_FILES:
        raise ValueError(f"word_pairs expects one of {sorted(PAIR_FILES)}; got {name!r}")
    out = []
    with open(_path(PAIR_FILES[name]), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            a, b, score = line.rstrip("\n").split("\t")[:3]
            out.append((a.lower(), b.lower(), float(score)))
    return out


def analogy_questions() -> dict[str, list[tuple[str, str, str, str]]]:
    """Mikolov et al.'s analogy questions ``a : b :: c : d``, lower-cased, keyed by section name."""
    sections: dict[str, list] = {}
    current = None
    with open(_path(ANALOGY_FILE), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(":"):
                current = line[1:].strip()
                sections[current] = []
            elif line.strip():
                if current is None:
                    raise ValueError(f"{ANALOGY_FILE}: a question comes before any ': section' line")
                words = tuple(line.lower().split())
                if len(words) != 4:
                    raise ValueError(f"{ANALOGY_FILE}: expected 4 words per question; got {line.strip()!r}")
                sections[current].append(words)
    return sections
