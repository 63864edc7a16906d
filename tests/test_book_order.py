"""The chapters are in teaching order: no chapter points forward to a later chapter's label.

A reference (``{ref}`...` `` or ``{numref}`...` ``) from a numbered chapter to a label (a ``(label)=``
target, a figure's ``name:``, a ``:label:``) defined in a *later* numbered chapter of ``_toc.yml`` is
an error, unless it is marked as an explicit forward pointer (CONTRIBUTING.md, "Add a chapter"):

* the line that holds the reference also contains ``(ahead)``, or
* the paragraph that holds it is directly preceded by the MyST comment line ``% forward-ref`` (a
  comment is block-level in MyST, so it goes on its own line above the paragraph).

Pages outside the numbered part (preface, syllabus, notation, bibliography) may point anywhere, and
any chapter may point to them.
"""
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

LABEL_RE = re.compile(r"^\((?P<label>[A-Za-z0-9_:.-]+)\)=\s*$")
NAME_RE = re.compile(r"^\s*(?::name:|name:|:label:)\s*(?P<label>[A-Za-z0-9_:.-]+)\s*$")
REF_RE = re.compile(r"\{(?:ref|numref)\}`(?P<body>[^`]+)`")
FORWARD_MARK = "(ahead)"
FORWARD_COMMENT = "% forward-ref"


def numbered_chapters(toc_path):
    """The files of the numbered part(s) of a jb-book ``_toc.yml``, in reading order."""
    toc = yaml.safe_load(Path(toc_path).read_text())
    files = []
    for part in toc.get("parts", []):
        if not part.get("numbered"):
            continue
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
    return files


def _target(body):
    """``text <label>`` -> label; ``label`` -> label."""
    m = re.search(r"<([^<>]+)>\s*$", body)
    return (m.group(1) if m else body).strip()


def labels_and_refs(md_path):
    """(labels defined, [(line number, target, marked as forward pointer)]) of one MyST page."""
    lines = Path(md_path).read_text(encoding="utf-8").splitlines()
    labels, refs = set(), []
    paragraph_marked = False
    for i, line in enumerate(lines):
        if line.strip() == FORWARD_COMMENT:
            paragraph_marked = True
            continue
        if not line.strip():
            paragraph_marked = False
        m = LABEL_RE.match(line) or NAME_RE.match(line)
        if m:
            labels.add(m.group("label"))
        for r in REF_RE.finditer(line):
            marked = FORWARD_MARK in line or paragraph_marked
            refs.append((i + 1, _target(r.group("body")), marked))
    return labels, refs


def forward_references(chapter_files, root=ROOT):
    """Every unmarked reference from chapter k to a label first defined in a later chapter.

    chapter_files: paths relative to ``root`` without ``.md``, in reading order.
    Returns strings ``"book/x.md:LINE -> label (defined in chapter J: book/y)"``.
    """
    defined_in, refs_of = {}, {}
    for k, name in enumerate(chapter_files):
        labels, refs = labels_and_refs(Path(root) / f"{name}.md")
        for label in labels:
            defined_in.setdefault(label, k)
        refs_of[name] = refs
    problems = []
    for k, name in enumerate(chapter_files):
        for line, target, marked in refs_of[name]:
            j = defined_in.get(target)
            if j is not None and j > k and not marked:
                problems.append(f"{name}.md:{line} -> {target} "
                                f"(defined in chapter {j + 1}: {chapter_files[j]})")
    return problems


def test_toc_lists_existing_chapters():
    chapters = numbered_chapters(ROOT / "_toc.yml")
    assert len(chapters) >= 12
    for name in chapters:
        assert (ROOT / f"{name}.md").is_file(), name


def test_no_chapter_points_forward():
    problems = forward_references(numbered_chapters(ROOT / "_toc.yml"))
    assert not problems, ("a chapter refers to a later chapter's label without marking it as a "
                          "forward pointer (see tests/test_book_order.py):\n" + "\n".join(problems))


def test_bptt_comes_before_the_chapters_that_use_it():
    chapters = numbered_chapters(ROOT / "_toc.yml")
    first_four = ["book/feedforward-to-memory", "book/rnn-bptt", "book/tdnn-narx",
                  "book/dynamical-systems"]
    assert chapters[:4] == first_four


def test_the_check_can_fail(tmp_path):
    """The checker flags a forward reference and accepts both markers."""
    (tmp_path / "a.md").write_text(
        "(sec-a)=\n# A\nsee {ref}`sec-b`.\nsee {numref}`Figure %s <fig-b>` (ahead).\n\n"
        "% forward-ref\nA paragraph that\nsees {ref}`the b section <sec-b>`.\n\nbut not {ref}`sec-b`.\n")
    (tmp_path / "b.md").write_text("(sec-b)=\n# B\nback to {ref}`sec-a`.\n"
                                   "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n"
                                   "    name: fig-b\n---\n```\n")
    problems = forward_references(["a", "b"], root=tmp_path)
    assert problems == ["a.md:3 -> sec-b (defined in chapter 2: b)", "a.md:10 -> sec-b (defined in chapter 2: b)"]
    assert forward_references(["b", "a"], root=tmp_path) == ["b.md:3 -> sec-a (defined in chapter 2: a)"]


@pytest.mark.parametrize("name", ["book/syllabus", "book/notation"])
def test_reference_pages_are_not_numbered_chapters(name):
    assert name not in numbered_chapters(ROOT / "_toc.yml")


def test_the_old_history_first_order_would_fail():
    """The order before this check (TDNN/NARX and dynamical systems before the RNN and BPTT chapter) uses
    BPTT and teacher forcing before they are defined; the check must say so."""
    chapters = numbered_chapters(ROOT / "_toc.yml")
    old = ["book/feedforward-to-memory", "book/tdnn-narx", "book/dynamical-systems", "book/rnn-bptt"]
    problems = forward_references(old + chapters[4:])
    assert any("tdnn-narx.md" in p and "sec-teacher-forcing" in p for p in problems)
    assert any("dynamical-systems.md" in p and "sec-bptt" in p for p in problems)
