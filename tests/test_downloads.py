"""The book's chapter notebook downloads never share a file name with an exercise (user-journeys review,
journey 5: six chapters offered two different `gru.ipynb`-like files). The built site is checked in
tests/test_site.py; this checks the naming rule of book/_ext/ipynb_download.py without a build."""
import importlib.util
from pathlib import Path
from types import SimpleNamespace

from test_book import chapter_files

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = {p.name for p in (ROOT / "exercises").glob("*.ipynb")}


def _extension():
    spec = importlib.util.spec_from_file_location("ipynb_download", ROOT / "book" / "_ext" / "ipynb_download.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _app(numbers: dict):
    """What download_name reads of Sphinx: env.toc_secnumbers as Sphinx fills it for a numbered toctree
    ({docname: {"": (chapter,), "#section": (chapter, section)}})."""
    return SimpleNamespace(env=SimpleNamespace(toc_secnumbers={d: {"": (n,), "#x": (n, 1)} for d, n in numbers.items()}))


def test_numbered_chapters_download_as_chapter_nn_name():
    name = _extension().download_name
    assert name(_app({"book/gru": 6}), "book/gru") == "book/chapter-06-gru.ipynb"
    assert name(_app({"book/gru": 6}), "book/syllabus") == "book/syllabus.ipynb"      # not numbered: unchanged
    assert name(_app({}), "index") == "index.ipynb"


def test_no_chapter_download_is_named_like_an_exercise():
    chapters = chapter_files(numbered_only=True)
    app = _app({page: k for k, page in enumerate(chapters, start=1)})
    names = [_extension().download_name(app, page).rpartition("/")[2] for page in chapters]
    assert len(set(names)) == len(names) and not set(names) & EXERCISES, names
    assert {p.stem for p in map(Path, chapters)} & {Path(e).stem for e in EXERCISES}   # the clash this prevents
