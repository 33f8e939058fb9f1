"""The naive reference (tests/naive_reference.py) against the worked figures of SPEC §4.

Every expected number is worked by hand in the comments; all workbooks are built with
templates.book.write_input_workbook, so the reference also proves it reads what the writer writes.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel

from fee_core.write.inputs import write_input_workbook
from tests.naive_reference import (
    ACCRUALS_COLUMNS,
    PAYMENTS_COLUMNS,
    PAYOUTS_COLUMNS,
    compute_naive,
    csv_text,
    day_fee,
    periods,
    year_days,
)

STOCK = "INVESCO STOCK FUNDS, INC."
COUNSELOR = "INVESCO COUNSELOR SERIES FUNDS, INC."
TEN_MILLION = 10_000_000.0


def weekdays(start: date, end: date):
    d = start
    while d <= end:
        if d.weekday() < 5:
            yield d
        d += timedelta(days=1)


def nav_rows(start, end, values):
    """One NAV row per weekday of [start, end]; values: header -> amount (None = blank)."""
    return [{"Date": d, **values} for d in weekdays(start, end)]


def settings(start, end, **extra):
    rows = {"Period Start": start, "Period End": end, "Day Count": "Actual/Actual",
            "Rounding": "Period", "Service Fee Cap": 0.0025, "Payment Frequency": "Monthly",
            "Initial Term End": date(2001, 5, 30)}
    rows.update(extra)
    return [{"Setting": k, "Value": v} for k, v in rows.items()]


APPROVALS = [
    {"Date": date(2000, 11, 30), "Event": "Plan Effective", "Fund": None, "Notes": "agreement date"},
    {"Date": date(2001, 5, 15), "Event": "Continuance Approved", "Fund": None, "Notes": ""},
    {"Date": date(2002, 5, 14), "Event": "Continuance Approved", "Fund": None, "Notes": ""},
]


def base_tables(start=date(2001, 1, 1), end=date(2001, 1, 31), **settings_extra):
    """One fund, Dynamics Fund, 0.45 %, $10,000,000 every weekday from Dec 2000 on."""
    return {
        "ScheduleA": [{"Company": STOCK, "Fund": "Dynamics Fund",
                       "Effective Date": date(2000, 11, 29), "Notes": ""}],
        "ScheduleB": [{"Fund": "INVESCO Dynamics Fund", "Annual Rate": 0.0045,
                       "Effective Date": date(2000, 11, 29), "End Date": None, "Notes": ""}],
        "FundNames": [],
        "PlanEvents": list(APPROVALS),
        "NAV": nav_rows(date(2000, 12, 1), date(2002, 12, 31), {"Dynamics Fund": TEN_MILLION}),
        "Providers": [],
        "ProviderAssets": [],
        "Settings": settings(start, end, **settings_extra),
    }


def build(tmp_path, tables, name="book.xlsx", **kw):
    path = tmp_path / name
    write_input_workbook(path, tables, **kw)
    return path


def only(rows, **match):
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


# ---------------------------------------------------------------------------------------------
# day fee helper
# ---------------------------------------------------------------------------------------------

def test_day_fee_2001():
    # 10,000,000 × 0.0045 / 365 = 45,000 / 365 = 123.28767123287671...
    fee = day_fee(Decimal("0.0045"), Decimal(10_000_000), date(2001, 1, 15))
    assert str(fee).startswith("123.2876712328767123")
    assert year_days(date(2001, 1, 15)) == 365


def test_day_fee_leap_year():
    # 45,000 / 366 = 122.95081967213114754...
    fee = day_fee(Decimal("0.0045"), Decimal(10_000_000), date(2004, 2, 29))
    assert str(fee).startswith("122.9508196721311475")
    assert year_days(date(2004, 1, 1)) == 366
    # Actual/365 ignores leap years: 45,000 / 365
    assert day_fee(Decimal("0.0045"), Decimal(10_000_000), date(2004, 2, 29),
                   "Actual/365") == day_fee(Decimal("0.0045"), Decimal(10_000_000), date(2001, 3, 1))


def test_periods_clip():
    assert periods(date(2001, 1, 10), date(2001, 3, 5), "month") == [
        (date(2001, 1, 10), date(2001, 1, 31)), (date(2001, 2, 1), date(2001, 2, 28)),
        (date(2001, 3, 1), date(2001, 3, 5))]
    assert periods(date(2001, 2, 10), date(2001, 7, 5), "quarter") == [
        (date(2001, 2, 10), date(2001, 3, 31)), (date(2001, 4, 1), date(2001, 6, 30)),
        (date(2001, 7, 1), date(2001, 7, 5))]
    assert periods(date(2001, 2, 10), date(2001, 7, 5), "period") == [
        (date(2001, 2, 10), date(2001, 7, 5))]


# ---------------------------------------------------------------------------------------------
# accruals: worked figures
# ---------------------------------------------------------------------------------------------

def test_january_2001_plan_fee(tmp_path):
    # 10,000,000 × 0.0045 / 365 × 31 = 123.28767123... × 31 = 3821.917808... -> 3821.92
    result = compute_naive(build(tmp_path, base_tables()))
    assert result["accruals"] == [{
        "fund": "Dynamics Fund", "period_start": "2001-01-01", "period_end": "2001-01-31",
        "days": "31", "average_daily_net_assets": "10000000.00", "plan_fee": "3821.92",
        "service_fees": "0.00", "asset_based_sales_charge": "3821.92"}]
    assert result["payouts"] == [] and result["payments"] == []


def test_january_2001_daily_rounding(tmp_path):
    # each day 123.28767... -> 123.29; 123.29 × 31 = 3821.99
    result = compute_naive(build(tmp_path, base_tables(Rounding="Daily")))
    assert result["accruals"][0]["plan_fee"] == "3821.99"


def test_leap_year_month(tmp_path):
    # February 2004: 45,000 / 366 × 29 = 122.9508196... × 29 = 3565.573770... -> 3565.57
    tables = base_tables(date(2004, 2, 1), date(2004, 2, 29))
    tables["PlanEvents"] += [{"Date": date(2003, 5, 13), "Event": "Continuance Approved"}]
    tables["NAV"] = nav_rows(date(2004, 1, 1), date(2004, 3, 31), {"Dynamics Fund": TEN_MILLION})
    row = compute_naive(build(tmp_path, tables))["accruals"][0]
    assert (row["days"], row["plan_fee"]) == ("29", "3565.57")
    # Actual/365: 45,000 / 365 × 29 = 3575.342465... -> 3575.34
    tables["Settings"] = settings(date(2004, 2, 1), date(2004, 2, 29), **{"Day Count": "Actual/365"})
    row = compute_naive(build(tmp_path, tables, "b365.xlsx"))["accruals"][0]
    assert row["plan_fee"] == "3575.34"


def test_mid_cap_growth_starts_jan_15_2002(tmp_path):
    # Effective Jan 15, 2002: days Jan 15..31 = 17; 123.28767123... × 17 = 2095.890410... -> 2095.89
    tables = base_tables(date(2002, 1, 1), date(2002, 1, 31))
    tables["ScheduleA"].append({"Company": COUNSELOR, "Fund": "Mid-Cap Growth Fund",
                                "Effective Date": date(2002, 1, 15)})
    tables["ScheduleB"].append({"Fund": "INVESCO Mid-Cap Growth Fund", "Annual Rate": 0.0045,
                                "Effective Date": date(2002, 1, 15)})
    # the NAV starts on the effective date (Jan 15, 2002 is a Tuesday)
    tables["NAV"] = [{"Date": d, "Dynamics Fund": TEN_MILLION,
                      "Mid-Cap Growth Fund": TEN_MILLION if d >= date(2002, 1, 15) else None}
                     for d in weekdays(date(2001, 12, 3), date(2002, 2, 28))]
    rows = compute_naive(build(tmp_path, tables))["accruals"]
    assert [r["fund"] for r in rows] == ["Dynamics Fund", "Mid-Cap Growth Fund"]  # Schedule A order
    mid = only(rows, fund="Mid-Cap Growth Fund")
    assert (mid["days"], mid["average_daily_net_assets"], mid["plan_fee"]) == (
        "17", "10000000.00", "2095.89")
    assert only(rows, fund="Dynamics Fund")["plan_fee"] == "3821.92"


def test_later_of_schedule_a_and_b_effective_dates(tmp_path):
    # Schedule A Nov 29, 2000, Schedule B Jan 15, 2002 -> accrual from Jan 15: again 17 days, 2095.89
    tables = base_tables(date(2002, 1, 1), date(2002, 1, 31))
    tables["ScheduleA"][0]["Effective Date"] = date(2000, 11, 29)
    tables["ScheduleB"][0]["Effective Date"] = date(2002, 1, 15)
    row = compute_naive(build(tmp_path, tables))["accruals"][0]
    assert (row["days"], row["plan_fee"]) == ("17", "2095.89")


def test_carry_forward_and_average(tmp_path):
    # NAV 10,000,000 on Fri Jan 5 2001, 20,000,000 from Mon Jan 8: Jan 1-7 (7 days) at 10M,
    # Jan 8-31 (24 days) at 20M.  ADNA = (70M + 480M) / 31 = 17,741,935.4838... -> 17741935.48
    # fee = 0.0045/365 × 550,000,000 = 6780.821917... -> 6780.82
    tables = base_tables()
    tables["NAV"] = [{"Date": d, "Dynamics Fund": TEN_MILLION if d < date(2001, 1, 8) else 2 * TEN_MILLION}
                     for d in weekdays(date(2000, 12, 1), date(2001, 1, 31))]
    row = compute_naive(build(tmp_path, tables))["accruals"][0]
    assert (row["average_daily_net_assets"], row["plan_fee"]) == ("17741935.48", "6780.82")


def test_by_quarter_and_period(tmp_path):
    # Q1 2001 = 90 days: 123.28767123 × 90 = 11095.890410... -> 11095.89
    # months: Jan 3821.92 + Feb (×28) 3452.05 + Mar 3821.92 = 11095.89 (ties here)
    path = build(tmp_path, base_tables(date(2001, 1, 1), date(2001, 3, 31)))
    months = compute_naive(path)["accruals"]
    assert [r["plan_fee"] for r in months] == ["3821.92", "3452.05", "3821.92"]
    (q,) = compute_naive(path, by="quarter")["accruals"]
    assert (q["period_start"], q["period_end"], q["days"], q["plan_fee"]) == (
        "2001-01-01", "2001-03-31", "90", "11095.89")
    # the whole period with explicit start/end: Feb 10 - Mar 5 = 19 + 5 = 24 days
    # 123.28767123 × 24 = 2958.904109... -> 2958.90
    (p,) = compute_naive(path, start=date(2001, 2, 10), end="2001-03-05", by="period")["accruals"]
    assert (p["period_start"], p["period_end"], p["days"], p["plan_fee"]) == (
        "2001-02-10", "2001-03-05", "24", "2958.90")


def test_date1904_and_plain_serials(tmp_path):
    # The same January 2001 book in the 1904 date system, with the NAV dates stored as plain
    # numbers (General format): serials are read in the workbook's epoch.  Still 3821.92.
    path = build(tmp_path, base_tables(), date1904=True)
    wb = load_workbook(path)
    ws = wb["NAV"]
    for (cell,) in ws.iter_rows(min_row=2, max_col=1):
        if cell.value is not None:
            cell.value = to_excel(cell.value, epoch=wb.epoch)
            cell.number_format = "General"
    wb.save(path)
    assert load_workbook(path).epoch.year == 1904
    assert compute_naive(path)["accruals"][0]["plan_fee"] == "3821.92"
    # and in the 1900 system with plain serials too
    path = build(tmp_path, base_tables(), "b1900.xlsx")
    wb = load_workbook(path)
    for (cell,) in wb["NAV"].iter_rows(min_row=2, max_col=1):
        if cell.value is not None:
            cell.value = to_excel(cell.value)
            cell.number_format = "General"
    wb.save(path)
    assert compute_naive(path)["accruals"][0]["plan_fee"] == "3821.92"


# ---------------------------------------------------------------------------------------------
# plan term, termination
# ---------------------------------------------------------------------------------------------

def test_continuance_approved_late(tmp_path):
    # Initial term ends May 30, 2001; the next term (May 31, 2001 - May 30, 2002) is approved
    # only on July 16, 2001 -> in force from July 16.
    # May: 30 days (May 1-30) × 123.28767123 = 3698.630137 -> 3698.63; May 31 lapses.
    # June: no row.  July: 16 days (16-31) = 1972.602739 -> 1972.60.  August: 31 days 3821.92.
    tables = base_tables(date(2001, 5, 1), date(2001, 8, 31))
    tables["PlanEvents"] = [APPROVALS[0],
                            {"Date": date(2001, 7, 16), "Event": "Continuance Approved"}]
    rows = compute_naive(build(tmp_path, tables))["accruals"]
    assert [(r["period_start"], r["days"], r["plan_fee"]) for r in rows] == [
        ("2001-05-01", "30", "3698.63"), ("2001-07-01", "16", "1972.60"),
        ("2001-08-01", "31", "3821.92")]


def test_continuance_window_bounds(tmp_path):
    # Term from May 31, 2001: an approval dated May 31, 2000 (exactly twelve months before)
    # approves it; one dated May 30, 2000 does not (and none inside the term -> no accrual).
    # June 2001: 30 × 123.28767123 = 3698.63.
    tables = base_tables(date(2001, 6, 1), date(2001, 6, 30))
    tables["PlanEvents"] = [{"Date": date(2000, 5, 1), "Event": "Plan Effective"},
                            {"Date": date(2000, 5, 31), "Event": "Continuance Approved"}]
    rows = compute_naive(build(tmp_path, tables))["accruals"]
    assert [(r["days"], r["plan_fee"]) for r in rows] == [("30", "3698.63")]
    tables["PlanEvents"][1]["Date"] = date(2000, 5, 30)
    assert compute_naive(build(tmp_path, tables, "b2.xlsx"))["accruals"] == []
    # an approval with a Fund filled in is not a plan continuance
    tables["PlanEvents"][1] = {"Date": date(2001, 5, 15), "Event": "Continuance Approved",
                               "Fund": "Dynamics Fund"}
    assert compute_naive(build(tmp_path, tables, "b3.xlsx"))["accruals"] == []


def test_nothing_before_plan_effective(tmp_path):
    # Plan effective Nov 30, 2000; fund effective Nov 29: November 2000 accrues Nov 30 only,
    # 1 day in a leap year (2000): 45,000 / 366 = 122.9508196... -> 122.95.
    tables = base_tables(date(2000, 11, 1), date(2000, 11, 30))
    tables["NAV"] = nav_rows(date(2000, 11, 1), date(2000, 12, 31), {"Dynamics Fund": TEN_MILLION})
    row = compute_naive(build(tmp_path, tables))["accruals"][0]
    assert (row["period_start"], row["days"], row["plan_fee"]) == ("2000-11-01", "1", "122.95")


def test_fund_termination_mid_month(tmp_path):
    # Terminated Jan 20, 2001: accrues Jan 1-19 = 19 days; 123.28767123 × 19 = 2342.465753 -> 2342.47
    tables = base_tables(date(2001, 1, 1), date(2001, 2, 28))
    tables["PlanEvents"].append({"Date": date(2001, 1, 20), "Event": "Termination",
                                 "Fund": "INVESCO Dynamics Fund"})
    rows = compute_naive(build(tmp_path, tables))["accruals"]
    assert [(r["period_start"], r["days"], r["plan_fee"]) for r in rows] == [
        ("2001-01-01", "19", "2342.47")]


def test_plan_termination_stops_every_fund(tmp_path):
    # Whole plan terminated Jan 20, 2001: both funds 19 days, 2342.47 each; nothing in February.
    tables = base_tables(date(2001, 1, 1), date(2001, 2, 28))
    tables["ScheduleA"].append({"Company": STOCK, "Fund": "Endeavor Fund",
                                "Effective Date": date(2000, 11, 29)})
    tables["ScheduleB"].append({"Fund": "Endeavor Fund", "Annual Rate": 0.0045,
                                "Effective Date": date(2000, 11, 29)})
    tables["NAV"] = nav_rows(date(2000, 12, 1), date(2001, 2, 28),
                             {"Dynamics Fund": TEN_MILLION, "Endeavor Fund": TEN_MILLION})
    tables["PlanEvents"].append({"Date": date(2001, 1, 20), "Event": "Termination"})
    rows = compute_naive(build(tmp_path, tables))["accruals"]
    assert [(r["fund"], r["days"], r["plan_fee"]) for r in rows] == [
        ("Dynamics Fund", "19", "2342.47"), ("Endeavor Fund", "19", "2342.47")]


def test_schedule_b_rate_change(tmp_path):
    # 0.45 % through Jan 15, 0.25 % from Jan 16 (2001):
    # 10M × (0.0045 × 15 + 0.0025 × 16) / 365 = 10M × 0.1075 / 365 = 2945.205479... -> 2945.21
    tables = base_tables()
    tables["ScheduleB"] = [
        {"Fund": "Dynamics Fund", "Annual Rate": 0.0045, "Effective Date": date(2000, 11, 29),
         "End Date": date(2001, 1, 15)},
        {"Fund": "Dynamics Fund", "Annual Rate": 0.0025, "Effective Date": date(2001, 1, 16)}]
    row = compute_naive(build(tmp_path, tables))["accruals"][0]
    assert (row["days"], row["plan_fee"]) == ("31", "2945.21")


def test_former_and_normalised_names(tmp_path):
    # Schedule A "Growth Fund" (former "Blue Chip Growth Fund", renamed Oct 19, 2001) and
    # "Growth & Income Fund" (Schedule B "INVESCO Growth and Income").  NAV for Growth Fund is
    # under the former name until Oct 18 and under the current name from Oct 19.
    # October 2001, both at 10M all month: 3821.92 each.
    tables = base_tables(date(2001, 10, 1), date(2001, 10, 31))
    tables["ScheduleA"] = [
        {"Company": STOCK, "Fund": "Growth Fund", "Effective Date": date(2000, 11, 29)},
        {"Company": STOCK, "Fund": "Growth & Income Fund", "Effective Date": date(2000, 11, 29)}]
    tables["ScheduleB"] = [
        {"Fund": "INVESCO Growth and Income", "Annual Rate": 0.0045, "Effective Date": date(2000, 11, 29)},
        {"Fund": "INVESCO Growth Fund", "Annual Rate": 0.0045, "Effective Date": date(2000, 11, 29)}]
    tables["FundNames"] = [{"Former Name": "Blue Chip Growth Fund", "Fund": "Growth Fund",
                            "Changed On": date(2001, 10, 19), "Source": "Schedule A (2)"}]
    tables["NAV"] = [{"Date": d,
                      "Blue Chip Growth Fund": TEN_MILLION if d < date(2001, 10, 19) else None,
                      "Growth Fund": TEN_MILLION if d >= date(2001, 10, 19) else None,
                      "growth and income": TEN_MILLION}
                     for d in weekdays(date(2001, 9, 3), date(2001, 10, 31))]
    rows = compute_naive(build(tmp_path, tables))["accruals"]
    assert [(r["fund"], r["days"], r["plan_fee"]) for r in rows] == [
        ("Growth Fund", "31", "3821.92"), ("Growth & Income Fund", "31", "3821.92")]


# ---------------------------------------------------------------------------------------------
# payouts and payments
# ---------------------------------------------------------------------------------------------

def dealer(rate, minimum=None, start=None, end=None, pid="D001"):
    return {"Provider ID": pid, "Provider Name": "Dealer " + pid, "Agreement Type": "Service",
            "Service Fee Rate": rate, "Start Date": start, "End Date": end,
            "Minimum Payment": minimum}


def assets(pid, start, end, amount, fund="Dynamics Fund"):
    return {"Period Start": start, "Period End": end, "Provider ID": pid, "Fund": fund,
            "Average Net Assets": amount}


def test_service_dealer_025(tmp_path):
    # 2,000,000 × 0.0025 / 365 × 31 = 13.69863013... × 31 = 424.657534... -> 424.66
    # split: asset-based sales charge = 3821.92 - 424.66 = 3397.26
    tables = base_tables()
    tables["Providers"] = [dealer(0.0025)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, 1), date(2001, 1, 31), 2_000_000.0)]
    result = compute_naive(build(tmp_path, tables))
    assert result["payouts"] == [{
        "provider_id": "D001", "fund": "Dynamics Fund", "period_start": "2001-01-01",
        "period_end": "2001-01-31", "average_net_assets": "2000000.00", "rate": "0.0025",
        "capped": "false", "service_fee": "424.66"}]
    acc = result["accruals"][0]
    assert (acc["plan_fee"], acc["service_fees"], acc["asset_based_sales_charge"]) == (
        "3821.92", "424.66", "3397.26")
    assert result["payments"] == [{
        "provider_id": "D001", "period_start": "2001-01-01", "period_end": "2001-01-31",
        "service_fees": "424.66", "carried_in": "0.00", "payable": "424.66", "carried_out": "0.00"}]


def test_service_dealer_030_is_capped(tmp_path):
    # asks 0.30 %, capped at 0.25 %: still 424.66, capped true, rate 0.0025
    tables = base_tables()
    tables["Providers"] = [dealer(0.003)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, 1), date(2001, 1, 31), 2_000_000.0)]
    (row,) = compute_naive(build(tmp_path, tables))["payouts"]
    assert (row["rate"], row["capped"], row["service_fee"]) == ("0.0025", "true", "424.66")


def test_service_rate_cut_to_lower_fund_rate(tmp_path):
    # fund rate 0.20 %, dealer 0.25 %: rate 0.002, capped true.
    # plan fee 10M × 0.002/365 × 31 = 1698.630137 -> 1698.63;
    # service 2M × 0.002/365 × 31 = 339.726027 -> 339.73; ABSC 1358.90
    tables = base_tables()
    tables["ScheduleB"][0]["Annual Rate"] = 0.002
    tables["Providers"] = [dealer(0.0025)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, 1), date(2001, 1, 31), 2_000_000.0)]
    result = compute_naive(build(tmp_path, tables))
    (row,) = result["payouts"]
    assert (row["rate"], row["capped"], row["service_fee"]) == ("0.002", "true", "339.73")
    acc = result["accruals"][0]
    assert (acc["plan_fee"], acc["service_fees"], acc["asset_based_sales_charge"]) == (
        "1698.63", "339.73", "1358.90")


def test_provider_joins_mid_month(tmp_path):
    # Start Date Jan 16, 2001: 16 accruing days; 13.69863013 × 16 = 219.178082 -> 219.18.
    # average_net_assets is over all 31 covered days: 2,000,000.00.
    tables = base_tables()
    tables["Providers"] = [dealer(0.0025, start=date(2001, 1, 16))]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, 1), date(2001, 1, 31), 2_000_000.0)]
    (row,) = compute_naive(build(tmp_path, tables))["payouts"]
    assert (row["average_net_assets"], row["rate"], row["service_fee"]) == (
        "2000000.00", "0.0025", "219.18")


def test_daily_provider_rows_and_no_accrual_days(tmp_path):
    # One-day Provider Assets rows (a day's balance) for Jan 1-10 at 1,000,000 and Jan 11-31 at
    # 3,000,000 as one row; fund terminated Jan 26 -> accruing days Jan 1-25.
    # service = 0.0025/365 × (10 × 1M + 15 × 3M) = 0.0025/365 × 55M = 376.712328... -> 376.71
    # average_net_assets over 31 covered days = (10M + 63M)/31 = 2,354,838.709677 -> 2354838.71
    # rate = on Jan 25 (last accruing day) 0.0025
    tables = base_tables()
    tables["PlanEvents"].append({"Date": date(2001, 1, 26), "Event": "Termination",
                                 "Fund": "Dynamics Fund"})
    tables["Providers"] = [dealer(0.0025)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, k), date(2001, 1, k), 1_000_000.0)
                                for k in range(1, 11)]
    tables["ProviderAssets"].append(assets("D001", date(2001, 1, 11), date(2001, 1, 31), 3_000_000.0))
    (row,) = compute_naive(build(tmp_path, tables))["payouts"]
    assert (row["average_net_assets"], row["rate"], row["capped"], row["service_fee"]) == (
        "2354838.71", "0.0025", "false", "376.71")


def test_payout_row_without_accrual(tmp_path):
    # Provider assets only in a lapse (June 2001, term not approved): the row is there with
    # rate 0, fee 0.00; payments have no rows since no fee was ever earned.
    tables = base_tables(date(2001, 6, 1), date(2001, 6, 30))
    tables["PlanEvents"] = [APPROVALS[0]]
    tables["Providers"] = [dealer(0.0025)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 6, 1), date(2001, 6, 30), 2_000_000.0)]
    result = compute_naive(build(tmp_path, tables))
    assert result["accruals"] == []
    assert [(r["rate"], r["capped"], r["service_fee"]) for r in result["payouts"]] == [
        ("0", "false", "0.00")]
    assert result["payments"] == []


def test_payments_minimum_carry_forward(tmp_path):
    # Minimum Payment 500; 2,000,000 at 0.25 % from Jan 1 to Apr 30, 2001:
    #   Jan 31 d 424.657534 -> 424.66: due 424.66 < 500 -> carried 424.66
    #   Feb 28 d 383.561644 -> 383.56: due 808.22 -> payable 808.22
    #   Mar 31 d 424.66: due 424.66 -> carried 424.66
    #   Apr 30 d 410.958904 -> 410.96: due 835.62 -> payable 835.62
    # A second dealer with no fee until March starts its rows in March.
    tables = base_tables(date(2001, 1, 1), date(2001, 5, 31))
    tables["Providers"] = [dealer(0.0025, minimum=500.0), dealer(0.0025, pid="D002")]
    tables["ProviderAssets"] = [
        assets("D001", date(2001, 1, 1), date(2001, 4, 30), 2_000_000.0),
        assets("D002", date(2001, 3, 1), date(2001, 3, 31), 2_000_000.0)]
    result = compute_naive(build(tmp_path, tables))
    pay = [(r["provider_id"], r["period_start"], r["service_fees"], r["carried_in"], r["payable"],
            r["carried_out"]) for r in result["payments"]]
    assert pay == [
        ("D001", "2001-01-01", "424.66", "0.00", "0.00", "424.66"),
        ("D001", "2001-02-01", "383.56", "424.66", "808.22", "0.00"),
        ("D001", "2001-03-01", "424.66", "0.00", "0.00", "424.66"),
        ("D001", "2001-04-01", "410.96", "424.66", "835.62", "0.00"),
        ("D001", "2001-05-01", "0.00", "0.00", "0.00", "0.00"),
        ("D002", "2001-03-01", "424.66", "0.00", "424.66", "0.00"),
        ("D002", "2001-04-01", "0.00", "0.00", "0.00", "0.00"),
        ("D002", "2001-05-01", "0.00", "0.00", "0.00", "0.00"),
    ]
    # every cent accounted: Σ payable + final carried out = Σ service fees
    for pid in ("D001", "D002"):
        rows = [r for r in result["payments"] if r["provider_id"] == pid]
        fees = sum(Decimal(r["service_fees"]) for r in rows)
        paid = sum(Decimal(r["payable"]) for r in rows)
        assert paid + Decimal(rows[-1]["carried_out"]) == fees
    # payouts rows only for the months some Provider Assets row covers
    assert [(r["provider_id"], r["period_start"]) for r in result["payouts"]] == [
        ("D001", "2001-01-01"), ("D001", "2001-02-01"), ("D001", "2001-03-01"),
        ("D001", "2001-04-01"), ("D002", "2001-03-01")]


def test_payments_minimum_never_reached(tmp_path):
    # Minimum 1,000 never reached over Jan-Feb: all carried, final carried_out = 808.22 = Σ fees
    tables = base_tables(date(2001, 1, 1), date(2001, 2, 28))
    tables["Providers"] = [dealer(0.0025, minimum=1000.0)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, 1), date(2001, 2, 28), 2_000_000.0)]
    rows = compute_naive(build(tmp_path, tables))["payments"]
    assert [(r["payable"], r["carried_out"]) for r in rows] == [("0.00", "424.66"), ("0.00", "808.22")]


def test_payments_quarterly_independent_of_by(tmp_path):
    # Quarterly payments, by=month output: Q1 2001 service fee rounded once for 90 days:
    # 13.69863013 × 90 = 1232.876712 -> 1232.88 (monthly 424.66 + 383.56 + 424.66 = 1232.88)
    tables = base_tables(date(2001, 1, 1), date(2001, 3, 31), **{"Payment Frequency": "Quarterly"})
    tables["Providers"] = [dealer(0.0025)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, 1), date(2001, 3, 31), 2_000_000.0)]
    result = compute_naive(build(tmp_path, tables))
    assert len(result["payouts"]) == 3
    assert [(r["period_start"], r["period_end"], r["service_fees"], r["payable"])
            for r in result["payments"]] == [("2001-01-01", "2001-03-31", "1232.88", "1232.88")]


def test_daily_rounding_service_fee(tmp_path):
    # Rounding=Daily: 13.69863013 -> 13.70 a day; × 31 = 424.70
    tables = base_tables(Rounding="Daily")
    tables["Providers"] = [dealer(0.0025)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, 1), date(2001, 1, 31), 2_000_000.0)]
    result = compute_naive(build(tmp_path, tables))
    assert result["payouts"][0]["service_fee"] == "424.70"
    assert result["payments"][0]["service_fees"] == "424.70"
    acc = result["accruals"][0]
    assert (acc["plan_fee"], acc["service_fees"], acc["asset_based_sales_charge"]) == (
        "3821.99", "424.70", "3397.29")


def test_csv_columns(tmp_path):
    tables = base_tables()
    tables["Providers"] = [dealer(0.0025)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, 1), date(2001, 1, 31), 2_000_000.0)]
    result = compute_naive(build(tmp_path, tables))
    for key, cols in (("accruals", ACCRUALS_COLUMNS), ("payouts", PAYOUTS_COLUMNS),
                      ("payments", PAYMENTS_COLUMNS)):
        assert all(list(r) == cols for r in result[key])
        assert all(isinstance(v, str) for r in result[key] for v in r.values())
    assert csv_text(result["accruals"], ACCRUALS_COLUMNS).splitlines() == [
        ",".join(ACCRUALS_COLUMNS),
        "Dynamics Fund,2001-01-01,2001-01-31,31,10000000.00,3821.92,424.66,3397.26"]


def test_settings_defaults(tmp_path):
    # Only Period Start / End given: Actual/Actual, Period rounding, cap 0.25 %, Monthly,
    # initial term end 2001-05-30 -> the same figures as the full settings.
    tables = base_tables()
    tables["Settings"] = [{"Setting": "Period Start", "Value": date(2001, 1, 1)},
                          {"Setting": "Period End", "Value": date(2001, 1, 31)}]
    tables["Providers"] = [dealer(0.003)]
    tables["ProviderAssets"] = [assets("D001", date(2001, 1, 1), date(2001, 1, 31), 2_000_000.0)]
    result = compute_naive(build(tmp_path, tables))
    assert result["accruals"][0]["plan_fee"] == "3821.92"
    assert (result["payouts"][0]["rate"], result["payouts"][0]["service_fee"]) == ("0.0025", "424.66")


@pytest.mark.parametrize("by", ["month", "quarter", "period"])
def test_months_tie_to_year_with_period_rounding_close(tmp_path, by):
    # A year of constant assets: 45,000/365 × 365 = 45,000.00 exactly for the whole year; the
    # monthly or quarterly roundings sum to the same here within a cent per period.
    path = build(tmp_path, base_tables(date(2001, 1, 1), date(2001, 12, 31)))
    rows = compute_naive(path, by=by)["accruals"]
    total = sum(Decimal(r["plan_fee"]) for r in rows)
    assert abs(total - Decimal("45000.00")) <= Decimal("0.01") * len(rows)
    assert sum(int(r["days"]) for r in rows) == 365
