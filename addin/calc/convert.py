"""Calc's argument values -> the values the Excel functions receive from xlwings, and back.

What Calc hands an add-in for an ``any`` parameter (``ScInterpreter::ScExternal``):

* a number (``float``) for a number -- and for a date, a time and TRUE/FALSE, which in Calc
  are numbers: a date is the count of days since the document's *null date* (1899-12-30 for
  the 1900 date system, 1904-01-01 for the 1904 one), TRUE is 1;
* a text (``str``); an empty cell referenced alone arrives as ``""``;
* for a range, a tuple of rows, each a tuple of numbers and texts, an empty cell ``""``;
* ``None`` for an argument left out;
* never an error value: Calc does not call the function when a cell it would pass holds an
  error, and shows its own error instead.

An empty cell referenced alone is therefore 0: a date argument takes 0 as a blank (0 is no
date), an optional argument refuses it (``#cap: 0, as Calc passes an empty cell; ...``) rather
than use 0 for what Excel would default; a required number takes it as 0 (Calc's own rule).

What the Excel functions (``addin.udfs``, arguments taken raw from COM) read: ``None`` for an
empty cell, numbers and text, a date as a date or as a serial number of Excel's 1900 date
system, a range as rows.  So this module only does what makes Calc's values read the same:
empty -> ``None``, and the dates of date arguments and of the contract's date columns counted
from Calc's null date -> the Excel serial of the same day (a plain number, so the Excel
functions' fast paths and answer cache work as for Excel).  Every rule and every error text
stays in ``addin.udfs``/``addin.convert``/``fee_core``.

Results go back as Calc takes them: numbers as ``float``, dates as serial numbers from the
document's null date, an Excel error value as its text, TRUE/FALSE as 1/0 (Calc's own booleans
are numbers; LibreOffice 7.4 does not read a UNO boolean in an array result reliably), empty
as ``""``.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from typing import Any

from fee_core.contract import SETTINGS, TABLES
from fee_core.errors import ArgumentError
from fee_core.read.raw import CellError

from .functions import Function

EXCEL_NULL_DATE = dt.date(1899, 12, 30)  # Excel's 1900 date system, from 1900-03-01 on
EXCEL_LEAP_BUG_END = dt.date(1900, 3, 1)  # before it Excel counts a 1900-02-29 that never was
SETTING_DATES = frozenset(label for label, spec in SETTINGS.items() if spec.kind == "date")


# --------------------------------------------------------------------------- Calc -> Excel
def empty_to_none(v):
    """Calc's empty cell (``""``) -> ``None``, as xlwings gives for an empty Excel cell."""
    return None if v == "" else v


def excel_serial(v, null_date: dt.date):
    """A date as this document counts it -> the serial number Excel's 1900 date system gives the
    same day, which is how the Excel functions read a date held as a number (an ``.xlsx`` in
    the 1900 system and Calc's default null date need no change from 1900-03-01 on).  Text is
    returned unchanged, a day before 1900-01-01 (which Excel cannot show) as 0: the Excel
    function refuses either as "not a date", as it refuses a time of day (a fraction)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return v
    if null_date == EXCEL_NULL_DATE and v >= 61:
        return v
    whole = math.floor(v)
    try:
        day = null_date + dt.timedelta(days=whole)
    except OverflowError:
        return v
    base = EXCEL_NULL_DATE if day >= EXCEL_LEAP_BUG_END else EXCEL_NULL_DATE + dt.timedelta(days=1)
    serial = (day - base).days + (v - whole)
    return float(serial) if serial >= 1 else 0.0  # before 1900-01-01: 0, which is no date


def rows(v) -> list[list]:
    """Any argument as a list of rows of cleaned values (a single value is a 1x1 range)."""
    if isinstance(v, (tuple, list)):
        if v and isinstance(v[0], (tuple, list)):
            return [[empty_to_none(x) for x in r] for r in v]
        return [[empty_to_none(x) for x in v]]
    return [[empty_to_none(v)]]


def _one(v):
    """A one-cell argument: its value; a range stays a list of rows (the function refuses it)."""
    if isinstance(v, (tuple, list)):
        return rows(v)
    return empty_to_none(v)


def date_columns(table: str, header: Sequence) -> set[int]:
    """Positions of the date columns of contract table ``table`` in a header row."""
    spec = TABLES[table]
    kinds = dict(spec.columns)
    return {j for j, h in enumerate(header)
            if isinstance(h, str) and kinds.get(h.strip()) == "date"}


def table_rows(table: str, v, null_date: dt.date) -> list[list]:
    """A table argument (header row first): cleaned, with the serials of its date cells as
    dates -- the contract's date columns, and in Settings the Value of each date setting."""
    out = rows(v)
    if not out:
        return out
    dates = date_columns(table, out[0])
    for r in out[1:]:
        for j in dates:
            if j < len(r):
                r[j] = excel_serial(r[j], null_date)
    if table == "Settings":
        header = [h.strip() if isinstance(h, str) else h for h in out[0]]
        if "Setting" in header and "Value" in header:
            s, val = header.index("Setting"), header.index("Value")
            for r in out[1:]:
                name = r[s].strip() if s < len(r) and isinstance(r[s], str) else None
                if name in SETTING_DATES and val < len(r):
                    r[val] = excel_serial(r[val], null_date)
    return out


def date_rows(v, null_date: dt.date) -> list[list]:
    """A range of dates (``nav_dates``), cleaned, serials as dates."""
    return [[excel_serial(x, null_date) for x in r] for r in rows(v)]


def one_date(v, null_date: dt.date):
    """A one-cell date argument.  Calc passes an empty cell referenced alone as 0, which is no
    date in either system: it is a blank, as in Excel."""
    v = _one(v)
    if isinstance(v, float) and v == 0:
        return None
    return excel_serial(v, null_date)


@functools.lru_cache(maxsize=64)
def _cached(convert, v, *more):
    return convert(v, *more)


def _range(convert, v, *more):
    """``convert(v, ...)`` for a range argument, remembered for the same values: a sheet of
    cells over one 10-year NAV range converts it once, not once per cell."""
    try:
        return _cached(convert, v, *more)
    except TypeError:  # not hashable (lists): convert every time
        return convert(v, *more)


def excel_args(function: Function, args: Sequence, null_date: dt.date,
               table_of_argument: dict[str, str]) -> list:
    """Calc's arguments for ``function`` -> the arguments its Excel function takes.  An argument
    left out in Calc arrives as ``None`` and stays ``None`` (the Excel function's default).
    The converted ranges are shared between calls: nothing downstream changes them."""
    out: list[Any] = []
    for spec, v in zip(function.args, args):
        kind = spec.kind
        if v is None:
            out.append(None)
        elif kind == "date":
            out.append(one_date(v, null_date))
        elif kind == "dates":
            out.append(_range(date_rows, v, null_date))
        elif kind == "range":
            out.append(_range(rows, v))
        elif kind == "table":
            out.append(_range(table_rows, table_of_argument[spec.name], v, null_date))
        elif spec.optional and isinstance(v, float) and v == 0:
            # Calc passes an empty cell referenced alone as 0: never taken for a value (a 0 cap
            # would pay nothing where Excel's empty cell means the default 0.25%)
            raise ArgumentError(spec.name, f"0, as Calc passes an empty cell; leave {spec.name} "
                                           "out for its default")
        else:
            out.append(_one(v))
    return out


# --------------------------------------------------------------------------- Excel -> Calc
def calc_value(v, null_date: dt.date):
    """One result value as a Calc cell takes it."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, dt.datetime):
        delta = v.replace(tzinfo=None) - dt.datetime.combine(null_date, dt.time())
        return delta.days + delta.seconds / 86400
    if isinstance(v, dt.date):
        return float((v - null_date).days)
    if isinstance(v, (int, float)):
        return float(v) if not (isinstance(v, float) and math.isnan(v)) else ""
    if isinstance(v, str):
        return v
    if isinstance(v, CellError):  # an argument held an error: Excel shows it, Calc its text
        return v.code
    if hasattr(v, "item"):  # numpy scalar
        return calc_value(v.item(), null_date)
    return str(v)


def calc_result(v, null_date: dt.date):
    """A function's answer for Calc: a value, or a tuple of rows (all rows as long as the
    longest, as Calc's matrices are rectangular)."""
    if isinstance(v, (list, tuple)):
        table = [list(r) if isinstance(r, (list, tuple)) else [r] for r in v]
        width = max((len(r) for r in table), default=0)
        return tuple(tuple(calc_value(x, null_date) for x in r) + ("",) * (width - len(r))
                     for r in table)
    return calc_value(v, null_date)
