"""The fee12b1 UDFs (addin/udfs.py) run through xlwings' real UDF machinery
(tests/xlwings_standin.py): argument conversion, the function, return conversion.

Expected figures are SPEC §4's worked figures or worked by hand here, never by calling the code
under test; the spilled tables are compared with the engine's own tables (what `fee12b1 compute`
writes) on the same sample data.
"""
import datetime as dt
import logging
from datetime import date, timedelta

import pytest

from fee_core.contract import ACCRUAL_COLUMNS, CHECK_COLUMNS, PAYOUT_COLUMNS
from fee_core.engine import load_raw, run
from tests import xlwings_standin as standin
from tests.books import base_tables, constant_nav, raw_book

UTC = dt.UTC
JAN1, JAN31 = dt.datetime(2001, 1, 1), dt.datetime(2001, 1, 31)


@pytest.fixture(scope="module")
def udfs():
    return standin.load_udf_module("addin.udfs")


@pytest.fixture(autouse=True)
def fresh_cache(udfs):
    udfs.clear_caches()


def call(udfs, name, *args, **kw):
    return standin.call(udfs, name, *args, **kw)


def serial(d) -> float:
    """Excel 1900-system serial of a date (independent of the code under test)."""
    return float((date(d.year, d.month, d.day) - date(1899, 12, 30)).days)


def nav_ranges(start, end, amount=10_000_000.0, as_serial=False):
    """NAV dates/values columns as Excel hands them: tuples of 1-tuples; dates as COM datetimes
    (a date-formatted cell) or serial floats (the same cell formatted as a number)."""
    rows = constant_nav(["X"], start, end, amount)
    dates = tuple((serial(r["Date"]) if as_serial else dt.datetime.combine(r["Date"], dt.time()),)
                  for r in rows)
    return dates, tuple((r["X"],) for r in rows)


# --------------------------------------------------------------------------- SPEC §4 figures
def test_fee_daily_worked_figures(udfs):
    # 0.45% x 10,000,000 / 365 and / 366 (leap year)
    assert call(udfs, "FEE_DAILY", 0.0045, 10_000_000.0, JAN1) == pytest.approx(123.2876712328767, rel=1e-13)
    leap = call(udfs, "FEE_DAILY", 0.0045, 10_000_000.0, dt.datetime(2004, 3, 1))
    assert leap == pytest.approx(122.9508196721311, rel=1e-13)
    assert f"{leap:.7f}" == "122.9508197"
    # a serial number date, and Actual/365 in the leap year
    assert call(udfs, "FEE_DAILY", 0.0045, 10_000_000.0, serial(date(2004, 3, 1))) == leap
    assert call(udfs, "FEE_DAILY", 0.0045, 10_000_000.0, dt.datetime(2004, 3, 1), "Actual/365") \
        == pytest.approx(45000 / 365, rel=1e-13)


@pytest.mark.parametrize("as_serial", [False, True], ids=["datetime", "serial"])
def test_fee_period_worked_figures(udfs, as_serial):
    dates, values = nav_ranges(date(2001, 1, 1), date(2001, 1, 31), as_serial=as_serial)
    s, e = (serial(JAN1), serial(JAN31)) if as_serial else (JAN1, JAN31)
    assert call(udfs, "FEE_PERIOD", 0.0045, dates, values, s, e) == 3821.92
    assert call(udfs, "FEE_PERIOD", 0.0045, dates, values, s, e, "Actual/Actual", "Daily") == 3821.99
    # omitted optionals and empty cells both mean the Settings defaults
    assert call(udfs, "FEE_PERIOD", 0.0045, dates, values, s, e, None, None) == 3821.92
    assert call(udfs, "FEE_PERIOD", 0.0045, dates, values, s, e, standin.MISSING, "daily") == 3821.99


def test_fee_period_mid_cap_17_days(udfs):
    # Mid-Cap Growth Fund effective Jan 15, 2002: the days Jan 15-31 at 0.45% of $10,000,000
    dates, values = nav_ranges(date(2002, 1, 14), date(2002, 1, 31))
    fee = call(udfs, "FEE_PERIOD", 0.0045, dates, values, dt.datetime(2002, 1, 15),
               dt.datetime(2002, 1, 31))
    assert fee == 2095.89  # 0.0045 x 10,000,000 x 17 / 365 = 2,095.890...


def test_fee_period_cell_references(udfs):
    # ranges as COM Range objects (cell references) rather than array values
    dates, values = nav_ranges(date(2001, 1, 1), date(2001, 1, 31))
    fee = call(udfs, "FEE_PERIOD", standin.ExcelRange(0.0045, "$B$1"),
               standin.ExcelRange(dates, "$A$2"), standin.ExcelRange(values, "$B$2"),
               standin.ExcelRange(JAN1, "$D$1"), standin.ExcelRange(JAN31, "$E$1"))
    assert fee == 3821.92


def test_fee_adna(udfs):
    # hand-worked: 10M on Jan 1-2, 13M from Jan 3 (carried to Jan 4): (10+10+13+13)/4 = 11.5M
    dates = ((JAN1,), (dt.datetime(2001, 1, 3),))
    values = ((10_000_000.0,), (13_000_000.0,))
    assert call(udfs, "FEE_ADNA", dates, values, JAN1, dt.datetime(2001, 1, 4)) == 11_500_000.0
    # cents: (1 + 2) / 3 days -> 1.67 after 1.00, 2.00, 2.00
    dates = ((JAN1,), (dt.datetime(2001, 1, 2),))
    assert call(udfs, "FEE_ADNA", dates, ((1.0,), (2.0,)), JAN1, dt.datetime(2001, 1, 3)) == 1.67
    # trailing empty rows of a wider selection are ignored; serial dates work
    dates, values = nav_ranges(date(2001, 1, 1), date(2001, 1, 31), as_serial=True)
    pad = ((None,),) * 5
    assert call(udfs, "FEE_ADNA", dates + pad, values + pad, serial(JAN1), serial(JAN31)) == 10_000_000.0


def test_fee_service_worked_figures(udfs):
    args = (0.0045, 2_000_000.0, JAN1, JAN31)
    assert call(udfs, "FEE_SERVICE", 0.0025, *args) == 424.66
    # the dealer agreed 0.30%: capped at 0.25%, still $424.66
    assert call(udfs, "FEE_SERVICE", 0.003, *args) == 424.66
    assert call(udfs, "FEE_SERVICE_RATE", 0.003, 0.0045) == 0.0025
    assert call(udfs, "FEE_SERVICE_RATE", 0.002, 0.0045) == 0.002
    assert call(udfs, "FEE_SERVICE_RATE", 0.003, 0.0015) == 0.0015  # the fund's lower rate
    assert call(udfs, "FEE_SERVICE_RATE", 0.003, 0.0045, 0.0030) == 0.003  # an explicit cap
    # 2,000,000 x 0.0025 x 31/365 = 424.657... ; Daily: 31 x round(13.6986...) = 31 x 13.70
    assert call(udfs, "FEE_SERVICE", 0.0025, *args, None, None, "Daily") == 424.70


# --------------------------------------------------------------------------- bad input
def test_bad_input_texts(udfs):
    dates, values = nav_ranges(date(2001, 1, 1), date(2001, 1, 31))
    na = 10_000_000.0
    cases = [
        (("FEE_DAILY", "abc", na, JAN1), "#rate: not a number"),
        (("FEE_DAILY", 0.0045, "ten million", JAN1), "#net_assets: not a number"),
        (("FEE_DAILY", 0.0045, -5.0, JAN1), "#net_assets: negative net assets"),
        (("FEE_DAILY", 0.0045, na, "2001-01-01"), "#fee_date: not a date"),
        (("FEE_DAILY", 0.0045, na, None), "#fee_date: blank, not a date"),
        (("FEE_DAILY", 0.0045, na, 36892.5), "#fee_date: not a date"),
        (("FEE_DAILY", 0.0045, na, JAN1, "30/360"), "#day_count: must be Actual/Actual or Actual/365"),
        (("FEE_DAILY", 4.5, na, JAN1), "#rate: rate must be a fraction (0.45% = 0.0045)"),
        (("FEE_DAILY", -0.0045, na, JAN1), "#rate: negative rate"),
        (("FEE_DAILY", True, na, JAN1), "#rate: not a number"),
        (("FEE_DAILY", ((0.0045, 0.003),), na, JAN1), "#rate: give one cell, not a range"),
        (("FEE_PERIOD", 0.0045, dates, values, "Jan 1", JAN31), "#start: not a date"),
        (("FEE_PERIOD", 0.0045, dates, values, None, JAN31), "#start: blank, not a date"),
        (("FEE_PERIOD", 0.0045, dates, values, JAN31, JAN1), "#end_date: before start"),
        (("FEE_PERIOD", 0.0045, dates, values, JAN1, JAN31, None, "Monthly"),
         "#rounding: must be Period or Daily"),
        (("FEE_PERIOD", 0.0045, dates, values, dt.datetime(2000, 12, 1), JAN31),
         "#start: no NAV on or before 2000-12-01"),
        (("FEE_PERIOD", 0.0045, dates, ((-1.0,),) + values[1:], JAN1, JAN31),
         "#nav_values: negative net assets"),
        (("FEE_PERIOD", 0.0045, dates, values[:3] + ((None,),) + values[4:], JAN1, JAN31),
         "#nav_values: row 4: blank, not a number"),
        # blank before the first net assets: the fund is not in the plan yet (no NAV on Jan 1)
        (("FEE_PERIOD", 0.0045, dates, ((None,),) + values[1:], JAN1, JAN31),
         "#start: no NAV on or before 2001-01-01"),
        (("FEE_ADNA", dates, ((None,),) * len(dates), JAN1, JAN31),
         "#nav_values: no net assets in the range"),
        (("FEE_PERIOD", 0.0045, ((None,),) + dates[1:], values, JAN1, JAN31),
         "#nav_dates: row 1: blank, not a date"),
        (("FEE_PERIOD", 0.0045, dates, values[:-1], JAN1, JAN31),
         f"#nav_values: {len(values) - 1} cells but nav_dates has {len(dates)}"),
        (("FEE_PERIOD", 0.0045, tuple(reversed(dates)), values, JAN1, JAN31),
         "#nav_dates: not in increasing date order (or duplicated)"),
        (("FEE_PERIOD", 0.0045, ((1.0, 2.0), (3.0, 4.0)), values, JAN1, JAN31),
         "#nav_dates: give one column (or one row)"),
        (("FEE_ADNA", dates, values, JAN1, "end"), "#end_date: not a date"),
        (("FEE_SERVICE", 0.0025, 0.0045, -1.0, JAN1, JAN31), "#attributable_assets: negative assets"),
        (("FEE_SERVICE", 0.0025, 0.0045, 1.0, JAN31, JAN1), "#end_date: before start"),
        (("FEE_SERVICE", 0.0025, 0.0045, 1.0, JAN1, JAN31, "a quarter"), "#cap: not a number"),
        (("FEE_SERVICE_RATE", "", 0.0045), "#provider_rate: blank, not a number"),
    ]
    for args, text in cases:
        got = call(udfs, *args)
        assert got == text, args


def test_unexpected_exception_is_logged_not_shown(udfs, monkeypatch, caplog):
    def boom(*a, **k):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(udfs.cells, "period_fee", boom)
    dates, values = nav_ranges(date(2001, 1, 1), date(2001, 1, 31))
    with caplog.at_level(logging.ERROR, logger="fee12b1.addin"):
        got = call(udfs, "FEE_PERIOD", 0.0045, dates, values, JAN1, JAN31)
    assert got == "#error: RuntimeError: disk on fire"
    assert "Traceback" in caplog.text and "disk on fire" in caplog.text
    # not cached: once fixed, the same cell computes
    monkeypatch.undo()
    assert call(udfs, "FEE_PERIOD", 0.0045, dates, values, JAN1, JAN31) == 3821.92


# --------------------------------------------------------------------------- tables
def table_range(tables, name):
    """A table argument as Excel hands ``Table[#All]``: header row + rows; dates as datetimes."""
    from fee_core.contract import TABLES
    rows = tables[name]
    headers = list(rows[0]) if name == "NAV" else list(TABLES[name].headers)

    def cell(v):
        return dt.datetime.combine(v, dt.time()) if isinstance(v, date) else v
    return (tuple(headers),) + tuple(tuple(cell(r.get(h)) for h in headers) for r in rows)


def excel_row(row):
    """An engine row as the cells xlwings hands back (dates tz-aware UTC, money floats)."""
    from decimal import Decimal
    out = []
    for v in row:
        if isinstance(v, Decimal):
            v = float(v)
        elif isinstance(v, date):
            v = dt.datetime(v.year, v.month, v.day, tzinfo=UTC)
        elif hasattr(v, "item"):
            v = v.item()
        out.append(v)
    return out


@pytest.fixture(scope="module")
def sample():
    from templates.sample import sample_tables
    tables = sample_tables(2001, 12)
    book, findings = load_raw(raw_book(tables))
    res = run(book, findings)
    assert res.ok
    return tables, res


def test_fee_accruals_spill_equals_engine(udfs, sample):
    tables, res = sample
    r = {n: table_range(tables, n) for n in ("ScheduleA", "ScheduleB", "PlanEvents", "NAV",
                                             "Settings", "FundNames")}
    got = call(udfs, "FEE_ACCRUALS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"], r["NAV"],
               r["Settings"], None, r["FundNames"])
    cols = list(ACCRUAL_COLUMNS[:6])
    assert got[0] == cols
    expected = [excel_row(row) for row in res.accruals[cols].itertuples(index=False, name=None)]
    assert len(got) - 1 == len(expected) == len(res.accruals) > 100
    assert got[1:] == expected
    # quarterly, through the same engine
    q = run(*load_raw(raw_book(tables)), by="quarter")
    got_q = call(udfs, "FEE_ACCRUALS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"], r["NAV"],
                 r["Settings"], "quarter", r["FundNames"])
    assert got_q[1:] == [excel_row(x) for x in q.accruals[cols].itertuples(index=False, name=None)]


def test_spill_is_what_xlwings_write_stage_makes(udfs, sample):
    """The table functions return their rows raw (@xw.ret('raw')); they equal what xlwings' own
    write stage (the real _xlwindows Engine.prepare_xl_data_element) makes of the engine's
    rows."""
    import xlwings
    tables, res = sample
    r = {n: table_range(tables, n) for n in ("ScheduleA", "ScheduleB", "PlanEvents", "NAV",
                                             "Settings", "FundNames")}
    got = call(udfs, "FEE_ACCRUALS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"], r["NAV"],
               r["Settings"], "month", r["FundNames"])
    cols = list(ACCRUAL_COLUMNS[:6])
    from decimal import Decimal

    def plain(v):  # money goes to Excel as a double (a Decimal would become a VT_CY)
        return float(v) if isinstance(v, Decimal) else v.item() if hasattr(v, "item") else v
    rows = [cols] + [[plain(v) for v in row]
                     for row in res.accruals[cols].itertuples(index=False, name=None)]
    with standin.installed():
        expected = xlwings.conversion.write(rows, None, {})
    assert got == expected


def test_fee_payouts_spill_equals_engine_without_nav(udfs, sample):
    tables, res = sample
    r = {n: table_range(tables, n) for n in ("Providers", "ProviderAssets", "ScheduleA",
                                             "ScheduleB", "PlanEvents", "Settings", "FundNames")}
    got = call(udfs, "FEE_PAYOUTS", r["Providers"], r["ProviderAssets"], r["ScheduleA"],
               r["ScheduleB"], r["PlanEvents"], r["Settings"], standin.MISSING, r["FundNames"])
    assert got[0] == list(PAYOUT_COLUMNS)
    expected = [excel_row(row) for row in res.payouts.itertuples(index=False, name=None)]
    assert len(expected) == len(res.payouts) > 100
    assert got[1:] == expected
    assert all(row[6] is False for row in got[1:])  # capped as a bool (no sample provider above the cap)


def test_fee_checks_spill_equals_engine(udfs, sample):
    tables, res = sample
    r = {n: table_range(tables, n) for n in tables if n != "Expenses"}
    got = call(udfs, "FEE_CHECKS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"], r["NAV"],
               r["Settings"], r["Providers"], r["ProviderAssets"], r["FundNames"])
    assert got[0] == list(CHECK_COLUMNS)
    expected = [list(x) for x in res.checks_table().itertuples(index=False, name=None)]
    assert got[1:] == expected and len(expected) > 0


def test_table_functions_bad_data(udfs):
    t = base_tables(settings={"Period Start": date(2001, 1, 1), "Period End": date(2001, 1, 31)})
    t["NAV"] = constant_nav(["Balanced Fund"], date(2001, 1, 1), date(2001, 1, 31))
    t["NAV"][3]["Balanced Fund"] = -1.0
    r = {n: table_range(t, n) for n in ("ScheduleA", "ScheduleB", "PlanEvents", "NAV", "Settings")}
    got = call(udfs, "FEE_ACCRUALS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"], r["NAV"],
               r["Settings"])
    assert isinstance(got, str) and got.startswith("#nav: ") and "Balanced Fund" in got
    assert "more errors" not in got      # one bad cell is one error (not also nav.blank)
    assert len(got) <= 255
    # FEE_CHECKS lists it with its cell: data row 4 of the table is sheet row 5
    checks = call(udfs, "FEE_CHECKS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"], r["NAV"],
                  r["Settings"])
    assert any(row[1] == "nav.not_positive" and "B5" in row[2] for row in checks[1:])
    # a table selected without its header row
    got = call(udfs, "FEE_ACCRUALS", r["ScheduleA"][1:], r["ScheduleB"], r["PlanEvents"],
               r["NAV"], r["Settings"])
    assert got.startswith("#schedule_a: ")
    assert call(udfs, "FEE_ACCRUALS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"], r["NAV"],
                r["Settings"], "weekly") == "#by: must be month or quarter or period"
    # "year" is not offered: the command line's --by has no year either (SPEC §8)
    assert call(udfs, "FEE_ACCRUALS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"], r["NAV"],
                r["Settings"], "year") == "#by: must be month or quarter or period"
    # good data: one January row, worked by hand: 0.45% x 10M x 31/365 (Balanced Fund in plan)
    t["NAV"][3]["Balanced Fund"] = 10_000_000.0
    r["NAV"] = table_range(t, "NAV")
    got = call(udfs, "FEE_ACCRUALS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"], r["NAV"],
               r["Settings"])
    assert got[1] == ["Balanced Fund", dt.datetime(2001, 1, 1, tzinfo=UTC),
                      dt.datetime(2001, 1, 31, tzinfo=UTC), 31, 10_000_000.0, 3821.92]


# --------------------------------------------------------------------------- Excel errors
# SCODEs as pywin32 hands them over for a VT_ERROR: 0x800A0000 + Excel's error number
# (XlCVError: #N/A 2042, #SPILL! 2045, #CALC! 2050; #BUSY! 2051 as Excel gives it over COM)
SCODE = {"#N/A": -2146826246, "#VALUE!": -2146826273, "#SPILL!": -2146826243,
         "#CALC!": -2146826238, "#BUSY!": -2146826237, "#GETTING_DATA": -2146826245}


def is_error(answer, text):
    """The answer is the real Excel error ``text`` (pywin32's VARIANT of type VT_ERROR)."""
    return (isinstance(answer, standin.VARIANT) and answer.varianttype == 10
            and answer.value == SCODE[text])


@pytest.mark.parametrize("text", ["#N/A", "#SPILL!", "#CALC!", "#BUSY!", "#GETTING_DATA"])
def test_excel_error_inputs_propagate_as_errors(udfs, text):
    """An input cell holding an error arrives as its SCODE int (never read as a number) and the
    figure is that same error, as with Excel's own functions, so a total over it is an error."""
    dates, values = nav_ranges(date(2001, 1, 1), date(2001, 1, 31))
    err = SCODE[text]
    assert is_error(call(udfs, "FEE_DAILY", err, 10_000_000.0, JAN1), text)
    assert is_error(call(udfs, "FEE_DAILY", standin.ExcelRange(err), 10_000_000.0, JAN1), text)
    assert is_error(call(udfs, "FEE_PERIOD", 0.0045, dates, values, JAN1, err), text)
    # one error cell in a NAV range (the range read as a COM Range)
    bad = values[:9] + ((err,),) + values[10:]
    assert is_error(call(udfs, "FEE_PERIOD", 0.0045, standin.ExcelRange(dates, "$A$2"),
                         standin.ExcelRange(bad, "$B$2"), JAN1, JAN31), text)
    assert is_error(call(udfs, "FEE_ADNA", dates, bad, JAN1, JAN31), text)
    assert is_error(call(udfs, "FEE_SERVICE_RATE", 0.0025, err), text)
    assert is_error(call(udfs, "FEE_DAILY", 0.0045, 1.0, JAN1, err), text)  # a choice argument
    # the same range without the error computes (nothing stale in the cache)
    assert call(udfs, "FEE_ADNA", dates, values, JAN1, JAN31) == 10_000_000.0


def test_error_texts_count_as_errors(udfs):
    """The seven classic errors may also arrive as their text (xlwings' err_to_str)."""
    assert is_error(call(udfs, "FEE_DAILY", "#N/A", 10_000_000.0, JAN1), "#N/A")
    assert is_error(call(udfs, "FEE_DAILY", 0.0045, "#VALUE!", JAN1), "#VALUE!")


def test_error_in_a_table_is_a_finding(udfs):
    """In a table argument an error cell is a data error with its cell (FEE_CHECKS)."""
    t = base_tables(settings={"Period Start": date(2001, 1, 1), "Period End": date(2001, 1, 31)})
    t["NAV"] = constant_nav(["Balanced Fund"], date(2001, 1, 1), date(2001, 1, 31))
    r = {n: table_range(t, n) for n in ("ScheduleA", "ScheduleB", "PlanEvents", "NAV", "Settings")}
    nav = list(r["NAV"])
    nav[4] = (nav[4][0], SCODE["#SPILL!"])  # data row 4 = sheet row 5
    got = call(udfs, "FEE_ACCRUALS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"],
               tuple(nav), r["Settings"])
    assert isinstance(got, str) and got.startswith("#nav: ") and "#SPILL!" in got
    checks = call(udfs, "FEE_CHECKS", r["ScheduleA"], r["ScheduleB"], r["PlanEvents"],
                  tuple(nav), r["Settings"])
    assert any("B5" in row[2] and "#SPILL!" in row[3] for row in checks[1:])


def test_currency_cells_are_numbers(udfs):
    """A currency-formatted cell arrives as a Decimal (COM VT_CY): still a number."""
    from decimal import Decimal
    assert call(udfs, "FEE_DAILY", 0.0045, Decimal(10000000), JAN1) == \
        pytest.approx(123.2876712328767, rel=1e-13)


# --------------------------------------------------------------------------- the cache
def ten_year_nav(n=2520):
    start = date(2001, 1, 1)
    dates = tuple((dt.datetime.combine(start + timedelta(days=i * 3653 // n), dt.time()),)
                  for i in range(n))
    values = tuple((10_000_000.0 + 1000.0 * (i % 97),) for i in range(n))
    return dates, values


def test_cache_is_keyed_on_values_and_sized_by_answers(udfs):
    dates, values = ten_year_nav()
    args = ("FEE_PERIOD", 0.0045, dates, values, dt.datetime(2001, 1, 1), dt.datetime(2010, 12, 31))
    cold = call(udfs, *args)
    assert isinstance(cold, float) and cold > 0
    misses = udfs.RESULTS.misses
    for _ in range(3):  # equal values in new objects, as each recalculation hands them over
        assert call(udfs, args[0], args[1], tuple(map(tuple, dates)), tuple(map(tuple, values)),
                    *args[4:]) == cold
    assert udfs.RESULTS.misses == misses and udfs.RESULTS.hits == 3
    # 120 monthly cells over the same range: 120 answers, the range's 5,040 cells held once
    months = [(dt.datetime(y, m, 1), dt.datetime(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))
              for y in range(2001, 2011) for m in range(1, 13)]
    for s, e in months:
        call(udfs, "FEE_ADNA", dates, values, s, e)
    assert len(udfs.RESULTS) == 1 + len(months)
    assert udfs.RESULTS.cells == 1 + len(months)  # one cell per figure
    assert len(udfs.FINGERPRINTS.ranges) == 2  # nav_dates and nav_values, once each
    assert udfs.SERIES.misses == 1  # one NAV series built for all 121 answers
    # an edited value is a new key: no stale figure
    edited = values[:-1] + ((20_000_000.0,),)
    assert call(udfs, "FEE_PERIOD", 0.0045, dates, edited, *args[4:]) != cold
    # TRUE is not 1.0
    assert call(udfs, "FEE_DAILY", 0.0045, 1.0, JAN1) != call(udfs, "FEE_DAILY", 0.0045, True, JAN1)


def test_by_choices_are_the_command_lines(udfs):
    """FEE_ACCRUALS/FEE_PAYOUTS take exactly what `fee12b1 compute --by` takes (SPEC §8)."""
    from fee_core.cli import build_parser
    parser = build_parser(["compute"])
    compute = parser._subparsers._group_actions[0].choices["compute"]
    (by,) = [a for a in compute._actions if a.dest == "by"]
    assert tuple(by.choices) == udfs.BY_CHOICES == ("month", "quarter", "period")
