"""Datasets for the course, generated in code or shipped with the package (nothing is ever downloaded)."""
from .text import CharVocab

__all__ = ["CharVocab"]
