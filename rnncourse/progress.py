"""A progress bar for long training loops, silent in the book build."""
from __future__ import annotations

import os
import sys


def progress(iterable, desc: str = "", total: int | None = None):
    """A tqdm progress bar on stdout for long loops; silent when RNNCOURSE_PROGRESS=0 (the book build)."""
    if os.environ.get("RNNCOURSE_PROGRESS", "1") == "0":
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, total=total, file=sys.stdout, mininterval=1.0, leave=False)

