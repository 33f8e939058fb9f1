"""One hostile or malformed workbook of the corpus (issue 12), as data.

Each ``cases_*.py`` module of this package holds a list ``CASES`` of ``Case``; the corpus runner
(``test_corpus.py``) builds every case's workbook by code and runs the commands on it, asserting
the exit status, the finding's code and location, no traceback, the input's hash unchanged, no
partial outputs, and time and memory bounds.  No binary is committed: ``build`` writes the file.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    """name: unique, a file-name-safe word; build(path): writes the workbook at ``path``;
    code: the finding code expected among the findings (``book.corrupt``, ``nav.missing_session``
    ...), or None when only the exit status is asserted; where: a fragment of the expected
    location (``"NAV!B7"``, ``"'Provider Assets'!"``) or None; exit: the expected exit status of
    ``check`` and ``compute`` (1 data errors, 0 warnings only); severity: of the expected finding;
    args: extra arguments for ``compute`` (e.g. ``("--start", "2002-01-01")``)."""

    name: str
    build: Callable[[Path], None]
    code: str | None
    where: str | None = None
    exit: int = 1
    severity: str = "error"
    args: tuple[str, ...] = ()
