"""Where the parser's findings go; repeated findings are capped by ``findings.capped``.

A column of a million rows with one problem on every row gives the first ``LIMIT`` findings,
each at its cell, and one more finding that counts the rest: enough to find and fix the
problem, never a million lines.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from ..findings import LIMIT, Finding, Location, capped, error


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
        """``findings.capped`` into this sink."""
        self.extend(capped(code, rows, at, message, whole, what, make, limit))
