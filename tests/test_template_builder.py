"""The template builder: tables, headers, calendar, sample data and reproducible output.

Workbooks are read back with openpyxl directly, not with the project's reader.
"""
from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import exchange_calendars as xcals
import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from fee_core.contract import AGREEMENT_TYPES, EXPENSE_CATEGORIES, TABLES
from templates.builder import build_template
from templates.sample import SAMPLE_NOTE, sample_tables, template_tables


def _d(v):
    return v.date() if isinstance(v, datetime) else v


def read_table(wb, name):
    """(headers, rows as dicts, worksheet) of the Excel table ``name`` wherever it is."""
    for ws in wb.worksheets:
        if name in ws.tables:
            min_col, min_row, max_col, max_row = range_boundaries(ws.tables[name].ref)
            grid = [[c.value for c in row] for row in ws.iter_rows(
                min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)]
            headers = grid[0]
            rows = [dict(zip(headers, [_d(v) for v in r])) for r in grid[1:]]
            rows = [r for r in rows if any(v is not None for v in r.values())]
            return headers, rows, ws
    raise AssertionError(f"table {name} not found")


def xnys_sessions(year):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = xcals.get_calendar("XNYS", start=f"{year - 1}-12-01", end=f"{year}-12-31")
    return [ts.date() for ts in cal.sessions]


@pytest.fixture(scope="module")
def empty_2001(tmp_path_factory):
    p = tmp_path_factory.mktemp("tpl") / "template.xlsx"
    build_template(p, year=2001)
    return openpyxl.load_workbook(p)


@pytest.fixture(scope="module")
def sample_2001(tmp_path_factory):
    p = tmp_path_factory.mktemp("smp") / "sample.xlsx"
    build_template(p, year=2001, sample=True, seed=12)
    return openpyxl.load_workbook(p)


@pytest.fixture(scope="module")
def sample_2002(tmp_path_factory):
    p = tmp_path_factory.mktemp("smp2") / "sample2002.xlsx"
    build_template(p, year=2002, sample=True, seed=12)
    return openpyxl.load_workbook(p)


# ----------------------------------------------------------------------------- structure

@pytest.mark.parametrize("book", ["empty_2001", "sample_2001"])
def test_tables_and_headers(book, request):
    wb = request.getfixturevalue(book)
    assert wb.sheetnames[0] == "Read me"
    for name, spec in TABLES.items():
        ws = wb[spec.sheet]
        assert name in ws.tables, (spec.sheet, name)
        headers, _, _ = read_table(wb, name)
        if name == "NAV":
            assert headers[0] == "Date"
        else:
            assert tuple(headers) == spec.headers
        assert ws.freeze_panes in ("A2", "B2")


def test_readme_is_plain_text(empty_2001):
    ws = empty_2001["Read me"]
    texts = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert len(texts) >= 8
    for t in texts:
        assert isinstance(t, str) and t[:1] not in ("=", "+", "-", "@")
    joined = " ".join(texts)
    for spec in TABLES.values():
        assert spec.sheet in joined


def test_schedule_a(empty_2001):
    _, rows, _ = read_table(empty_2001, "ScheduleA")
    assert len(rows) == 19
    assert len({r["Company"] for r in rows}) == 6
    by_fund = {r["Fund"]: r for r in rows}
    assert by_fund["Mid-Cap Growth Fund"]["Effective Date"] == date(2002, 1, 15)
    assert by_fund["Energy Fund"]["Effective Date"] == date(2000, 11, 29)
    assert "Blue Chip Growth Fund" in by_fund["Growth Fund"]["Notes"]


def test_schedule_b(empty_2001):
    _, rows, ws = read_table(empty_2001, "ScheduleB")
    assert len(rows) == 19
    assert all(r["Annual Rate"] == pytest.approx(0.0045) for r in rows)
    assert all(r["End Date"] is None for r in rows)
    assert "INVESCO Growth and Income" in {r["Fund"] for r in rows}
    assert ws["B2"].number_format == "0.00%"
    assert ws["C2"].number_format == "yyyy-mm-dd"


def test_fund_names_keep_both_dates(empty_2001):
    _, rows, _ = read_table(empty_2001, "FundNames")
    assert len(rows) == 3
    eq = sorted(r["Changed On"] for r in rows if r["Former Name"] == "Equity Income Fund")
    assert eq == [date(2002, 3, 19), date(2002, 3, 29)]


def test_settings(empty_2001):
    _, rows, ws = read_table(empty_2001, "Settings")
    s = {r["Setting"]: r["Value"] for r in rows}
    assert s["Period Start"] == date(2001, 1, 1)
    assert s["Period End"] == date(2001, 12, 31)
    assert s["Day Count"] == "Actual/Actual"
    assert s["Rounding"] == "Period"
    assert s["Service Fee Cap"] == pytest.approx(0.0025)
    assert s["Asset-Based Sales Charge Cap"] == pytest.approx(0.0075)
    assert s["Payment Frequency"] == "Monthly"
    assert s["Initial Term End"] == date(2001, 5, 30)
    fmt = {ws.cell(r, 1).value: ws.cell(r, 2).number_format for r in range(2, ws.max_row + 1)}
    assert fmt["Service Fee Cap"] == "0.00%"
    assert fmt["Initial Term End"] == "yyyy-mm-dd"


def test_plan_events_template(empty_2001):
    _, rows, _ = read_table(empty_2001, "PlanEvents")
    assert [r["Event"] for r in rows].count("Plan Effective") == 1
    assert "Continuance Approved" not in {r["Event"] for r in rows}


# ----------------------------------------------------------------------------- NAV

def test_nav_dates_are_xnys_sessions(empty_2001):
    headers, rows, ws = read_table(empty_2001, "NAV")
    dates = [r["Date"] for r in rows]
    sessions = xnys_sessions(2001)
    in_year = [d for d in sessions if d.year == 2001]
    assert len(in_year) == 248
    # opening row: the last session of 2000, carried into Jan 1 (never a session)
    assert dates[0] == date(2000, 12, 29) == [d for d in sessions if d.year == 2000][-1]
    assert dates[1:] == in_year
    for day in (11, 12, 13, 14):
        assert date(2001, 9, day) not in dates
    assert date(2001, 9, 17) in dates and date(2001, 9, 10) in dates
    assert ws["A2"].number_format == "yyyy-mm-dd"
    # one empty column per fund in the plan during 2001: Mid-Cap (2002) is not
    funds = headers[1:]
    assert len(funds) == 18 and "Mid-Cap Growth Fund" not in funds
    assert "Growth Fund" in funds and "Core Equity Fund" in funds
    assert all(r[f] is None for r in rows for f in funds)


def test_empty_data_tables(empty_2001):
    for name in ("Providers", "ProviderAssets", "Expenses"):
        _, rows, _ = read_table(empty_2001, name)
        assert rows == []


def test_sample_nav_positive_cents(sample_2001):
    headers, rows, ws = read_table(sample_2001, "NAV")
    assert "#,##0.00" in ws["B2"].number_format
    n = 0
    for r in rows:
        for f in headers[1:]:
            v = r[f]
            if v is not None:
                assert isinstance(v, (int, float)) and v > 0
                assert round(v, 2) == v
                n += 1
    assert n > 3500  # 14 funds all year + 4 from Sep 28
    assert "Mid-Cap Growth Fund" not in headers
    # funds effective Sep 28, 2001 (a session): blank before, values from that day on
    for r in rows:
        if r["Date"] < date(2001, 9, 28):
            assert r["Leisure Fund"] is None
        else:
            assert r["Leisure Fund"] is not None
    # funds in the plan since 2000 have a value on the opening row
    assert rows[0]["Energy Fund"] is not None


def test_sample_2002_mid_cap(sample_2002):
    headers, rows, _ = read_table(sample_2002, "NAV")
    assert "Mid-Cap Growth Fund" in headers
    firsts = [r["Date"] for r in rows if r["Mid-Cap Growth Fund"] is not None]
    assert firsts[0] in (date(2002, 1, 14), date(2002, 1, 15))
    assert firsts[0] <= date(2002, 1, 15)
    # no gaps after the first value
    after = [r for r in rows if r["Date"] >= firsts[0]]
    assert all(r["Mid-Cap Growth Fund"] is not None for r in after)
    assert rows[0]["Date"] == date(2001, 12, 31)


def test_sample_nav_row_before_every_plan_day():
    """Every calendar day a fund is in the plan has a NAV value on or before it."""
    from fee_core.plan import default_plan
    for year in (2001, 2002):
        t = sample_tables(year, 12)
        eff = {r["fund"]: r["effective"] for r in default_plan()["schedule_a"]}
        nav = t["NAV"]
        for f in (k for k in nav[0] if k != "Date"):
            first = next(r["Date"] for r in nav if r[f] is not None)
            assert first <= max(eff[f], date(year, 1, 1))


# ----------------------------------------------------------------------------- sample tables

def test_sample_plan_events_have_no_lapse(sample_2001, sample_2002):
    for wb, year in ((sample_2001, 2001), (sample_2002, 2002)):
        _, rows, _ = read_table(wb, "PlanEvents")
        approvals = [r for r in rows if r["Event"] == "Continuance Approved"]
        assert approvals and all(r["Fund"] is None for r in approvals)
        assert all(r["Notes"] == SAMPLE_NOTE for r in approvals)
        # every term May 31 - May 30 overlapping the year is approved within 12 months before it
        for k in (year - 1, year):
            if k < 2001:
                continue
            start = date(k, 5, 31)
            assert any(date(k - 1, 5, 31) <= r["Date"] < start for r in approvals), (year, k)


def test_sample_providers(sample_2001):
    _, rows, ws = read_table(sample_2001, "Providers")
    assert 10 <= len(rows) <= 14
    assert all(r["Provider ID"].startswith("P") and len(r["Provider ID"]) == 4 for r in rows)
    assert len({r["Provider ID"] for r in rows}) == len(rows)
    counts = Counter(r["Agreement Type"] for r in rows)
    assert set(counts) == set(AGREEMENT_TYPES)
    assert all(n >= 2 for n in counts.values())
    rates = Counter(round(r["Service Fee Rate"], 6) for r in rows)
    # none above the Service Fee Cap: the sample raises only the warnings the seed causes
    assert max(rates) <= 0.0025 and rates[0.0015] == 1 and rates[0.002] == 1 and rates[0.0025] >= 8
    assert any(r["Start Date"] == date(2001, 7, 1) for r in rows)
    assert any(r["End Date"] is not None and date(2001, 1, 1) < r["End Date"] < date(2001, 12, 31)
               for r in rows)
    assert any(r["Minimum Payment"] >= 500 for r in rows)


def _monthly_fund_average(nav_rows, fund, year, month):
    vals = [r[fund] for r in nav_rows
            if r["Date"].year == year and r["Date"].month == month and r[fund] is not None]
    return sum(vals) / len(vals) if vals else None


@pytest.mark.parametrize("book,year", [("sample_2001", 2001), ("sample_2002", 2002)])
def test_provider_assets_below_fund(book, year, request):
    wb = request.getfixturevalue(book)
    _, nav, _ = read_table(wb, "NAV")
    _, providers, _ = read_table(wb, "Providers")
    _, assets, _ = read_table(wb, "ProviderAssets")
    ids = {p["Provider ID"]: p for p in providers}
    assert len(assets) > 100
    per_provider = defaultdict(set)
    totals = defaultdict(float)
    for r in assets:
        s, e = r["Period Start"], r["Period End"]
        assert s.day == 1 and e.month == s.month and (e + timedelta(days=1)).day == 1
        avg = _monthly_fund_average(nav, r["Fund"], s.year, s.month)
        assert avg is not None, r
        assert 0 < r["Average Net Assets"] < avg
        assert r["Average Net Assets"] <= 0.16 * avg
        assert round(r["Average Net Assets"], 2) == r["Average Net Assets"]
        p = ids[r["Provider ID"]]
        assert p["Start Date"] <= s and (p["End Date"] is None or e <= p["End Date"])
        per_provider[r["Provider ID"]].add(r["Fund"])
        totals[(r["Fund"], s)] += r["Average Net Assets"]
    for (fund, s), total in totals.items():
        assert total < 0.5 * _monthly_fund_average(nav, fund, s.year, s.month)
    assert set(per_provider) == set(ids)
    assert all(2 <= len(f) <= 5 for f in per_provider.values())


def test_small_provider_carries_forward(sample_2001):
    """The provider with a high minimum earns less than its minimum in a month."""
    _, providers, _ = read_table(sample_2001, "Providers")
    _, assets, _ = read_table(sample_2001, "ProviderAssets")
    big_min = [p for p in providers if p["Minimum Payment"] >= 500]
    for p in big_min:
        monthly = defaultdict(float)
        for r in assets:
            if r["Provider ID"] == p["Provider ID"]:
                days = (r["Period End"] - r["Period Start"]).days + 1
                rate = min(p["Service Fee Rate"], 0.0025)
                monthly[r["Period Start"]] += rate * r["Average Net Assets"] * days / 365
        assert monthly and any(v < p["Minimum Payment"] for v in monthly.values())


def test_sample_expenses(sample_2001):
    _, rows, ws = read_table(sample_2001, "Expenses")
    assert 24 <= len(rows) <= 60
    assert set(EXPENSE_CATEGORIES) <= {r["Category"] for r in rows}
    assert {r["Category"] for r in rows} <= set(EXPENSE_CATEGORIES)
    _, sched_a, _ = read_table(sample_2001, "ScheduleA")
    eff = {r["Fund"]: r["Effective Date"] for r in sched_a}
    for r in rows:
        assert date(2001, 1, 1) <= r["Date"] <= date(2001, 12, 31)
        assert r["Fund"] in eff and eff[r["Fund"]] <= r["Date"]
        assert r["Amount"] > 0 and round(r["Amount"], 2) == r["Amount"]


def test_sample_tables_match_file(sample_2001):
    t = sample_tables(2001, 12)
    for name in ("Providers", "ProviderAssets", "Expenses", "PlanEvents"):
        _, rows, _ = read_table(sample_2001, name)
        assert len(rows) == len(t[name])
        for got, want in zip(rows, t[name]):
            for k, v in want.items():
                assert (got[k] if got[k] is not None else None) == (v if v != "" else None), (name, k)
    _, nav, _ = read_table(sample_2001, "NAV")
    assert nav == t["NAV"]


def test_template_tables_nav_columns():
    t = template_tables(2002)
    assert "Mid-Cap Growth Fund" in t["NAV"][0]
    assert t["Providers"] == [] and t["Expenses"] == []


def test_seed_changes_data_year_deterministic():
    a, b, c = sample_tables(2001, 12), sample_tables(2001, 12), sample_tables(2001, 13)
    assert a == b
    assert a["NAV"] != c["NAV"]


# ----------------------------------------------------------------------------- writing

def test_atomic_replace(tmp_path):
    """An existing file is replaced as a whole; no temporary file is left beside it.
    (Reproducible bytes: tests/test_template_workbook.py.)"""
    p = tmp_path / "book.xlsx"
    p.write_bytes(b"old")
    build_template(p, 2001)
    assert openpyxl.load_workbook(p).sheetnames[0] == "Read me"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["book.xlsx"]
