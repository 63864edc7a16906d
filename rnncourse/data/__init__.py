"""Datasets for the course, generated in code or shipped with the package (nothing is ever downloaded)."""
from .gensim_data import analogy_questions, lee_background, wiki_sample, word_pairs
from .text import CharVocab
from .vocab import WordVocab

__all__ = ["CharVocab", "WordVocab", "wiki_sample", "lee_background", "word_pairs", "analogy_questions"]
