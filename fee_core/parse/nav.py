"""The NAV table -> ``Nav`` (SPEC §3: a Date column, then one money column per fund):
dates in order and unique, net assets positive and below a trillion, in integer units."""
from __future__ import annotations

import numpy as np

from ..findings import Finding, Location, column_letter, error, warning
from ..model import AMOUNT_SCALE, Nav
from ..read.raw import RawTable
from .funds import Names
from .sink import Sink
from .table import Table

MAX_AMOUNT = 1e12  # a trillion dollars: beyond it a value is surely a typo


def too_large(loc: Location, label: str, amount) -> Finding:
    """``cell.too_large``: a money amount (other than net assets) of $1 trillion or more."""
    x = float(amount)
    shown = f"{x:,.2f}" if abs(x) < 1e15 else f"{x:.6g}"
    return error("cell.too_large", loc, f"{label} {shown} is beyond $1 trillion; check the cell "
                                        f"(amounts are in dollars).")


def to_units(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dollar floats -> int64 units (AMOUNT_SCALE per dollar) and a mask of values that had
    more precision than a unit (rounded half away from zero, reported by the caller)."""
    scaled = values * AMOUNT_SCALE
    units = np.round(scaled)
    # a value typed with at most 4 decimals lands within float noise of a whole unit
    lossy = np.abs(scaled - units) > np.maximum(1e-3, np.abs(scaled) * 4e-16)
    return units.astype(np.int64), lossy


def parse_nav(raw: RawTable | None, date1904: bool, names: Names, sink: Sink) -> Nav:
    """Fund columns are found by header (SPEC §5 names); a row with values but no date, rows
    out of order and duplicate dates are errors; so are zero, negative and absurd amounts."""
    if raw is None:
        return Nav.empty()
    fund_cols: dict[str, list[str]] = {}
    for h in raw.headers:
        if h == "Date" or not str(h).strip():
            continue
        fund = names.resolve(h, _header_loc(raw, h), "NAV column")
        if fund:
            fund_cols.setdefault(fund, []).append(h)
    kinds = {"Date": "date", **{h: "money" for hs in fund_cols.values() for h in hs}}
    t = Table(raw, date1904, sink, kinds)
    n = t.n
    dates_col = t.col("Date")
    dates = dates_col.values
    row_has_value = np.zeros(n, bool)
    for hs in fund_cols.values():
        for h in hs:
            c = t.col(h)
            row_has_value |= ~c.blank & ~c.bad
    blank_date = dates_col.blank
    sink.rows("cell.blank", np.nonzero(blank_date & row_has_value)[0], lambda k: t.loc(k, "Date"),
              lambda k: "Date is empty on a row with net assets; enter the date.",
              t.loc(None, "Date"), "an empty Date")
    idx = np.nonzero(~np.isnat(dates))[0]
    kept_dates = dates[idx]
    if len(kept_dates) > 1:
        back = np.nonzero(kept_dates[1:] < kept_dates[:-1])[0]
        sink.rows("nav.out_of_order", back, lambda k: t.loc(int(idx[k + 1]), "Date"),
                  lambda k: f"Date {kept_dates[k + 1]} comes after {kept_dates[k]}; sort the "
                            f"NAV table by Date, oldest first.",
                  t.loc(None, "Date"), "a date out of order")
        order = np.argsort(kept_dates, kind="stable")
        sd = kept_dates[order]
        dup = np.nonzero(sd[1:] == sd[:-1])[0]
        sink.rows("nav.duplicate_date", dup, lambda k: t.loc(int(idx[order[k + 1]]), "Date"),
                  lambda k: f"Date {sd[k]} appears twice (also row "
                            f"{raw.excel_row(int(idx[order[k]]))}); keep one row per business day.",
                  t.loc(None, "Date"), "a repeated date")
        idx = idx[order]
        kept_dates = sd
    funds = tuple(fund_cols)
    values = np.zeros((len(idx), len(funds)), np.int64)
    present = np.zeros((len(idx), len(funds)), bool)
    invalid = np.zeros((len(idx), len(funds)), bool)
    columns = []
    for j, fund in enumerate(funds):
        headers = fund_cols[fund]
        columns.append((column_letter(raw.column_index(headers[0])), headers[0]))
        for h in headers:
            _fund_column(t, h, fund, headers, idx, kept_dates, values[:, j], present[:, j],
                         invalid[:, j])
    rows = raw.excel_row(idx.astype(np.int64))
    return Nav(kept_dates, funds, values, present, rows, tuple(columns), invalid, raw.sheet, raw.name)


def _fund_column(t: Table, h: str, fund: str, headers: list[str], idx: np.ndarray,
                 kept_dates: np.ndarray, values: np.ndarray, present: np.ndarray,
                 invalid: np.ndarray) -> None:
    """One NAV column of ``fund`` (a fund may have two: its former and current name) into the
    fund's ``values``/``present``/``invalid`` columns (views, written in place)."""
    sink = t.sink
    c = t.col(h)
    v = c.values[idx]
    ok = ~c.blank[idx] & ~c.bad[idx]
    invalid |= c.bad[idx]

    def at(k: int) -> Location:
        return t.loc(int(idx[k]), h)

    whole = t.loc(None, h)
    not_positive = ok & (v < 0.5 / AMOUNT_SCALE)        # rounds to zero units or below
    sink.rows("nav.not_positive", np.nonzero(not_positive)[0], at,
              lambda k: (f"Net assets of {fund} on {kept_dates[k]} are "
                         f"{'negative' if v[k] < 0 else 'zero'} ({v[k]:,.2f}); Class K net assets "
                         f"must be positive. Leave the cell empty before the fund's Class K "
                         f"shares existed."),
              whole, "zero or negative net assets")
    huge = ok & (np.abs(v) >= MAX_AMOUNT)
    sink.rows("nav.too_large", np.nonzero(huge)[0], at,
              lambda k: f"Net assets {v[k]:,.2f} exceed $1 trillion; check the cell (units are "
                        f"dollars).",
              whole, "net assets over $1 trillion")
    use = ok & ~not_positive & ~huge
    invalid |= ok & ~use
    units, lossy = to_units(np.where(use, v, 0.0))
    sink.rows("nav.precision", np.nonzero(lossy & use)[0], at,
              lambda k: f"Net assets {float(v[k])!r} have digits below a hundredth of a cent; "
                        f"they are rounded to 4 decimals.",
              whole, "digits below a hundredth of a cent", make=warning)
    sink.rows("name.both_names", np.nonzero(present & use)[0], at,
              lambda k: (f"{kept_dates[k]} has net assets for {fund} under two names "
                         f"({', '.join(headers)}); keep one column."),
              whole, "net assets under two names")
    values[:] = np.where(use & ~present, units, values)
    present |= use


def _header_loc(raw: RawTable, h: str) -> Location:
    return Location(raw.sheet, raw.name, column=h)
