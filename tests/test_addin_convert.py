"""addin.convert (Excel values -> fee_core inputs) and addin.cache (bounded, value-keyed)."""
import datetime as dt
from decimal import Decimal

import pytest

from addin.cache import Cache, Fingerprints, freeze, memo
from addin.convert import (
    ErrorValue,
    cell_value,
    excel_value,
    raw_table,
    to_choice,
    to_date,
    to_decimal,
)
from addin.xlerrors import error_text, scode
from fee_core.errors import ArgumentError
from fee_core.read.raw import CellError


def test_dates_from_excel():
    d = dt.date(2001, 1, 1)
    assert to_date("start", dt.datetime(2001, 1, 1)) == d
    assert to_date("start", dt.datetime(2001, 1, 1, tzinfo=dt.UTC)) == d
    assert to_date("start", d) == d
    assert to_date("start", 36892.0) == d  # 1900 date system serial
    assert to_date("start", 61.0) == dt.date(1900, 3, 1)  # after Excel's fictitious 1900-02-29
    assert to_date("start", [[36892.0]]) == d  # a one-cell range
    # a COM date (pywin32's datetime is time-zone aware) and a one-cell range as a tuple
    assert to_date("start", dt.datetime(2001, 1, 1, tzinfo=dt.UTC)) == d
    assert to_date("start", ((36892.0,),)) == d
    for bad, problem in (("2001-01-01", "not a date"), (None, "blank, not a date"),
                         ("", "blank, not a date"), (-3.0, "not a date")):
        with pytest.raises(ArgumentError) as e:
            to_date("start", bad)
        assert (e.value.name, e.value.problem) == ("start", problem)
    for err, text in (("#REF!", "#REF!"), (-2146826265, "#REF!"), (-2146826243, "#SPILL!")):
        with pytest.raises(ErrorValue) as x:
            to_date("start", err)
        assert x.value.code == text


def test_excel_error_codes():
    # XlCVError numbers + 0x800A0000, as pywin32 gives a VT_ERROR (signed 32-bit)
    for text, number in (("#NULL!", 2000), ("#DIV/0!", 2007), ("#VALUE!", 2015), ("#REF!", 2023),
                         ("#NAME?", 2029), ("#NUM!", 2036), ("#N/A", 2042),
                         ("#GETTING_DATA", 2043), ("#SPILL!", 2045), ("#CONNECT!", 2046),
                         ("#BLOCKED!", 2047), ("#UNKNOWN!", 2048), ("#FIELD!", 2049),
                         ("#CALC!", 2050), ("#BUSY!", 2051), ("#PYTHON!", 2055)):
        code = 0x800A0000 + number - (1 << 32)
        assert error_text(code) == text and scode(text) == code
        assert error_text(text) == text
        assert cell_value(code) == CellError(text)
    assert error_text(0x800A0000 + 2099 - (1 << 32)) == "#ERROR(2099)"  # unknown, still an error
    assert scode("#ERROR(2099)") == 0x800A0000 + 2099 - (1 << 32)
    # numbers, text and the DISP_E_PARAMNOTFOUND of an omitted argument are not cell errors
    for v in (2042, 2042.0, -2146826246.0, "N/A", -2147352572, True):
        assert error_text(v) is None
    assert error_text("#N/A waiting...") == "#N/A"  # xlwings' async placeholder


def test_cell_values_from_com():
    from decimal import Decimal
    assert cell_value(Decimal("1234.5678")) == 1234.5678  # a currency-formatted cell (VT_CY)
    assert cell_value("") is None and cell_value(None) is None
    d = cell_value(dt.datetime(2001, 1, 2, tzinfo=dt.UTC))
    assert d == dt.datetime(2001, 1, 2) and d.tzinfo is None and type(d) is dt.datetime


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
    # dates as xlwings' write stage makes them for pywin32: midnight, marked UTC
    assert excel_value(dt.date(2001, 1, 1)) == dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
    assert excel_value(float("nan")) == "" and excel_value(2.5) == 2.5
    import numpy as np
    assert type(excel_value(np.int64(31))) is int


def test_freeze_keys():
    rows = [[1.0, "a"], [None, dt.datetime(2001, 1, 1)]]
    assert freeze(rows) == ((1.0, "a"), (None, dt.datetime(2001, 1, 1)))
    hash(freeze(rows))
    assert freeze([[True]]) != freeze([[1.0]])  # TRUE is not 1.0 for a cell
    assert freeze(True) != freeze(1.0) and freeze([1.0, True]) != freeze([1.0, 1.0])


def test_cache_is_bounded_by_answers():
    c = Cache(max_entries=3, max_cells=10)
    for i in range(5):
        c.put(("k", i), i)
    assert len(c) == 3 and c.get(("k", 0)) is None and c.get(("k", 4)) == 4
    c.put("table", [[0.0] * 4] * 2, 8)  # an 8-cell answer: pushes others out to stay <= 10
    assert c.cells <= 10 and c.get("table") is not None
    c.put("huge", [[0.0] * 11], 11)  # larger than the whole cache: not kept
    assert c.get("huge") is None


def test_fingerprints_hold_each_range_once():
    f = Fingerprints(max_cells=10)
    a = ((1.0,), (2.0,))
    k1 = f.key("F", (a, 3.0))
    assert k1 == f.key("F", (((1.0,), (2.0,)), 3.0))  # equal values, other objects
    assert k1 != f.key("F", (((1.0,), (2.5,)), 3.0))
    assert f.key("F", (((True,),),)) != f.key("F", (((1.0,),),))
    assert len(f.ranges) == 4  # 6 cells
    f.key("F", ([[0.0] * 9],))  # 9 more cells: the oldest ranges are let go to stay <= 10
    assert len(f.ranges) == 2
    assert f.key("F", (a, 3.0)) != k1  # a range seen again gets a new number: never reused
    c = Cache(max_entries=3, max_cells=10)
    calls = []
    assert memo(c, "x", lambda: calls.append(1) or 7) == 7
    assert memo(c, "x", lambda: calls.append(1) or 8) == 7 and calls == [1]
