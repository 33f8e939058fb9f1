"""addin.convert (Excel values -> fee_core inputs) and addin.cache (bounded, value-keyed)."""
import datetime as dt
from decimal import Decimal

import pytest

from addin.cache import Cache, freeze, memo
from addin.convert import excel_value, raw_table, to_choice, to_date, to_decimal
from fee_core.errors import ArgumentError
from fee_core.read.raw import CellError


def test_dates_from_excel():
    d = dt.date(2001, 1, 1)
    assert to_date("start", dt.datetime(2001, 1, 1)) == d
    assert to_date("start", dt.datetime(2001, 1, 1, tzinfo=dt.timezone.utc)) == d
    assert to_date("start", d) == d
    assert to_date("start", 36892.0) == d  # 1900 date system serial
    assert to_date("start", 61.0) == dt.date(1900, 3, 1)  # after Excel's fictitious 1900-02-29
    assert to_date("start", [[36892.0]]) == d  # a one-cell range
    for bad, problem in (("2001-01-01", "not a date"), (None, "blank, not a date"),
                         (-3.0, "not a date"), ("#REF!", "Excel error #REF!")):
        with pytest.raises(ArgumentError) as e:
            to_date("start", bad)
        assert (e.value.name, e.value.problem) == ("start", problem)


def test_numbers_and_choices():
    assert to_decimal("rate", 0.0045) == Decimal("0.0045")  # as Excel shows it, not binary
    assert to_decimal("cap", None, Decimal("0.0025")) == Decimal("0.0025")
    assert to_choice("day_count", " actual/365 ", ("Actual/Actual", "Actual/365"), "x") == "Actual/365"
    assert to_choice("day_count", "", ("Actual/Actual",), "Actual/Actual") == "Actual/Actual"
    with pytest.raises(ArgumentError, match="rate: not a number"):
        to_decimal("rate", "0.45%")


def test_table_argument_to_raw_table():
    rng = [["Notes", "Fund", "Annual Rate", "Effective Date", "End Date", "Extra"],
           ["", "Growth Fund", 0.0045, dt.datetime(2000, 12, 14), None, 1.0],
           [None, "Energy Fund", "#N/A", dt.datetime(2000, 12, 14), None, None],
           [None, None, None, None, None, None]]  # selection below the table
    t = raw_table("schedule_b", "ScheduleB", rng)
    assert (t.name, t.sheet, t.header_row, t.first_col) == ("ScheduleB", "Schedule B", 1, 1)
    assert t.headers[:2] == ("Notes", "Fund") and t.n_rows == 2
    assert t.columns["Annual Rate"] == [0.0045, CellError("#N/A")]
    assert t.columns["Effective Date"][0] == dt.datetime(2000, 12, 14)
    with pytest.raises(ArgumentError, match="no Fund header"):
        raw_table("schedule_b", "ScheduleB", rng[1:])


def test_excel_values_back():
    assert excel_value(Decimal("3821.92")) == 3821.92
    assert excel_value(None) == "" and excel_value(True) is True
    assert excel_value(dt.date(2001, 1, 1)) == dt.date(2001, 1, 1)
    import numpy as np
    assert type(excel_value(np.int64(31))) is int


def test_freeze_keys():
    rows = [[1.0, "a"], [None, dt.datetime(2001, 1, 1)]]
    assert freeze(rows) == ((1.0, "a"), (None, dt.datetime(2001, 1, 1)))
    hash(freeze(rows))
    assert freeze([[True]]) != freeze([[1.0]])  # TRUE is not 1.0 for a cell
    assert freeze(True) != freeze(1.0) and freeze([1.0, True]) != freeze([1.0, 1.0])


def test_cache_is_bounded():
    c = Cache(max_entries=3, max_cells=10)
    for i in range(5):
        c.put(("k", i), i)
    assert len(c) == 3 and c.get(("k", 0)) is None and c.get(("k", 4)) == 4
    c.put(freeze([[0.0] * 4] * 2), "big")  # 8 cells: pushes others out to stay <= 10
    assert c._cells <= 10
    c.put(freeze([[0.0] * 11]), "huge")  # larger than the whole cache: not kept
    assert c.get(freeze([[0.0] * 11])) is None
    calls = []
    assert memo(c, "x", lambda: calls.append(1) or 7) == 7
    assert memo(c, "x", lambda: calls.append(1) or 8) == 7 and calls == [1]
