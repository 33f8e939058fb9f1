"""The reader's output: tables exactly as the workbook holds them, before any rule.

The reader (``fee_core.read``) yields one ``RawTable`` per Excel table it finds; the parser
(``fee_core.parse``) turns them into typed records and findings.  A cell is what it is
(SPEC §5), nothing is coerced: ``float`` for a number -- NaN, infinity, -5 or an out-of-range
serial included, as stored -- ``str`` for text (number-like text and a formula's cached text
result stay text), ``bool`` for TRUE/FALSE, ``datetime.date``/``datetime.datetime`` for a
number under a date format (a whole serial gives a date), ``None`` for an empty cell, and
``CellError`` for an Excel error value such as ``#N/A`` (or a formula with no computed value).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CellError:
    """An Excel error value in a cell, e.g. ``#N/A`` or ``#VALUE!``.

    ``code`` is the error text as Excel shows it; a formula saved without a computed value is
    ``CellError('#NO-VALUE')`` so the message can say "open and save the workbook in Excel".
    """

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class RawTable:
    """One Excel table (a ListObject) as read.

    name: the table's name (``NAV``); sheet: its sheet; ref: its range (``A1:T253``);
    headers: the header texts in sheet order; first_col: 1-based column index of the first
    header; header_row: the Excel row number of the header row; columns: header -> list of
    the column's values, one per data row, row ``i`` of the list being Excel row
    ``header_row + 1 + i``.  Totals rows are not included, nor the empty rows of a range that
    reaches past the sheet's last value.

    rows_below: the Excel row numbers just below the table (from the row after its range, up
    to the first empty one) that hold data in the table's columns; columns_beside: the column
    letters just right, then left, of the table (up to the first empty column) that hold data
    in its rows.  They are outside the table's range, so not in ``columns``: the parser warns.
    """

    name: str
    sheet: str
    ref: str
    headers: tuple[str, ...]
    first_col: int
    header_row: int
    columns: dict = field(repr=False)
    rows_below: tuple[int, ...] = ()
    columns_beside: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def excel_row(self, i):
        """The Excel row number of data row ``i`` (0-based; or an integer array of them)."""
        return self.header_row + 1 + i

    def column_index(self, header: str) -> int:
        """1-based sheet column index of a header."""
        return self.first_col + self.headers.index(header)


@dataclass(frozen=True)
class RawBook:
    """Every table of one workbook file, by table name, plus the file's facts.

    plain_ranges: sheet name -> the range its values occupy (``A1:T253``), for each sheet
    named as a contract table's sheet (``contract.TABLES``) that holds no table of that name
    but holds data: a plain range where a table is expected."""

    path: str
    tables: dict
    date1904: bool = False
    sheet_names: tuple[str, ...] = ()
    plain_ranges: dict = field(default_factory=dict)
