"""Toy classic-xlwings UDF module: the decorator features the real fee12b1 add-in will use.

Loaded through ``tests.xlwings_standin.load_udf_module`` so the decorators are xlwings' real
``udfs.xlfunc/xlarg/xlret``; imported plainly on Linux they are no-ops.
"""

import datetime

import pandas as pd
import xlwings as xw


@xw.func(category="fee12b1")
@xw.arg("x", ndim=2, empty=None, doc="Any range or array.")
def toy_types(x):
    """Type names of the argument, its first row and its first cell."""
    return [[type(x).__name__, type(x[0]).__name__, type(x[0][0]).__name__]]


@xw.func(category="fee12b1")
@xw.arg("start", dates=datetime.date, doc="First day (a date cell).")
@xw.arg("finish", dates=datetime.date, empty=None, doc="Last day; empty = start.")
@xw.arg("basis", numbers=int, doc="Day-count basis, default 365.")
def toy_accrual(start, finish=None, basis=365):
    """Days from start to finish inclusive, divided by basis."""
    # Not ``end``: a VBA keyword -- the generated wrapper would not compile.  The docstring is
    # kept to one line because xlwings passes all of it (first 255 chars) as the Description.
    if not isinstance(start, datetime.date):
        return "#start: not a date"
    if finish is None:
        finish = start
    if not isinstance(finish, datetime.date):
        return "#finish: not a date"
    return ((finish - start).days + 1) / basis


@xw.func(category="fee12b1")
@xw.arg("balances", ndim=1, doc="Daily net assets, one column.")
@xw.arg("rate_bps", doc="Annual fee rate in basis points.")
@xw.ret(index=False, header=True)
def toy_fee_table(balances, rate_bps=25.0):
    """Fee per balance at rate_bps/365, as a table with a header row."""
    return pd.DataFrame(
        {
            "balance": balances,
            "fee": [b * rate_bps / 10000 / 365 for b in balances],
        }
    )


@xw.func(category="fee12b1")
@xw.arg("start", dates=datetime.date)
@xw.arg("n", numbers=int)
@xw.ret(expand="table")
def toy_schedule(start, n=3):
    """Header row plus n rows of (day number, date, blank)."""
    rows = [["day", "date", "note"]]
    for i in range(n):
        rows.append([i + 1, start + datetime.timedelta(days=i), None])
    return rows


@xw.func(category="fee12b1")
def toy_boom(x):
    """Always raises."""
    raise ValueError(f"boom: {x!r}")
