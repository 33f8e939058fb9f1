"""Write input tables (SPEC §3) into an .xlsx as real Excel tables.

``write_input_workbook`` is the one writer of input workbooks: the template builder, the
published copy and the tests that build workbooks (good and bad) by code use it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..contract import TABLES, headers_of
from .text import formula_like
from .xlsx import DATE_FORMAT, FIXED_TIME, MONEY_FORMAT, RATE_FORMAT


def _cell_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def add_table(ws, name: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              kinds: Mapping[str, str] | None = None, first_row: int = 1, first_col: int = 1):
    """Write a header row and data rows at (first_row, first_col) and make them an Excel table.

    kinds maps a header to 'date', 'rate' or 'money' for its number format.  An empty table
    gets one blank data row (Excel tables need at least one).
    """
    kinds = kinds or {}
    for j, h in enumerate(headers):
        c = ws.cell(row=first_row, column=first_col + j, value=h)
        if formula_like(str(h)):
            c.data_type = "s"           # a header that looks like a formula stays text
    body = list(rows) or [[None] * len(headers)]
    for i, row in enumerate(body, start=1):
        for j, v in enumerate(row):
            c = ws.cell(row=first_row + i, column=first_col + j, value=_cell_value(v))
            if isinstance(v, str) and formula_like(v):
                c.data_type = "s"       # a text that looks like a formula stays text
            kind = kinds.get(headers[j])
            if kind == "date" or isinstance(v, (date, datetime)):
                c.number_format = DATE_FORMAT
            elif kind == "rate":
                c.number_format = RATE_FORMAT
            elif kind == "money":
                c.number_format = MONEY_FORMAT
    ref = (f"{get_column_letter(first_col)}{first_row}:"
           f"{get_column_letter(first_col + len(headers) - 1)}{first_row + len(body)}")
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    return table


def write_input_workbook(path, tables: Mapping[str, Sequence[Mapping[str, Any]]], *,
                         headers: Mapping[str, Sequence[str]] | None = None,
                         date1904: bool = False, workbook: Workbook | None = None) -> Workbook:
    """Write ``tables`` (table name -> list of row dicts keyed by header) to ``path``.

    headers: optional table name -> header order (extra headers beyond the contract are
    written too; a contract header left out is simply missing, for tests of that problem).
    Without it the contract order is used, then any extra keys found in the rows; for NAV,
    ``Date`` then the fund columns in the order of the first row's keys.
    date1904: write the workbook in the 1904 date system.  Returns the openpyxl Workbook
    (saved when ``path`` is given).
    """
    wb = workbook or Workbook()
    if workbook is None:
        wb.remove(wb.active)
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    headers = dict(headers or {})
    for name, rows in tables.items():
        spec = TABLES.get(name)
        sheet = spec.sheet if spec else name
        if name in headers:
            cols = list(headers[name])
        else:
            cols = headers_of(name, rows)
        kinds = dict(spec.columns) if spec else {}
        if name == "NAV":
            kinds.update({c: "money" for c in cols if c != "Date"})
        ws = wb.create_sheet(sheet)
        add_table(ws, name, cols, [[row.get(c) for c in cols] for row in rows], kinds)
        for j, c in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, len(str(c)) + 4))
        ws.freeze_panes = "A2"
    wb.properties.creator = "fee12b1"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    if path is not None:
        wb.save(path)
    return wb
