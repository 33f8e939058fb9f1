"""Small plan workbooks for tests, as table dicts (header -> value), written as .xlsx with
templates.book.write_input_workbook or turned into a RawBook directly (no file) for speed."""
from __future__ import annotations

from datetime import date, timedelta

from fee_core.contract import TABLES, headers_of
from fee_core.read.raw import RawBook, RawTable
from fee_core.write.inputs import write_input_workbook

PLAN_EFFECTIVE = date(2000, 11, 30)
# the smallest NAV table the reader's tests start from (the ``nav_book`` fixture, conftest.py)
NAV_TWO_DAYS = [{"Date": date(2001, 1, 2), "Growth Fund": 1000.5},
                {"Date": date(2001, 1, 3), "Growth Fund": 1001.5}]


def sessions(start: date, end: date) -> list[date]:
    from fee_core.calendar import sessions as s
    return [d.astype(object) for d in s(start, end)]


def base_tables(funds=(("Balanced Fund", date(2000, 12, 14)),), rate=0.0045,
                approvals=(date(2001, 4, 26), date(2002, 4, 25), date(2003, 4, 24), date(2004, 4, 22)),
                settings=None, company="INVESCO COMBINATION STOCK & BOND FUNDS, INC."):
    """Schedule A/B for ``funds`` (name, effective) at ``rate``, the plan effective
    2000-11-30 with yearly continuance approvals, empty NAV and provider tables."""
    t = {
        "ScheduleA": [{"Company": company, "Fund": f, "Effective Date": eff, "Notes": ""}
                      for f, eff in funds],
        "ScheduleB": [{"Fund": f, "Annual Rate": rate, "Effective Date": eff, "End Date": None,
                       "Notes": ""} for f, eff in funds],
        "FundNames": [],
        "PlanEvents": [{"Date": PLAN_EFFECTIVE, "Event": "Plan Effective", "Fund": None, "Notes": ""}]
        + [{"Date": a, "Event": "Continuance Approved", "Fund": None, "Notes": ""} for a in approvals],
        "NAV": [],
        "Providers": [],
        "ProviderAssets": [],
        "Expenses": [],
        "Settings": [{"Setting": k, "Value": v} for k, v in (settings or {}).items()],
    }
    return t


def constant_nav(funds, start: date, end: date, amount=10_000_000.0, every_day=False):
    """NAV rows from the last session on or before ``start`` through ``end``, constant."""
    if every_day:
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    else:
        near = sessions(start - timedelta(days=10), end)
        first = max(d for d in near if d <= start)
        days = [d for d in near if d >= first]
    return [{"Date": d, **{f: amount for f in funds}} for d in days]


def raw_book(tables: dict, date1904: bool = False, path: str = "memory.xlsx") -> RawBook:
    """The RawBook the reader would give for ``tables`` (contract headers, first row 1)."""
    out = {}
    for name, rows in tables.items():
        spec = TABLES[name]
        headers = headers_of(name, rows)
        cols = {h: [r.get(h) for r in rows] for h in headers}
        out[name] = RawTable(name, spec.sheet, "", tuple(headers), 1, 1,
                             {h: [_cell(v) for v in col] for h, col in cols.items()})
    return RawBook(path, out, date1904, tuple(TABLES[n].sheet for n in tables))


def write(path, tables, **kw):
    write_input_workbook(path, tables, **kw)
    return path


def _cell(v):
    """A value as the reader gives it: ints as floats (Excel numbers), the rest as is."""
    return float(v) if isinstance(v, int) and not isinstance(v, bool) else v
