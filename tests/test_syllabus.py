"""The syllabus page maps every lecture topic to where the book teaches it, and lists every chapter.

An instructor replacing the lecture decks with this book relies on that page, so it must name each
chapter of the table of contents, and every row must say where its topic is taught (or "not yet").
The build (with -W) already fails on a reference to a label that does not exist.
"""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SYLLABUS = (ROOT / "book" / "syllabus.md").read_text(encoding="utf-8")


def numbered_chapters():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [entry["file"] for part in toc["parts"] if part.get("numbered") for entry in part["chapters"]]


def chapter_label(path: str) -> str:
    """The label of a chapter: the (label)= line right above its title."""
    text = (ROOT / f"{path}.md").read_text(encoding="utf-8")
    match = re.search(r"^\((chap-[\w-]+)\)=\s*\n#\s", text, re.M)
    assert match, f"{path}.md has no (chap-...)= label above its title"
    return match.group(1)


def test_every_chapter_is_on_the_syllabus_page():
    missing = [path for path in numbered_chapters() if f"`{chapter_label(path)}" not in SYLLABUS]
    assert not missing, f"chapters never referenced on book/syllabus.md: {missing}"


def test_every_topic_row_says_where_it_is_taught():
    rows = [line for line in SYLLABUS.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    topic_rows = [r for r in rows if r.count("|") == 4 and not r.startswith("| topic")]
    assert len(topic_rows) > 50
    for row in topic_rows:
        where = row.strip().strip("|").split("|")[-1].strip()
        assert "{ref}" in where or where.startswith("not yet"), f"row without a place: {row}"
