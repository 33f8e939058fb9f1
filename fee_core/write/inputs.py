"""Write input tables (SPEC §3) into an .xlsx as real Excel tables.

``add_input_table`` writes one table into an XlsxWriter workbook (the template builder; the
published copy).  ``write_input_workbook`` writes a whole input workbook with openpyxl, which
the tests that build workbooks (good and bad) by code use, because openpyxl can then edit it.
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

from ..contract import SETTINGS, TABLES, headers_of
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
        ws.cell(row=first_row, column=first_col + j, value=h)
    body = list(rows) or [[None] * len(headers)]
    for i, row in enumerate(body, start=1):
        for j, v in enumerate(row):
            c = ws.cell(row=first_row + i, column=first_col + j, value=_cell_value(v))
            if isinstance(v, str) and v.startswith(("=", "+", "-", "@")):
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


# --------------------------------------------------------------------------- XlsxWriter

MIN_WIDTH, MAX_WIDTH = 10, 60
ROW_HEIGHT = 15          # points per line of 11-point text


def wrapped_lines(value: Any, width: int) -> int:
    """How many lines ``value`` takes wrapped at word boundaries in a column ``width``
    characters wide (a little narrower: proportional glyphs)."""
    if not isinstance(value, str) or not value:
        return 1
    import textwrap
    return max(1, len(textwrap.wrap(value, max(width - 3, 8))))


def display_width(value: Any, kind: str | None = None) -> int:
    """How many characters ``value`` shows as in a cell of column kind ``kind`` (date, rate,
    money, text): what a column must hold so that nothing is cut."""
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return 10
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if kind == "rate":
            return len(f"{float(value) * 100:.2f}%")
        return len(f"{float(value):,.2f}") + 2          # the accounting layout's margins
    return len(str(value))


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                  kinds: Sequence[str | None]) -> list[int]:
    """Column widths (characters) that fit each header (with room for the filter button) and
    the widest value, within [MIN_WIDTH, MAX_WIDTH]."""
    out = []
    for j, h in enumerate(headers):
        widest = max([len(str(h)) + 4] + [display_width(r[j], kinds[j]) + 2 for r in rows])
        out.append(max(MIN_WIDTH, min(MAX_WIDTH, widest)))
    return out


def input_kinds(name: str, headers: Sequence[str]) -> list[str | None]:
    """The kind of each column of input table ``name`` (SPEC §3): date, rate, money or text;
    NAV's fund columns are money; a header outside the contract has none."""
    spec = TABLES.get(name)
    kinds = dict(spec.columns) if spec else {}
    return [("money" if name == "NAV" and h != "Date" else None) if h not in kinds else kinds[h]
            for h in headers]


def add_input_table(wb, styles, name: str, rows: Sequence[Mapping[str, Any]],
                    headers: Sequence[str] | None = None):
    """Input table ``name`` (SPEC §3) on its own sheet of the XlsxWriter workbook ``wb``: an
    Excel table of that name from A1 (an empty table gets one blank row), each value written
    by ``xlsx.put`` with its column's format (a Settings value with its setting's), the
    column formats carried by the table so rows typed below take them, widths that fit, the
    header row frozen (NAV: the Date column too).  Returns the worksheet."""
    from .xlsx import put
    spec = TABLES.get(name)
    cols = list(headers) if headers is not None else headers_of(name, rows)
    kinds = input_kinds(name, cols)
    fmt = {"date": styles.date, "rate": styles.rate, "money": styles.money}
    ws = wb.add_worksheet(spec.sheet if spec else name)
    body = [[row.get(c) for c in cols] for row in rows]
    row_kinds = [list(kinds) for _ in body]
    if name == "Settings" and "Setting" in cols and "Value" in cols:
        v = cols.index("Value")
        for r, row in zip(row_kinds, rows):
            setting = SETTINGS.get(str(row.get("Setting")))
            r[v] = setting.kind if setting is not None else None
    flat_kinds = [k if name != "Settings" else None for k in kinds]
    widths = column_widths(cols, body, flat_kinds)
    # text longer than its column can be wide wraps inside the cell (rows grow to fit) rather
    # than running over the next cells and off the printed page
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    long_text = {j for j, h in enumerate(cols) if flat_kinds[j] in (None, "text") and
                 any(isinstance(v, str) and len(v) + 2 > widths[j] for v in (r[j] for r in body))}
    for i, (values, ks) in enumerate(zip(body, row_kinds), start=1):
        for j, (value, kind) in enumerate(zip(values, ks)):
            put(ws, i, j, _cell_value(value), styles, wrap if j in long_text and
                isinstance(value, str) else fmt.get(kind or ""))
        lines = max([wrapped_lines(values[j], widths[j]) for j in long_text] or [1])
        if lines > 1:        # a row height of its own: spreadsheets do not all grow it on opening
            ws.set_row(i, ROW_HEIGHT * lines)
    ws.add_table(0, 0, max(len(body), 1), len(cols) - 1, {
        "name": name, "style": "Table Style Medium 2",
        "columns": [{"header": h, "format": fmt.get(k or "")} for h, k in zip(cols, kinds)]})
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.freeze_panes(1, 1 if name == "NAV" else 0)
    return ws
