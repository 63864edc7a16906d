"""Source lint for the book's math: catch TeX that typesets without error but silently loses content.

A `[` right after `\\begin{aligned}` (or any environment) is read as the environment's optional
placement argument, and a `[` right after a line break `\\\\` as its optional spacing argument: MathJax
swallows everything up to the next `]`, so a line such as `[a_i, a_f] &= ...` shows as "= ...". The
browser test only checks that math typesets, not that it is complete, so this is checked in the source.
"""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.md"))

# $$ ... $$ display math, ```{math} fences, and $...$ inline math (not $$).
DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
FENCE = re.compile(r"```\{math\}.*?\n(.*?)```", re.S)
INLINE = re.compile(r"(?<![\$\\])\$(?!\$)([^\$\n]+?)(?<!\\)\$")
BRACKET_AFTER = re.compile(r"(\\begin\{[^}]*\}|\\\\)\s*\[")


def math_blocks(text: str):
    """Every math source in a MyST page: display, fenced and inline."""
    blocks = DISPLAY.findall(text) + FENCE.findall(text)
    rest = FENCE.sub("", DISPLAY.sub("", text))
    return blocks + INLINE.findall(rest)


def swallowed_brackets(text: str):
    """The places where a `[` would be taken as an optional argument of `\\begin{...}` or `\\\\`."""
    return [m.group(0).strip() for block in math_blocks(text) for m in BRACKET_AFTER.finditer(block)]


def test_lint_flags_the_known_failure_and_passes_its_fix():
    bad = "$$\n\\begin{aligned}\n[a_i, a_f] &= x W^\\top\\\\\n[b] &= 1\n\\end{aligned}\n$$"
    assert len(swallowed_brackets(bad)) == 2
    assert swallowed_brackets("$\\begin{bmatrix}[x]\\end{bmatrix}$") != []
    good = "$$\n\\begin{aligned}\n\\big[a_i, a_f\\big] &= x W^\\top\\\\\n{[b]} &= 1\n\\end{aligned}\n$$"
    assert swallowed_brackets(good) == []
    assert swallowed_brackets("text [a] and $x^2$ [b]") == []


def test_every_page_has_math_to_check():
    with_math = [p.name for p in CHAPTERS if math_blocks(p.read_text(encoding="utf-8"))]
    assert {"rnn-bptt.md", "lstm.md", "gru.md", "notation.md"} <= set(with_math)


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.name)
def test_no_bracket_right_after_begin_or_line_break(page):
    found = swallowed_brackets(page.read_text(encoding="utf-8"))
    assert not found, (f"{page.name}: '[' right after \\begin{{...}} or \\\\ is read as an optional argument "
                       f"and vanishes from the page; write {{[}} or \\big[ instead: {found}")
