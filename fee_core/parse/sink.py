"""Where the parser's findings go, and the one way repeated findings are capped.

A column of a million rows with one problem on every row gives the first ``LIMIT`` findings,
each at its cell, and one more finding that counts the rest: enough to find and fix the
problem, never a million lines.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from ..findings import Finding, Location, error

LIMIT = 50          # findings of one code in one column (or one table), then a count


class Sink:
    """The findings of one parse, in the order they were made."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def rows(self, code: str, rows, at: Callable[[int], Location],
             message: Callable[[int], str], whole: Location, what: str,
             make: Callable[[str, Location, str], Finding] = error, limit: int = LIMIT) -> None:
        """One finding per row index in ``rows`` (located by ``at``, worded by ``message``) up
        to ``limit``, then one finding at ``whole`` counting the others (``what``: the problem
        in a few words, e.g. "a blank Date")."""
        rows = np.asarray(rows, np.int64)
        for k in rows[:limit].tolist():
            self.add(make(code, at(k), message(k)))
        if len(rows) > limit:
            self.add(make(code, whole, f"... and {len(rows) - limit:,} more rows with {what} "
                                       f"(only the first {limit} are listed)."))
