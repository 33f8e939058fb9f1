"""Build the input workbook (SPEC §3) for the built-in default plan: empty, or with sample data.

``build_template(path, year, sample, seed)`` writes the workbook; ``template_tables(year)`` and
``sample_tables(year, seed)`` return the same table rows as plain Python (table name -> list of
row dicts keyed by header), so tests and the demo can reuse the data without reading the file.
Values in those rows are exactly what the cells hold: ``datetime.date`` for dates, ``float`` for
rates (fractions) and money (rounded to cents), ``str`` for text, ``None`` for an empty cell.

Every input table is written by ``templates.book.write_input_workbook`` (the one writer of input
tables); this module adds the "Read me" sheet, formats, widths and the reproducible save.

NAV dates.  The NAV table holds one row per NYSE (XNYS) session of the year, *preceded by the last
session of the previous year* (the "opening" row, e.g. 2000-12-29 for 2001): January 1 is never a
session, so without that row no NAV would exist on or before Jan 1 for a fund already in the plan
(SPEC §4 carries the prior business day forward).  In a sample workbook the opening row holds the
prior close of every fund in the plan on Jan 1; a fund whose effective date falls inside the year
has values from the last session on or before its effective date (blank before).

Reproducible output: the same arguments give byte-identical files.  openpyxl stamps the save time
into docProps/core.xml and every zip entry; ``save_reproducible`` rewrites both with a fixed time.
Output is written to a temporary file in the target directory and moved into place (os.replace).
"""
from __future__ import annotations

import io
import re
import warnings
import zipfile
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from fee_core.contract import (AGREEMENT_TYPES, EVENTS, EXPENSE_CATEGORIES, SETTING_CHOICES,
                               SETTINGS, TABLES)
from fee_core.plan import default_plan
from templates.book import (DATE_FORMAT, FIXED_TIME, MONEY_FORMAT, RATE_FORMAT,
                            write_input_workbook)

__all__ = ["build_template", "template_tables", "sample_tables", "nav_dates", "plan_funds",
           "save_reproducible", "workbook_bytes", "build_workbook", "add_output_sheets",
           "add_summary_sheet", "add_xlwings_conf", "table_layout", "summary_rows",
           "TableLayout", "SummaryRow", "TABLE_ORDER", "SAMPLE_NOTE", "TEMPLATE_PATH",
           "TEMPLATE_YEAR", "SPILL_SHEETS", "CONF_SHEET", "XLWINGS_CONF"]

# Sheet order after "Read me": Settings first (what the accountant sets first), then the plan,
# then the data.
TABLE_ORDER = ("Settings", "ScheduleA", "ScheduleB", "FundNames", "PlanEvents", "NAV",
               "Providers", "ProviderAssets", "Expenses")
README_SHEET = "Read me"
SAMPLE_NOTE = "Sample: board continuance approval (illustrative)"
ZIP_TIME = (FIXED_TIME.year, FIXED_TIME.month, FIXED_TIME.day,
            FIXED_TIME.hour, FIXED_TIME.minute, FIXED_TIME.second)
MAX_WIDTH = 60


# --------------------------------------------------------------------------- calendar and plan

@lru_cache(maxsize=16)
def _nav_dates(year: int) -> tuple[date, ...]:
    import exchange_calendars as xcals  # imported here: slow to import, only needed for NAV

    with warnings.catch_warnings():  # pandas deprecation noise from inside exchange_calendars
        warnings.simplefilter("ignore")
        cal = xcals.get_calendar("XNYS", start=f"{year - 1}-12-01", end=f"{year}-12-31")
        sessions = [ts.date() for ts in cal.sessions]
    prior = [d for d in sessions if d.year < year]
    return tuple(prior[-1:] + [d for d in sessions if d.year == year])


def nav_dates(year: int) -> list[date]:
    """The NAV table's dates for ``year``: the last NYSE session of the previous year (the opening
    row), then every NYSE session of ``year`` (exchange_calendars, calendar "XNYS")."""
    return list(_nav_dates(year))


def plan_funds(year: int, plan: dict | None = None) -> list[dict]:
    """Schedule A rows of the funds in the plan during ``year`` (effective date <= Dec 31), in
    Schedule A order."""
    plan = plan or default_plan()
    end = date(year, 12, 31)
    return [r for r in plan["schedule_a"] if r["effective"] is not None and r["effective"] <= end]


def _first_index(dates: list[date], effective: date) -> int:
    """Index of the first NAV row a fund effective on ``effective`` needs: the last row dated on
    or before the effective date (so a non-session effective date is covered), 0 if none."""
    idx = 0
    for i, d in enumerate(dates):
        if d <= effective:
            idx = i
        else:
            break
    return idx


def _continuance_dates(year: int, initial_term_end: date, agreement: date) -> list[date]:
    """Sample approval dates so that every plan term overlapping ``year`` is approved: for each
    term starting the day after an anniversary of the initial term end, an approval dated the
    Thursday on or before 35 days before the term starts (late April for a May 31 start)."""
    out = []
    for k in (year - 1, year):
        if k < initial_term_end.year:
            continue
        try:
            anniversary = initial_term_end.replace(year=k)
        except ValueError:  # Feb 29 anniversary in a common year
            anniversary = date(k, 2, 28)
        term_start = anniversary + timedelta(days=1)
        d = term_start - timedelta(days=35)
        d -= timedelta(days=(d.weekday() - 3) % 7)  # back to a Thursday
        if d > agreement:
            out.append(d)
    return out


# --------------------------------------------------------------------------- plan tables

def _plan_tables(year: int, plan: dict) -> dict[str, list[dict]]:
    sched_a = [{"Company": r["company"], "Fund": r["fund"], "Effective Date": r["effective"],
                "Notes": r["notes"] or None} for r in plan["schedule_a"]]
    sched_b = [{"Fund": r["fund"], "Annual Rate": float(r["rate"]), "Effective Date": r["effective"],
                "End Date": r["end"], "Notes": r["notes"] or None} for r in plan["schedule_b"]]
    names = [{"Former Name": r["former"], "Fund": r["fund"], "Changed On": r["changed_on"],
              "Source": r["source"] or None} for r in plan["fund_names"]]
    events = [{"Date": r["date"], "Event": r["event"], "Fund": r["fund"] or None,
               "Notes": r["notes"] or None} for r in plan["plan_events"]]
    settings = [{"Setting": "Period Start", "Value": date(year, 1, 1)},
                {"Setting": "Period End", "Value": date(year, 12, 31)}]
    for name, (kind, default) in SETTINGS.items():
        if name in ("Period Start", "Period End"):
            continue
        text = plan.get("settings", {}).get(name, default)
        if kind == "date":
            value: Any = date.fromisoformat(text) if text else None
        elif kind == "rate":
            value = float(text) if text not in (None, "") else None
        else:
            value = text
        settings.append({"Setting": name, "Value": value})
    return {"Settings": settings, "ScheduleA": sched_a, "ScheduleB": sched_b,
            "FundNames": names, "PlanEvents": events}


def template_tables(year: int = 2001) -> dict[str, list[dict]]:
    """The rows of the empty template for ``year``: the default plan's Schedules A and B, fund
    names, plan events and settings; NAV with its dates and one empty column per fund in the plan
    during the year; Providers, Provider Assets and Expenses empty."""
    plan = default_plan()
    tables = _plan_tables(year, plan)
    funds = [r["fund"] for r in plan_funds(year, plan)]
    tables["NAV"] = [{"Date": d, **{f: None for f in funds}} for d in nav_dates(year)]
    tables["Providers"] = []
    tables["ProviderAssets"] = []
    tables["Expenses"] = []
    return {name: tables[name] for name in TABLE_ORDER}


# --------------------------------------------------------------------------- sample data

# (name, agreement type, service fee rate, minimum payment, role)
_PROVIDERS = (
    ("Summit Securities LLC", "Service", 0.0025, 0.0, None),
    ("Lakeshore Brokerage Inc.", "Service", 0.0030, 100.0, None),          # above the cap
    ("Granite Peak Investments Corp.", "Service", 0.0025, 25.0, "starts"),  # starts July 1
    ("Meridian Retirement Services LLC", "Third Party", 0.0025, 0.0, None),
    ("Cedar Plan Administrators Inc.", "Third Party", 0.0020, 25.0, None),  # below the cap
    ("Northwind Recordkeeping Co.", "Third Party", 0.0025, 100.0, "ends"),  # ends June 30
    ("Great Plains Life Insurance Company", "Variable Contract", 0.0025, 0.0, None),
    ("Atlantic Harbor Annuity Co.", "Variable Contract", 0.0025, 100.0, None),
    ("First Prairie Bank Trust Department", "Bank Trust", 0.0025, 0.0, None),
    ("Riverbend Trust Company", "Bank Trust", 0.0025, 500.0, "small"),      # minimum > monthly fee
    ("Copper Canyon Trust Brokers LLC", "Bank Trust", 0.0025, 25.0, None),
    ("Harborview Financial Advisors Inc.", "Service", 0.0025, 0.0, None),
)

# FIFTH category -> (low, high) amount in dollars
_EXPENSE_RANGES = {
    "Sales Seminars": (2_500, 18_000),
    "Advertising": (5_000, 60_000),
    "Finders' Fees": (1_000, 25_000),
    "Printing of Prospectuses and SAIs for Non-Shareholders": (1_200, 12_000),
    "Sales Literature": (600, 9_000),
    "Supplemental Dealer Payments": (5_000, 45_000),
    "Other Agreed Services": (500, 6_000),
}
_N_EXPENSES = 36


def _cents(x: float) -> float:
    return float(round(float(x), 2))


def _months(year: int):
    for m in range(1, 13):
        yield date(year, m, 1), date(year, m, monthrange(year, m)[1])


def _sample_nav(rng, dates: list[date], funds: list[dict]) -> dict[str, list[float | None]]:
    """Per fund, the net assets on each NAV date (None before the fund's first needed row)."""
    n = len(dates)
    out = {}
    for r in funds:
        start = float(np.exp(rng.uniform(np.log(5e6), np.log(4e8))))
        steps = rng.normal(0.0003, 0.012, n)
        steps[0] = 0.0
        values = start * np.exp(np.cumsum(steps))
        first = _first_index(dates, r["effective"])
        out[r["fund"]] = [None if i < first else _cents(v) for i, v in enumerate(values)]
    return out


def _calendar_average(dates: list[date], values: list[float | None], s: date, e: date) -> float | None:
    """Mean of the carried-forward net assets over the calendar days of [s, e]; None if some day
    has no value on or before it."""
    total, days, j, current = 0.0, 0, -1, None
    d = s
    while d <= e:
        while j + 1 < len(dates) and dates[j + 1] <= d:
            j += 1
            current = values[j]
        if current is None:
            return None
        total += current
        days += 1
        d += timedelta(days=1)
    return total / days


def sample_tables(year: int = 2001, seed: int = 12) -> dict[str, list[dict]]:
    """The rows of a sample workbook for ``year``: the template's plan tables plus board
    continuance approvals, synthetic NAV, 12 providers, monthly Provider Assets and a few dozen
    distributor expenses.  Deterministic for a given (year, seed)."""
    rng = np.random.default_rng(seed)
    plan = default_plan()
    tables = _plan_tables(year, plan)

    # Plan events: add approvals so that no term overlapping the year lapses.
    for d in _continuance_dates(year, plan["initial_term_end"], plan["agreement_date"]):
        tables["PlanEvents"].append({"Date": d, "Event": "Continuance Approved", "Fund": None,
                                     "Notes": SAMPLE_NOTE})
    tables["PlanEvents"].sort(key=lambda r: r["Date"])

    # NAV
    funds = plan_funds(year, plan)
    dates = nav_dates(year)
    nav = _sample_nav(rng, dates, funds)
    tables["NAV"] = [{"Date": d, **{f: nav[f][i] for f in nav}} for i, d in enumerate(dates)]

    # Fund monthly averages, for months the fund is in the plan for the whole month
    monthly: dict[str, dict[date, float]] = {}
    for r in funds:
        f = r["fund"]
        monthly[f] = {}
        for s, e in _months(year):
            if r["effective"] <= s:
                avg = _calendar_average(dates, nav[f], s, e)
                if avg is not None:
                    monthly[f][s] = avg

    # Providers
    providers = []
    floor = plan["agreement_date"] + timedelta(days=1)
    for i, (name, kind, rate, minimum, role) in enumerate(_PROVIDERS, start=1):
        start = max(date(year - 1, 1 + (i * 5) % 12, 1), floor)
        end = None
        if role == "starts":
            start = date(year, 7, 1)
        elif role == "ends":
            end = date(year, 6, 30)
        providers.append({"Provider ID": f"P{i:03d}", "Provider Name": name, "Agreement Type": kind,
                          "Service Fee Rate": rate, "Start Date": start, "End Date": end,
                          "Minimum Payment": minimum, "_role": role})

    # Provider Assets: each provider holds 2-5 funds; the fraction of the fund's assets is drawn
    # in [1%, 15%], then scaled down so the providers of one fund together stay below 45%.
    holdings: list[tuple[dict, str, float]] = []
    for p in providers:
        active = [s for s, e in _months(year)
                  if p["Start Date"] <= s and (p["End Date"] is None or e <= p["End Date"])]
        eligible = [r["fund"] for r in funds if any(s in monthly[r["fund"]] for s in active)]
        k = int(rng.integers(2, 6))
        picks = sorted(rng.choice(len(eligible), size=min(k, len(eligible)), replace=False)) \
            if eligible else []
        for j in picks:
            holdings.append((p, eligible[int(j)], float(rng.uniform(0.01, 0.15))))
    share: dict[str, float] = {}
    for _, f, frac in holdings:
        share[f] = share.get(f, 0.0) + frac
    assets = []
    for p, f, frac in holdings:
        if share[f] > 0.45:
            frac *= 0.45 / share[f]
        small_cap = float(rng.uniform(300_000, 700_000)) if p["_role"] == "small" else None
        for s, e in _months(year):
            if s not in monthly[f] or p["Start Date"] > s or (p["End Date"] and e > p["End Date"]):
                continue
            amount = monthly[f][s] * frac * float(rng.uniform(0.92, 1.08))
            if small_cap is not None:
                amount = min(amount, small_cap * float(rng.uniform(0.9, 1.1)))
            amount = min(amount, monthly[f][s] * 0.15)
            assets.append({"Period Start": s, "Period End": e, "Provider ID": p["Provider ID"],
                           "Fund": f, "Average Net Assets": _cents(amount)})
    assets.sort(key=lambda r: (r["Period Start"], r["Provider ID"], r["Fund"]))
    for p in providers:
        del p["_role"]
    tables["Providers"] = providers
    tables["ProviderAssets"] = assets

    # Expenses: every FIFTH category at least once, the rest drawn at random.
    sessions = [d for d in dates if d.year == year]
    cats = list(EXPENSE_CATEGORIES) + [EXPENSE_CATEGORIES[int(i)] for i in
                                       rng.integers(0, len(EXPENSE_CATEGORIES),
                                                    _N_EXPENSES - len(EXPENSE_CATEGORIES))]
    expenses = []
    for cat in cats:
        d = sessions[int(rng.integers(0, len(sessions)))]
        live = [r["fund"] for r in funds if r["effective"] <= d]
        if not live:  # nobody in the plan yet on that day: move to the last session
            d = sessions[-1]
            live = [r["fund"] for r in funds if r["effective"] <= d]
        fund = live[int(rng.integers(0, len(live)))] if live else None
        lo, hi = _EXPENSE_RANGES.get(cat, (500, 5_000))
        expenses.append({"Date": d, "Fund": fund, "Category": cat,
                         "Amount": _cents(rng.uniform(lo, hi))})
    expenses.sort(key=lambda r: (r["Date"], r["Fund"] or "", r["Category"]))
    tables["Expenses"] = expenses
    return {name: tables[name] for name in TABLE_ORDER}


# --------------------------------------------------------------------------- layout helpers

TEMPLATE_YEAR = 2001
TEMPLATE_PATH = Path(__file__).with_name("fee12b1_template.xlsx")
CONF_SHEET = "xlwings.conf"
# Keys in column A, values in column B, from A1 down without gaps (xlwings reads A1 to the
# first empty cell).  An entry here overrides the ribbon's setting, even when empty: an empty
# Interpreter_Win means "pythonw" found on PATH; see docs/workbooks.md.
XLWINGS_CONF = (("UDF Modules", "addin.udfs"), ("Interpreter_Win", None), ("PYTHONPATH", None))
# Add-in functions that return a dynamic array (spilled from one anchor cell).
DYNAMIC_FUNCTIONS = ("FEE_ACCRUALS", "FEE_PAYOUTS", "FEE_CHECKS")
BY_CHOICES = ("month", "quarter", "year", "period")
SUMMARY_SHEET = "Summary"
SPILL_SHEETS = ("Accruals", "Payouts", "Checks")
SPILL_ANCHOR = "A5"
SUMMARY_FIRST_ROW = 5
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_NOTE = Font(italic=True, color="595959")
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_NATIVE_FILL = PatternFill("solid", fgColor="E2EFDA")


@dataclass(frozen=True)
class TableLayout:
    """Where one Excel table sits: its sheet, header row, last data row and the column letter
    of each header."""

    name: str
    sheet: str
    header_row: int
    last_row: int
    letters: dict

    def ref(self, header: str, absolute: bool = True, shift: int = 0) -> str:
        """The A1 range of a column's data rows (``shift`` moves it down), sheet-qualified."""
        col = self.letters[header]
        a = "$" if absolute else ""
        first, last = self.header_row + 1 + shift, self.last_row + shift
        return f"{quote_sheet(self.sheet)}!{a}{col}{a}{first}:{a}{col}{a}{last}"


@dataclass(frozen=True)
class SummaryRow:
    """One fund-month of the Summary sheet: the NAV header of the fund, the month, the single
    Schedule B rate in force all month, and optionally the engine's figures for it."""

    fund: str
    start: date
    end: date
    rate: float
    engine_adna: float | None = None
    engine_fee: float | None = None


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: quoted when it is not a plain word."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", name):
        return name
    return "'" + name.replace("'", "''") + "'"


def column_ref(table: str, header: str) -> str:
    """A structured reference to one column: ``NAV[Growth & Income Fund]``; the characters
    Excel reserves inside brackets (' # [ ]) are escaped with an apostrophe."""
    escaped = re.sub(r"([\[\]#'])", r"'\1", header)
    return f"{table}[{escaped}]"


def table_layout(wb: Workbook, name: str) -> TableLayout:
    """The layout of the Excel table ``name`` in ``wb``."""
    for ws in wb.worksheets:
        if name in ws.tables:
            min_col, min_row, max_col, max_row = range_boundaries(ws.tables[name].ref)
            letters = {ws.cell(min_row, j).value: get_column_letter(j)
                       for j in range(min_col, max_col + 1)}
            return TableLayout(name, ws.title, min_row, max_row, letters)
    raise KeyError(f"no table {name}")


def _months(year: int):
    for m in range(1, 13):
        yield date(year, m, 1), date(year, m, monthrange(year, m)[1])


def summary_rows(year: int, plan: dict | None = None) -> list[SummaryRow]:
    """The fund-months of the template's Summary: every month of ``year`` in which a fund of
    the NAV table is in the plan all month at one Schedule B rate according to the schedules
    (both effective dates on or before the first day; plan events are not considered)."""
    from fee_core.names import NameResolver, brand_words

    plan = plan or default_plan()
    canon = [r["fund"] for r in plan["schedule_a"]]
    former = {r["former"]: r["fund"] for r in plan["fund_names"]}
    resolver = NameResolver(canon, former, brand_words([r["company"] for r in plan["schedule_a"]]))
    rates: dict[str, list[dict]] = {}
    for r in plan["schedule_b"]:
        name = resolver.resolve(r["fund"]).fund
        if name:
            rates.setdefault(name, []).append(r)
    out = []
    for fund in plan_funds(year, plan):
        for s, e in _months(year):
            if fund["effective"] > s:
                continue
            rows = [r for r in rates.get(fund["fund"], [])
                    if r["effective"] <= e and (r["end"] is None or r["end"] >= s)]
            if len(rows) == 1 and rows[0]["effective"] <= s and \
                    (rows[0]["end"] is None or rows[0]["end"] >= e) and rows[0]["rate"] > 0:
                out.append(SummaryRow(fund["fund"], s, e, float(rows[0]["rate"])))
    return out


# --------------------------------------------------------------------------- output sheets

def _weighted_nav_formula(nav: TableLayout, fund: str, r: int) -> str:
    """Σ NA × (calendar days the NAV row covers inside [B r, C r]) for one fund, natively.

    Row i of NAV covers the days from its date up to the day before the next row's date (the
    last row: through the month end).  Each row's days inside the month are
    clip(next) − clip(date) with clip(x) = MIN(MAX(x, start), end + 1), written with ABS
    because MIN/MAX do not work element by element inside SUMPRODUCT."""
    dates, nxt, vals = nav.ref("Date"), nav.ref("Date", shift=1), nav.ref(fund)
    s, e1 = f"$B{r}", f"($C{r}+1)"

    def clip(v: str) -> str:
        hi = f"({v}+{s}+ABS({v}-{s}))/2"
        return f"(({hi})+{e1}-ABS(({hi})-{e1}))/2"

    nxt_eff = f"({nxt}+{e1}*({nxt}=0))"
    return f"=SUMPRODUCT({vals},{clip(nxt_eff)}-{clip(dates)})"


def _setting_formula(settings: TableLayout, name: str) -> str:
    return (f'=INDEX({settings.ref("Value")},MATCH("{name}",{settings.ref("Setting")},0))')


def _header(ws, row: int, headers, fills=None) -> None:
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row, j, h)
        c.font = _BOLD
        c.fill = (fills or {}).get(j, _HEAD_FILL)
        c.alignment = Alignment(wrap_text=True, vertical="top")


def add_summary_sheet(wb: Workbook, rows: list[SummaryRow], engine: bool = False,
                      title: str = SUMMARY_SHEET):
    """Per fund per month: add-in cells (``FEE_ADNA``/``FEE_PERIOD``), or the engine's
    figures as values when ``engine``, beside native tie-out formulas over the NAV table
    (calendar days with carry-forward; plan fee at the single rate, Rounding=Period)."""
    nav = table_layout(wb, "NAV")
    settings = table_layout(wb, "Settings")
    ws = wb.create_sheet(title)
    ws["A1"] = "Per-fund monthly ADNA and plan fee: " + \
        ("engine figures" if engine else "add-in cells") + " beside native tie-out formulas"
    ws["A1"].font = _TITLE
    ws["A2"], ws["C2"] = "Day Count", "Rounding"
    ws["A2"].font = ws["C2"].font = _BOLD
    ws["B2"] = _setting_formula(settings, "Day Count")
    ws["D2"] = _setting_formula(settings, "Rounding")
    ws["A3"] = ("Native columns (green) use only SUMPRODUCT/ROUND over the NAV table: each NAV "
                "row weighs the calendar days it covers inside the month (weekends and holidays "
                "carry the prior close). Rows: funds in the plan all month at one Schedule B "
                "rate. A difference other than 0.00 needs a look.")
    ws["A3"].font = _NOTE
    src = "engine" if engine else "add-in"
    headers = ["Fund", "Month Start", "Month End", "Rate", "Days", "Year Days (native)",
               f"ADNA ({src})", f"Plan Fee ({src})", "NA × Days (native)", "ADNA (native)",
               "Plan Fee (native)", "ADNA Difference", "Plan Fee Difference"]
    _header(ws, 4, headers, {j: _NATIVE_FILL for j in (6, 9, 10, 11)})
    date_ref = column_ref("NAV", "Date")
    for i, row in enumerate(rows):
        r = SUMMARY_FIRST_ROW + i
        ws.cell(r, 1, row.fund)
        ws.cell(r, 2, row.start).number_format = DATE_FORMAT
        ws.cell(r, 3, row.end).number_format = DATE_FORMAT
        ws.cell(r, 4, row.rate).number_format = RATE_FORMAT
        ws.cell(r, 5, f"=$C{r}-$B{r}+1")
        ws.cell(r, 6, f'=IF(OR($B$2="Actual/365",DAY(DATE(YEAR($B{r}),3,0))=28),365,366)')
        if engine:
            ws.cell(r, 7, row.engine_adna)
            ws.cell(r, 8, row.engine_fee)
        else:
            values = column_ref("NAV", row.fund)
            ws.cell(r, 7, f"=FEE_ADNA({date_ref},{values},$B{r},$C{r})")
            ws.cell(r, 8, f"=FEE_PERIOD($D{r},{date_ref},{values},$B{r},$C{r},$B$2,$D$2)")
        ws.cell(r, 9, _weighted_nav_formula(nav, row.fund, r))
        ws.cell(r, 10, f"=ROUND($I{r}/$E{r},2)")
        ws.cell(r, 11, f"=ROUND($D{r}*$I{r}/$F{r},2)")
        ws.cell(r, 12, f'=IF(ISNUMBER($G{r}),ROUND($G{r}-$J{r},2),"")')
        ws.cell(r, 13, f'=IF($D$2<>"Period","n/a: Daily rounding",'
                       f'IF(ISNUMBER($H{r}),ROUND($H{r}-$K{r},2),""))')
        for j in (7, 8, 9, 10, 11, 12, 13):
            ws.cell(r, j).number_format = MONEY_FORMAT
    widths = (28, 12, 12, 8, 7, 10, 18, 16, 22, 18, 16, 12, 12)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.row_dimensions[3].height = 45
    ws.merge_cells("A3:M3")
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"B{SUMMARY_FIRST_ROW}"
    if rows:
        from openpyxl.formatting.rule import CellIsRule
        last = SUMMARY_FIRST_ROW + len(rows) - 1
        ws.conditional_formatting.add(
            f"L{SUMMARY_FIRST_ROW}:M{last}",
            CellIsRule(operator="notEqual", formula=["0"], fill=PatternFill("solid", fgColor="FFC7CE")))
    return ws


def _spill_formula(sheet: str) -> str:
    by = "$B$2"
    if sheet == "Accruals":
        return ("=FEE_ACCRUALS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],NAV[#All],"
                f"Settings[#All],{by},FundNames[#All])")
    if sheet == "Payouts":
        return ("=FEE_PAYOUTS(Providers[#All],ProviderAssets[#All],ScheduleA[#All],"
                f"ScheduleB[#All],PlanEvents[#All],Settings[#All],{by},FundNames[#All])")
    return ("=FEE_CHECKS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],NAV[#All],"
            "Settings[#All],Providers[#All],ProviderAssets[#All],FundNames[#All])")


_SPILL_TEXT = {
    "Accruals": "Accruals per fund and period (accruals.csv columns without service fees), "
                "spilled by FEE_ACCRUALS from the input tables.",
    "Payouts": "Service fees per provider, fund and period (payouts.csv columns), spilled by "
               "FEE_PAYOUTS.",
    "Checks": "Findings on the input tables (severity, code, location, message), spilled by "
              "FEE_CHECKS. Fix every error before trusting a figure.",
}


def add_spill_sheet(wb: Workbook, sheet: str, title: str | None = None):
    """An output sheet whose A5 spills one of the add-in's table functions."""
    ws = wb.create_sheet(title or sheet)
    ws["A1"] = f"{sheet} (live, fee12b1 add-in)"
    ws["A1"].font = _TITLE
    if sheet != "Checks":
        ws["A2"], ws["B2"] = "Periods by", "month"
        ws["A2"].font = _BOLD
        dv = DataValidation(type="list", formula1='"' + ",".join(BY_CHOICES) + '"',
                            allow_blank=False, showErrorMessage=True, errorStyle="stop",
                            errorTitle="Periods by", error="Choose month, quarter, year or period.")
        dv.add("B2")
        ws.add_data_validation(dv)
    ws["A3"] = _SPILL_TEXT[sheet] + " Needs the fee12b1 functions (see Read me); without " \
        "them Excel shows #NAME?."
    ws["A3"].font = _NOTE
    ws[SPILL_ANCHOR] = ArrayFormula(SPILL_ANCHOR, _spill_formula(sheet))
    for j, w in enumerate((26, 12, 12, 10, 18, 16, 16, 18), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w if sheet != "Checks" else \
            (9, 28, 30, 100, 10, 10, 10, 10)[j - 1]
    ws.freeze_panes = "A6"
    return ws


def add_output_sheets(wb: Workbook, rows: list[SummaryRow], titles: dict | None = None) -> None:
    """The add-in sheets: Summary (FEE_ADNA/FEE_PERIOD cells beside native tie-outs) and the
    spilled Accruals, Payouts and Checks.  ``titles`` renames sheets (e.g. in the computed
    workbook, where plain names hold engine values)."""
    titles = titles or {}
    add_summary_sheet(wb, rows, engine=False, title=titles.get(SUMMARY_SHEET, SUMMARY_SHEET))
    for sheet in SPILL_SHEETS:
        add_spill_sheet(wb, sheet, titles.get(sheet, sheet))


def add_xlwings_conf(wb: Workbook):
    """The ``xlwings.conf`` sheet: keys in A, values in B (SPEC §9; docs/workbooks.md)."""
    ws = wb.create_sheet(CONF_SHEET)
    for i, (key, value) in enumerate(XLWINGS_CONF, start=1):
        ws.cell(i, 1, key)
        if value is not None:
            ws.cell(i, 2, value)
    ws["D1"] = ("xlwings reads keys from A1 down to the first empty cell. An entry here "
                "overrides the xlwings ribbon, even when empty: Interpreter_Win empty = pythonw "
                "on PATH; PYTHONPATH empty = nothing added (fee12b1 pip-installed). "
                "See docs/workbooks.md.")
    ws["D1"].font = _NOTE
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    return ws


# --------------------------------------------------------------------------- input polish

def _readme_lines(year: int, sample: bool, seed: int) -> list[str]:
    plan = default_plan()
    kind = (f"SAMPLE data (synthetic, seed {seed}): illustrative only, not real fund figures."
            if sample else "Empty template: fill NAV, Providers, Provider Assets and Expenses.")
    return [
        "fee12b1 input workbook",
        f"{plan['title']}. Distributor: {plan['distributor']}.",
        f"Plan year {year}. {kind}",
        "Each sheet below holds one Excel table; keep the header texts as they are (extra columns are ignored).",
        "Dates are real dates shown yyyy-mm-dd; rates are fractions shown as percent (0.0045 shows as 0.45%); money is in USD.",
        "",
        "Settings: the period to compute (Period Start, Period End), day count, rounding, the NASD/FINRA caps, payment frequency and the initial term end.",
        "Schedule A: registered investment companies, their funds (current names), effective dates and footnotes.",
        "Schedule B: each fund's annual distribution fee rate with its effective date and optional end date (a history: one row per rate in force).",
        "Fund Names: former fund names, the current name and the date of the change, from the footnotes; two sources that disagree are both kept and reported by the check.",
        "Plan Events: Plan Effective, Continuance Approved (blank Fund = whole plan), Termination, Amendment.",
        "NAV: Class K net assets of each fund at each NYSE session's close; the first row is the last session of the previous year, carried into January 1. Leave a cell blank before the fund is in the plan.",
        "Providers: service providers with their agreement type (Service, Third Party, Variable Contract, Bank Trust), agreed service fee rate, start and end dates and minimum payment.",
        "Provider Assets: average daily net assets attributable to each provider's customers, per fund and period.",
        "Expenses: the distributor's own spending under the plan, by fund and FIFTH category.",
        "Drop-down lists offer the allowed choices; fund columns offer the Schedule A names (named range FundList) but accept former names too.",
        "",
        "Output sheets (live figures need the fee12b1 add-in functions on Windows Excel; elsewhere they show #NAME?):",
        "Summary: per fund and month, FEE_ADNA and FEE_PERIOD cells beside NATIVE tie-out formulas (green) that any spreadsheet computes; the difference columns should read 0.00.",
        "Accruals, Payouts, Checks: FEE_ACCRUALS, FEE_PAYOUTS and FEE_CHECKS spill whole tables from cell A5 (choose the periods in B2).",
        "xlwings.conf: UDF Modules = addin.udfs; Interpreter_Win and PYTHONPATH left empty mean pythonw on PATH and an installed fee12b1. Set up: pip install fee12b1, xlwings addin install, then in the xlwings ribbon click Import Functions with this workbook active and save it as .xlsm (docs/workbooks.md).",
        "",
        "Without Excel: fee12b1 check BOOK.xlsx   fee12b1 compute BOOK.xlsx --csv DIR   fee12b1 publish BOOK.xlsx OUT.xlsx (a values-only copy for email).",
    ]


def _safe_text(text: str) -> str:
    """Never leave a text that Excel would run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _add_readme(ws, lines: list[str]) -> None:
    ws.column_dimensions["A"].width = 120
    for i, line in enumerate(lines, start=1):
        if not line:
            continue
        c = ws.cell(row=i, column=1, value=_safe_text(line))
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            c.font = Font(bold=True, size=14)


def _display_len(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    return len(str(value))


def _fit_columns(ws, name: str, cols: list[str], rows: list[dict]) -> None:
    for j, h in enumerate(cols, start=1):
        widest = max([len(h) + 4] + [_display_len(r.get(h)) + 2 for r in rows[:2000]])
        ws.column_dimensions[get_column_letter(j)].width = max(12, min(MAX_WIDTH, widest))


FUND_LIST = "FundList"


def _validation(ws, ref: str, formula: str, strict: bool, what: str) -> None:
    if strict:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                            errorStyle="stop", errorTitle=what,
                            error=f"Choose one of the listed {what} values.")
    else:  # a hint: other spellings (former names) stay allowed, the check reports them
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                            errorStyle="information", errorTitle=what,
                            error="Not a current Schedule A name. Former names and variants are "
                                  "accepted; fee12b1 check reports how it reads them.")
    dv.add(ref)
    ws.add_data_validation(dv)


def _add_choices(ws, header_cols: list[str], header: str, choices, last_row: int,
                 strict: bool = True) -> None:
    if header not in header_cols:
        return
    col = get_column_letter(header_cols.index(header) + 1)
    formula = choices if isinstance(choices, str) else '"' + ",".join(choices) + '"'
    _validation(ws, f"{col}2:{col}{max(last_row, 500)}", formula, strict, header)


def add_input_polish(wb: Workbook, tables: dict[str, list[dict]]) -> None:
    """Formats, widths, frozen headers, drop-down lists and the FundList name on the input
    tables written by ``write_input_workbook``."""
    a = table_layout(wb, "ScheduleA")
    fund_col = a.letters["Fund"]
    wb.defined_names[FUND_LIST] = DefinedName(
        FUND_LIST, attr_text=f"{quote_sheet(a.sheet)}!${fund_col}${a.header_row + 1}:"
                             f"${fund_col}${a.header_row + 200}")
    for name, rows in tables.items():
        spec = TABLES[name]
        ws = wb[spec.sheet]
        cols = [c.value for c in ws[1]]
        _fit_columns(ws, name, cols, rows)
        last = len(rows) + 1
        if name == "NAV":
            ws.freeze_panes = "B2"
            for j in range(2, len(cols) + 1):
                ws.column_dimensions[get_column_letter(j)].width = max(16, min(30, len(cols[j - 1]) + 4))
        if name == "Settings":
            kinds = {k: v[0] for k, v in SETTINGS.items()}
            for row in ws.iter_rows(min_row=2):
                setting = row[0].value
                if kinds.get(setting) == "rate" and isinstance(row[1].value, (int, float)):
                    row[1].number_format = RATE_FORMAT
                if setting in SETTING_CHOICES:
                    _validation(ws, row[1].coordinate,
                                '"' + ",".join(SETTING_CHOICES[setting]) + '"', True, setting)
            ws.column_dimensions["A"].width = 32
            ws.column_dimensions["B"].width = 16
        if name == "PlanEvents":
            _add_choices(ws, cols, "Event", EVENTS, last)
            _add_choices(ws, cols, "Fund", FUND_LIST, last, strict=False)
        elif name == "Providers":
            _add_choices(ws, cols, "Agreement Type", AGREEMENT_TYPES, last)
        elif name in ("ProviderAssets", "FundNames", "ScheduleB"):
            _add_choices(ws, cols, "Fund", FUND_LIST, last, strict=False)
        elif name == "Expenses":
            if len(",".join(EXPENSE_CATEGORIES)) < 250:
                _add_choices(ws, cols, "Category", EXPENSE_CATEGORIES, last)
            _add_choices(ws, cols, "Fund", FUND_LIST, last, strict=False)


def build_workbook(year: int = 2001, sample: bool = False, seed: int = 12,
                   outputs: bool = True) -> Workbook:
    """The input workbook as an openpyxl Workbook (not saved): "Read me", the input tables,
    then (``outputs``) the add-in output sheets and the ``xlwings.conf`` sheet."""
    tables = sample_tables(year, seed) if sample else template_tables(year)
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    _add_readme(readme, _readme_lines(year, sample, seed))
    write_input_workbook(None, tables, workbook=wb)
    add_input_polish(wb, tables)
    if outputs:
        add_output_sheets(wb, summary_rows(year))
        add_xlwings_conf(wb)
    wb.active = 0
    return wb


# --------------------------------------------------------------------------- reproducible save

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")
_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
METADATA_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    b'<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" '
    b'pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" '
    b'clearComments="1" assign="1" coerce="1" cellMeta="1"/></metadataTypes>'
    b'<futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    b'<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">'
    b'<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk></futureMetadata>'
    b'<cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata></metadata>')
_METADATA_CT = (b'<Override PartName="/xl/metadata.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"/>')
_METADATA_REL = (b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 b'relationships/sheetMetadata" Target="metadata.xml" Id="rIdFeeMetadata"/>')


def _mark_dynamic(body: bytes) -> tuple[bytes, int]:
    """Give each anchor cell of a FEE_ table function the dynamic-array cell metadata
    (cm="1"), as Excel 365 writes a spilled formula; older Excel reads a one-cell array."""
    n = 0

    def sub(m):
        nonlocal n
        n += 1
        return m.group(1) + b' cm="1">'
    body = re.sub(rb'(<c r="([A-Z]+[0-9]+)"(?: [a-z]+="[^"]*")*)>(?=<f t="array" ref="\2">(?:'
                  + b"|".join(f.encode() for f in DYNAMIC_FUNCTIONS) + rb")\()", sub, body)
    return body, n


def reproducible_bytes(data: bytes, when: datetime | None = None, macro_enabled: bool = False) -> bytes:
    """Rewrite an openpyxl .xlsx: fixed zip entry times and created/modified properties
    (``when``, default FIXED_TIME), dynamic-array metadata for spilled FEE_ functions, and
    the macro-enabled workbook content type for an .xlsm (no VBA project: see
    docs/workbooks.md)."""
    when = when or FIXED_TIME
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    zip_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = [i.filename for i in src.infolist()]
        for name in names:
            parts[name] = src.read(name)
    dynamic = 0
    for name in names:
        if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
            parts[name], n = _mark_dynamic(parts[name])
            dynamic += n
    if dynamic and "xl/metadata.xml" not in parts:
        parts["xl/metadata.xml"] = METADATA_XML
        names.append("xl/metadata.xml")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", _METADATA_CT + b"</Types>")
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", _METADATA_REL + b"</Relationships>")
    if macro_enabled:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(_XLSX_MAIN, _XLSM_MAIN)
    core = parts.get("docProps/core.xml")
    if core is not None:
        core = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", core)
        parts["docProps/core.xml"] = _CREATED.sub(rb"\g<1>" + stamp + rb"\g<2>", core)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            zi = zipfile.ZipInfo(name, date_time=zip_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, parts[name])
    return out.getvalue()


def workbook_bytes(wb: Workbook, when: datetime | None = None, macro_enabled: bool = False) -> bytes:
    """The bytes of ``wb`` as a reproducible file (see ``reproducible_bytes``)."""
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible_bytes(buf.getvalue(), when, macro_enabled)


def save_reproducible(wb: Workbook, path) -> None:
    """Save ``wb`` to ``path`` byte-for-byte reproducibly and atomically (temporary file in the
    same directory, then os.replace).  Usable for any workbook openpyxl writes; a ``.xlsm``
    path gets the macro-enabled content type."""
    from fee_core.outputs import atomic_write
    data = workbook_bytes(wb, macro_enabled=str(path).lower().endswith(".xlsm"))
    atomic_write(Path(path), data, force=True)


def build_template(path, year: int = 2001, sample: bool = False, seed: int = 12) -> None:
    """Write the input workbook for the default plan to ``path`` (SPEC §3 tables, each a real
    Excel table on its own sheet, after a "Read me" sheet; then the add-in output sheets and
    ``xlwings.conf``).  ``sample`` fills NAV, Providers, Provider Assets and Expenses with
    synthetic data (deterministic for ``seed``) and adds board continuance approvals.  An
    existing file at ``path`` is replaced.  A ``.xlsm`` path gets the same content as a
    macro-enabled workbook without a VBA project, ready for xlwings' Import Functions."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 < year < 2200:
        raise ValueError(f"year must be a four-digit year, got {year!r}")
    save_reproducible(build_workbook(year, sample, seed), path)


def main(argv=None) -> int:
    """``python -m templates.builder [OUT]``: rebuild the committed template (empty, plan year
    TEMPLATE_YEAR) at templates/fee12b1_template.xlsx, or at OUT."""
    import sys
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else TEMPLATE_PATH
    build_template(out, TEMPLATE_YEAR)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
