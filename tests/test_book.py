"""The built book: it builds with every chapter executed, loads nothing from the internet, and a real
browser shows typeset math and loaded figures.

The book is built once per test run (the ``html_dir`` fixture in conftest.py) into a temporary directory (the execution cache in
_build/.jupyter_cache is shared with `make book`, so unchanged chapters are not re-executed).
"""
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
# Debian's `chromium`; CHROMIUM=/path/to/chrome picks another (the GitHub workflow uses the runner's Chrome).
CHROMIUM = shutil.which(os.environ.get("CHROMIUM") or "chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "headless Chromium is needed: apt-get install chromium (`make test` does it when it can), or set CHROMIUM"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--virtual-time-budget=15000"]


def chapter_files(numbered_only: bool = False):
    """Files listed in _toc.yml, in order; with ``numbered_only``, just the chapters (numbered parts)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [entry["file"] for part in toc["parts"] if part.get("numbered") or not numbered_only
            for entry in part["chapters"]]


def test_every_toc_page_is_built(html_dir):
    pages = chapter_files()
    assert len(pages) >= 4
    for page in pages:
        assert (html_dir / f"{page}.html").is_file(), page


# What a page *loads* (as opposed to links a reader may click).
LOADING_ATTRIBUTES = [("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
                      ("audio", "src"), ("embed", "src"), ("object", "data"), ("input", "src")]
LOADING_LINK_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut", "prefetch", "manifest"}


def loaded_urls(html: str):
    soup = BeautifulSoup(html, "html.parser")
    for tag, attr in LOADING_ATTRIBUTES:
        for el in soup.find_all(tag):
            if el.get(attr):
                yield f"<{tag} {attr}>", el[attr]
    for el in soup.find_all("link"):
        rels = {r.lower() for r in (el.get("rel") or [])}
        if rels & LOADING_LINK_RELS and el.get("href"):
            yield f"<link rel={'/'.join(sorted(rels))}>", el["href"]
    for style in soup.find_all("style"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", style.get_text()):
            yield "<style> url()", url


def is_external(url: str) -> bool:
    return bool(re.match(r"^\s*(https?:)?//", url, re.I))


def test_no_page_loads_anything_from_the_internet(html_dir):
    offenders = []
    pages = sorted(html_dir.rglob("*.html"))
    assert pages
    for page in pages:
        for where, url in loaded_urls(page.read_text(errors="replace")):
            if is_external(url):
                offenders.append(f"{page.relative_to(html_dir)}: {where} {url}")
    for css in html_dir.rglob("*.css"):
        text = css.read_text(errors="replace")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text):
            if is_external(url):
                offenders.append(f"{css.relative_to(html_dir)}: css {url}")
    assert not offenders, "external resources loaded:\n" + "\n".join(offenders)


def test_external_url_detector_catches_what_it_must():
    # The check above is only as good as this detector; feed it a page with known offenders.
    page = ('<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.example/f.css">'
            '<img src="../_images/a.png"><a href="https://doi.org/10.1/x">a link a reader may click</a>'
            '<style>body{background:url("http://example.org/bg.png")}</style>')
    external = [u for _, u in loaded_urls(page) if is_external(u)]
    assert sorted(external) == sorted(["https://cdn.example/x.js", "//fonts.example/f.css", "http://example.org/bg.png"])


def test_mathjax_is_served_from_the_build(html_dir):
    assert (html_dir / "mathjax" / "tex-chtml.js").is_file()
    html = (html_dir / "book" / "rnn-bptt.html").read_text()
    assert re.search(r'<script[^>]+src="[^"]*mathjax/tex-chtml\.js', html)


REPORT_SCRIPT = """<script>
window.addEventListener('load', function () {
  setTimeout(function () {
    var imgs = Array.prototype.slice.call(document.images);
    var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
    document.body.setAttribute('data-images', ok + '/' + imgs.length);
  }, 3000);
});
</script>"""


@pytest.mark.browser
@pytest.mark.parametrize("page", [p.split("/")[-1] for p in chapter_files(numbered_only=True)])
def test_browser_typesets_math_and_loads_figures(html_dir, page):
    assert CHROMIUM is not None, NO_CHROMIUM
    source = html_dir / "book" / f"{page}.html"
    probe = source.with_name(f"{page}.probe.html")          # same folder, so relative paths resolve
    probe.write_text(source.read_text().replace("</body>", REPORT_SCRIPT + "</body>"))
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", probe.as_uri()],
                              capture_output=True, text=True, timeout=120)
    dom = proc.stdout
    assert "<body" in dom, f"chromium printed no DOM: {proc.stderr[-2000:]}"
    soup = BeautifulSoup(dom, "html.parser")
    n_math = len(soup.find_all("mjx-container"))
    n_source_math = len(BeautifulSoup(source.read_text(), "html.parser").select(".math"))
    assert n_math >= n_source_math > 5, f"MathJax typeset {n_math} of {n_source_math} math elements"
    text = soup.get_text()
    assert "$$" not in text and "\\begin{" not in text, "raw TeX left on the page"
    report = soup.body.get("data-images")
    assert report is not None, "the image probe did not run"
    ok, total = map(int, report.split("/"))
    assert total >= 1 and ok == total, f"only {ok} of {total} images loaded"
