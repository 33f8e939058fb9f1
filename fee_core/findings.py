"""Findings: problems in the data, reported as records (errors are data).

A ``Finding`` is what every reader, check and rule returns beside its records.  It names
where the problem is (a ``Location``), what is wrong and what to do.  Programming errors and
bad arguments raise; bad *data* becomes findings.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


def column_letter(index: int) -> str:
    """Excel column letters for a 1-based column index (1 -> A, 27 -> AA)."""
    if index < 1:
        raise ValueError(f"column index must be >= 1, got {index}")
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Location:
    """Where something is in a workbook.

    sheet: the sheet name; table: the Excel table name; row: the row number as Excel shows
    it; column: the header of the column; cell: the A1 address of the cell.  Any may be None
    (a missing table has no row).  ``str()`` gives e.g. ``NAV!D245 (table NAV, column Growth Fund)``.
    """

    sheet: str | None = None
    table: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    file: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.cell and self.sheet:
            head = f"{quote_sheet(self.sheet)}!{self.cell}"
        elif self.sheet and self.row is not None:
            head = f"{quote_sheet(self.sheet)}!{self.row}:{self.row}"
        elif self.sheet:
            head = quote_sheet(self.sheet)
        else:
            head = self.file or "workbook"
        detail = []
        if self.table:
            detail.append(f"table {self.table}")
        if self.row is not None and not self.cell:
            detail.append(f"row {self.row}")
        if self.column:
            detail.append(f"column {self.column}")
        parts.append(head)
        if detail:
            parts.append("(" + ", ".join(detail) + ")")
        return " ".join(parts)


def quote_sheet(name: str) -> str:
    """A sheet name as a reference writes it (``NAV!B2``, ``'Schedule A'!B2``): quoted unless
    it is a plain word that cannot be read as a cell address (``A1``, ``R1C1``)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) and not _CELL_LIKE.fullmatch(name):
        return name
    return "'" + name.replace("'", "''") + "'"


_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|[Rr]\d*|[Cc]\d*", re.ASCII)


@dataclass(frozen=True)
class Finding:
    """One problem: severity ('error' or 'warning'), a stable code such as
    ``nav.missing_session``, where it is, and a message that says what to do."""

    severity: str
    code: str
    location: Location
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_row(self) -> tuple[str, str, str, str]:
        return (self.severity, self.code, str(self.location), self.message)

    def __str__(self) -> str:
        return f"{self.severity.upper():7} {self.code:28} {self.location}: {self.message}"


def error(code: str, location: Location, message: str) -> Finding:
    return Finding(ERROR, code, location, message)


def warning(code: str, location: Location, message: str) -> Finding:
    return Finding(WARNING, code, location, message)


LIMIT = 50          # findings of one code in one column (or one check), then a count


def capped(code: str, rows, at: Callable[[int], Location], message: Callable[[int], str],
           whole: Location, what: str, make: Callable[[str, Location, str], Finding] = error,
           limit: int = LIMIT) -> list[Finding]:
    """The one way repeated findings are capped: one finding per index in ``rows`` (located
    by ``at``, worded by ``message``) up to ``limit``, then one at ``whole`` counting the
    others (``what``: the problem in a few words, e.g. "an empty Date")."""
    rows = [int(k) for k in rows]
    out = [make(code, at(k), message(k)) for k in rows[:limit]]
    if len(rows) > limit:
        out.append(make(code, whole, f"... and {len(rows) - limit:,} more rows with {what} "
                                     f"(only the first {limit} are listed)."))
    return out


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then by place and code: the same input always prints the same way."""
    def key(f: Finding):
        loc = f.location
        return (0 if f.is_error else 1, loc.sheet or "", loc.row or 0, loc.cell or "", f.code, f.message)
    # de-duplicate identical findings while keeping the order deterministic
    return sorted(set(findings), key=key)
