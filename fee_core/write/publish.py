"""Workbooks the tool writes from a computed Result: the *published copy* for email and the
*computed workbook* of the demo (SPEC §1, §5, §8 ``fee12b1 publish``).

The published copy is a NEW plain .xlsx, never an edit of the input: a Cover sheet (period,
settings, source file name and SHA-256, tool version, time of publishing), the input tables
as values (Excel tables of the same names, so the copy is itself a readable input), every
computed table (Accruals, Payouts, Payments, Checks) as values from the engine with a native
``SUM`` total row under each money column, a per-fund Summary with native tie-out formulas
beside the engine figures, and a Tie-out sheet comparing native sums with engine totals.  No
macros, no ``xlwings.conf``, no add-in formula.  Text that a spreadsheet would run as a
formula (``= + - @``, tab, CR) is written as a text cell with Excel's quote prefix.

``write_computed`` writes the computed workbook: the same input and computed sheets plus the
template's live add-in sheets and ``xlwings.conf``, for a fund accountant with the add-in.

Everything is written to a temporary file and renamed into place; an existing output is
replaced only with ``force``; an output that is the input (by any path) is refused.
"""
from __future__ import annotations

import hashlib
import os
from calendar import monthrange
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .. import __version__
from ..contract import ACCRUAL_COLUMNS, CHECK_COLUMNS, PAYMENT_COLUMNS, PAYOUT_COLUMNS, SETTINGS, TABLES
from ..engine import Result, load_raw, run
from ..findings import Finding, has_errors, quote_sheet
from ..read import read_workbook
from ..read.raw import CellError, RawBook
from .files import OutputSet, write_one
from .legacy_addin_sheets import (
    SUMMARY_FIRST_ROW,
    SummaryRow,
    add_output_sheets,
    add_summary_sheet,
    add_xlwings_conf,
)
from .text import formula_like
from .xlsx import DATE_FORMAT, MONEY_FORMAT, RATE_FORMAT, workbook_bytes

TIME_ENV = "FEE12B1_PUBLISH_TIME"   # ISO time of publishing, for reproducible tests
RATE_DETAIL_FORMAT = "0.0000%"
TABLE_ORDER = ("Settings", "ScheduleA", "ScheduleB", "FundNames", "PlanEvents", "NAV",
               "Providers", "ProviderAssets", "Expenses")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_NOTE = Font(italic=True, color="595959")
_TOTAL_FILL = PatternFill("solid", fgColor="E2EFDA")

# computed table -> (engine attribute, columns, money columns summed natively, rate columns)
COMPUTED = {
    "Accruals": ("accruals", ACCRUAL_COLUMNS,
                 ("plan_fee", "service_fees", "asset_based_sales_charge"), ()),
    "Payouts": ("payouts", PAYOUT_COLUMNS, ("service_fee",), ("rate",)),
    "Payments": ("payments", PAYMENT_COLUMNS, ("service_fees", "payable"), ()),
    "Checks": (None, CHECK_COLUMNS, (), ()),
}
MONEY_COLUMNS = {"average_daily_net_assets", "plan_fee", "service_fees",
                 "asset_based_sales_charge", "average_net_assets", "service_fee", "carried_in",
                 "payable", "carried_out"}


# --------------------------------------------------------------------------- cells

def put(ws, row: int, col: int, value, number_format: str | None = None):
    """Write one value as a value, never as a formula: text starting with = + - @ tab or CR
    becomes a text cell with Excel's quote prefix (what Excel does for a typed apostrophe)."""
    if isinstance(value, CellError):
        value = str(value)
    elif isinstance(value, Decimal):
        value = float(value)
    elif isinstance(value, (pd.Timestamp,)):
        value = value.date()
    elif hasattr(value, "item") and not isinstance(value, (str, bytes)):   # numpy scalar
        value = value.item()
    c = ws.cell(row, col)
    c.value = value
    if isinstance(value, str):
        c.data_type = "s"     # openpyxl would otherwise take "=..." for a formula
        if formula_like(value):
            c.quotePrefix = True
    elif isinstance(value, (date, datetime)):
        c.number_format = number_format or DATE_FORMAT
    if number_format and not isinstance(value, (date, datetime)):
        c.number_format = number_format
    return c


def _add_table(ws, name: str, n_cols: int, n_rows: int, first_row: int = 1) -> None:
    last = first_row + max(n_rows, 1)
    t = Table(displayName=name, ref=f"A{first_row}:{get_column_letter(n_cols)}{last}")
    t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(t)


def _header(ws, headers, row: int = 1) -> None:
    for j, h in enumerate(headers, start=1):
        put(ws, row, j, str(h)).font = _BOLD


def _width(ws, widths) -> None:
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


# --------------------------------------------------------------------------- input tables

def write_input_tables(wb: Workbook, raw: RawBook) -> None:
    """The input tables as read (values, not formulas), each an Excel table of the same name on
    its contract sheet, headers in the workbook's order, formats by column kind."""
    for name in TABLE_ORDER:
        t = raw.tables.get(name)
        if t is None:
            continue
        spec = TABLES[name]
        ws = wb.create_sheet(spec.sheet)
        kinds = dict(spec.columns)
        headers = list(t.headers)
        _header(ws, headers)
        for j, h in enumerate(headers, start=1):
            kind = kinds.get(h, "money" if name == "NAV" and h != "Date" else None)
            fmt = {"date": DATE_FORMAT, "rate": RATE_FORMAT, "money": MONEY_FORMAT}.get(kind)
            for i, v in enumerate(t.columns[h]):
                if name == "Settings" and h == "Value" and isinstance(v, float) and v < 1:
                    fmt = RATE_FORMAT if _setting_kind(t, i) == "rate" else None
                put(ws, 2 + i, j, v, fmt if v is not None else None)
            ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, len(str(h)) + 4))
        _add_table(ws, name, len(headers), t.n_rows)
        ws.freeze_panes = "B2" if name == "NAV" else "A2"


def _setting_kind(t, i: int) -> str | None:
    setting = t.columns.get("Setting", [None] * (i + 1))[i]
    spec = SETTINGS.get(setting)
    return spec.kind if spec else None


# --------------------------------------------------------------------------- computed tables

def _frame(res: Result, key: str) -> pd.DataFrame:
    attr, cols = COMPUTED[key][0], COMPUTED[key][1]
    df = res.checks_table() if attr is None else getattr(res, attr)
    return df if df is not None else pd.DataFrame(columns=list(cols))


def write_computed_table(wb: Workbook, key: str, res: Result, title: str, table: str) -> dict:
    """One computed table as values with a native SUM total row under its money columns.
    Returns {column: (A1 range of its data, total cell)} for the money columns summed."""
    _, cols, summed, rates = COMPUTED[key]
    df = _frame(res, key)
    ws = wb.create_sheet(title)
    _header(ws, cols)
    rows = list(df[list(cols)].itertuples(index=False, name=None))
    for i, row in enumerate(rows, start=2):
        for j, (c, v) in enumerate(zip(cols, row), start=1):
            fmt = MONEY_FORMAT if c in MONEY_COLUMNS else RATE_DETAIL_FORMAT if c in rates else None
            if isinstance(v, bool) or type(v).__name__ == "bool_":
                v = "true" if v else "false"
            put(ws, i, j, v, fmt)
    _add_table(ws, table, len(cols), len(rows))
    out = {}
    if key != "Checks":
        total_row = len(rows) + 2 if rows else 3
        put(ws, total_row, 1, "Total").font = _BOLD
        for c in summed:
            col = get_column_letter(cols.index(c) + 1)
            data = f"{col}2:{col}{max(total_row - 1, 2)}"
            cell = ws.cell(total_row, cols.index(c) + 1, f"=SUM({data})")
            cell.number_format, cell.font, cell.fill = MONEY_FORMAT, _BOLD, _TOTAL_FILL
            out[c] = (f"{_q(title)}!${col}$2:${col}${max(total_row - 1, 2)}",
                      f"{_q(title)}!${col}${total_row}")
        out["_rows"] = len(rows)
    widths = {"Accruals": (28, 12, 12, 6, 20, 14, 14, 16), "Payouts": (10, 28, 12, 12, 18, 10, 8, 14),
              "Payments": (10, 12, 12, 14, 14, 14, 14), "Checks": (9, 30, 34, 110)}[key]
    _width(ws, widths)
    ws.freeze_panes = "A2"
    return out


def _q(sheet: str) -> str:
    return quote_sheet(sheet)


def _total(df: pd.DataFrame | None, col: str) -> Decimal:
    if df is None or not len(df):
        return Decimal("0.00")
    return sum(df[col], Decimal("0.00"))


def _final_carried_out(pmt: pd.DataFrame | None) -> Decimal:
    if pmt is None or not len(pmt):
        return Decimal("0.00")
    last = pmt.sort_values(["provider_id", "period_start"], kind="stable").groupby("provider_id").tail(1)
    return sum(last["carried_out"], Decimal("0.00"))


def write_tieout(wb: Workbook, res: Result, refs: dict, title: str = "Tie-out",
                 summary: tuple[str, int] | None = None) -> None:
    """Native sums beside the engine's totals; Difference = ROUND(native − engine, 2)."""
    ws = wb.create_sheet(title)
    put(ws, 1, 1, "Tie-out: native spreadsheet formulas against the engine's totals").font = _TITLE
    put(ws, 2, 1, "Native = SUM over the computed sheets (recomputed by any spreadsheet); "
                  "Engine = fee12b1's exact figure. Every Difference should be 0.00.").font = _NOTE
    _header(ws, ("Check", "Native", "Engine", "Difference", "Status"), row=4)
    acc, pay, pmt = refs["Accruals"], refs["Payouts"], refs["Payments"]
    lines = [
        ("Σ plan fee (Accruals)", f"=SUM({acc['plan_fee'][0]})", _total(res.accruals, "plan_fee")),
        ("Σ service fees (Accruals)", f"=SUM({acc['service_fees'][0]})",
         _total(res.accruals, "service_fees")),
        ("Σ asset-based sales charge (Accruals)", f"=SUM({acc['asset_based_sales_charge'][0]})",
         _total(res.accruals, "asset_based_sales_charge")),
        ("Σ service fees + Σ asset-based sales charge = Σ plan fee (SIXTH)",
         f"=SUM({acc['service_fees'][0]})+SUM({acc['asset_based_sales_charge'][0]})",
         _total(res.accruals, "plan_fee")),
        ("Σ service fee (Payouts) = Σ service fees (Accruals)",
         f"=SUM({pay['service_fee'][0]})", _total(res.accruals, "service_fees")),
        ("Σ service fees (Payments)", f"=SUM({pmt['service_fees'][0]})",
         _total(res.payments, "service_fees")),
    ]
    n = pmt["_rows"]
    if n:
        sheet = pmt["payable"][0].split("!")[0]
        lines.append((
            "Σ payable + final carried out = Σ service fees (Payments, rule 7)",
            f"=SUM({pmt['payable'][0]})+SUMPRODUCT(({sheet}!$A$2:$A${n + 1}<>{sheet}!$A$3:$A${n + 2})"
            f"*{sheet}!$G$2:$G${n + 1})",
            _total(res.payments, "service_fees")))
    if summary is not None:
        sheet, last = summary
        if res.book.settings.rounding == "Period":
            lines.append(("Summary: largest |plan fee difference| (native vs engine, per fund-month)",
                          f"=SUMPRODUCT(MAX(ABS({_q(sheet)}!$M$5:$M${last})))", Decimal("0.00")))
        lines.append(("Summary: largest |ADNA difference| (native vs engine, per fund-month)",
                      f"=SUMPRODUCT(MAX(ABS({_q(sheet)}!$L$5:$L${last})))", Decimal("0.00")))
    for i, (label, native, engine) in enumerate(lines, start=5):
        put(ws, i, 1, label)
        ws.cell(i, 2, native).number_format = MONEY_FORMAT
        put(ws, i, 3, engine, MONEY_FORMAT)
        ws.cell(i, 4, f"=ROUND(B{i}-C{i},2)").number_format = MONEY_FORMAT
        ws.cell(i, 5, f'=IF(ABS(D{i})<0.005,"ties","DIFFERS")')
    _width(ws, (70, 18, 18, 12, 10))
    ws.freeze_panes = "A5"


# --------------------------------------------------------------------------- summary rows

def engine_summary_rows(res: Result, book_nav_headers: dict[str, str]):
    """The Summary fund-months from the engine: months a fund was in the plan every day at
    one Schedule B rate, with the engine's ADNA and plan fee.  ``book_nav_headers`` maps a
    canonical fund to its NAV header as written."""
    out = []
    if res.accruals is None:
        return out
    rates = res.book.rates
    for r in res.accruals.itertuples(index=False):
        s, e = r.period_start, r.period_end
        whole_month = s.day == 1 and (e.year, e.month) == (s.year, s.month) and \
            e.day == monthrange(s.year, s.month)[1]
        if not whole_month or (e - s).days + 1 != r.days:
            continue
        cover = [x for x in rates if x.fund == r.fund and x.effective <= e and (x.end is None or x.end >= s)]
        if len(cover) != 1 or cover[0].effective > s or (cover[0].end is not None and cover[0].end < e):
            continue
        header = book_nav_headers.get(r.fund)
        if header is None:
            continue
        out.append(SummaryRow(header, s, e, float(cover[0].rate),
                              float(r.average_daily_net_assets), float(r.plan_fee)))
    return out


def _nav_headers(res: Result) -> dict[str, str]:
    nav = res.book.nav
    return {fund: written for fund, (_, written) in zip(nav.funds, nav.columns)}


# --------------------------------------------------------------------------- workbooks

def _now(now: datetime | None) -> datetime:
    if now is None:
        text = os.environ.get(TIME_ENV)
        now = datetime.fromisoformat(text) if text else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UTC).replace(microsecond=0)


def sha256_of(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cover(wb: Workbook, res: Result, source: Path, digest: str, now: datetime, what: str) -> None:
    ws = wb.active
    ws.title = "Cover"
    st = res.book.settings
    n_warn = sum(not f.is_error for f in res.findings)
    rows = [
        ("Rule 12b-1 fees: " + what, None),
        (None, None),
        ("Period Start", res.start), ("Period End", res.end), ("Periods by", res.by),
        ("Day Count", st.day_count), ("Rounding", st.rounding),
        ("Service Fee Cap", float(st.service_fee_cap)),
        ("Asset-Based Sales Charge Cap", float(st.absc_cap)),
        ("Payment Frequency", st.payment_frequency), ("Initial Term End", st.initial_term_end),
        (None, None),
        ("Source workbook", source.name), ("Source SHA-256", digest),
        ("Tool", f"fee12b1 {__version__}"),
        ("Published (UTC)", now.strftime("%Y-%m-%d %H:%M:%SZ")),
        ("Findings", f"0 errors, {n_warn} warning(s): see the Checks sheet"),
        (None, None),
        ("Contents", "Input tables as values; Accruals, Payouts, Payments and Checks as computed by "
                     "fee12b1, each money column with a native SUM total; Summary: per fund and "
                     "month, native ADNA and plan fee beside the engine's; Tie-out: native sums "
                     "against the engine's totals. No macros, no add-in needed."),
    ]
    for i, (label, value) in enumerate(rows, start=1):
        if label is not None:
            put(ws, i, 1, label).font = _TITLE if i == 1 else _BOLD
        if value is not None:
            fmt = RATE_FORMAT if "Cap" in (label or "") else None
            c = put(ws, i, 2, value, fmt)
            c.alignment = Alignment(wrap_text=True, vertical="top")
    _width(ws, (30, 100))


def _computed_workbook(raw: RawBook, res: Result, source: Path, digest: str, now: datetime,
                       live: bool) -> Workbook:
    wb = Workbook()
    _cover(wb, res, source, digest, now, "computed workbook (add-in sheets kept)" if live
           else "published copy")
    write_input_tables(wb, raw)
    suffix = " (computed)" if live else ""
    refs = {}
    for key in COMPUTED:
        refs[key] = write_computed_table(wb, key, res, key + suffix,
                                         key if not live else "Computed" + key)
    rows = engine_summary_rows(res, _nav_headers(res))
    summary_title = "Summary" + suffix
    add_summary_sheet(wb, rows, engine=True, title=summary_title)
    write_tieout(wb, res, refs, summary=(summary_title, SUMMARY_FIRST_ROW + max(len(rows), 1) - 1)
                 if rows else None)
    if live:
        add_output_sheets(wb, [r.__class__(r.fund, r.start, r.end, r.rate) for r in rows])
        add_xlwings_conf(wb)
    wb.properties.creator = "fee12b1"
    return wb


def _bytes(wb: Workbook, now: datetime) -> bytes:
    return workbook_bytes(wb, when=now.replace(tzinfo=None))


def published_copy(book_path, now: datetime | None = None) -> tuple[bytes | None, list[Finding]]:
    """The published copy of the workbook at ``book_path`` as bytes, and the findings; None
    when the workbook has errors."""
    book_path = Path(book_path)
    digest = sha256_of(book_path)
    raw, findings = read_workbook(book_path)
    book, findings = load_raw(raw, findings) if raw.tables or not has_errors(findings) \
        else (None, findings)
    if book is None:
        return None, findings
    res = run(book, findings)
    if not res.ok:
        return None, res.findings
    when = _now(now)
    return _bytes(_computed_workbook(raw, res, book_path, digest, when, live=False), when), \
        res.findings


def publish(book_path, out_path, force: bool = False, now: datetime | None = None
            ) -> tuple[bool, list[Finding]]:
    """Write the published copy of ``book_path`` to ``out_path``.  Returns (written, findings);
    nothing is written when the workbook has errors.  Raises WouldOverwriteInput or
    OutputExists (exit 2 on the command line) before reading anything."""
    out = OutputSet(Path(out_path).parent, [Path(out_path).name], inputs=[book_path], force=force)
    out.check()
    data, findings = published_copy(book_path, now)
    if data is None:
        return False, findings
    with out:
        out.write(Path(out_path).name, data)
    return True, findings


def computed_workbook(result: Result, now: datetime | None = None) -> bytes:
    """The computed workbook of ``result`` (from ``engine.run`` on a workbook file): input
    tables and computed tables as values with native totals, the Summary and Tie-out, plus
    the live add-in sheets (Summary, Accruals, Payouts, Checks) and ``xlwings.conf``."""
    if result.book is None or not result.ok:
        raise ValueError("computed_workbook needs a Result without errors")
    source = Path(result.book.source)
    raw, _ = read_workbook(source)
    when = _now(now)
    return _bytes(_computed_workbook(raw, result, source, sha256_of(source), when, live=True), when)


def write_computed(result: Result, out_path, force: bool = False, now: datetime | None = None) -> None:
    """Write ``computed_workbook(result)`` to ``out_path`` (never over its source)."""
    source = result.book.source if result.book is not None else None
    write_one(out_path, computed_workbook(result, now), inputs=[source] if source else [],
              force=force)
