"""How the reader refuses a file: ``Refused`` carries the one finding that says why.

Every module of ``fee_core.read`` raises ``Refused`` for a file it will not read further;
``read_workbook`` turns it into its finding and an empty ``RawBook``.  Nothing else escapes.
"""
from __future__ import annotations

from ..findings import Finding, Location, error

SAVE_AS = ("open it in Excel and save it as an Excel Workbook (.xlsx) without a password, "
           "then run again")
DAMAGED = f"the file is damaged or was not written by Excel; {SAVE_AS}"


class Refused(Exception):
    """Stop reading: the file is refused with ``finding``."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def refuse(path: str, code: str, message: str, **where) -> Refused:
    """A ``Refused`` whose finding is an error ``code`` located in ``path`` (and ``where``:
    sheet, table, row, column, cell)."""
    return Refused(error(code, Location(file=path, **where), message))
