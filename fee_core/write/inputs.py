"""Write input tables (SPEC §3) into an .xlsx as real Excel tables.

Two writers, one per library:

* ``write_table`` (XlsxWriter): one table of columns on a sheet -- header row, data rows
  written by type (text as text with the quote prefix where it looks like a formula, numbers,
  dates as dates), number formats by column kind (``date``, ``rate``, ``money``; or one kind
  per row, as the Settings table's Value column needs), widths fitted to the content, an Excel
  table of the contract's name over it; returns its ``TablePlace`` (where each column landed,
  for formulas over it).  The published copy and the computed workbook write their input
  tables with it (``write_raw_tables``).
* ``write_input_workbook`` (openpyxl): input workbooks from row dicts, for the template builder
  and the tests that build workbooks (good and bad) by code and edit them afterwards.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..contract import GL_ACCOUNTS, SETTINGS, TABLES, headers_of
from ..findings import column_letter, quote_sheet
from ..read.raw import RawBook, RawTable
from .text import formula_like
from .xlsx import (
    DATE_FORMAT,
    DATE_LENGTH,
    FIXED_TIME,
    LINE_HEIGHT,
    MAX_WIDTH,
    MONEY_FORMAT,
    RATE_FORMAT,
    Styles,
    column_width,
    excel_serial,
    header_lines,
    put,
    shown_length,
    wrapped_lines,
)

if TYPE_CHECKING:            # openpyxl (~0.2 s to import) only for the row-dict writer below
    from openpyxl import Workbook

# The input tables in the order the written workbooks show them.
TABLE_ORDER = ("Settings", "ScheduleA", "ScheduleB", "FundNames", "PlanEvents", "NAV",
               "Providers", "ProviderAssets", "Expenses", "GLAccounts")
# every table a written workbook may carry: the contract's and the optional GL Accounts
WRITTEN_TABLES = {**TABLES, GL_ACCOUNTS.name: GL_ACCOUNTS}
TABLE_STYLE = "Table Style Medium 2"
# Text columns that may hold long notes: wrapped at this width rather than widened.
NOTE_WIDTH = 48.0
# The column widths that fit a portrait letter page at full size; wider sheets print landscape.
PORTRAIT_WIDTH = 100.0


@dataclass(frozen=True)
class TablePlace:
    """Where one Excel table was written: its name, sheet, header row and last data row
    (1-based, as Excel numbers rows), and the column letter of each header."""

    name: str
    sheet: str
    header_row: int
    last_row: int
    letters: dict
    widths: tuple = ()

    @property
    def n_rows(self) -> int:
        return self.last_row - self.header_row

    def ref(self, header: str, absolute: bool = True, shift: int = 0) -> str:
        """The A1 range of a column's data rows (``shift`` moves it down), sheet-qualified."""
        col = self.letters[header]
        a = "$" if absolute else ""
        first, last = self.header_row + 1 + shift, self.last_row + shift
        return f"{quote_sheet(self.sheet)}!{a}{col}{a}{first}:{a}{col}{a}{last}"


def _formats(styles: Styles) -> dict[str | None, Any]:
    return {"date": styles.date, "rate": styles.rate, "money": styles.money,
            "rate_detail": styles.rate_detail, "integer": styles.integer, "flag": styles.center,
            "text": None, None: None}


_NUMBERS = {float, int}
_EPOCH_1900 = date(1899, 12, 30).toordinal()
_FIRST_SERIAL_DATE = date(1900, 3, 1)
_NONE = type(None)


def _write_plain_column(ws, r0: int, c: int, values: Sequence, kind, styles: Styles) -> int | None:
    """The fast path of ``_write_column`` for a column of one type (numbers, texts or dates,
    blanks allowed): the type and the format are settled once for the column, the blanks
    left out once, and each cell is one XlsxWriter call.  Returns the longest shown length,
    or None when the column is mixed (or holds text that needs a look cell by cell)."""
    types = set(map(type, values))
    rows: Sequence[int] = range(r0, r0 + len(values))
    if _NONE in types:
        types.discard(_NONE)
        kept = [(r, v) for r, v in zip(rows, values) if v is not None]
        rows = [r for r, _ in kept]
        values = [v for _, v in kept]
    if not values:
        return 0
    if types <= _NUMBERS:
        wn, fmt = ws.write_number, _formats(styles).get(kind)
        for r, v in zip(rows, values):
            wn(r, c, v, fmt)
        biggest = max(max(values), -min(values))
        return max(shown_length(biggest, kind), shown_length(-biggest, kind))
    if types == {str}:
        distinct = set(values)
        if any("\n" in v or formula_like(v) for v in distinct):
            return None
        ws_, fmt = ws.write_string, _formats(styles).get(kind)
        for r, v in zip(rows, values):
            ws_(r, c, v, fmt)
        return max(map(len, distinct))
    if types == {date}:
        distinct = set(values)
        if min(distinct) < _FIRST_SERIAL_DATE:
            return None
        serial = {d: d.toordinal() - _EPOCH_1900 for d in distinct}
        wn, dfmt = ws.write_number, styles.date
        for r, v in zip(rows, values):
            wn(r, c, serial[v], dfmt)
        return DATE_LENGTH
    return None


def _write_column(ws, r0: int, c: int, values: Sequence, kind, styles: Styles) -> int:
    """Write one column from row ``r0`` down; ``kind`` is one kind or one per row.  Returns
    the longest shown length."""
    per_row = not isinstance(kind, (str, type(None)))
    if not per_row:
        longest = _write_plain_column(ws, r0, c, values, kind, styles)
        if longest is not None:
            return longest
    fmts = _formats(styles)
    fmt = None if per_row else fmts.get(kind)
    date_fmt, quoted = styles.date, styles.quoted
    wn, wstr = ws.write_number, ws.write_string
    longest = 0
    max_abs = 0.0
    for i, v in enumerate(values):
        r = r0 + i
        t = type(v)
        if per_row:
            k = kind[i]
            fmt = fmts.get(k)
        if t is float or t is int:
            wn(r, c, v, fmt)
            if per_row:
                longest = max(longest, shown_length(v, k))
            elif abs(v) > max_abs:
                max_abs = abs(v)
        elif t is str:
            wstr(r, c, v, quoted if formula_like(v) else None)
            if len(v) > longest:
                longest = max(len(line) for line in v.split("\n"))
        elif v is None:
            continue
        elif t is date:
            serial = excel_serial(v)
            if serial is None:
                put(ws, r, c, v, styles, date_fmt)
            else:
                wn(r, c, serial, date_fmt)
            longest = max(longest, DATE_LENGTH)
        else:
            put(ws, r, c, v, styles, fmt if not isinstance(v, (date, datetime)) else date_fmt)
            longest = max(longest, shown_length(v, None if per_row else kind))
    if max_abs:
        longest = max(longest, shown_length(max_abs, kind), shown_length(-max_abs, kind))
    return longest


def write_table(ws, styles: Styles, name: str | None, headers: Sequence[str],
                columns: Mapping[str, Sequence], kinds: Mapping[str, Any] | None = None,
                first_row: int = 0, first_col: int = 0, style: str = TABLE_STYLE,
                note_columns: Mapping[str, float] | Sequence[str] = ()) -> TablePlace:
    """Write ``columns`` (header -> values, all of one length) under a header row at the
    0-based (``first_row``, ``first_col``) of ``ws`` and make them the Excel table ``name``.

    ``kinds`` maps a header to ``date``, ``rate``, ``money`` (its number format), or to a list
    of kinds, one per row.  Columns are sized to their content (``note_columns`` wrap at
    NOTE_WIDTH, or at the width given for each, instead of widening; their rows grow to show
    the wrapped lines); the header row wraps.  An empty table gets one blank data row (an
    Excel table needs one).  ``name`` None: no Excel table, the header row gets an autofilter
    (for a big table of results: an Excel table costs XlsxWriter memory and time for every
    cell).  Returns the table's ``TablePlace``."""
    kinds = kinds or {}
    n = max((len(columns[h]) for h in headers), default=0)
    widths = []
    tall: dict[int, int] = {}                  # 0-based row -> lines of its wrapped text
    for j, h in enumerate(headers):
        values = columns[h]
        longest = _write_column(ws, first_row + 1, first_col + j, values, kinds.get(h), styles)
        cap = MAX_WIDTH
        if h in note_columns:
            cap = note_columns[h] if isinstance(note_columns, Mapping) else NOTE_WIDTH
        width = column_width(h, longest=longest, cap=cap)
        widths.append(width)
        wrap = longest > cap - 2
        ws.set_column(first_col + j, first_col + j, width, styles.wrap if wrap else None)
        if wrap:
            for i, v in enumerate(values):
                if isinstance(v, str) and len(v) > width - 2:
                    lines = wrapped_lines(v, width)
                    if lines > tall.get(i, 1):
                        tall[i] = lines
    for i, lines in tall.items():
        ws.set_row(first_row + 1 + i, LINE_HEIGHT * lines, styles.wrap)
    last = first_row + max(n, 1)
    last_col = first_col + len(headers) - 1
    if name is None:
        for j, h in enumerate(headers):
            put(ws, first_row, first_col + j, str(h), styles, styles.header)
        ws.autofilter(first_row, first_col, first_row + n, last_col)
    else:
        ws.add_table(first_row, first_col, last, last_col, {
            "name": name, "style": style, "autofilter": True,
            "columns": [{"header": str(h),
                         "header_format": styles.quoted if formula_like(str(h)) else styles.header}
                        for h in headers]})
    ws.set_row(first_row, LINE_HEIGHT * header_lines(headers, widths))
    letters = {h: column_letter(first_col + j + 1) for j, h in enumerate(headers)}
    return TablePlace(name or "", ws.get_name(), first_row + 1, (first_row + n if name is None
                                                                 else last) + 1,
                      letters, tuple(widths))


def table_kinds(name: str, headers: Sequence[str]) -> dict[str, str]:
    """The number-format kind of each column of input table ``name``: the contract's kinds,
    every NAV column but Date as money."""
    spec = TABLES.get(name)
    kinds = {h: k for h, k in (spec.columns if spec else ()) if k != "text"}
    if name == "NAV":
        kinds.update({h: "money" for h in headers if h != "Date"})
    return kinds


def write_raw_tables(wb, styles: Styles, raw: RawBook, header: str,
                     tables: Mapping[str, RawTable] | None = None,
                     page_setup=None, date1904: bool = False) -> dict[str, TablePlace]:
    """Every input table of ``raw`` (or of ``tables``, which stand in for them: e.g. a
    Settings table as in force) on its contract sheet, at A1, in ``TABLE_ORDER``, with its
    header row frozen (NAV: also the Date column) and, with ``page_setup(ws, header, landscape,
    repeat_rows)``, print-ready (landscape when wider than a portrait page).  A plain number in
    a date column is a date serial of the input's date system (``date1904``): it is written
    as that date.  Returns the ``TablePlace`` of each table written."""
    placed = {}
    source = tables if tables is not None else raw.tables
    for name in TABLE_ORDER:
        t = source.get(name)
        if t is None:
            continue
        spec = WRITTEN_TABLES[name]
        ws = wb.add_worksheet(spec.sheet)
        headers = list(t.headers)
        kinds: dict[str, Any] = table_kinds(name, headers)
        columns = dict(t.columns)
        for h, k in kinds.items():
            if k == "date" and h in columns:
                columns[h] = _as_dates(columns[h], date1904)
        if name == "Settings" and "Value" in t.columns:
            kinds["Value"] = settings_kinds(t)
            columns["Value"] = [_as_dates([v], date1904)[0] if k == "date" else v
                                for v, k in zip(columns["Value"], kinds["Value"])]
        notes = [h for h in headers if h in ("Notes", "Source")]
        placed[name] = write_table(ws, styles, name, headers, columns, kinds, note_columns=notes)
        ws.freeze_panes(1, 1 if name == "NAV" else 0)
        if page_setup is not None:
            page_setup(ws, header, sum(placed[name].widths) > PORTRAIT_WIDTH, (0, 0))
    return placed


_EPOCH_1904 = date(1904, 1, 1).toordinal()


def _as_dates(values: Sequence, date1904: bool) -> list:
    """A date column's whole-number serials as dates (in the input's date system); other
    values as they are."""
    if not any(type(v) in (int, float) for v in values):
        return list(values)
    out = []
    for v in values:
        if type(v) in (int, float) and float(v).is_integer() and 0 < v < 2958466:
            n = int(v)
            if date1904:
                out.append(date.fromordinal(_EPOCH_1904 + n))
            elif n >= 61:                                  # past Excel's phantom 1900-02-29
                out.append(date.fromordinal(date(1899, 12, 30).toordinal() + n))
            else:
                out.append(v)
        else:
            out.append(v)
    return out


def settings_kinds(t: RawTable) -> list[str | None]:
    """The kind of each Settings row's Value (date, rate; None for a choice or an unknown
    setting), from the setting's declaration."""
    out: list[str | None] = []
    for name in t.columns.get("Setting", []):
        spec = SETTINGS.get(name.strip()) if isinstance(name, str) else None
        out.append(spec.kind if spec is not None and spec.kind in ("date", "rate") else None)
    return out


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
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo
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
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
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
