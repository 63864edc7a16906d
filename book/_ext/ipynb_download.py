"""Sphinx extension: every executed page offers its notebook, with outputs, as a .ipynb download.

sphinx-book-theme 1.3 lists ".ipynb" in a page's download menu only when a launch button (Binder, Colab,
...) is configured, and myst-nb 1.4 writes the notebook to ``_build/jupyter_execute/`` without outputs
when they came from the execution cache. So for each page that myst-nb executed, this writes
``_sources/<page>.ipynb`` with its outputs (merged from the jupyter-cache, as myst-nb itself does) and
names it to the theme, whose download menu then offers ".ipynb" next to the ".md" source.

A numbered chapter's notebook is named ``chapter-NN-<page>.ipynb`` (NN its number in the table of
contents), so it never shares a file name with the chapter's graded exercise (``exercises/<topic>.ipynb``,
often named like the page): a student who downloads both keeps both.
"""
from __future__ import annotations

from pathlib import Path

import nbformat


def executed_notebook(app, pagename: str):
    """The page's notebook with its outputs, or None if myst-nb did not treat the page as a notebook."""
    written = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not written.is_file():
        return None
    nb = nbformat.read(written, as_version=4)
    config = app.env.mystnb_config
    if config.execution_mode == "cache":
        from jupyter_cache import get_cache

        try:
            _, nb = get_cache(config.execution_cache_path).merge_match_into_notebook(nb)
        except KeyError:  # a page excluded from execution has no cache record: offer it as it is
            pass
    nb.metadata.pop("source_map", None)  # myst-nb's bookkeeping, meaningless in a downloaded notebook
    return nb


def download_name(app, pagename: str) -> str:
    """``book/chapter-06-gru.ipynb`` for a numbered chapter, else ``<page>.ipynb``: the path under _sources/."""
    number = app.env.toc_secnumbers.get(pagename, {}).get("")
    folder, _, stem = pagename.rpartition("/")
    name = f"chapter-{number[0]:02d}-{stem}.ipynb" if number else f"{stem}.ipynb"
    return f"{folder}/{name}" if folder else name


def add_ipynb_download(app, pagename, templatename, context, doctree):
    nb = executed_notebook(app, pagename)
    if nb is None:
        return
    name = download_name(app, pagename)
    target = Path(app.outdir) / "_sources" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    context["ipynb_source"] = name


def setup(app):
    # before sphinx-book-theme's add_header_buttons (priority 501) reads context["ipynb_source"]
    app.connect("html-page-context", add_ipynb_download, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
