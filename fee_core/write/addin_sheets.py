"""The sheets whose cells call the add-in functions (SPEC §9), written with XlsxWriter and shared
by the template and the computed workbook: the Summary, the spilled ``FEE_ACCRUALS``,
``FEE_PAYOUTS`` and ``FEE_CHECKS`` sheets, and the ``xlwings.conf`` sheet.

**One call per sheet** (SPEC §9).  The Summary holds ONE spilled ``FEE_ACCRUALS`` (by month,
anchored at ``P4``); each fund-month row finds its row in that table with a native
``MATCH(1, (fund=…)*(start=…)*(end=…), 0)`` and reads ADNA and plan fee with ``INDEX``.  Beside
them, native tie-out formulas recompute ADNA and plan fee from the NAV table (structured
references ``NAV[…]``, the same ones the add-in is given, through workbook-level names:
``NAV_Dates``, ``NAV_Next``, ``NAV_Fund<k>`` …, so each formula is short), and the differences
should read 0.00.  Without the add-in call (``live=False``: the table at P4 is values) the
looked-up columns are values too: the table's row and its figures.

**References that follow the data** and work in Excel and in LibreOffice Calc 7.4 (no
``XLOOKUP``, no ``P4#``): a spilled column is ``$X$first:INDEX($X:$X,last)`` with ``last`` from
``COUNTA`` of the anchor column; a NAV column shifted by one row is
``INDEX(NAV[Date],2):INDEX(NAV[Date],ROWS(NAV[Date]))`` (the name ``NAV_Next``).

**Totals that can't skip a bad cell** (``guarded_sum``, the one guard): a function given bad
input returns the text ``#argument: problem``, which ``SUM`` skips; every total over add-in
cells is ``IF(SUMPRODUCT(--ISTEXT(r))>0,NA(),SUM(r))``, so one text cell makes it ``#N/A``
and an error value (``#VALUE!``, ``#NAME?``, a real error from the add-in) propagates through
``SUM``.  A total under a spilled table also shows ``#N/A`` when the table did not spill (its
header is not in place).

**Stored results.**  A formula cell stores a result only when the caller gives the figures
(``SummaryFigures``, the ``table`` of a spill sheet: the computed workbook); otherwise it stores
none (XlsxWriter's default of 0 would be a wrong figure in any reader that does not compute).
Formulas that compute over arrays are written as dynamic-array formulas
(``write_dynamic_array_formula``), so Excel 365 evaluates them as written, with no ``@``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

import numpy as np

from ..compute.periods import BY_CHOICES
from ..contract import ACCRUAL_COLUMNS, CHECK_COLUMNS, PAYOUT_COLUMNS
from .xlsx import Styles, put

CONF_SHEET = "xlwings.conf"
# Keys in column A, values in column B, from A1 down without gaps (xlwings reads A1 to the
# first empty cell).  An entry here overrides the ribbon's setting, even when empty: an empty
# Interpreter_Win means "pythonw" found on PATH; see docs/workbooks.md.
XLWINGS_CONF = (("UDF Modules", "addin.udfs"), ("Interpreter_Win", None), ("PYTHONPATH", None))
SUMMARY_SHEET = "Summary"
SPILL_SHEETS = ("Accruals", "Payouts", "Checks")
SPILL_ANCHOR = "A5"                 # on the spill sheets
SUMMARY_HEADER_ROW = 4              # 1-based sheet rows
SUMMARY_FIRST_ROW = 5
SUMMARY_SPILL = "P4"                # the Summary's one FEE_ACCRUALS, header row in row 4
# The Summary's difference columns (native vs add-in), for tie-outs that refer to them.
SUMMARY_DIFFERENCE_COLUMNS = {"adna": "M", "plan_fee": "N"}
LAST_ROW = 1_048_576
# The periods a table function accepts: the command line's --by choices (fee12b1 compute).
BY_CELL_CHOICES = tuple(b for b in BY_CHOICES if b != "year")

# The columns each table function spills (its header row), SPEC §9.
TABLE_FUNCTIONS = {
    "Accruals": ("FEE_ACCRUALS", ACCRUAL_COLUMNS[:ACCRUAL_COLUMNS.index("plan_fee") + 1]),
    "Payouts": ("FEE_PAYOUTS", PAYOUT_COLUMNS),
    "Checks": ("FEE_CHECKS", CHECK_COLUMNS),
}
_COLUMN_KIND = {"period_start": "date", "period_end": "date", "days": "integer",
                "average_daily_net_assets": "money", "plan_fee": "money",
                "average_net_assets": "money", "rate": "rate_detail", "service_fee": "money"}
_WIDTH = {"fund": 28, "provider_id": 11, "period_start": 12, "period_end": 12, "days": 7,
          "average_daily_net_assets": 18, "plan_fee": 15, "average_net_assets": 18, "rate": 10,
          "capped": 8, "service_fee": 14, "severity": 9, "code": 28, "location": 34,
          "message": 110}
# Where each spill sheet shows its total (label column, the summed column).
_SPILL_TOTAL = {"Accruals": ("Total plan fee", "plan_fee"),
                "Payouts": ("Total service fees", "service_fee")}


# --------------------------------------------------------------------------- references

# characters that make Excel enclose a column name in a second pair of brackets (all but a
# plain space); of them, ' [ ] # are also escaped with an apostrophe
_SPECIAL_IN_COLUMN = frozenset("\t\n\r,:.[]#'\"{}$^&*+=-<>/")


def column_ref(table: str, header: str) -> str:
    """A structured reference to one column, as Excel writes it: ``NAV[Balanced Fund]``,
    ``NAV[[Growth & Income Fund]]`` (a name with a special character other than a space is
    enclosed in double brackets), ``'`` ``[`` ``]`` ``#`` escaped with an apostrophe."""
    escaped = re.sub(r"([\[\]#'])", r"'\1", header)
    if _SPECIAL_IN_COLUMN.intersection(header):
        return f"{table}[[{escaped}]]"
    return f"{table}[{escaped}]"


def _col(letter_or_index: str | int) -> str:
    if isinstance(letter_or_index, str):
        return letter_or_index
    n, out = letter_or_index + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def spilled_column(anchor: str, col: str, header: bool = False) -> str:
    """The cells of column ``col`` of the table spilled from ``anchor`` (its header row, then
    the data rows), as far down as the anchor's column is filled: Excel and Calc 7.4 alike,
    and it follows the table when it grows.  Without ``header``, the data rows only (at
    least one row, blank when the table has none, so a total over no rows is 0)."""
    a_col, a_row = re.fullmatch(r"([A-Z]+)(\d+)", anchor).groups()  # type: ignore[union-attr]
    row = int(a_row)
    last = f"{row - 1}+COUNTA(${a_col}${row}:${a_col}${LAST_ROW})"
    first = row if header else row + 1
    if not header:
        last = f"MAX({last},{first})"
    return f"${col}${first}:INDEX(${col}:${col},{last})"


# Texts an add-in returns in an array are compared as ``cell&""``: LibreOffice 7.4 keeps them out
# of its string table and compares texts by identity, so a plain ``cell="header"``, MATCH or
# COUNTIF never finds them there (docs/calc.md); ``&""`` means the same in Excel.


def guarded_sum(cells: str) -> str:
    """THE guard of every total over add-in cells: the sum of ``cells``, or ``#N/A`` when one
    of them holds text (a ``#argument: problem`` answer, which SUM would skip); an error value
    in ``cells`` propagates through SUM.  Returns the formula without '='."""
    return f"IF(SUMPRODUCT(--ISTEXT({cells}))>0,NA(),SUM({cells}))"


def spill_total(anchor: str, col: str, header: str) -> str:
    """The guarded total of a spilled column, ``#N/A`` unless the table spilled (its header
    ``header`` stands in row 1 of column ``col``)."""
    a_row = int(re.sub(r"[A-Z]+", "", anchor))
    return f'=IF(${col}${a_row}&""<>"{header}",NA(),{guarded_sum(spilled_column(anchor, col))})'


def table_formula(sheet: str, by: str) -> str:
    """The add-in call of a spill sheet (argument order of SPEC §9); ``by`` is a cell or a
    quoted text."""
    if sheet == "Accruals":
        return ("=FEE_ACCRUALS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],NAV[#All],"
                f"Settings[#All],{by},FundNames[#All])")
    if sheet == "Payouts":
        return ("=FEE_PAYOUTS(Providers[#All],ProviderAssets[#All],ScheduleA[#All],"
                f"ScheduleB[#All],PlanEvents[#All],Settings[#All],{by},FundNames[#All])")
    return ("=FEE_CHECKS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],NAV[#All],"
            "Settings[#All],Providers[#All],ProviderAssets[#All],FundNames[#All])")


def _setting_formula(name: str) -> str:
    return f'=INDEX(Settings[Value],MATCH("{name}",Settings[Setting],0))'


# --------------------------------------------------------------------------- figures

def xl_round(x: float, digits: int = 2) -> float:
    """The spreadsheet's ROUND: half away from zero on the number's 15 significant digits (as
    Excel and Calc round, so float noise at a half cent does not decide it)."""
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(f"{float(x):.15g}").quantize(q, rounding=ROUND_HALF_UP))


def _xl_round_cents(x: np.ndarray) -> np.ndarray:
    """``xl_round(x, 2)`` element by element: numpy where the value is clear of a half cent,
    the decimal rule where it is within float noise of one."""
    scaled = np.abs(x) * 100.0
    out = np.floor(scaled + 0.5)
    near = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.nonzero(near)[0]:
        out[i] = abs(xl_round(float(x[i]))) * 100.0
    return np.sign(x) * out / 100.0


_EPOCH = date(1899, 12, 30).toordinal()


def serial(d: Any) -> float:
    """A cell's value as a spreadsheet number for date arithmetic: a date as its serial, a
    number as itself, a blank or text as 0 (as SUMPRODUCT reads them)."""
    if isinstance(d, datetime):
        d = d.date()
    if isinstance(d, date):
        return float(d.toordinal() - _EPOCH)
    if isinstance(d, (int, float, Decimal)) and not isinstance(d, bool):
        return float(d)
    return 0.0


def _weights(d: np.ndarray, s: float, e1: float) -> np.ndarray:
    """For each NAV row (serial dates ``d``), the calendar days of [s, e1) it covers, from its
    date up to the day before the next row's, the last row through ``e1 - 1``: the native
    formula's weights, computed as the formula does (a blank date is 0)."""
    nxt = np.append(d[1:], e1)
    return np.minimum(np.maximum(nxt, s), e1) - np.minimum(np.maximum(d, s), e1)


def year_days(d: date, day_count: str) -> int:
    """Y of SPEC §4 for a day of ``d``'s year."""
    leap = (date(d.year, 3, 1) - timedelta(days=1)).day == 29
    return 366 if leap and day_count != "Actual/365" else 365


@dataclass(frozen=True)
class SummaryRow:
    """One fund-month of the Summary: the fund (its name in the spilled table), the month, the
    single Schedule B rate in force all month, and the NAV header of the fund's column when
    it differs from the name."""

    fund: str
    start: date
    end: date
    rate: float
    nav_header: str | None = None

    @property
    def nav_column(self) -> str:
        return self.nav_header or self.fund


@dataclass(frozen=True)
class SummaryFigures:
    """What the computed workbook knows, stored as the Summary's formula results: the rows
    of FEE_ACCRUALS by month (fund, period start, period end, days, ADNA, plan fee), the NAV
    table as the workbook holds it (its Date column, and each NAV header's values) and the
    Settings' day count and rounding."""

    accruals: Sequence[Sequence[Any]]
    nav_dates: Sequence[Any]
    nav: Mapping[str, Sequence[Any]]
    day_count: str = "Actual/Actual"
    rounding: str = "Period"


@dataclass(frozen=True)
class NativeFigures:
    """One Summary row's native tie-out, worked the formulas' way over the NAV table: the
    net-asset days (column J), the ADNA (K) and the fee (L)."""

    na_days: float
    adna: float
    fee: float


@dataclass
class RowFigures:
    """The results of one Summary row's formulas (None: not known, nothing stored)."""

    days: int
    year_days: int | None = None
    match_row: int | None = None
    adna: float | None = None
    fee: float | None = None
    native: NativeFigures | None = None

    @property
    def adna_diff(self) -> float | None:
        return _diff(self.adna, self.native.adna if self.native else None)

    @property
    def fee_diff(self) -> float | None:
        return _diff(self.fee, self.native.fee if self.native else None)


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else xl_round(a - b)


def _total(values: Sequence[float | None]) -> float | None:
    """The sum a guarded total stores: None when a value is unknown (or there are none)."""
    known = [v for v in values if v is not None]
    return xl_round(sum(known)) if values and len(known) == len(values) else None


def row_figures(rows: Sequence[SummaryRow], figures: SummaryFigures | None) -> list[RowFigures]:
    """What each Summary row's formulas compute: the lookups from ``figures.accruals`` (where
    its table lands at P4), the native tie-outs worked the formulas' way over the NAV table
    (numpy; the spreadsheet's ROUND), the differences.  Without figures: the days only."""
    out = [RowFigures((r.end - r.start).days + 1) for r in rows]
    if figures is None:
        return out
    first = int(SUMMARY_SPILL[1:]) + 1                            # the table's first data row
    found: dict[tuple, int] = {}
    for i, rec in enumerate(figures.accruals):
        found.setdefault((rec[0], _as_date(rec[1]), _as_date(rec[2])), i)
    dates = np.array([serial(x) for x in figures.nav_dates], dtype=np.float64)
    columns: dict[str, np.ndarray | None] = {}

    def values(header: str) -> np.ndarray | None:
        if header not in columns:
            raw = figures.nav.get(header)
            columns[header] = None if raw is None or any(isinstance(v, str) for v in raw) else \
                np.array([serial(v) for v in raw], dtype=np.float64)
        return columns[header]
    for row, v in zip(rows, out):
        v.year_days = y = year_days(row.start, figures.day_count)
        k = found.get((row.fund, row.start, row.end))
        if k is not None:
            rec = figures.accruals[k]
            v.match_row = first + k
            v.adna, v.fee = _number(rec[4]), _number(rec[5])
        arr = values(row.nav_column)
        if arr is None or len(arr) != len(dates):
            continue
        w = _weights(dates, serial(row.start), serial(row.end) + 1)
        na_days = float(arr @ w)
        if figures.rounding == "Daily":
            fee = xl_round(float(_xl_round_cents(row.rate * arr / y) @ w))
        else:
            fee = xl_round(row.rate * na_days / y)
        v.native = NativeFigures(na_days, xl_round(na_days / v.days), fee)
    return out


@dataclass(frozen=True)
class EngineFigures:
    """What a computed Result gives the add-in sheets as their stored results: the Summary's
    rows and figures, and each spill sheet's table (rows without the header)."""

    rows: list[SummaryRow]
    summary: SummaryFigures
    tables: dict[str, list[tuple]]

    @cached_property
    def stored(self) -> list[RowFigures]:
        """What each Summary row's formulas compute (``row_figures``), worked out once."""
        return row_figures(self.rows, self.summary)


def spill_tables(result) -> dict[str, list[tuple]]:
    """The rows (without the header) each table function returns for ``result``'s tables:
    FEE_ACCRUALS (accruals.csv up to the plan fee), FEE_PAYOUTS, FEE_CHECKS."""
    out: dict[str, list[tuple]] = {}
    for sheet, key in (("Accruals", "accruals"), ("Payouts", "payouts")):
        t = result.tables.get(key)
        cols = TABLE_FUNCTIONS[sheet][1]
        out[sheet] = [] if t is None else [tuple(r) for r in zip(*(t[c] for c in cols))]
    out["Checks"] = list(result.checks().rows())
    return out


def figures_of(result, nav_table=None) -> EngineFigures:
    """The add-in sheets' figures from ``result`` (``engine.run`` by month, without errors):
    the Summary rows are the fund-months the engine computed for a whole month in which one
    Schedule B rate covers the fund.  ``nav_table`` (a ``RawTable``) is the NAV table as the
    workbook holds it, which the native formulas read; by default the book's NAV."""
    from calendar import monthrange

    from ..model import AMOUNT_SCALE
    if result.book is None or not result.ok or result.by != "month":
        raise ValueError("the add-in sheets' figures need a Result by month without errors")
    book = result.book
    tables = spill_tables(result)
    accruals = tables["Accruals"]
    nav = book.nav
    headers = {fund: written for fund, (_, written) in zip(nav.funds, nav.columns)}
    if nav_table is not None and "Date" in nav_table.columns:
        dates: Sequence[Any] = list(nav_table.columns["Date"])
        values: Mapping[str, Sequence[Any]] = {h: list(v) for h, v in nav_table.columns.items()
                                               if h != "Date"}
    else:
        dates = [d.astype(object) for d in nav.dates]
        values = {written: [float(v) / AMOUNT_SCALE if ok else None
                            for v, ok in zip(nav.values[:, j].tolist(), nav.present[:, j].tolist())]
                  for j, (_, written) in enumerate(nav.columns)}
    rows = []
    for fund, s, e, days, *_ in accruals:
        s, e = _as_date(s), _as_date(e)
        whole = s.day == 1 and (e.year, e.month) == (s.year, s.month) and \
            e.day == monthrange(s.year, s.month)[1] and (e - s).days + 1 == days
        cover = [x for x in book.rates if x.fund == fund and x.effective <= e and
                 (x.end is None or x.end >= s)]
        if whole and len(cover) == 1 and cover[0].effective <= s and \
                (cover[0].end is None or cover[0].end >= e) and fund in headers:
            header = headers[fund]
            rows.append(SummaryRow(fund, s, e, float(cover[0].rate),
                                   None if header == fund else header))
    settings = book.settings
    return EngineFigures(rows, SummaryFigures(accruals, dates, values, settings.day_count,
                                              settings.rounding), tables)


# --------------------------------------------------------------------------- cells

class _Writer:
    """Formats of the add-in sheets and the one way they write a formula: with its stored
    result when known, none otherwise (never XlsxWriter's default 0)."""

    def __init__(self, wb, styles: Styles):
        add = wb.add_format
        self.s = styles
        self.right = add({"bold": True, "align": "right"})
        self.bad = add({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.note = add({"italic": True, "font_color": "#595959"})   # one line, not wrapped
        self.count = add({"num_format": styles.integer.num_format, "align": "left"})
        self.kind = {"date": styles.date, "money": styles.money, "integer": styles.integer,
                     "rate": styles.rate, "rate_detail": styles.rate_detail}

    @staticmethod
    def formula(ws, row: int, col: int, text: str, fmt=None, value: Any = None,
                array: bool = False) -> None:
        """``text`` at 0-based (row, col); ``array``: a one-cell dynamic-array formula."""
        stored = "" if value is None else value
        if array:
            ws.write_dynamic_array_formula(row, col, row, col, text, fmt, stored)
        else:
            ws.write_formula(row, col, text, fmt, stored)


# --------------------------------------------------------------------------- Summary

SUMMARY_HEADERS = ("Fund", "Month Start", "Month End", "Rate", "Days", "Year Days",
                   "Row in FEE_ACCRUALS", "ADNA (add-in)", "Plan Fee (add-in)",
                   "NA × Days (native)", "ADNA (native)", "Plan Fee (native)", "ADNA Difference",
                   "Plan Fee Difference")
_NATIVE_COLS = (5, 9, 10, 11)


# Workbook-level names the native tie-outs read the NAV table through (structured references,
# so they follow the table as it grows): every row's date but the last, the next row's date,
# the last row's date; and per NAV column (``NAV_Fund<k>``, numbered in the order the Summary
# first uses them) its values but the last, its last value, and whether it holds text.
NAV_DATES, NAV_NEXT, NAV_LAST_DATE = "NAV_Dates", "NAV_Next", "NAV_LastDate"
_NAV_ROWS = "ROWS(NAV[Date])"
NAV_DATE_NAMES = {
    NAV_DATES: f"INDEX(NAV[Date],1):INDEX(NAV[Date],{_NAV_ROWS}-1)",
    NAV_NEXT: f"INDEX(NAV[Date],2):INDEX(NAV[Date],{_NAV_ROWS})",
    NAV_LAST_DATE: f"INDEX(NAV[Date],{_NAV_ROWS})",
}
_FUND_NAME = re.compile(r"NAV_Fund(\d+)")


def nav_column_names(fund_header: str, name: str) -> dict[str, str]:
    """The names of one NAV column ``fund_header`` (``name`` = ``NAV_Fund<k>``) and what they
    refer to: ``name`` its values but the last, ``name_Last`` its last value, ``name_Text``
    TRUE when any of its cells holds text."""
    v = column_ref("NAV", fund_header)
    return {name: f"INDEX({v},1):INDEX({v},{_NAV_ROWS}-1)",
            f"{name}_Last": f"INDEX({v},{_NAV_ROWS})",
            f"{name}_Text": f"SUMPRODUCT(--ISTEXT({v}))>0"}


def define_nav_names(wb, fund_headers: Sequence[str]) -> dict[str, str]:
    """Define (once per workbook) the names the native tie-outs read NAV through, for the NAV
    columns ``fund_headers``; returns each header's ``NAV_Fund<k>`` name.  A second Summary in
    the same workbook reuses the names the first one defined."""
    defined = {entry[0]: entry[2] for entry in wb.defined_names}
    for name, refers in NAV_DATE_NAMES.items():
        if name not in defined:
            wb.define_name(name, "=" + refers)
            defined[name] = refers
    by_values = {refers: name for name, refers in defined.items() if _FUND_NAME.fullmatch(name)}
    k = max((int(m.group(1)) for m in map(_FUND_NAME.fullmatch, defined) if m), default=0)
    out: dict[str, str] = {}
    for header in fund_headers:
        if header in out:
            continue
        known = by_values.get(nav_column_names(header, "x")["x"])
        if known is None:
            k += 1
            known = f"NAV_Fund{k}"
            for n, refers in nav_column_names(header, known).items():
                wb.define_name(n, "=" + refers)
        out[header] = known
    return out


def native_formulas(fund_name: str, r: int) -> tuple[str, str]:
    """(NA x Days, plan fee) of Summary row ``r`` over the NAV column named ``fund_name``
    (``define_nav_names``).

    Row i of NAV covers the calendar days from its date up to the day before row i+1's (the
    last row: through the month end); its days inside the month are clip(next) - clip(date),
    clip(x) = MIN(MAX(x, start), end+1).  Element by element (MIN and MAX would aggregate),
    2 clip(x) = ABS(x-start) - ABS(x-end-1) + start + end + 1, so twice a row's days are
    ABS(next-start) - ABS(next-end-1) - ABS(date-start) + ABS(date-end-1), and twice the last
    row's days - ABS(last-start) + ABS(last-end-1) (whole numbers, halved at the end: exact).
    NA x Days = Σ NA_i x days_i.  Plan fee: Rounding=Period ROUND(rate x NA x Days / Y, 2);
    Rounding=Daily Σ ROUND(rate x NA_i / Y, 2) x days_i (every day a row covers has the same
    fee).  Text in the NAV column makes both #N/A."""
    f, s, e, n = fund_name, f"$B{r}", f"$C{r}", f"$E{r}"
    twice = (f"ABS({NAV_NEXT}-{s})-ABS({NAV_NEXT}-{e}-1)"
             f"-ABS({NAV_DATES}-{s})+ABS({NAV_DATES}-{e}-1)")
    twice_last = f"({n}-ABS({NAV_LAST_DATE}-{s})+ABS({NAV_LAST_DATE}-{e}-1))"
    na_days = f"=IF({f}_Text,NA(),(SUMPRODUCT({f},{twice})+{f}_Last*{twice_last})/2)"
    daily = (f"(SUMPRODUCT(ROUND($D{r}*{f}/$F{r},2),{twice})"
             f"+ROUND($D{r}*{f}_Last/$F{r},2)*{twice_last})/2")
    fee = f'=IF($D$2="Daily",IF({f}_Text,NA(),{daily}),ROUND($D{r}*$J{r}/$F{r},2))'
    return na_days, fee


def add_summary_sheet(wb, styles: Styles, rows: Sequence[SummaryRow], *,
                      figures: SummaryFigures | None = None, live: bool = True,
                      title: str = SUMMARY_SHEET, ws=None,
                      stored: Sequence[RowFigures] | None = None):
    """The Summary: per fund-month (``rows``), the add-in's ADNA and plan fee looked up in the
    sheet's one ``FEE_ACCRUALS`` (by month, spilled from P4), beside native tie-out formulas
    over the NAV table, the differences, and guarded totals.

    ``figures`` stores every formula's result (the computed workbook); ``live=False`` writes
    the table at P4 as values instead of the add-in call (a copy without the add-in), which
    needs ``figures``.  ``ws``: a worksheet already added (to keep a workbook's sheet order).
    ``stored``: ``row_figures(rows, figures)`` when the caller has it already
    (``EngineFigures.stored``)."""
    if not live and figures is None:
        raise ValueError("a Summary without the add-in call needs the figures")
    w = _Writer(wb, styles)
    ws = ws if ws is not None else wb.add_worksheet(title)
    top = SUMMARY_HEADER_ROW - 1                                  # 0-based header row
    ws.write_string(0, 0, "Per-fund monthly ADNA and plan fee: the add-in's figures beside "
                          "native tie-out formulas", styles.title)
    ws.write_string(1, 0, "Day Count", styles.bold)
    ws.write_string(1, 2, "Rounding", styles.bold)
    dc = figures.day_count if figures else None
    rd = figures.rounding if figures else None
    w.formula(ws, 1, 1, _setting_formula("Day Count"), None, dc, array=True)
    w.formula(ws, 1, 3, _setting_formula("Rounding"), None, rd, array=True)
    ws.write_string(2, 0, ("ADNA and plan fee (add-in) are looked up in the one FEE_ACCRUALS table "
                           "at P4" if live else "ADNA and plan fee (add-in) are fee12b1's figures "
                           "of the FEE_ACCRUALS table at P4 (their row there in G)")
                    + "; the green columns recompute them from NAV. Differences should read "
                      "0.00.", w.note)
    for j, h in enumerate(SUMMARY_HEADERS):
        ws.write_string(top, j, h, styles.header_native if j in _NATIVE_COLS else styles.header)
    ws.set_row(top, 30)

    spill_fmt = {"period_start": styles.date, "period_end": styles.date,
                 "days": styles.integer, "average_daily_net_assets": styles.money,
                 "plan_fee": styles.money}
    spill_cols = TABLE_FUNCTIONS["Accruals"][1]
    a_col, a_row = "P", SUMMARY_HEADER_ROW
    first_spill = 15                                              # P, 0-based
    letters = {c: _col(first_spill + k) for k, c in enumerate(spill_cols)}
    key = {c: spilled_column(SUMMARY_SPILL, letters[c], header=True)
           for c in ("fund", "period_start", "period_end")}

    n_rows = len(rows)
    if stored is None:
        stored = row_figures(rows, figures)
    names = define_nav_names(wb, [row.nav_column for row in rows])
    table = figures.accruals if figures is not None else ()
    table_first = SUMMARY_HEADER_ROW + 1                          # 1-based: P4's first data row
    year_days_formula = '=IF(OR($B$2="Actual/365",DAY(DATE(YEAR($B{r}),3,0))=28),365,366)'
    for i, (row, v) in enumerate(zip(rows, stored)):
        r = SUMMARY_FIRST_ROW + i                                 # 1-based sheet row
        z = r - 1
        put(ws, z, 0, row.fund, styles)
        put(ws, z, 1, row.start, styles)
        put(ws, z, 2, row.end, styles)
        put(ws, z, 3, row.rate, styles, styles.rate)
        w.formula(ws, z, 4, f"=$C{r}-$B{r}+1", styles.integer, v.days)
        w.formula(ws, z, 5, year_days_formula.format(r=r), styles.native_integer, v.year_days)
        if live:
            match = (f"=ROW(${a_col}${a_row})-1+MATCH(1,({key['fund']}&\"\"=$A{r})"
                     f"*({key['period_start']}=$B{r})*({key['period_end']}=$C{r}),0)")
            w.formula(ws, z, 6, match, styles.integer, v.match_row, array=True)
            w.formula(ws, z, 7, f"=INDEX(${letters['average_daily_net_assets']}:"
                                f"${letters['average_daily_net_assets']},$G{r})",
                      styles.money, v.adna, array=True)
            w.formula(ws, z, 8, f"=INDEX(${letters['plan_fee']}:${letters['plan_fee']},$G{r})",
                      styles.money, v.fee, array=True)
        elif v.match_row is not None:
            # no add-in call at P4, the table is values: its row and figures, as values
            rec = table[v.match_row - table_first]
            ws.write_number(z, 6, v.match_row, styles.integer)
            put(ws, z, 7, rec[4], styles, styles.money)
            put(ws, z, 8, rec[5], styles, styles.money)
        else:                                   # not in the table: what the lookup would show
            for j in (6, 7, 8):
                w.formula(ws, z, j, "=NA()", styles.money, "#N/A")
        na_days, fee = native_formulas(names[row.nav_column], r)
        nat = v.native
        w.formula(ws, z, 9, na_days, styles.native, nat.na_days if nat else None, array=True)
        w.formula(ws, z, 10, f"=ROUND($J{r}/$E{r},2)", styles.native, nat.adna if nat else None)
        w.formula(ws, z, 11, fee, styles.native, nat.fee if nat else None, array=True)
        w.formula(ws, z, 12, f"=ROUND($H{r}-$K{r},2)", styles.money, v.adna_diff)
        w.formula(ws, z, 13, f"=ROUND($I{r}-$L{r},2)", styles.money, v.fee_diff)

    first, last = SUMMARY_FIRST_ROW, SUMMARY_FIRST_ROW + max(n_rows, 1) - 1
    total = last + 2                                              # 1-based, one blank row
    ws.write_string(total - 1, 0, "Total", styles.total_label)
    columns: dict[int, list[float | None]] = {
        8: [v.fee for v in stored], 11: [v.native.fee if v.native else None for v in stored],
        12: [v.adna_diff for v in stored], 13: [v.fee_diff for v in stored]}
    for j, values in columns.items():
        letter = _col(j)
        w.formula(ws, total - 1, j, "=" + guarded_sum(f"{letter}{first}:{letter}{last}"),
                  styles.total, _total(values), array=True)
    ws.write_string(total, 0, "Rows that differ", styles.bold)
    for j in (12, 13):
        letter = _col(j)
        known = _total(columns[j]) is not None
        count = sum(1 for x in columns[j] if x != 0) if known else None
        w.formula(ws, total, j, f"=SUMPRODUCT(--({letter}{first}:{letter}{last}<>0))",
                  styles.integer, count, array=True)
    if n_rows:
        diffs = f"M{first}:N{last}"
        ws.conditional_format(diffs, {"type": "formula", "criteria": f"=ISERROR(M{first})",
                                      "format": w.bad})
        ws.conditional_format(diffs, {"type": "cell", "criteria": "!=", "value": 0,
                                      "format": w.bad})
        ws.conditional_format(f"M{total}:N{total + 1}",
                              {"type": "formula", "criteria": f"=ISERROR(M{total})",
                               "format": w.bad})

    # The one add-in call of the sheet: FEE_ACCRUALS by month, spilled from P4.
    ws.write_string(a_row - 2, first_spill, "FEE_ACCRUALS by month: the add-in's one call on "
                                            "this sheet (keep the cells below it empty)",
                    styles.bold)
    _spill(ws, w, a_row - 1, first_spill, table_formula("Accruals", '"month"'), spill_cols,
           figures.accruals if figures else None, live, spill_fmt)

    widths = (28, 11, 11, 7, 6, 6, 13, 16, 14, 20, 16, 14, 11, 11, 2)
    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    for k, c in enumerate(spill_cols):
        ws.set_column(first_spill + k, first_spill + k, _WIDTH[c], spill_fmt.get(c))
    ws.freeze_panes(SUMMARY_FIRST_ROW - 1, 1)
    ws.print_area(0, 0, total, len(SUMMARY_HEADERS) - 1)
    ws.repeat_rows(top)
    return ws


def _number(x: Any) -> float | None:
    """A figure as the float a cell stores; None for anything else (nothing is stored)."""
    if isinstance(x, (int, float, Decimal)) and not isinstance(x, bool):
        return float(x)
    return None


def _as_date(x: Any) -> date:
    return x.date() if isinstance(x, datetime) else x


def _spill(ws, w: _Writer, row: int, col: int, formula: str, headers: Sequence[str],
           table: Sequence[Sequence[Any]] | None, live: bool, fmts: Mapping[str, Any]) -> None:
    """A table function at 0-based (row, col): the add-in call (``live``) spilling over the
    header and ``table`` rows, which are its stored result; or the table as values."""
    body = [list(headers)] + [list(r) for r in (table or [])]
    if live:
        last_row = row + (len(body) - 1 if table is not None else 0)
        last_col = col + (len(headers) - 1 if table is not None else 0)
        ws.write_dynamic_array_formula(row, col, last_row, last_col, formula, None,
                                       headers[0] if table is not None else "")
        if table is None:
            return
    for i, values in enumerate(body):
        for j, value in enumerate(values):
            if live and i == 0 and j == 0:
                continue
            fmt = w.s.header if i == 0 else fmts.get(headers[j])
            if value is None:
                ws.write_blank(row + i, col + j, None, fmt or w.s.text)
            else:
                put(ws, row + i, col + j, value, w.s, fmt)


# --------------------------------------------------------------------------- spill sheets

_SPILL_TEXT = {
    "Accruals": "Per fund and period: days, ADNA and plan fee (accruals.csv without service fees).",
    "Payouts": "Service fees per provider, fund and period (payouts.csv).",
    "Checks": "Findings on the input tables. Fix every error before trusting a figure.",
}


def add_spill_sheet(wb, styles: Styles, sheet: str, *, table: Sequence[Sequence[Any]] | None = None,
                    by: str = "month", live: bool = True, title: str | None = None):
    """A sheet whose A5 spills one of the add-in's table functions (``sheet`` is Accruals,
    Payouts or Checks), its columns formatted for what lands in them (dates, money,
    percent), with the periods chosen in B2 and a guarded total above the money column.
    ``table`` (rows without the header) is stored as the call's result (the computed
    workbook); ``live=False`` writes it as values instead of the call."""
    if not live and table is None:
        raise ValueError("a spill sheet without the add-in call needs its table")
    w = _Writer(wb, styles)
    ws = wb.add_worksheet(title or sheet)
    function, headers = TABLE_FUNCTIONS[sheet]
    ws.write_string(0, 0, f"{sheet} ({function}, fee12b1 add-in)" if live else sheet,
                    styles.title)
    anchor_row = int(SPILL_ANCHOR[1:]) - 1
    if sheet != "Checks":
        ws.write_string(1, 0, "Periods by", styles.bold)
        ws.write_string(1, 1, by)
        ws.data_validation(1, 1, 1, 1, {
            "validate": "list", "source": list(BY_CELL_CHOICES), "error_type": "stop",
            "error_title": "Periods by", "error_message": "Choose " + ", ".join(BY_CELL_CHOICES)
            + "."})
        label, col_name = _SPILL_TOTAL[sheet]
        j = headers.index(col_name)
        value = _total([_number(r[j]) for r in table]) if table is not None else None
        ws.write_string(1, j - 1, label, w.right)
        w.formula(ws, 1, j, spill_total(SPILL_ANCHOR, _col(j), col_name), styles.total, value,
                  array=True)
    else:
        for k, (label, sev) in enumerate((("Errors", "error"), ("Warnings", "warning"))):
            count = (f'=IF($A${anchor_row + 1}&""<>"severity",NA(),'
                     f'SUMPRODUCT(--({spilled_column(SPILL_ANCHOR, "A")}&""="{sev}")))')
            value = sum(1 for r in table if r[0] == sev) if table is not None else None
            ws.write_string(1, 2 * k, label, styles.bold)
            w.formula(ws, 1, 2 * k + 1, count, w.count, value, array=True)
    ws.write_string(2, 0, _SPILL_TEXT[sheet], w.note)
    if live:
        ws.write_string(3, 0, "Needs the fee12b1 add-in (see Read me); without it the cells show "
                              "#NAME?.", w.note)
    fmts = {c: w.kind[_COLUMN_KIND[c]] for c in headers if c in _COLUMN_KIND}
    _spill(ws, w, anchor_row, 0, table_formula(sheet, "$B$2"), headers, table, live, fmts)
    for j, c in enumerate(headers):
        ws.set_column(j, j, _WIDTH[c], fmts.get(c))
    ws.freeze_panes(anchor_row + 1, 0)
    ws.repeat_rows(anchor_row)
    return ws


def add_output_sheets(wb, styles: Styles, rows: Sequence[SummaryRow], *,
                      figures: SummaryFigures | None = None,
                      tables: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                      titles: Mapping[str, str] | None = None) -> None:
    """The add-in sheets: the Summary and the spilled Accruals, Payouts and Checks (by month).
    ``figures`` and ``tables`` (sheet -> rows) are stored as the formulas' results; ``titles``
    renames sheets."""
    titles = titles or {}
    tables = tables or {}
    add_summary_sheet(wb, styles, rows, figures=figures,
                      title=titles.get(SUMMARY_SHEET, SUMMARY_SHEET))
    for sheet in SPILL_SHEETS:
        add_spill_sheet(wb, styles, sheet, table=tables.get(sheet),
                        title=titles.get(sheet, sheet))


def add_xlwings_conf(wb, styles: Styles):
    """The ``xlwings.conf`` sheet: keys in A, values in B (SPEC §9; docs/workbooks.md)."""
    w = _Writer(wb, styles)
    ws = wb.add_worksheet(CONF_SHEET)
    for i, (key, value) in enumerate(XLWINGS_CONF):
        ws.write_string(i, 0, key)
        if value is not None:
            ws.write_string(i, 1, value)
    ws.write_string(0, 3, "xlwings reads keys from A1 down to the first empty cell. An entry "
                          "here overrides the xlwings ribbon, even when empty:", w.note)
    ws.write_string(1, 3, "Interpreter_Win empty = pythonw on PATH; PYTHONPATH empty = nothing "
                          "added (fee12b1 pip-installed). See docs/excel.md.", w.note)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 2)
    ws.set_column(3, 3, 100)
    return ws
