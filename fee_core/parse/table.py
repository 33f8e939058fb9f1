"""One contract table: is it there and whole, which rows hold data, and its columns converted.

``open_table`` answers the structural questions once per table (SPEC §3, §5): no table of that
name (``table.missing``; a sheet of that name holding a plain range instead:
``table.plain_range``), a contract column missing (``table.missing_column``), data typed just
below or beside the table (``table.data_below`` / ``table.data_beside``) and blank rows inside
it (``table.blank_row``).  ``Table`` then gives every column converted by its contract kind
(``column.convert_column``), each refused cell reported once at its address, and the rows that
hold data.  The reader supplies the facts about cells outside a table (``RawTable.rows_below``,
``RawTable.columns_beside``, ``RawBook.plain_ranges``) when it has them.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np

from ..contract import TABLES, TableSpec
from ..findings import Location, column_letter, error, warning
from ..read.raw import RawBook, RawTable
from .column import Column, convert_column
from .sink import Sink

OK, ABSENT, UNUSABLE = "ok", "absent", "unusable"


def _rows_text(rows) -> str:
    rows = [int(r) for r in rows]
    shown = ", ".join(map(str, rows[:10]))
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def open_table(raw: RawBook, name: str, sink: Sink,
               spec: TableSpec | None = None) -> tuple[RawTable | None, str]:
    """The raw table ``name`` and its state: ``ok``; ``absent`` (an optional table that is not
    there: treated as empty, with a warning); ``unusable`` (a required table missing, a plain
    range where the table should be, or a contract column missing: an error, and whatever
    depends on the table is skipped).  ``spec``: a table outside the contract's ``TABLES``
    (the optional GL Accounts)."""
    spec = spec or TABLES[name]
    t = raw.tables.get(name)
    if t is None:
        return None, _missing(raw, spec, sink)
    missing = [h for h in spec.headers if h not in t.headers]
    for h in missing:
        near = [x for x in t.headers if x.strip().lower() == h.lower()]
        hint = f" The column '{near[0]}' looks like it: rename it exactly '{h}'." if near else ""
        sink.add(error("table.missing_column", Location(t.sheet, name, column=h),
                       f"Table {name} has no column '{h}'.{hint} Add the column with that exact "
                       f"header."))
    _outside_rows(t, sink)
    return (None, UNUSABLE) if missing else (t, OK)


def _missing(raw: RawBook, spec: TableSpec, sink: Sink) -> str:
    name = spec.name
    near = [k for k in raw.tables if k.lower() == name.lower()]
    plain = getattr(raw, "plain_ranges", None)
    if near:
        sink.add(error("table.missing", Location(raw.tables[near[0]].sheet, name),
                       f"No Excel table named '{name}', but there is a table '{near[0]}': rename "
                       f"it '{name}' (Table Design > Table Name)."))
        return UNUSABLE
    other = [k for k, t in raw.tables.items() if t.sheet == spec.sheet and k not in TABLES]
    if other:
        sink.add(error("table.missing", Location(spec.sheet, name),
                       f"No Excel table named '{name}'; the sheet '{spec.sheet}' has a table named "
                       f"'{other[0]}': rename it '{name}' (Table Design > Table Name)."))
        return UNUSABLE
    on_sheet = spec.sheet in plain if plain is not None else spec.sheet in raw.sheet_names
    if on_sheet:
        where = f" ({plain[spec.sheet]})" if plain else ""
        sink.add(error("table.plain_range", Location(spec.sheet, name),
                       f"The sheet '{spec.sheet}' has no Excel table named '{name}': its cells"
                       f"{where} are a plain range, which fee12b1 does not read. Click in the "
                       f"data, choose Insert > Table ('My table has headers'), then name the "
                       f"table '{name}' in Table Design > Table Name."))
        return UNUSABLE
    columns = ", ".join(spec.headers) if name != "NAV" else "Date, then one column per fund"
    if spec.must_exist:
        sink.add(error("table.missing", Location(spec.sheet, name),
                       f"No Excel table named '{name}' (expected on sheet '{spec.sheet}' with "
                       f"columns {columns}). Add it (Insert > Table) and name it in Table Design."))
        return UNUSABLE
    sink.add(warning("table.missing", Location(spec.sheet, name),
                     f"No Excel table named '{name}' (expected on sheet '{spec.sheet}' with "
                     f"columns {columns}). Treated as empty."))
    return ABSENT


def _outside_rows(t: RawTable, sink: Sink) -> None:
    """Data just below or beside the table, as the reader found it: a warning naming the rows
    (they are not part of the figures)."""
    below = tuple(getattr(t, "rows_below", ()) or ())
    if below:
        sink.add(warning("table.data_below", Location(t.sheet, t.name, int(below[0])),
                         f"Row(s) {_rows_text(below)} just below table {t.name} hold data that "
                         f"is not part of the table, so they are not in the figures. If they "
                         f"belong to it, drag the table's corner handle down to include them "
                         f"(or type inside the table); otherwise move or delete them."))
    beside = tuple(getattr(t, "columns_beside", ()) or ())
    if beside:
        letters = [c if isinstance(c, str) else column_letter(int(c)) for c in beside]
        sink.add(warning("table.data_beside", Location(t.sheet, t.name, column=letters[0]),
                         f"Column(s) {', '.join(letters)} just beside table {t.name} hold data "
                         f"that is not part of the table, so they are not read. If they belong "
                         f"to it, resize the table (Table Design > Resize Table); otherwise move "
                         f"or delete them."))


def blank_mask(values) -> np.ndarray:
    """Mask of the empty cells of a raw column (None, or text of spaces only)."""
    arr = np.empty(len(values), object)
    arr[:] = values
    blank = np.array([v is None for v in arr], bool) if len(arr) < 1000 else \
        np.asarray(arr == None)  # noqa: E711  (element-wise, in C)
    if str in set(map(type, values)):
        for i, v in enumerate(values):
            if isinstance(v, str) and not v.strip():
                blank[i] = True
    return blank.astype(bool)


class Table:
    """The rows of one table, its columns converted by kind, findings into ``sink``.

    kinds: header -> kind for the columns to convert (default: the contract's); ``col``
    converts a column once and reports its refused cells (capped by ``Sink.rows``)."""

    def __init__(self, raw: RawTable, date1904: bool, sink: Sink, kinds: dict | None = None):
        self.raw = raw
        self.name = raw.name
        self.sheet = raw.sheet
        self.date1904 = date1904
        self.sink = sink
        self.kinds = dict(kinds if kinds is not None else TABLES[raw.name].columns)
        self.n = raw.n_rows
        self._cols: dict[str, Column] = {}
        filled = np.zeros(self.n, bool)
        for h in raw.headers:
            if h in self.kinds:
                filled |= ~self.col(h).blank
            elif h in raw.columns:
                filled |= ~blank_mask(raw.columns[h])
        self.live = filled
        self._blank_rows_inside()

    # -- where
    def loc(self, i: int | None = None, header: str | None = None) -> Location:
        t = self.raw
        if i is None:
            return Location(t.sheet, t.name, column=header)
        row = t.excel_row(i)
        cell = f"{column_letter(t.column_index(header))}{row}" if header else None
        return Location(t.sheet, t.name, row, header, cell)

    def _blank_rows_inside(self) -> None:
        """Blank rows with data rows after them (a cleared row in the middle): a warning naming
        them.  Blank rows at the end of a table are how an empty table looks: no finding."""
        live = np.nonzero(self.live)[0]
        if len(live) == 0:
            return
        blank = np.nonzero(~self.live[: live[-1]])[0]
        if len(blank):
            rows = self.raw.excel_row(blank)
            self.sink.add(warning("table.blank_row", self.loc(int(blank[0])),
                                  f"Table {self.name} has blank row(s) {_rows_text(rows)} between "
                                  f"rows of data; they are skipped. If a row was cleared by "
                                  f"mistake, enter its data again; otherwise delete the row(s)."))

    # -- rows and columns
    def rows(self) -> list[int]:
        """Indices of the data rows that are not entirely blank."""
        return np.nonzero(self.live)[0].tolist()

    def col(self, header: str, kind: str | None = None) -> Column:
        """The column converted as ``kind`` (default its contract kind); its refused cells in
        data rows are reported once, at their addresses."""
        if header in self._cols:
            return self._cols[header]
        kind = kind or self.kinds.get(header, "text")
        raw = self.raw.columns.get(header)
        c = convert_column(raw if raw is not None else [None] * self.n, header, kind, self.date1904)
        self._cols[header] = c
        for code, rows in c.bad_rows_by_code().items():
            self._refused(code, rows, c)
        return c

    def _refused(self, code: str, rows: np.ndarray, c: Column) -> None:
        def at(k: int) -> Location:
            return self.loc(k, c.header)

        def message(k: int) -> str:
            return f"{c.header}: {c.problem(k).message}."

        self.sink.rows(code, rows, at, message, self.loc(None, c.header),
                       f"the same problem in column {c.header}")

    def required(self, header: str) -> np.ndarray:
        """Mask of data rows whose ``header`` cell is empty, each reported (``cell.blank``)."""
        c = self.col(header)
        miss = self.live & c.blank
        self.sink.rows("cell.blank", np.nonzero(miss)[0], lambda k: self.loc(k, header),
                       lambda k: f"{header} is empty; fill it in or delete the row.",
                       self.loc(None, header), f"an empty {header}")
        return miss

    def value(self, i: int, header: str):
        """Row ``i``'s cell of ``header`` converted: date, Decimal (number kinds), str, or None
        when empty or refused (already reported)."""
        c = self.col(header)
        if c.blank[i] or c.bad[i]:
            return "" if c.kind == "text" else None
        v = c.values[i]
        if c.kind == "date":
            return v.astype(object)
        if c.kind == "text":
            return v
        return Decimal(repr(float(v)))

    def ok(self, i: int, header: str) -> bool:
        """True when row ``i``'s ``header`` cell holds a usable value."""
        c = self.col(header)
        return not (c.blank[i] or c.bad[i])
