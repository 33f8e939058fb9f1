"""The one conversion per column kind (SPEC §5 "A cell is what it is"), on values as a reader
hands them over, and the parser's tables built in memory (``tests.books.raw_book``).

Expected values are worked by hand: Excel's 1900 serial 36892 is 2001-01-01, 1 is 1900-01-01,
60 is Excel's fictitious 1900-02-29 (shown as the 28th here), 2958465 is 9999-12-31."""
from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pytest

from fee_core.engine import load_raw, run
from fee_core.parse.cells import CellProblem, convert_cell, quote, to_date, to_decimal, to_text
from fee_core.parse.column import convert_column, factorize
from fee_core.read.raw import CellError
from tests.books import base_tables, constant_nav, raw_book

FUND = "Balanced Fund"


@pytest.mark.parametrize(("v", "expected"), [
    (36892.0, date(2001, 1, 1)), (1.0, date(1900, 1, 1)), (61.0, date(1900, 3, 1)),
    (2958465.0, date(9999, 12, 31)), (datetime(2001, 1, 5, 12, 30), date(2001, 1, 5)),
    (date(2001, 1, 5), date(2001, 1, 5)), (None, None), ("  ", None),
])
def test_dates_that_are_dates(v, expected):
    assert to_date(v, False) == expected


def test_1904_system():
    assert to_date(35430.0, True) == date(2001, 1, 1)        # 1904-01-01 + 35430 days


@pytest.mark.parametrize(("v", "quoted"), [
    (True, "TRUE"), (False, "FALSE"), (math.nan, "NaN"), (-5.0, "-5"), (0.0, "0"),
    (3000000.0, "3000000"), (36895.5, "36895.5"), ("2001-01-05", "'2001-01-05'"),
    (datetime(1899, 12, 30), "1899-12-30"), (math.inf, "infinity"),
])
def test_dates_that_are_not(v, quoted):
    with pytest.raises(CellProblem) as e:
        to_date(v, False)
    assert e.value.code == "cell.not_a_date"
    assert quoted in e.value.message


@pytest.mark.parametrize(("v", "quoted", "stored_as_text"), [
    (True, "TRUE", False), (False, "FALSE", False),
    (" 21312586.96 ", "' 21312586.96 '", True), ("$12.34", "'$12.34'", True),
    ("0.45%", "'0.45%'", True), ("1,234,567.00", "'1,234,567.00'", True),
    ("ten million", "'ten million'", False), (math.nan, "NaN", False),
    (math.inf, "infinity", False), (-math.inf, "-infinity", False),
    (date(2001, 1, 5), "2001-01-05", False),
])
def test_numbers_that_are_not(v, quoted, stored_as_text):
    with pytest.raises(CellProblem) as e:
        to_decimal(v)
    assert e.value.code == "cell.not_a_number"
    assert quoted in e.value.message
    assert ("a number stored as text" in e.value.message) == stored_as_text


def test_numbers_that_are():
    assert to_decimal(21312586.96) == Decimal("21312586.96")
    assert to_decimal(-5.0) == Decimal("-5.0")
    assert to_decimal(None) is None and to_decimal(" ") is None


def test_errors_and_formulas_without_a_value():
    for kind in ("date", "money", "text"):
        with pytest.raises(CellProblem) as e:
            convert_cell(CellError("#N/A"), kind)
        assert e.value.code == "cell.error" and "#N/A" in e.value.message
        with pytest.raises(CellProblem) as e:
            convert_cell(CellError("#NO-VALUE"), kind)
        assert e.value.code == "cell.no_value"


def test_text():
    assert to_text(1001.0) == "1001" and to_text(12.5) == "12.5" and to_text(True) == "TRUE"
    assert to_text("  P001 ") == "P001" and to_text(None) == ""
    with pytest.raises(CellProblem) as e:
        to_text(math.nan)
    assert e.value.code == "cell.not_text"


def test_quote_says_what_the_cell_holds():
    assert [quote(v) for v in (-5.0, 21312586.96, True, "x", math.nan)] == \
        ["-5", "21312586.96", "TRUE", "'x'", "NaN"]


def test_true_is_not_one_in_a_column():
    """A dictionary takes True == 1.0; the column conversion must not."""
    codes, uniques = factorize([1.0, True, 1.0, False, 0.0, None])
    assert len(uniques) == 4 and codes[-1] == -1
    c = convert_column([1.0, True, 36892.0, None], "Date", "date")
    assert c.bad.tolist() == [False, True, False, False]
    assert c.values[0] == np.datetime64("1900-01-01") and np.isnat(c.values[1])
    assert c.blank.tolist() == [False, False, False, True]


def test_a_nan_cell_is_not_a_blank_cell():
    c = convert_column([1.0, None, math.nan, 2.0], "NAV", "money")
    assert c.blank.tolist() == [False, True, False, False]
    assert c.bad.tolist() == [False, False, True, False]
    assert c.problem(2).code == "cell.not_a_number"
    fast = convert_column([1.0, None, 2.0], "NAV", "money")
    assert fast.blank.tolist() == [False, True, False] and not fast.bad.any()


# --------------------------------------------------------------------------- whole books in memory
def book(mutate=None):
    t = base_tables(settings={"Period Start": date(2001, 1, 1), "Period End": date(2001, 1, 31)})
    t["NAV"] = constant_nav([FUND], date(2001, 1, 1), date(2001, 1, 31))
    if mutate:
        mutate(t)
    return t


def findings_of(tables, **kw):
    b, f = load_raw(raw_book(tables))
    assert b is not None
    return run(b, f, **kw).findings


def codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


@pytest.mark.parametrize("value", [True, " 10000000 ", "$10,000,000.00", math.nan])
def test_a_bad_net_assets_cell_is_an_error_at_its_cell(value):
    def m(t):
        t["NAV"][3][FUND] = value
    f = findings_of(book(m))
    hits = [x for x in f if x.code == "cell.not_a_number"]
    assert len(hits) == 1 and hits[0].location.cell == "B5", f


def test_blank_row_inside_a_table_is_named():
    def m(t):
        t["NAV"].insert(5, {"Date": None, FUND: None})
    f = findings_of(book(m))
    w = [x for x in f if x.code == "table.blank_row"]
    assert len(w) == 1 and w[0].location.row == 7 and w[0].severity == "warning"


def test_rows_beside_and_below_as_the_reader_reports_them():
    """The reader's facts about cells outside a table become warnings naming them."""
    from dataclasses import dataclass

    from fee_core.parse import parse_book
    from fee_core.read.raw import RawTable

    @dataclass(frozen=True)
    class Neighbours(RawTable):
        rows_below: tuple = ()
        columns_beside: tuple = ()

    raw = raw_book(book())
    nav = raw.tables["NAV"]
    raw.tables["NAV"] = Neighbours(nav.name, nav.sheet, nav.ref, nav.headers, nav.first_col,
                                   nav.header_row, nav.columns, rows_below=(24, 25),
                                   columns_beside=("C",))
    _, f = parse_book(raw)
    below = [x for x in f if x.code == "table.data_below"]
    beside = [x for x in f if x.code == "table.data_beside"]
    assert len(below) == 1 and below[0].location.row == 24 and "24, 25" in below[0].message
    assert len(beside) == 1 and "Column(s) C" in beside[0].message


def test_nav_coverage_past_the_last_row():
    f = findings_of(book(), start=date(2001, 1, 1), end=date(2001, 2, 5))
    miss = [x for x in f if x.code == "nav.missing_session"]
    # the last row is 2001-01-31; after it: Thursday 2001-02-01, Friday the 2nd, Monday the 5th
    assert len(miss) == 1 and "2001-02-01" in miss[0].message and "3 session(s)" in miss[0].message


def test_nav_coverage_before_the_first_row():
    def m(t):
        t["NAV"] = [r for r in t["NAV"] if r["Date"] >= date(2001, 1, 4)]
    f = findings_of(book(m))
    miss = [x for x in f if x.code == "nav.missing_session"]
    # 2001-01-01 (a holiday) carries 2000-12-29 (Friday): missing, as are Jan 2 and 3
    assert len(miss) == 1 and "2000-12-29" in miss[0].message and "3 session(s)" in miss[0].message
    assert codes(f).count("nav.no_prior") == 1


def test_period_before_the_plan():
    f = findings_of(book(), start=date(1999, 1, 1), end=date(1999, 3, 31))
    assert "period.before_plan" in codes(f, "error")


def test_root_cause_first_missing_column():
    """The Providers header "Service Fee Rate" renamed: one error, one line saying what was
    skipped, no provider.unknown for each Provider Assets row."""
    from fee_core.read.raw import RawTable

    def m(t):
        t["Providers"] = [{"Provider ID": f"D{k}", "Provider Name": "x", "Agreement Type": "Service",
                           "Service Fee Rate": 0.0025, "Start Date": None, "End Date": None,
                           "Minimum Payment": 0.0} for k in range(12)]
        t["ProviderAssets"] = [{"Period Start": date(2001, 1, 1), "Period End": date(2001, 1, 31),
                                "Provider ID": f"D{k}", "Fund": FUND, "Average Net Assets": 1e6}
                               for k in range(12)]
    raw = raw_book(book(m))
    p = raw.tables["Providers"]
    cols = {("Service Fee" if h == "Service Fee Rate" else h): v for h, v in p.columns.items()}
    raw.tables["Providers"] = RawTable(p.name, p.sheet, p.ref, tuple(cols), 1, 1, cols)
    b, f = load_raw(raw)
    assert b is not None
    f = run(b, f).findings
    assert codes(f, "error") == ["table.missing_column"], f
    assert codes(f).count("check.skipped") == 1


def test_nav_jump_and_percent_points():
    def m(t):
        t["NAV"][10][FUND] = 100_000_000.0
        t["ScheduleB"][0]["Annual Rate"] = 0.45
    f = findings_of(book(m))
    jumps = [x for x in f if x.code == "nav.jump"]
    assert [x.location.cell for x in jumps] == ["B12", "B13"]       # into and out of the typo
    pp = [x for x in f if x.code == "rate.percent_points"]
    assert len(pp) == 1 and "0.45 is 45 %; for 0.45 % enter 0.0045 or 0.45%" in pp[0].message


@pytest.mark.parametrize(("value", "shown"), [(-5.0, "-5.00"), (0.0, "0.00"), (1e-300, "0.00")])
def test_net_assets_must_be_positive_as_typed(value, shown):
    def m(t):
        t["NAV"][3][FUND] = value
    f = [x for x in findings_of(book(m)) if x.code == "nav.not_positive"]
    assert len(f) == 1 and f[0].location.cell == "B5" and f"({shown})" in f[0].message
