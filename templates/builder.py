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
import os
import re
import tempfile
import warnings
import zipfile
from calendar import monthrange
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from fee_core.contract import (AGREEMENT_TYPES, EVENTS, EXPENSE_CATEGORIES, SETTING_CHOICES,
                               SETTINGS, TABLES)
from fee_core.plan import default_plan
from templates.book import FIXED_TIME, RATE_FORMAT, write_input_workbook

__all__ = ["build_template", "template_tables", "sample_tables", "nav_dates", "plan_funds",
           "save_reproducible", "TABLE_ORDER", "SAMPLE_NOTE"]

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


# --------------------------------------------------------------------------- workbook

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
        "",
        "Check the workbook with: fee12b1 check BOOK.xlsx   Compute it with: fee12b1 compute BOOK.xlsx --csv DIR",
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


def _add_choices(ws, header_cols: list[str], header: str, choices, last_row: int) -> None:
    if header not in header_cols:
        return
    col = get_column_letter(header_cols.index(header) + 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                        showErrorMessage=False)
    dv.add(f"{col}2:{col}{max(last_row, 500)}")
    ws.add_data_validation(dv)


def build_workbook(year: int = 2001, sample: bool = False, seed: int = 12) -> Workbook:
    """The input workbook as an openpyxl Workbook (not saved)."""
    tables = sample_tables(year, seed) if sample else template_tables(year)
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    _add_readme(readme, _readme_lines(year, sample, seed))
    write_input_workbook(None, tables, workbook=wb)
    for name, rows in tables.items():
        spec = TABLES[name]
        ws = wb[spec.sheet]
        cols = [c.value for c in ws[1]]
        _fit_columns(ws, name, cols, rows)
        if name == "NAV":
            ws.freeze_panes = "B2"
            for j in range(2, len(cols) + 1):
                ws.column_dimensions[get_column_letter(j)].width = max(16, min(30, len(cols[j - 1]) + 4))
        if name == "Settings":
            kinds = {k: v[0] for k, v in SETTINGS.items()}
            for row in ws.iter_rows(min_row=2):
                if kinds.get(row[0].value) == "rate" and isinstance(row[1].value, (int, float)):
                    row[1].number_format = RATE_FORMAT
            ws.column_dimensions["A"].width = 32
            ws.column_dimensions["B"].width = 16
        last = len(rows) + 1
        if name == "PlanEvents":
            _add_choices(ws, cols, "Event", EVENTS, last)
        elif name == "Providers":
            _add_choices(ws, cols, "Agreement Type", AGREEMENT_TYPES, last)
        elif name == "Expenses" and len(",".join(EXPENSE_CATEGORIES)) < 250:
            _add_choices(ws, cols, "Category", EXPENSE_CATEGORIES, last)
    wb.active = 0
    return wb


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")


def _reproducible_bytes(data: bytes) -> bytes:
    """Rewrite an .xlsx zip with fixed entry times and fixed created/modified properties."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
                body = _CREATED.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def save_reproducible(wb: Workbook, path) -> None:
    """Save ``wb`` to ``path`` byte-for-byte reproducibly and atomically (temporary file in the
    same directory, then os.replace).  Usable for any workbook openpyxl writes."""
    buf = io.BytesIO()
    wb.save(buf)
    data = _reproducible_bytes(buf.getvalue())
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def build_template(path, year: int = 2001, sample: bool = False, seed: int = 12) -> None:
    """Write the input workbook for the default plan to ``path`` (SPEC §3 tables, each a real
    Excel table on its own sheet, after a "Read me" sheet).  ``sample`` fills NAV, Providers,
    Provider Assets and Expenses with synthetic data (deterministic for ``seed``) and adds board
    continuance approvals.  An existing file at ``path`` is replaced.  A ``.xlsm`` path gets
    .xlsx content for now (no VBA project)."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 < year < 2200:
        raise ValueError(f"year must be a four-digit year, got {year!r}")
    save_reproducible(build_workbook(year, sample, seed), path)
