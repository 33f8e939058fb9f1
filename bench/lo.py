"""The LibreOffice baseline: the same monthly accruals as native spreadsheet formulas.

``formula_workbook(path, nav_table, funds, first_year, last_year)`` writes an .xlsx with
* ``NAV``: the NAV table's values (a blank before a fund's first NAV row is written 0: the
  formulas never use those days, and 0 keeps SUMPRODUCT free of text);
* ``Calendar``: one row per calendar day of [first_year-01-01, last_year-12-31]; column B the
  days in the year Y(d) (leap-year formula), then per fund NA(f,d) carried forward:
  ``=VLOOKUP($A2,NAV!$A$2:$T$2517,col,1)`` (approximate match = latest NAV on or before d);
* ``Accruals``: one row per fund and month: fund, month start, month end, rate, fund column,
  accrual start (the later of the Schedule A/B effective dates and the plan's), and
  ``=ROUND(rate*SUMPRODUCT((day>=MAX(start,accrual start))*(day<=end)*INDEX(NA,0,col)/Y),2)``.

That is what an accountant would build by hand.  ``recalc_seconds`` times one headless soffice
conversion with recalculation on load forced (tests/libreoffice.py's profile).
"""
from __future__ import annotations

import time
from calendar import monthrange
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter


def formula_workbook(path, nav, funds: list[dict], first_year: int, last_year: int,
                     rate: float = 0.0045) -> list[tuple[str, date, date, int]]:
    """Write the formula workbook; return the Accruals rows (fund, start, end, excel row)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "NAV"
    names = [f["fund"] for f in funds]
    ws.append(["Date"] + names)
    dates = nav.columns["Date"]
    for i, d in enumerate(dates):
        ws.append([d] + [nav.columns[n][i] if nav.columns[n][i] is not None else 0.0 for n in names])
    n_nav = len(dates) + 1
    last_col = get_column_letter(len(names) + 1)
    cal = wb.create_sheet("Calendar")
    cal.append(["Day", "Y"] + names)
    d = date(first_year, 1, 1)
    end = date(last_year, 12, 31)
    r = 2
    lookup = f"NAV!$A$2:${last_col}${n_nav}"
    while d <= end:
        row = [d, f"=IF(OR(MOD(YEAR(A{r}),400)=0,AND(MOD(YEAR(A{r}),4)=0,MOD(YEAR(A{r}),100)<>0)),366,365)"]
        row += [f"=VLOOKUP($A{r},{lookup},{j + 2},1)" for j in range(len(names))]
        cal.append(row)
        d += timedelta(days=1)
        r += 1
    n_cal = r - 1
    acc = wb.create_sheet("Accruals")
    acc.append(["Fund", "Start", "End", "Rate", "Column", "Accrual Start", "Plan Fee"])
    days = f"Calendar!$A$2:$A${n_cal}"
    ys = f"Calendar!$B$2:$B${n_cal}"
    na = f"Calendar!$C$2:${get_column_letter(len(names) + 2)}${n_cal}"
    out = []
    r = 2
    for j, f in enumerate(funds):
        for y in range(first_year, last_year + 1):
            for m in range(1, 13):
                s, e = date(y, m, 1), date(y, m, monthrange(y, m)[1])
                formula = (f"=ROUND(D{r}*SUMPRODUCT(({days}>=MAX(B{r},F{r}))*({days}<=C{r})*"
                           f"INDEX({na},0,E{r})/{ys}),2)")
                acc.append([f["fund"], s, e, rate, j + 1, f["accrual_start"], formula])
                out.append((f["fund"], s, e, r))
                r += 1
    wb.save(path)
    return out


def empty_workbook(path) -> None:
    wb = Workbook()
    wb.active["A1"] = 1
    wb.save(path)


def libreoffice(profile_dir):
    """tests/libreoffice.LibreOffice with its recalculate-on-load profile, or None."""
    try:
        from tests.libreoffice import LibreOffice, LibreOfficeNotFound
    except Exception:  # pragma: no cover
        return None
    try:
        return LibreOffice(profile_dir)
    except LibreOfficeNotFound:
        return None


def recalc_seconds(lo, path, outdir) -> tuple[float, Path]:
    t = time.perf_counter()
    (out,) = lo.recalculate([path], outdir)
    return time.perf_counter() - t, out
