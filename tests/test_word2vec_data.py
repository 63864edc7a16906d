"""Loaders of gensim's shipped test data and the word vocabulary, checked against gensim's own readers."""
import numpy as np
import pytest
from gensim.corpora.wikicorpus import WikiCorpus
from gensim.models import Word2Vec

from rnncourse.data import WordVocab, analogy_questions, gensim_data, lee_background, wiki_sample, word_pairs


@pytest.fixture(scope="module")
def gensims_wiki():
    """The dump's articles as gensim's own reader (WikiCorpus) tokenises them: the reference."""
    corpus = WikiCorpus(gensim_data._path(gensim_data.WIKI_FILE), dictionary={}, processes=1)
    return tuple(tuple(a) for a in corpus.get_texts())


def test_wiki_sample_has_the_tokens_of_gensims_wikicorpus(gensims_wiki):
    ours = wiki_sample(max_sentence_length=None)       # parsed here or read from the user's cache
    assert [list(a) for a in gensims_wiki] == ours
    assert 440_000 < sum(map(len, ours)) < 460_000 and len(ours) == 106


@pytest.fixture
def fresh_wiki_cache(tmp_path, monkeypatch, gensims_wiki):
    """An empty cache folder, the in-memory copy dropped, and the parser counted (it returns the reference)."""
    parses = []

    def parse(dump):
        parses.append(dump)
        return gensims_wiki
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(gensim_data, "_parse_wiki", parse)
    gensim_data._wiki_articles.cache_clear()
    yield parses, tmp_path / "cache" / "rnncourse"
    gensim_data._wiki_articles.cache_clear()


def test_the_parsed_wiki_is_cached_on_disk_and_read_back_exactly(fresh_wiki_cache, gensims_wiki):
    parses, folder = fresh_wiki_cache
    assert gensim_data._wiki_articles() == gensims_wiki and len(parses) == 1
    [cached] = folder.iterdir()
    assert cached.name.startswith("wiki-tokens-") and not list(folder.glob("*.tmp"))
    gensim_data._wiki_articles.cache_clear()
    assert gensim_data._wiki_articles() == gensims_wiki and len(parses) == 1     # read, not parsed again


def test_without_a_home_folder_the_wiki_is_parsed_and_nothing_kept(fresh_wiki_cache, gensims_wiki, monkeypatch):
    parses, _ = fresh_wiki_cache
    monkeypatch.delenv("XDG_CACHE_HOME")

    def no_home(cls):
        raise RuntimeError("Could not determine home directory.")    # what pathlib says for a uid without one
    monkeypatch.setattr(gensim_data.Path, "home", classmethod(no_home))
    assert gensim_data._wiki_articles() == gensims_wiki and len(parses) == 1


@pytest.mark.parametrize("damage", ["truncated", "wrong count", "empty", "binary"])
def test_a_damaged_cache_is_parsed_afresh_and_rewritten(fresh_wiki_cache, gensims_wiki, damage):
    parses, folder = fresh_wiki_cache
    gensim_data._wiki_articles()
    [cached] = folder.iterdir()
    text = cached.read_text(encoding="utf-8")
    cached.write_bytes({"truncated": text[: len(text) // 2].encode(),
                        "wrong count": text.replace("#end 106", "#end 105").encode(),
                        "empty": b"",
                        "binary": b"\xff\xfe\x00" * 10}[damage])
    gensim_data._wiki_articles.cache_clear()
    assert gensim_data._wiki_articles() == gensims_wiki and len(parses) == 2
    assert cached.read_text(encoding="utf-8") == text                            # repaired


def test_an_unwritable_cache_folder_costs_only_time(fresh_wiki_cache, gensims_wiki, tmp_path, monkeypatch, recwarn):
    parses, _ = fresh_wiki_cache
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")      # mkdir fails, even for root
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert gensim_data._wiki_articles() == gensims_wiki
    gensim_data._wiki_articles.cache_clear()
    assert gensim_data._wiki_articles() == gensims_wiki and len(parses) == 2 and not recwarn.list


def test_wiki_sample_pieces_are_the_articles_cut_at_max_length():
    whole, pieces = wiki_sample(None), wiki_sample(1000)
    assert max(map(len, pieces)) == 1000
    assert sum(pieces, []) == sum(whole, [])
    assert len(pieces) == sum(-(-len(a) // 1000) for a in whole)
    assert wiki_sample() == wiki_sample(gensim_data.GENSIM_MAX_SENTENCE)


def test_lee_background_is_300_documents_of_lowercase_tokens():
    docs = lee_background()
    assert len(docs) == 300
    assert docs[0][:4] == ["hundreds", "of", "people", "have"]
    assert all(t == t.lower() for d in docs for t in d)


def test_word_pair_files():
    ws, sl = word_pairs("wordsim353"), word_pairs("simlex999")
    assert len(ws) == 353 and len(sl) == 999
    assert ("tiger", "cat", 7.35) in ws and ("smart", "intelligent", 9.2) in sl
    assert all(0 <= s <= 10 for _, _, s in ws + sl)


def test_analogy_questions_sections():
    q = analogy_questions()
    assert len(q) == 14 and sum(map(len, q.values())) == 19_544
    assert q["capital-common-countries"][0] == ("athens", "greece", "baghdad", "iraq")


def test_vocab_matches_gensims_vocabulary_and_counts():
    sents = lee_background()
    ours = WordVocab(sents, min_count=5)
    ref = Word2Vec(min_count=5)
    ref.build_vocab(sents)
    ref_counts = {w: ref.wv.get_vecattr(w, "count") for w in ref.wv.index_to_key}
    assert dict(zip(ours.words, ours.counts.tolist())) == ref_counts      # same words, same counts
    assert np.all(np.diff(ours.counts) <= 0)                                # most frequent first
    # gensim orders ties with an unstable argsort; ours keeps first appearance
    assert ours.words[:5] == list(ref.wv.index_to_key)[:5]


def test_vocab_encode_drops_rare_words_and_numbers_sentences():
    v = WordVocab([["a", "b", "a", "z"], ["b", "a"]], min_count=2)
    ids, sent = v.encode([["a", "z", "b"], ["q"], ["b"]])
    assert v.words == ["a", "b"] and ids.tolist() == [0, 1, 1] and sent.tolist() == [0, 0, 2]
    assert "a" in v and "z" not in v and len(v) == 2


@pytest.mark.parametrize("call,match", [
    (lambda: word_pairs("men"), r"one of \['simlex999', 'wordsim353'\]; got 'men'"),
    (lambda: wiki_sample(0), "max_sentence_length must be a positive integer or None; got 0"),
    (lambda: WordVocab([["a"]], min_count=0), "min_count must be a positive integer; got 0"),
    (lambda: WordVocab(["a b c"]), "list of token lists; got a list of strings"),
    (lambda: WordVocab([["a"]], min_count=2), "no word occurs at least min_count=2"),
    (lambda: WordVocab([["a"]], 1).encode(["a"]), "sentence 0 is a string"),
    (lambda: gensim_data._path("no-such-file.txt"), "expected the file 'no-such-file.txt'"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_failed_rename_leaves_no_temporary_file(fresh_wiki_cache, gensims_wiki):
    parses, folder = fresh_wiki_cache
    gensim_data._wiki_articles()
    [cached] = folder.iterdir()
    cached.unlink()
    cached.mkdir()                                  # the rename onto it fails (a folder is in the way)
    gensim_data._wiki_articles.cache_clear()
    assert gensim_data._wiki_articles() == gensims_wiki and len(parses) == 2
    assert [p.name for p in folder.iterdir()] == [cached.name] and cached.is_dir()
