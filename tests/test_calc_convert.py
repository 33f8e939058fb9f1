"""The Calc add-in's conversion layer (addin/calc/convert.py, addin/calc/runtime.py), without
LibreOffice: arguments shaped exactly as Calc hands them to a Python add-in (numbers for dates,
counted from the document's null date; ``""`` for an empty cell in a range, ``0.0`` for an empty
cell referenced alone; tuples of rows), answers as Calc takes them.

Expected figures are SPEC §4's worked figures or worked by hand; tables are compared with the
engine's own tables on the same data (what ``fee12b1 compute`` writes).
"""
import datetime as dt
from datetime import date

import openpyxl
import pytest

from addin.calc import convert as C
from addin.calc.functions import function_specs
from addin.calc.runtime import call
from fee_core.engine import ACCRUAL_COLUMNS, PAYOUT_COLUMNS, load, run
from templates.builder import build_template

NULL_1900, NULL_1904 = date(1899, 12, 30), date(1904, 1, 1)


@pytest.fixture(scope="module")
def specs():
    return {f.name: f for f in function_specs()}


def serial(d: date, null=NULL_1900) -> float:
    return float((d - null).days)


def nav(start: date, end: date, null=NULL_1900, amount=10_000_000.0):
    """NAV columns as Calc passes two one-column ranges: every calendar day (constant assets)."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return tuple((serial(d, null),) for d in days), tuple((amount,) for _ in days)


def calc(specs, name, *args, null=NULL_1900):
    f = specs[name]
    args = args + (None,) * (len(f.args) - len(args))  # Calc passes None for left-out arguments
    return call(f, null, args)


# --------------------------------------------------------------------------- single figures
@pytest.mark.parametrize("null", [NULL_1900, NULL_1904], ids=["1900", "1904"])
def test_worked_figures_in_both_date_systems(specs, null):
    jan1, jan31 = serial(date(2001, 1, 1), null), serial(date(2001, 1, 31), null)
    assert calc(specs, "FEE_DAILY", 0.0045, 10_000_000.0, serial(date(2004, 3, 1), null), null=null) \
        == pytest.approx(45000 / 366, rel=1e-13)
    assert calc(specs, "FEE_DAILY", 0.0045, 10_000_000.0, jan1, null=null) \
        == pytest.approx(45000 / 365, rel=1e-13)
    dates, values = nav(date(2001, 1, 1), date(2001, 1, 31), null)
    assert calc(specs, "FEE_PERIOD", 0.0045, dates, values, jan1, jan31, null=null) == 3821.92
    assert calc(specs, "FEE_PERIOD", 0.0045, dates, values, jan1, jan31, "Actual/Actual", "Daily",
                null=null) == 3821.99
    assert calc(specs, "FEE_ADNA", dates, values, jan1, jan31, null=null) == 10_000_000.0
    assert calc(specs, "FEE_SERVICE", 0.0025, 0.0045, 2_000_000.0, jan1, jan31, null=null) == 424.66
    assert calc(specs, "FEE_SERVICE", 0.0030, 0.0045, 2_000_000.0, jan1, jan31, null=null) == 424.66
    assert calc(specs, "FEE_SERVICE_RATE", 0.003, 0.0045, null=null) == 0.0025


def test_serial_is_counted_from_the_documents_null_date():
    # the same number is a different day in the two date systems (1,462 days apart); the Excel
    # functions get the Excel 1900-system serial of the day the document means
    assert C.excel_serial(36892.0, NULL_1900) == 36892.0  # 2001-01-01
    assert C.excel_serial(35430.0, NULL_1904) == 36892.0  # 2001-01-01 too
    assert C.excel_serial(36892.0, NULL_1904) == 38354.0  # 2005-01-02
    # Calc's serials below 61 are real days; Excel counts a 1900-02-29 that never was
    assert C.excel_serial(60.0, NULL_1900) == 59.0  # 1900-02-28
    assert C.excel_serial(2.0, NULL_1900) == 1.0  # 1900-01-01
    assert C.excel_serial(61.0, NULL_1900) == 61.0  # 1900-03-01
    # days Excel cannot show become 0 (no date), text stays text, a time of day stays a fraction:
    # the Excel function refuses each as "not a date"
    for v in (1.0, 0.0, -1.0, 0.5):
        assert C.excel_serial(v, NULL_1900) == 0.0
    assert C.excel_serial("2001-01-01", NULL_1900) == "2001-01-01"
    assert C.excel_serial(36892.5, NULL_1900) == 36892.5
    assert C.excel_serial(35430.5, NULL_1904) == 36892.5
    assert C.excel_serial(1e300, NULL_1904) == 1e300


def test_bad_arguments_give_the_excel_texts(specs):
    jan1, jan31 = serial(date(2001, 1, 1)), serial(date(2001, 1, 31))
    dates, values = nav(date(2001, 1, 1), date(2001, 1, 31))
    # Calc passes an empty cell referenced alone as 0.0: for a date that is a blank, as in Excel
    assert calc(specs, "FEE_DAILY", 0.0045, 10_000_000.0, 0.0) == "#fee_date: blank, not a date"
    assert calc(specs, "FEE_DAILY", 0.0045, 10_000_000.0, "x") == "#fee_date: not a date"
    assert calc(specs, "FEE_DAILY", "0.45%", 10_000_000.0, jan1) == "#rate: not a number"
    assert calc(specs, "FEE_DAILY", 0.0045, -1.0, jan1) == "#net_assets: negative net assets"
    assert calc(specs, "FEE_DAILY", 0.0045, 1.0, jan1, "30/360") == \
        "#day_count: must be Actual/Actual or Actual/365"
    assert calc(specs, "FEE_PERIOD", 0.0045, dates, values, jan31, jan1) == "#end_date: before start"
    assert calc(specs, "FEE_PERIOD", 0.0045, dates, values, -5.0, jan31) == "#start: not a date"
    assert calc(specs, "FEE_ADNA", dates, values, jan1, "") == "#end_date: blank, not a date"
    # an empty cell inside a range arrives as "" and is a blank there
    holes = dates[:3] + (("",),) + dates[4:]
    assert calc(specs, "FEE_ADNA", holes, values, jan1, jan31) == \
        "#nav_dates: row 4: blank, not a date"
    assert calc(specs, "FEE_ADNA", ((jan1, jan31),), values, jan1, jan31) == \
        "#nav_values: 31 cells but nav_dates has 2"


def test_optional_arguments_left_out_take_the_defaults(specs):
    jan1, jan31 = serial(date(2001, 1, 1)), serial(date(2001, 1, 31))
    # left out: Calc passes None
    assert calc(specs, "FEE_SERVICE", 0.003, 0.0045, 2_000_000.0, jan1, jan31, None, None, None) \
        == 424.66
    # an empty text is a blank choice: the default
    assert calc(specs, "FEE_DAILY", 0.0045, 10_000_000.0, jan1, "") == pytest.approx(45000 / 365)
    # an empty cell referenced alone arrives as 0.0: refused for an optional argument (a cap of 0
    # would pay nothing where Excel's empty cell means 0.25%)
    assert calc(specs, "FEE_SERVICE", 0.003, 0.0045, 2_000_000.0, jan1, jan31, 0.0) == \
        "#cap: 0, as Calc passes an empty cell; leave cap out for its default"
    assert calc(specs, "FEE_DAILY", 0.0045, 10_000_000.0, jan1, 0.0).startswith("#day_count: 0, ")
    assert calc(specs, "FEE_SERVICE", 0.003, 0.0045, 2_000_000.0, jan1, jan31, 0.002) == 339.73


# --------------------------------------------------------------------------- results
def test_results_as_calc_takes_them():
    assert C.calc_value(None, NULL_1900) == ""
    assert C.calc_value(True, NULL_1900) == 1.0 and C.calc_value(False, NULL_1900) == 0.0
    assert C.calc_value(date(2001, 1, 1), NULL_1900) == 36892.0
    assert C.calc_value(date(2001, 1, 1), NULL_1904) == 35430.0
    assert C.calc_value(dt.datetime(2001, 1, 1, 18), NULL_1900) == 36892.75
    assert C.calc_value(3, NULL_1900) == 3.0 and isinstance(C.calc_value(3, NULL_1900), float)
    assert C.calc_value(float("nan"), NULL_1900) == ""
    assert C.calc_result([["a", 1], ["b"]], NULL_1900) == (("a", 1.0), ("b", ""))
    assert C.calc_result("#nav: bad", NULL_1900) == "#nav: bad"


# --------------------------------------------------------------------------- tables
def calc_table(ws, null: date) -> tuple:
    """An openpyxl table's cells (header row first) as Calc passes a range: dates as serials
    from ``null``, empty cells as ""."""
    out = []
    for row in ws.iter_rows(values_only=True):
        cells = []
        for v in row:
            if v is None:
                cells.append("")
            elif isinstance(v, dt.datetime):
                cells.append(serial(v.date(), null))
            elif isinstance(v, bool):
                cells.append(1.0 if v else 0.0)
            elif isinstance(v, (int, float)):
                cells.append(float(v))
            else:
                cells.append(v)
        out.append(tuple(cells))
    return tuple(out)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("calc-sample") / "sample.xlsx"
    build_template(path, 2001, sample=True)
    wb = openpyxl.load_workbook(path)
    ranges = {}
    for ws in wb.worksheets:
        for t in ws.tables.values():
            ranges[t.name] = ws[t.ref]
    book, findings = load(path)
    return ranges, run(book, findings, by="month")


def _sheet(cells):
    ws = openpyxl.Workbook().active
    for row in cells:
        ws.append([c.value for c in row])
    return ws


@pytest.mark.parametrize("null", [NULL_1900, NULL_1904], ids=["1900", "1904"])
def test_table_functions_equal_the_engine(specs, sample, null):
    ranges, res = sample
    t = {name: calc_table(_sheet(cells), null) for name, cells in ranges.items()}
    acc = calc(specs, "FEE_ACCRUALS", t["ScheduleA"], t["ScheduleB"], t["PlanEvents"], t["NAV"],
               t["Settings"], "month", t["FundNames"], null=null)
    cols = ACCRUAL_COLUMNS[:ACCRUAL_COLUMNS.index("plan_fee") + 1]
    assert acc[0] == tuple(cols)
    want = [(r.fund, serial(r.period_start, null), serial(r.period_end, null), float(r.days),
             float(r.average_daily_net_assets), float(r.plan_fee))
            for r in res.accruals[list(cols)].itertuples(index=False)]
    assert list(acc[1:]) == want
    pay = calc(specs, "FEE_PAYOUTS", t["Providers"], t["ProviderAssets"], t["ScheduleA"],
               t["ScheduleB"], t["PlanEvents"], t["Settings"], None, t["FundNames"], null=null)
    assert pay[0] == tuple(PAYOUT_COLUMNS)
    want = [(r.provider_id, r.fund, serial(r.period_start, null), serial(r.period_end, null),
             float(r.average_net_assets), float(r.rate), 1.0 if r.capped else 0.0,
             float(r.service_fee))
            for r in res.payouts[list(PAYOUT_COLUMNS)].itertuples(index=False)]
    assert list(pay[1:]) == want


def test_settings_dates_follow_the_null_date():
    header = ("Setting", "Value")
    cells = (header, ("Period Start", 35430.0), ("Day Count", "Actual/365"), ("Rate", 0.5))
    rows = C.table_rows("Settings", cells, NULL_1904)
    assert rows[1] == ["Period Start", 36892.0]
    assert rows[2] == ["Day Count", "Actual/365"] and rows[3] == ["Rate", 0.5]
    nav_cells = (("Date", "Fund A"), (36892.0, 5.0), ("", ""))
    assert C.table_rows("NAV", nav_cells, NULL_1904) == \
        [["Date", "Fund A"], [38354.0, 5.0], [None, None]]


def test_a_fund_column_blank_until_the_fund_starts(specs):
    # the NAV table's column of a fund that joins later is blank above its first value
    dates, values = nav(date(2000, 12, 1), date(2001, 1, 31))
    values = (("",),) * 31 + values[31:]  # blank through 2000-12-31
    jan1, jan31 = serial(date(2001, 1, 1)), serial(date(2001, 1, 31))
    assert calc(specs, "FEE_ADNA", dates, values, jan1, jan31) == 10_000_000.0
    assert calc(specs, "FEE_PERIOD", 0.0045, dates, values, jan1, jan31) == 3821.92
    assert calc(specs, "FEE_ADNA", dates, values, serial(date(2000, 12, 31)), jan31) == \
        "#start: no NAV on or before 2000-12-31"
