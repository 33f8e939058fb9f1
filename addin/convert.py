"""The one place that converts what Excel hands a UDF into ``fee_core`` inputs, and back.

Small converters, one job each (the xlwings ``conversion/`` model).  The UDFs take every
argument with ``convert='raw'``: xlwings hands over exactly what pywin32 gives for COM's
``Range.Value`` (or for a constant), and the cleaning happens here, once, only when an answer
is not already cached.  Cell values arrive as: ``float`` for numbers, ``decimal.Decimal`` for
a currency-formatted cell (COM's ``VT_CY``), ``str`` for text (``""`` from a formula that
returns empty text counts as blank), ``datetime`` (pywin32's, time-zone aware) for a
date-formatted cell, ``bool``, ``None`` for an empty cell, and an ``int`` SCODE for an Excel
error (``addin.xlerrors``).  A one-cell range is a scalar, any other range a tuple of row tuples.
A date may also arrive as an Excel serial number (a cell not formatted as a date; 1900 system).

Cell values go through ``fee_core.parse.tables``' own cell readers (``as_date``/``as_decimal``), so a
cell means the same in a UDF as in a workbook read by the command line.  A bad value raises
``fee_core.errors.ArgumentError(name, problem)`` naming the UDF argument; the UDF layer turns it
into the ``#name: problem`` text of SPEC §9.  An argument that holds an Excel error raises
``ErrorValue``: the UDF answers with that same error, as Excel's own functions do.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal

from fee_core.contract import TABLES
from fee_core.errors import ArgumentError
from fee_core.parse.tables import CellProblem, as_date, as_decimal
from fee_core.read.raw import CellError, RawBook, RawTable

from .xlerrors import TEXTS, error_text

# short problems for the cell readers' codes (their full messages are for the checks sheet)
_SHORT = {"cell.not_a_date": "not a date", "cell.not_a_number": "not a number"}


class ErrorValue(Exception):
    """An argument holds the Excel error ``code`` (``"#N/A"``): the answer is that error."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --------------------------------------------------------------------------- one cell
def cell_value(v):
    """An Excel value as ``fee_core.read.raw`` holds it: errors (SCODE ints, or their texts)
    become ``CellError``, COM datetimes plain naive ones, currency ``Decimal``s floats, empty
    text ``None``."""
    t = type(v)
    if v is None or t is float or t is bool:
        return v
    if t is str:
        if v in TEXTS:
            return CellError(error_text(v))  # type: ignore[arg-type]
        return v if v else None
    if isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)
    if t is int:
        code = error_text(v)
        return CellError(code) if code else v
    if isinstance(v, Decimal):
        return float(v)
    return v


def scalar(name: str, v):
    """The one value of an argument that must be a single cell."""
    if isinstance(v, (list, tuple)):
        flat = [x for row in v for x in (row if isinstance(row, (list, tuple)) else [row])]
        if len(flat) != 1:
            raise ArgumentError(name, "give one cell, not a range")
        v = flat[0]
    return cell_value(v)


def _problem(name: str, v, exc: CellProblem) -> Exception:
    if isinstance(v, CellError):
        return ErrorValue(v.code)
    return ArgumentError(name, _SHORT.get(exc.code, exc.message))


def to_date(name: str, v) -> dt.date:
    """A date: an Excel date (datetime/date) or a serial number of the 1900 date system."""
    v = scalar(name, v)
    try:
        d = as_date(v, date1904=False)
    except CellProblem as exc:
        raise _problem(name, v, exc) from None
    if d is None:
        raise ArgumentError(name, "blank, not a date")
    return d


def to_decimal(name: str, v, default: Decimal | None = None) -> Decimal:
    """A number as Excel shows it (``0.0045`` -> ``Decimal('0.0045')``); blank -> ``default``."""
    v = scalar(name, v)
    try:
        d = as_decimal(v)
    except CellProblem as exc:
        raise _problem(name, v, exc) from None
    if d is None:
        if default is None:
            raise ArgumentError(name, "blank, not a number")
        return default
    return d


def to_choice(name: str, v, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices`` (case and surrounding spaces ignored); blank -> ``default``."""
    v = scalar(name, v)
    if isinstance(v, CellError):
        raise ErrorValue(v.code)
    if v is None or (isinstance(v, str) and not v.strip()):
        return default
    if isinstance(v, str):
        for c in choices:
            if v.strip().lower() == c.lower():
                return c
    raise ArgumentError(name, f"must be {' or '.join(choices)}")


# --------------------------------------------------------------------------- ranges
def rows_of(v) -> Sequence[Sequence]:
    """Any argument as a sequence of rows (a single value is a 1x1 range).  Rows are read,
    never changed: a range as COM gives it (a tuple of row tuples) is returned as it is."""
    if not isinstance(v, (list, tuple)):
        return ((v,),)
    if v and not isinstance(v[0], (list, tuple)):
        return (tuple(v),)
    return v


def column(name: str, v) -> list:
    """A one-column (or one-row) range as a flat list."""
    if type(v) is tuple and len(v) > 1 and type(v[0]) is tuple and len(v[0]) == 1:
        try:  # a column as COM gives it: a tuple of 1-tuples
            return [x for (x,) in v]
        except ValueError:
            pass
    rows = rows_of(v)
    if len(rows) == 1:
        return list(rows[0])
    if all(len(r) == 1 for r in rows):
        return [r[0] for r in rows]
    raise ArgumentError(name, "give one column (or one row)")


def nav_columns(dates, values) -> tuple[list[dt.date], list[float]]:
    """``nav_dates``/``nav_values`` -> (dates, net assets), for ``fee_core.single_figures.NavSeries``.

    Rows blank in both are dropped (a selection wider than the data), and so are the rows
    before the first net assets: the NAV table leaves a fund's cells blank before it is in the
    plan.  A blank after that is an error: a missing NAV is never carried over silently.  A
    bad cell is named by its position in the range (row 1 = the range's first cell).  A number
    reads as ``as_decimal`` reads it (``float(Decimal(repr(x))) == x``), so plain floats are
    taken as they are; anything else goes through the cell readers.
    """
    ds, vs = column("nav_dates", dates), column("nav_values", values)
    if len(ds) != len(vs):
        raise ArgumentError("nav_values", f"{len(vs)} cells but nav_dates has {len(ds)}")
    out_d: list[dt.date] = []
    out_v: list[float] = []
    started = False
    datetime = dt.datetime
    for i, (d, v) in enumerate(zip(ds, vs), start=1):
        if type(v) is not float:
            v = cell_value(v)
        if v is None and (d is None or not started):
            continue
        started = True
        try:
            day = d.date() if isinstance(d, datetime) else to_date("nav_dates", d)
            amount = v if type(v) is float and math.isfinite(v) else \
                float(to_decimal("nav_values", v))
        except ArgumentError as e:
            raise ArgumentError(e.name, f"row {i}: {e.problem}") from None
        out_d.append(day)
        out_v.append(amount)
    if not out_d:
        raise ArgumentError("nav_dates" if all(d is None for d in ds) else "nav_values",
                            "no net assets in the range")
    return out_d, out_v


def raw_table(arg: str, table: str, v) -> RawTable:
    """A table argument (header row + data rows, e.g. ``ScheduleB[#All]``) as the ``RawTable``
    the workbook reader would give for contract table ``table``: columns found by header, so
    column order is free and extra columns are ignored by the parser.  Positions assume the
    table's header row is row 1 starting in column A (findings then name the sheet cells)."""
    rows = rows_of(v)
    header = [cell_value(h) for h in rows[0]]
    while header and header[-1] is None:  # trailing empty header cells of a wider selection
        header.pop()
    headers = tuple("" if h is None else str(h).strip() for h in header)
    if not set(headers) & set(TABLES[table].headers):
        # none of the contract's headers: not the table, or selected without its header row
        raise ArgumentError(arg, f"no {TABLES[table].headers[0]} header in the first row; "
                                 f"select the whole table with its header row "
                                 f"({table}[#All])")
    if len(set(headers)) != len(headers):
        raise ArgumentError(arg, "two columns have the same header")
    n = len(rows)
    while n > 1 and all(cell_value(x) is None for x in rows[n - 1][:len(headers)]):
        n -= 1  # a selection reaching below the table
    width = len(headers)
    data = [tuple(r[:width]) + (None,) * (width - len(r)) for r in rows[1:n]]
    by_column = list(zip(*data)) if data else [()] * width
    columns = {h: _cells(col) for h, col in zip(headers, by_column)}
    return RawTable(table, TABLES[table].sheet, "", headers, 1, 1, columns)


def _cells(col) -> list:
    """A column of COM values as ``fee_core.read.raw`` holds them (``cell_value`` of each); a column
    of plain numbers and blanks, the common case, is taken as it is."""
    if set(map(type, col)) <= _PLAIN:
        return list(col)
    return [cell_value(x) for x in col]


_PLAIN = {float, type(None)}


def empty_table(table: str) -> RawTable:
    """A contract table with its headers and no rows (an optional argument left out)."""
    headers = TABLES[table].headers
    return RawTable(table, TABLES[table].sheet, "", headers, 1, 1, {h: [] for h in headers})


def raw_book(tables: dict[str, RawTable]) -> RawBook:
    """Every contract table: the given ones, the others empty."""
    full = {name: tables.get(name) or empty_table(name) for name in TABLES}
    return RawBook("Excel", full, False, tuple(TABLES[n].sheet for n in full))


# --------------------------------------------------------------------------- back to Excel
_UTC = dt.UTC


def excel_value(v):
    """One output value as pywin32 hands it to Excel, exactly as xlwings' own write stage
    (``_xlwindows.Engine.prepare_xl_data_element``) would make it: money ``Decimal`` -> float,
    numpy scalars -> Python, ``None``/NaN -> empty text, a date -> a midnight datetime marked
    UTC (``_datetime_to_com_time``: the time zone only stops a conversion), booleans stay
    TRUE/FALSE.  The table functions return these with ``@xw.ret('raw')``, so xlwings does
    not visit every cell of a spill again."""
    t = type(v)
    if t is float:
        return v if math.isfinite(v) or math.isinf(v) else ""  # NaN -> empty
    if v is None:
        return ""
    if t is str or t is bool or t is int:
        return v
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=_UTC)
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day, tzinfo=_UTC)
    if hasattr(v, "item"):  # numpy scalar
        return excel_value(v.item())
    return v


def frame_rows(df, columns) -> list[list]:
    """A DataFrame's ``columns`` as a header row + data rows of cell values."""
    cols = list(columns)
    body = df[cols].itertuples(index=False, name=None) if df is not None else ()
    return [cols] + [[excel_value(v) for v in row] for row in body]
