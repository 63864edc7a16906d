"""The built site as a reader meets it online: downloads on every page, links that work from any base
URL, the offline search, and previous/next links in the order of the table of contents.

The book is built once per test run (the ``html_dir`` fixture of conftest.py, sharing the execution
cache). The browser tests serve it with Python's http.server under a sub-path, /course/rnn/, as GitHub
Pages serves a project site, record every request the server receives, and load pages in headless
Chromium: a link written relative to the server's root would show as a request outside the sub-path.
Launching Chromium costs about a second of CPU, so the probes that look at every page load the whole book in
one run each, as iframes of a harness page (``under_sub_paths``, ``widths``), not one run per page.
"""
import functools
import http.server
import json
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

import jupytext
import nbformat
import pytest
from bs4 import BeautifulSoup
from test_book import CHROMIUM, CHROMIUM_FLAGS, NO_CHROMIUM, chapter_files

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["book/index", *chapter_files()]                     # every page, in the order of _toc.yml
CHAPTERS = chapter_files(numbered_only=True)
EXERCISES = sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb"))
SUB_PATH = "/course/rnn/"

pytestmark = pytest.mark.slow


def soup(html_dir, page):
    return BeautifulSoup((html_dir / f"{page}.html").read_text(), "html.parser")


def target(html_dir, page, href) -> Path:
    """The file a relative link on ``page`` points to."""
    return (html_dir / page).parent.joinpath(unquote(urlsplit(href).path)).resolve()


def links(html_dir, page, pattern, selector="a[href]"):
    return [a["href"] for a in soup(html_dir, page).select(selector) if re.search(pattern, a["href"])]


SOURCE_BUTTON, NOTEBOOK_BUTTON = "a.btn-download-source-button", "a.btn-download-notebook-button"   # the download menu


# ---- downloads ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_every_page_offers_its_source(html_dir, page):
    hrefs = links(html_dir, page, rf"_sources/{re.escape(page)}\.md$", SOURCE_BUTTON)
    assert hrefs, f"{page}'s download menu does not offer its .md source"
    assert target(html_dir, page, hrefs[0]).read_bytes() == (ROOT / f"{page}.md").read_bytes()


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chapter_offers_its_executed_notebook(html_dir, page):
    folder, _, stem = page.rpartition("/")      # chapter-NN-<page>.ipynb: never an exercise's file name
    hrefs = links(html_dir, page, rf"_sources/{re.escape(folder)}/chapter-\d\d-{re.escape(stem)}\.ipynb$", NOTEBOOK_BUTTON)
    assert hrefs, f"{page}'s download menu does not offer its .ipynb as chapter-NN-{stem}.ipynb"
    assert hrefs[0].rpartition("/")[2] not in EXERCISES
    nb = nbformat.read(target(html_dir, page, hrefs[0]), as_version=4)
    nbformat.validate(nb)
    source = jupytext.read(ROOT / f"{page}.md")               # the chapter, read independently of the build
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in code] == [c.source for c in source.cells if c.cell_type == "code"]
    assert all(isinstance(c.execution_count, int) for c in code), "the notebook was not executed"
    assert sum(len(c.outputs) for c in code) >= 1, "the notebook carries no outputs"
    # the .md source opens as a notebook too (jupytext), and is the same notebook
    md = jupytext.read(target(html_dir, page, links(html_dir, page, rf"_sources/{re.escape(page)}\.md$", SOURCE_BUTTON)[0]))
    nbformat.validate(md)
    assert [c.source for c in md.cells if c.cell_type == "code"] == [c.source for c in code]


def test_every_exercise_is_downloadable_from_a_chapter(html_dir):
    linked = {}
    for page in CHAPTERS:
        for href in links(html_dir, page, r"_downloads/.*\.ipynb$"):
            path = target(html_dir, page, href)
            nbformat.validate(nbformat.read(path, as_version=4))
            assert path.name in EXERCISES, f"{page} links {path.name}, which is not in exercises/"
            assert path.read_bytes() == (ROOT / "exercises" / path.name).read_bytes(), f"{page}: stale {path.name}"
            linked.setdefault(path.name, set()).add(page)
    assert sorted(linked) == EXERCISES, f"exercises no chapter links: {sorted(set(EXERCISES) - set(linked))}"


# ---- navigation ---------------------------------------------------------------------------------------

def test_every_page_links_previous_and_next_in_toc_order(html_dir):
    for i, page in enumerate(PAGES):
        s = soup(html_dir, page)
        prev, nxt = s.select_one("a.left-prev"), s.select_one("a.right-next")
        if page in CHAPTERS:
            assert prev is not None and nxt is not None, f"{page} lacks previous/next links"
        if i > 0:
            assert target(html_dir, page, prev["href"]) == (html_dir / f"{PAGES[i - 1]}.html").resolve(), page
        if i < len(PAGES) - 1:
            assert target(html_dir, page, nxt["href"]) == (html_dir / f"{PAGES[i + 1]}.html").resolve(), page


# ---- any base URL -------------------------------------------------------------------------------------

URL_ATTRIBUTES = ("href", "src", "data", "action", "poster", "srcset", "data-content_root")


def root_relative(value: str) -> bool:
    return value.startswith("/") and not value.startswith("//")


def root_relative_links(html: str):
    """Every URL in a page's attributes or refresh that starts at the server root ("/x", not "//host/x")."""
    s = BeautifulSoup(html, "html.parser")
    for el in s.find_all(True):
        for attr in URL_ATTRIBUTES:
            if el.get(attr):
                for value in (v.strip().split(" ")[0] for v in str(el[attr]).split(",")):
                    if root_relative(value):
                        yield f"<{el.name} {attr}={value}>"
    for meta in s.find_all("meta", attrs={"http-equiv": re.compile("refresh", re.I)}):
        url = meta.get("content", "").partition("url=")[2]
        if root_relative(url):
            yield f"refresh to {url}"


def test_root_relative_detector_catches_what_it_must():
    page = ('<a href="/book/x.html">a</a><img src="../_images/a.png"><link rel="stylesheet" href="//cdn.example/x.css">'
            '<img srcset="a.png 1x, /b.png 2x"><html data-content_root="/"><meta http-equiv="refresh" content="0; url=/">'
            '<script src="_static/x.js"></script>')
    assert sorted(root_relative_links(page)) == sorted(["<a href=/book/x.html>", "<img srcset=/b.png>",
                                                        "<html data-content_root=/>", "refresh to /"])


def test_no_link_is_written_relative_to_the_server_root(html_dir):
    offenders = []
    for page in sorted(html_dir.rglob("*.html")):
        offenders += [f"{page.relative_to(html_dir)}: {o}" for o in root_relative_links(page.read_text(errors="replace"))]
    for css in html_dir.rglob("*.css"):
        offenders += [f"{css.relative_to(html_dir)}: url({u})" for u in
                      re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(errors="replace")) if root_relative(u)]
    assert not offenders, "links that break under a sub-path:\n" + "\n".join(offenders)


class Request(NamedTuple):
    path: str
    code: int
    referer: str | None        # the page (or stylesheet) whose link the browser followed, as Chromium sends it


class _RecordingHandler(http.server.SimpleHTTPRequestHandler):
    def log_request(self, code="-", size="-"):
        self.server.requests.append((self.path, int(code)))
        self.server.log.append(Request(self.path, int(code), self.headers.get("Referer")))

    def log_message(self, *args):
        pass


HARNESS = "/harness/"            # the probes' own pages (one Chromium run each), beside the site, never in it


def frame_sub_path(i: int) -> str:
    """Where the i-th page of PAGES is served again for the sub-path probe: a sub-path of its own."""
    return f"/frame-{i:02d}{SUB_PATH}"


@pytest.fixture(scope="module")
def server(html_dir, tmp_path_factory):
    """http.server on 127.0.0.1 serving a folder that holds the site at /course/rnn/ (SUB_PATH), again at
    /frame-NN/course/rnn/ for each page (``frame_sub_path``: what one page's frame asks for carries its NN, see
    ``credit``), and the probes' harness pages at /harness/, written there rather than into the built book.
    Shared by the module's browser tests; its attributes: ``origin`` (http://127.0.0.1:port), ``root`` (the
    folder), ``requests`` ((path, status) of every request) and ``log`` (the same as ``Request``s, with Referer)."""
    root = tmp_path_factory.mktemp("www")
    for sub_path in [SUB_PATH, *(frame_sub_path(i) for i in range(len(PAGES)))]:
        (root / sub_path.strip("/")).parent.mkdir(parents=True)
        (root / sub_path.strip("/")).symlink_to(html_dir, target_is_directory=True)
    (root / HARNESS.strip("/")).mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_RecordingHandler, directory=str(root)))
    server.requests, server.log, server.root = [], [], root
    server.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def served(server):
    """(the site's base URL, under /course/rnn/; the server's live request log of (path, status))."""
    return f"{server.origin}{SUB_PATH}", server.requests


def chromium(url: str, *flags: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """One headless Chromium run with a fresh profile that prints ``url``'s DOM once its virtual time is spent."""
    assert CHROMIUM is not None, NO_CHROMIUM
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, *flags, f"--user-data-dir={profile}", "--dump-dom", url],
                              capture_output=True, text=True, timeout=timeout)


def dom(url: str) -> BeautifulSoup:
    proc = chromium(url)
    assert "<body" in proc.stdout, f"chromium printed no DOM for {url}: {proc.stderr[-2000:]}"
    return BeautifulSoup(proc.stdout, "html.parser")


def harness_report(server, name: str, frames: str, script: str, attribute: str, *flags: str) -> tuple[dict, str]:
    """Write a harness page of ``frames`` and ``script`` to /harness/``name``, load it in ONE Chromium run and
    return (the JSON its script left in the body's ``attribute``, or {} if it left none; Chromium's stderr)."""
    (server.root / HARNESS.strip("/") / name).write_text(HARNESS_PAGE % {"frames": frames, "settle": SETTLE, "script": script})
    proc = chromium(f"{server.origin}{HARNESS}{name}", *flags, timeout=600)
    body = BeautifulSoup(proc.stdout, "html.parser").body
    return (json.loads(body[attribute]) if body is not None and body.get(attribute) else {}), proc.stderr[-2000:]


# A harness: the frames, then a script that runs once every frame has loaded (the window's load event).
HARNESS_PAGE = """<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>
<body style="margin:0">
%(frames)s
<script>
%(settle)s
%(script)s
</script></body></html>"""

# settle(win) resolves once a frame's MathJax has typeset the page (and half a second more for its layout),
# or, on a page without MathJax, once it has loaded and three seconds have passed.
SETTLE = """function settle(win) {
  return new Promise(function (done) {
    var waited = 0;
    (function poll() {
      var mj = win.MathJax;
      if (mj && mj.startup && mj.startup.promise) { mj.startup.promise.then(function () { setTimeout(done, 500); }); }
      else if (win.document.readyState === 'complete' && waited > 3000) { done(); }
      else { waited += 100; setTimeout(poll, 100); }
    })();
  });
}"""

# Each page's frame reports, once settled, its first <h1> as rendered and how many mjx-container MathJax made.
SUB_PATH_SCRIPT = """window.addEventListener('load', function () {
  var report = {};
  document.querySelectorAll('iframe').forEach(function (f) {
    Promise.resolve().then(function () { return settle(f.contentWindow); }).then(function () {
      var doc = f.contentDocument, h1 = doc.querySelector('h1');
      return {h1: h1 ? h1.outerHTML : null, mjx: doc.querySelectorAll('mjx-container').length};
    }).catch(function (err) { return {error: String(err)}; }).then(function (r) {
      report[f.dataset.page] = r;
      document.body.setAttribute('data-pages', JSON.stringify(report));
    });
  });
});"""


def credit(log, sub_paths) -> dict:
    """{sub_path: the requests that frame made, None: the rest (the harness's own)} for the probe's request log.
    A request is a frame's if its path is under that frame's sub-path, or else if its Referer is: Chromium sends,
    from a frame, the frame's page as Referer for what the page asks for (scripts it adds and fetch() too) and a
    stylesheet's URL for what the stylesheet asks for (fonts, backgrounds), and every frame's page and stylesheets
    are under its own sub-path. So a link that leaves the sub-path is still its page's, and no page can be credited
    with a request of another (not even a shared file's: each frame fetches its own copy)."""
    owners = {s: [] for s in sub_paths} | {None: []}
    for r in log:
        owner = next((s for s in sub_paths if r.path.startswith(s)), None)
        if owner is None and r.referer:
            owner = next((s for s in sub_paths if urlsplit(r.referer).path.startswith(s)), None)
        owners[owner].append(r)
    return owners


def test_credit_gives_each_request_to_the_frame_that_made_it():
    a, b = frame_sub_path(0), frame_sub_path(1)
    page_a, css_b = f"http://h{a}book/x.html", f"http://h{b}_static/t.css"
    log = [Request(f"{a}book/x.html", 200, f"http://h{HARNESS}p.html"), Request(f"{a}_static/m.js", 200, page_a),
           Request("/x.js", 404, page_a), Request(f"{b}_static/t.css", 200, f"http://h{b}book/y.html"),
           Request(f"{b}webfonts/f.woff2", 200, css_b), Request("/f.woff2", 404, css_b),
           Request(f"{HARNESS}p.html", 200, None), Request("/favicon.ico", 404, f"http://h{HARNESS}p.html")]
    owners = credit(log, [a, b])
    assert [r.path for r in owners[a]] == [f"{a}book/x.html", f"{a}_static/m.js", "/x.js"]
    assert [r.path for r in owners[b]] == [f"{b}_static/t.css", f"{b}webfonts/f.woff2", "/f.woff2"]
    assert [r.path for r in owners[None]] == [f"{HARNESS}p.html", "/favicon.ico"]


@pytest.fixture(scope="module")
def under_sub_paths(server):
    """Every page of PAGES loaded ONCE, all in ONE Chromium run (not one run per page): a harness with one
    1280 x 900 iframe per page, page i served under its own sub-path (``frame_sub_path(i)``, so that nothing a
    frame fetches is shared with, or cached from, another frame), each reporting its h1 and MathJax once settled.
    Shared by test_page_works_under_a_sub_path's items and the harness's own check. Returns {"reports": {page:
    report}, "stderr": Chromium's, "sub_paths": {page: its sub-path}, "urls": {page: its frame's URL}, "requests":
    ``credit`` of every request of that run}."""
    sub_paths = {page: frame_sub_path(i) for i, page in enumerate(PAGES)}
    urls = {page: f"{server.origin}{sub_paths[page]}{page}.html" for page in PAGES}
    frames = "\n".join(f'<iframe data-page="{page}" src="{urls[page]}" style="width:1280px;height:900px;border:0;display:block">'
                       '</iframe>' for page in PAGES)
    start = len(server.log)
    reports, stderr = harness_report(server, "sub-path.html", frames, SUB_PATH_SCRIPT, "data-pages")
    return {"reports": reports, "stderr": stderr, "sub_paths": sub_paths, "urls": urls,
            "requests": credit(server.log[start:], list(sub_paths.values()))}


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_page_works_under_a_sub_path(html_dir, under_sub_paths, page):
    sub_path, url = under_sub_paths["sub_paths"][page], under_sub_paths["urls"][page]
    made = under_sub_paths["requests"][sub_path]
    report = under_sub_paths["reports"].get(page)
    assert report is not None and "error" not in report, f"{page}'s frame did not report: {report} {under_sub_paths['stderr']}"
    built = soup(html_dir, page)
    title = built.find("h1").get_text(strip=True).rstrip("#")
    shown = BeautifulSoup(report["h1"] or "", "html.parser").find("h1")
    assert shown is not None and shown.get_text(strip=True).rstrip("#") == title
    if page in CHAPTERS:                                          # MathJax came from the build, under the sub-path
        assert report["mjx"] > 5, f"{page}: MathJax typeset {report['mjx']} mjx-container"
    # Chromium asks for /favicon.ico by itself when a page declares no icon; that is not a link of ours.
    outside = [(p, c) for p, c, _ in made if not p.startswith(sub_path) and p != "/favicon.ico"]
    failed = [(p, c) for p, c, _ in made if c >= 400 and p != "/favicon.ico"]
    assert not outside and not failed, f"outside {sub_path}: {outside}; failed: {failed}"
    # every image and script the page names was fetched from under the sub-path
    wanted = {urlsplit(urljoin(url, el[attr])).path for tag, attr in (("img", "src"), ("script", "src"))
              for el in built.find_all(tag) if el.get(attr) and "://" not in el[attr]}
    fetched = {urlsplit(p).path for p, c, _ in made if c == 200}
    assert wanted <= fetched, f"not loaded: {sorted(wanted - fetched)}"


@pytest.mark.browser
def test_the_sub_path_harness_asks_for_nothing_outside_its_folder(under_sub_paths):
    """The harness's own requests, and any no frame can be credited with, stay under /harness/ and succeed."""
    made = under_sub_paths["requests"][None]
    outside = [(p, c) for p, c, _ in made if not p.startswith(HARNESS) and p != "/favicon.ico"]
    failed = [(p, c) for p, c, _ in made if c >= 400 and p != "/favicon.ico"]
    assert not outside and not failed, f"outside {HARNESS}: {outside}; failed: {failed}"
    assert (f"{HARNESS}sub-path.html", 200) in [(p, c) for p, c, _ in made]


@pytest.mark.browser
def test_site_root_redirects_to_the_preface(served):
    base, requests = served
    shown = dom(base)
    assert "Preface" in shown.find("h1").get_text()
    assert (f"{SUB_PATH}book/index.html", 200) in requests


def search(base, query):
    shown = dom(urljoin(base, f"search.html?q={query}"))
    results = shown.select("#search-results ul.search li a")
    return shown, [urlsplit(urljoin(base, a["href"])).path for a in results]


@pytest.mark.browser
def test_offline_search_lists_the_chapters_that_use_bptt(html_dir, served):
    base, _ = served
    shown, found = search(base, "BPTT")
    assert "Search finished" in shown.get_text() or found, shown.get_text()[:500]
    # independent reference: the chapters whose rendered text uses the word
    using = [page for page in CHAPTERS
             if re.search(r"\bBPTT\b", soup(html_dir, page).select_one("article").get_text())]
    assert "book/rnn-bptt" in using                              # the chapter that defines it
    assert {f"{SUB_PATH}{page}.html" for page in using} <= set(found), found
    for path in found:                                           # every hit is a page of the book that exists
        assert (html_dir / path.removeprefix(SUB_PATH)).is_file(), path
    # and the search is real: a word on no page finds nothing
    _, none = search(base, "qwertyuiopzxcv")
    assert none == []


# ---- equations and tables fit their column (1280 px) or scroll in their own box (390 px) ----------------

WIDTHS = {"laptop": (1280, 900), "phone": (390, 844)}

# Every page shown in two iframes, a laptop's 1280 px and a phone's 390 px viewport (an iframe's media queries
# follow its own width), all in ONE harness, served from the same origin so the harness can measure inside them.
# Every <details> is opened first, so equations in collapsed solutions are measured too. For each mjx-container
# and table in the article: its box, its content width, and the outermost scroll box that holds it (itself
# or an ancestor inside the article with overflow-x auto/scroll). Each frame reports once settled (SETTLE).
WIDTH_SCRIPT = """function describe(el) {
  var h = null, a = el;
  while (a && !h) { var p = a.previousElementSibling; while (p && !/^H[1-6]$/.test(p.tagName) && !p.querySelector('h1,h2,h3,h4')) p = p.previousElementSibling;
                    if (p) { h = /^H/.test(p.tagName) ? p : p.querySelector('h1,h2,h3,h4'); } a = a.parentElement; }
  var label = el.tagName === 'TABLE' ? 'table' : (el.hasAttribute('display') ? 'display equation' : 'inline math');
  var text = (el.tagName === 'TABLE' ? el.innerText : (el.querySelector('mjx-assistive-mml') || el).textContent) || '';
  return label + ' under "' + (h ? h.textContent.replace(/[#\\s]+$/, '').trim() : 'page top') + '": ' + text.replace(/\\s+/g, ' ').trim().slice(0, 50);
}
function measure(win, name) {
  var doc = win.document;
  var article = doc.querySelector('article.bd-article') || doc.querySelector('article');
  var r = article.getBoundingClientRect(), cs = win.getComputedStyle(article);
  var column = [r.left + parseFloat(cs.paddingLeft), r.right - parseFloat(cs.paddingRight)];
  var title = doc.querySelector('.rnn-course-title'), brand = doc.querySelector('.navbar-brand');
  function shown(e) { if (!e) return null; var b = e.getBoundingClientRect();
    return b.width > 0 && b.height > 0 && b.right <= win.innerWidth + 1 && b.left >= -1 && win.getComputedStyle(e).visibility !== 'hidden'
      ? e.textContent.trim() : null; }
  var items = [];
  article.querySelectorAll('mjx-container, table').forEach(function (el) {
    if (el.tagName !== 'TABLE' && el.parentElement.closest('mjx-container')) return;
    var b = el.getBoundingClientRect();
    if (b.width === 0 && b.height === 0) return;
    var box = null;                                             // the outermost scroll box within the article
    for (var a = el; a && a !== article; a = a.parentElement) {
      var ox = win.getComputedStyle(a).overflowX;
      if (ox === 'auto' || ox === 'scroll') box = a;
    }
    var bb = box ? box.getBoundingClientRect() : null;
    var block = el.tagName === 'TABLE' || el.hasAttribute('display');   // inline math: its box is its content
    items.push({what: describe(el), left: b.left, right: b.right, content: block ? el.scrollWidth : b.width,
                client: block ? el.clientWidth : b.width,
                box: bb ? [bb.left, bb.right] : null});
  });
  var wide = [];                                                 // what makes the page wider than the viewport
  if (doc.documentElement.scrollWidth > win.innerWidth + 1) {
    var scrolls = function (e) {
      for (var a = e.parentElement; a && a !== doc.body; a = a.parentElement) if (win.getComputedStyle(a).overflowX !== 'visible') return true;
      return false;
    };
    doc.querySelectorAll('body *').forEach(function (e) {
      var b = e.getBoundingClientRect();
      if (b.right > win.innerWidth + 1 && wide.length < 5 && !scrolls(e) && win.getComputedStyle(e).visibility !== 'hidden')
        wide.push(e.tagName.toLowerCase() + '.' + (e.className && e.className.baseVal === undefined ? e.className : '').split(' ').join('.') + ' (' + Math.round(b.right) + ' px)');
    });
  }
  return {name: name, viewport: win.innerWidth, page: doc.documentElement.scrollWidth, wide: wide, column: column, items: items,
          title: shown(title), brand: shown(brand)};
}
window.addEventListener('load', function () {
  var report = {};
  document.querySelectorAll('iframe').forEach(function (f) {
    var page = f.dataset.page, name = f.dataset.width;
    Promise.resolve().then(function () {
      f.contentDocument.querySelectorAll('details').forEach(function (d) { d.open = true; });
      return settle(f.contentWindow);
    }).then(function () { return measure(f.contentWindow, name); })
      .catch(function (err) { return {name: name, error: String(err)}; })
      .then(function (m) {
        (report[page] = report[page] || {})[name] = m;
        document.body.setAttribute('data-widths', JSON.stringify(report));
      });
  });
});"""


def measure_widths(server) -> dict:
    """{page: {"laptop": measurements, "phone": measurements}} of every page of PAGES, from ONE Chromium run."""
    frames = "\n".join(f'<iframe data-page="{page}" data-width="{name}" src="{server.origin}{SUB_PATH}{page}.html" '
                       f'style="width:{w}px;height:{h}px;border:0;display:block"></iframe>'
                       for page in PAGES for name, (w, h) in WIDTHS.items())
    result, stderr = harness_report(server, "widths.html", frames, WIDTH_SCRIPT, "data-widths", "--window-size=1700,1000")
    missing = [f"{page} at {name}" for page in PAGES for name in WIDTHS if name not in result.get(page, {})]
    assert not missing, f"the width probe did not report on {', '.join(missing)}: {stderr}"
    errors = [f"{page} at {name}: {m['error']}" for page, ms in result.items() for name, m in ms.items() if "error" in m]
    assert not errors, "the width probe failed on " + "; ".join(errors)
    return result


def laptop_problems(m) -> list[str]:
    """At 1280 px every equation and table fits the text column without scrolling."""
    left, right = m["column"]
    return [f'{i["what"]}: {i["content"]} px of content in a {i["client"]} px box, spanning {i["left"]:.0f}-{i["right"]:.0f} '
            f'px; the column is {left:.0f}-{right:.0f} px'
            for i in m["items"] if i["content"] > i["client"] + 1 or i["left"] < left - 1 or i["right"] > right + 1]


def phone_problems(m) -> list[str]:
    """At 390 px nothing is cut off: what is wider than its box scrolls in a box that lies inside the column."""
    left, right = m["column"]
    problems = []
    for i in m["items"]:
        overflows = i["content"] > i["client"] + 1
        if i["box"] is not None:
            box_left, box_right = i["box"]
            if box_left < left - 1 or box_right > right + 1:
                problems.append(f'{i["what"]}: its scroll box spans {box_left:.0f}-{box_right:.0f} px, the column {left:.0f}-{right:.0f} px')
        elif overflows or i["left"] < left - 1 or i["right"] > right + 1:
            problems.append(f'{i["what"]}: {i["content"]} px of content, spanning {i["left"]:.0f}-{i["right"]:.0f} px in a '
                            f'{left:.0f}-{right:.0f} px column, and no scroll box: cut off')
    if m["page"] > m["viewport"] + 1:
        problems.append(f'the page itself is {m["page"]} px wide in a {m["viewport"]} px viewport: {", ".join(m.get("wide", []))}')
    return problems


def test_width_rules_catch_what_they_must():
    column = [20, 370]
    fits = {"what": "display equation a", "left": 20, "right": 370, "content": 350, "client": 350, "box": [20, 370]}
    scrolls = {**fits, "what": "display equation b", "content": 600}
    clipped = {**fits, "what": "table c", "content": 600, "box": None}
    spills = {**fits, "what": "display equation d", "right": 620, "content": 600, "client": 600, "box": None}
    phone = {"column": column, "viewport": 390, "page": 390, "items": [fits, scrolls, clipped, spills]}
    assert [p.split(":")[0] for p in phone_problems(phone)] == ["table c", "display equation d"]
    assert [p.split(":")[0] for p in laptop_problems(phone)] == ["display equation b", "table c", "display equation d"]
    assert phone_problems({**phone, "items": [], "page": 500, "wide": ["pre (500 px)"]}) == [
        "the page itself is 500 px wide in a 390 px viewport: pre (500 px)"]


@pytest.fixture(scope="module")
def widths(server):
    """Every page's measurements at both widths (``measure_widths``: one Chromium run for the whole book), shared
    by the three tests below, which read them as {page: {"laptop": ..., "phone": ...}}."""
    return measure_widths(server)


@pytest.mark.browser
def test_every_equation_and_table_fits_the_column_at_1280_px(widths):
    report = {page: p for page, m in widths.items() if (p := laptop_problems(m["laptop"]))}
    assert not report, "wider than the text column at 1280 px:\n" + "\n".join(
        f"{page}:\n  " + "\n  ".join(p) for page, p in report.items())
    assert sum(len(m["laptop"]["items"]) for m in widths.values()) > 100          # the probe found the book's math


@pytest.mark.browser
def test_at_390_px_nothing_is_cut_off_and_wide_math_scrolls_in_its_own_box(widths):
    report = {page: p for page, m in widths.items() if (p := phone_problems(m["phone"]))}
    assert not report, "cut off at 390 px:\n" + "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in report.items())
    scrolling = [i for m in widths.values() for i in m["phone"]["items"] if i["content"] > i["client"] + 1]
    assert scrolling, "no equation is wider than a phone: the probe measured nothing"


@pytest.mark.browser
def test_the_course_title_shows_on_a_phone_and_on_a_laptop(html_dir, widths):
    title = soup(html_dir, "book/index").select_one(".rnn-course-title")
    assert title is not None and "recurrent neural networks" in title.get_text(), "no course title in the article header"
    for page, m in widths.items():
        assert m["phone"]["title"] == title.get_text(strip=True), f"{page}: no course title at 390 px"
        assert m["laptop"]["title"] is None and m["laptop"]["brand"] is not None, f"{page}: title at 1280 px: {m['laptop']}"
