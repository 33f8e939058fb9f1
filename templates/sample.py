"""The default plan's tables for a plan year, empty or with sample data (SPEC §3).

``template_tables(year)`` and ``sample_tables(year, seed)`` return table rows as plain Python
(table name -> list of row dicts keyed by header), so the builder, the demo and the tests use the
same data.  Values in those rows are exactly what the cells hold: ``datetime.date`` for dates,
``float`` for rates (fractions) and money (rounded to cents), ``str`` for text, ``None`` for an
empty cell.

NAV dates.  The NAV table holds one row per NYSE (XNYS) session of the year, *preceded by the last
session of the previous year* (the "opening" row, e.g. 2000-12-29 for 2001): January 1 is never a
session, so without that row no NAV would exist on or before Jan 1 for a fund already in the plan
(SPEC §4 carries the prior business day forward).  In a sample workbook the opening row holds the
prior close of every fund in the plan on Jan 1; a fund whose effective date falls inside the year
has values from the last session on or before its effective date (blank before).
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np

from fee_core.calendar import sessions
from fee_core.contract import EXPENSE_CATEGORIES, SETTINGS, Settings
from fee_core.parse.names import NameResolver, brand_words
from fee_core.plan import default_plan
from fee_core.write.addin_sheets import SummaryRow

TABLE_ORDER = ("Settings", "ScheduleA", "ScheduleB", "FundNames", "PlanEvents", "NAV",
               "Providers", "ProviderAssets", "Expenses")
SAMPLE_NOTE = "Sample: board continuance approval (illustrative)"


# --------------------------------------------------------------------------- calendar and plan

@lru_cache(maxsize=16)
def _nav_dates(year: int) -> tuple[date, ...]:
    days = [d.astype(object) for d in sessions(date(year - 1, 12, 1), date(year, 12, 31))]
    prior = [d for d in days if d.year < year]
    return tuple(prior[-1:] + [d for d in days if d.year == year])

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
    for spec in SETTINGS.values():
        if spec.attr in ("period_start", "period_end"):
            continue
        value: Any = float(spec.default) if spec.kind == "rate" else spec.default
        settings.append({"Setting": spec.label, "Value": value})
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
    ("Lakeshore Brokerage Inc.", "Service", 0.0015, 100.0, None),          # below the cap
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
    for d in _continuance_dates(year, Settings().initial_term_end, plan["agreement_date"]):
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



def summary_rows(year: int, plan: dict | None = None) -> list[SummaryRow]:
    """The fund-months of the template's Summary: every month of ``year`` in which a fund of
    the NAV table is in the plan all month at one Schedule B rate according to the schedules
    (both effective dates on or before the first day; plan events are not considered)."""
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

