"""Every figure of the book has a numbered caption and real alt text.

Two views of the same rule:
- the chapter sources (fast, no build): every code cell that draws a figure (``plt.show()``) carries
  MyST-NB figure metadata, a ``mystnb.figure`` caption and name and a ``mystnb.image`` alt text, with one
  figure per cell (CONTRIBUTING.md, "Add a chapter"); a Markdown image or ``{figure}`` needs the same;
- the built book (``html_dir``): every image in a page's article sits in a ``<figure>`` whose caption
  carries its number ("Fig. 3.2") and whose ``alt`` is a sentence, not a file path.
Each test lists every offending figure, page by page, so one run shows all that is left to do.
"""
import re
from pathlib import Path

import jupytext
from bs4 import BeautifulSoup
from test_book import chapter_files

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["book/index", *chapter_files()]
DRAWS = re.compile(r"\bplt\.show\(\)|\.show\(\)\s*$", re.M)
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|^```\{(?:figure|image)\}|^:::\{(?:figure|image)\}", re.M)


def real_alt_text(alt) -> bool:
    """A sentence for a reader who cannot see the picture: words, not a file path or a file name."""
    alt = (alt or "").strip()
    # a path is a token with a separator ("_images/x.svg") or an image file name; "1/6" in a sentence is not
    looks_like_a_path = bool(re.search(r"[\w.-]+[\\/][\w.-]*[A-Za-z_]|\.(png|svg|jpe?g|gif|pdf)\b", alt, re.I))
    return len(alt.split()) >= 4 and not looks_like_a_path


def test_alt_text_rule_tells_a_sentence_from_a_path():
    assert real_alt_text("Loss against epoch for the three models; the LSTM ends lowest.")
    assert real_alt_text("The error stays at the dashed baseline of 1/6 until step 400.")
    for bad in ("", "../_images/abc123.png", "figure", "fig-rnn-unrolled", "_images/x.svg plot", "see ../_images/abc plot here", None):
        assert not real_alt_text(bad), bad


def source_problems(page: str, root: Path = ROOT) -> list[str]:
    """What is missing from the figures of one chapter source, one line per figure."""
    problems = []
    notebook = jupytext.read(root / f"{page}.md", fmt="myst")
    for number, cell in enumerate(notebook.cells, 1):
        if cell.cell_type == "markdown":
            for match in MARKDOWN_IMAGE.finditer(cell.source):
                problems.append(f"cell {number}: {match.group(0)!r} (draw it with a captioned code cell)")
            continue
        if cell.cell_type != "code":
            continue
        shows = len(DRAWS.findall(cell.source))
        figure = cell.metadata.get("mystnb", {}).get("figure") or {}
        image = cell.metadata.get("mystnb", {}).get("image") or {}
        if not shows and not figure:
            continue
        first = next((line for line in cell.source.splitlines() if line.strip()), "")[:60]
        missing = [what for what, ok in (("a caption (mystnb.figure.caption)", str(figure.get("caption", "")).strip()),
                                         ("a name (mystnb.figure.name)", figure.get("name")),
                                         ("alt text (mystnb.image.alt)", real_alt_text(image.get("alt"))))
                   if not ok]
        if shows > 1:
            missing.append(f"one figure per cell (it shows {shows})")
        if missing:
            problems.append(f"cell {number} ({first!r}): needs " + ", ".join(missing))
    return problems


def test_every_figure_in_the_chapter_sources_has_a_caption_name_and_alt_text():
    report = {page: problems for page in PAGES if (problems := source_problems(page))}
    total = sum(map(len, report.values()))
    assert not report, f"{total} figures lack a numbered caption or alt text:\n" + "\n".join(
        f"{page}.md:\n  " + "\n  ".join(problems) for page, problems in report.items())


def test_source_check_finds_an_uncaptioned_figure_and_accepts_a_captioned_one(tmp_path):
    header = "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n"
    good = ("```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: |\n      The loss falls.\n    name: fig-t-loss\n"
            "  image:\n    alt: The loss falls from 2 to 0.1 over 100 steps.\ntags: [hide-input]\n---\nplt.plot([1, 2])\nplt.show()\n```\n")
    bad = "```{code-cell} ipython3\nplt.plot([1, 2])\nplt.show()\n```\n"
    path_alt = good.replace("The loss falls from 2 to 0.1 over 100 steps.", "../_images/loss.png")
    two = good.replace("plt.show()\n", "plt.show()\nplt.plot([3])\nplt.show()\n")
    (tmp_path / "book").mkdir()
    for name, body in {"good": good, "bad": bad, "path_alt": path_alt, "two": two, "md": "![a plot](x.png)\n"}.items():
        (tmp_path / "book" / f"{name}.md").write_text(header + "# Title\n\n" + body)
    assert source_problems("book/good", tmp_path) == []
    assert "a caption" in source_problems("book/bad", tmp_path)[0] and "alt text" in source_problems("book/bad", tmp_path)[0]
    assert source_problems("book/path_alt", tmp_path) == ["cell 2 ('plt.plot([1, 2])'): needs alt text (mystnb.image.alt)"]
    assert "one figure per cell (it shows 2)" in source_problems("book/two", tmp_path)[0]
    assert "x.png" in source_problems("book/md", tmp_path)[0]


def built_problems(html: str) -> list[str]:
    """Every image in a built page's article without a numbered caption or without real alt text."""
    article = BeautifulSoup(html, "html.parser").select_one("article") or BeautifulSoup(html, "html.parser")
    problems = []
    for number, img in enumerate(article.find_all("img"), 1):
        figure = img.find_parent("figure")
        caption = figure.find("figcaption") if figure else None
        numbered = caption is not None and caption.select_one(".caption-number") is not None
        alt = img.get("alt")
        missing = [what for what, ok in (("a numbered caption", numbered), ("real alt text", real_alt_text(alt))) if not ok]
        if missing:
            problems.append(f"image {number} (alt text {(alt or '')[:60]!r}): needs " + " and ".join(missing))
    return problems


def test_built_page_check_tells_a_captioned_figure_from_a_bare_image():
    bare = '<article><div class="cell_output"><img alt="../_images/abc.png" src="../_images/abc.png"></div></article>'
    good = ('<article><figure id="fig-x"><img alt="Three curves; the LSTM ends lowest." src="../_images/a.png">'
            '<figcaption><p><span class="caption-number">Fig. 2.1 </span><span class="caption-text">Loss.</span></p>'
            '</figcaption></figure></article>')
    unnumbered = good.replace('<span class="caption-number">Fig. 2.1 </span>', "")
    assert built_problems(good) == []
    assert "a numbered caption and real alt text" in built_problems(bare)[0]
    assert "a numbered caption" in built_problems(unnumbered)[0]


def test_every_figure_in_the_built_book_has_a_numbered_caption_and_alt_text(html_dir):
    report = {page: problems for page in PAGES if (problems := built_problems((html_dir / f"{page}.html").read_text()))}
    total = sum(map(len, report.values()))
    assert not report, f"{total} figures in the built book lack a numbered caption or alt text:\n" + "\n".join(
        f"{page}.html:\n  " + "\n  ".join(problems) for page, problems in report.items())
