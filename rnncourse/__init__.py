"""rnncourse: the helper library behind the rnncourse book, exercises and grader."""
__version__ = "0.1.0"
