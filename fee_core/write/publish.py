"""Workbooks the tool writes from a computed Result: the *published copy* for email and the
*computed workbook* the fund accountant keeps (SPEC §1, §5, §6, §8 ``fee12b1 publish`` and
``fee12b1 compute --xlsx``).  Both are written with XlsxWriter.

The published copy (SPEC §6) is a NEW plain .xlsx, never an edit of the input: a Cover (period,
settings, totals, source file name and SHA-256, tool version, time of publishing), a Tie-out
sheet, every computed table (Accruals, Payouts, Payments, Checks) as values from the engine with
a native ``SUM`` total under each money column, a per-fund monthly Summary with native tie-out
formulas beside the engine's figures, and the input tables as values (Excel tables of the same
names, so the copy is itself a readable input).  Every native formula is written WITH its
stored result -- the figure the formula gives, worked out here by the formula's own rule -- so a
reader that does not calculate (Excel's Protected View, a mail preview, openpyxl
``data_only``) shows every figure.  No macros, no ``xlwings.conf``, no add-in formula.

The computed workbook holds the same sheets plus the live add-in sheets (Summary with
``FEE_ADNA``/``FEE_PERIOD`` cells; the spilled ``FEE_ACCRUALS``, ``FEE_PAYOUTS``,
``FEE_CHECKS``) and ``xlwings.conf``; every add-in cell stores the engine's figure for exactly
what that cell asks (the workbook's own tables and Settings), so it shows figures before any
recalculation, and its Cover says what recalculates only with the add-in.

Every sheet is print-ready (``xlsx.page_setup``): fit to the page width, landscape where wide,
header row repeated, header/footer with the plan, the period, the sheet and "page x of y".
Outputs are written through ``files.OutputSet`` (staged, all or nothing, never over an input).
"""
from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

import numpy as np

from .. import __version__
from ..columns import Columns
from ..contract import (
    ACCRUAL_COLUMNS,
    CHECK_COLUMNS,
    PAYMENT_COLUMNS,
    PAYOUT_COLUMNS,
    SETTINGS,
    TABLES,
    Settings,
)
from ..engine import Result, load_raw, run
from ..findings import Finding, quote_sheet
from ..read import read_workbook
from ..read.raw import RawBook, RawTable
from .addin_sheets import (
    SPILL_SHEETS,
    SUMMARY_DIFFERENCE_COLUMNS,
    SUMMARY_FIRST_ROW,
    EngineFigures,
    add_spill_sheet,
    add_summary_sheet,
    add_xlwings_conf,
    figures_of,
    spill_tables,
)
from .files import OutputSet, sha256_file
from .inputs import (
    PORTRAIT_WIDTH,
    TABLE_ORDER,
    WRITTEN_TABLES,
    TablePlace,
    write_raw_tables,
    write_table,
)
from .runrecord import cover_rows
from .xlsx import (
    LINE_HEIGHT,
    PLAN_TITLE,
    Styles,
    keep_stored_results,
    new_workbook,
    page_setup,
    put,
    put_formula,
    wrapped_lines,
)

TIME_ENV = "FEE12B1_PUBLISH_TIME"   # ISO time of publishing, for reproducible tests
# The progress steps each writer reports (``progress(what)`` once per step).
PUBLISH_STEPS = 9                   # reading and computing, 4 result sheets, inputs, summary, saving
COMPUTED_STEPS = 4                  # inputs, add-in sheets, computed tables, saving
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
Progress = Callable[[str], None]

# computed table -> (engine table, columns, money columns summed natively, number kinds)
COMPUTED: dict[str, tuple[str | None, tuple[str, ...], tuple[str, ...], dict[str, str]]] = {
    "Accruals": ("accruals", ACCRUAL_COLUMNS, ("plan_fee", "service_fees", "asset_based_sales_charge"),
                 {"period_start": "date", "period_end": "date", "days": "integer",
                  "average_daily_net_assets": "money", "plan_fee": "money", "service_fees": "money",
                  "asset_based_sales_charge": "money"}),
    "Payouts": ("payouts", PAYOUT_COLUMNS, ("service_fee",),
                {"period_start": "date", "period_end": "date", "average_net_assets": "money",
                 "rate": "rate_detail", "capped": "flag", "service_fee": "money"}),
    "Payments": ("payments", PAYMENT_COLUMNS, ("service_fees", "payable"),
                 {"period_start": "date", "period_end": "date", "service_fees": "money",
                  "carried_in": "money", "payable": "money", "carried_out": "money"}),
    "Checks": (None, CHECK_COLUMNS, (), {}),
}
TIEOUT_SHEET = "Tie-out"
COVER_SHEET = "Cover"
SUMMARY_SHEET = "Summary"


# =========================================================================== what is written
@dataclass
class Source:
    """The input workbook a written workbook comes from: its name (no folder), SHA-256, the
    time of writing (UTC), and the run record of a payment run published with it (its period
    and totals go on the Cover; ``write.runrecord.read_run_record``)."""

    name: str
    digest: str
    now: datetime
    payrun: dict | None = None


@dataclass
class Written:
    """Where the computed tables landed: per table its ``TablePlace`` and, per summed money
    column, the total cell (A1, sheet-qualified)."""

    places: dict[str, TablePlace] = field(default_factory=dict)
    totals: dict[str, dict[str, str]] = field(default_factory=dict)


def _now(now: datetime | None) -> datetime:
    if now is None:
        text = os.environ.get(TIME_ENV)
        now = datetime.fromisoformat(text) if text else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UTC).replace(microsecond=0)


def _header_text(res: Result, what: str) -> str:
    return f"{PLAN_TITLE}, Rule 12b-1 fees, {res.start} to {res.end}: {what}"




# =========================================================================== the input tables
def settings_in_force(t: RawTable | None, settings: Settings, start: date | None = None,
                      end: date | None = None) -> RawTable:
    """The Settings table as in force for the written figures: the input's rows in their order
    (other columns kept), a blank Value filled with the value in force, and every setting the
    input left out appended with its value in force (``start``/``end`` stand in for a missing
    period).  Read back, it gives the same ``Settings``; the add-in cells that look settings up
    find every one."""
    headers = list(t.headers) if t is not None else ["Setting", "Value"]
    cols = {h: list(t.columns[h]) for h in headers} if t is not None else {"Setting": [], "Value": []}
    if "Setting" not in cols or "Value" not in cols:
        return t if t is not None else RawTable("Settings", "Settings", "", tuple(headers), 1, 1, cols)

    def in_force(spec) -> Any:
        v = getattr(settings, spec.attr)
        if v is None and spec.attr == "period_start":
            v = start
        if v is None and spec.attr == "period_end":
            v = end
        return float(v) if isinstance(v, Decimal) else v

    seen = set()
    for i, name in enumerate(cols["Setting"]):
        spec = SETTINGS.get(name.strip()) if isinstance(name, str) else None
        if spec is None:
            continue
        seen.add(spec.label)
        if cols["Value"][i] is None or cols["Value"][i] == "":
            cols["Value"][i] = in_force(spec)
    for label, spec in SETTINGS.items():
        if label not in seen and in_force(spec) is not None:
            for h in headers:
                cols[h].append(label if h == "Setting" else in_force(spec) if h == "Value" else None)
    return RawTable("Settings", TABLES["Settings"].sheet, "", tuple(headers), 1, 1, cols)


def _empty_table(name: str) -> RawTable:
    spec = TABLES[name]
    return RawTable(name, spec.sheet, "", spec.headers, 1, 1, {h: [] for h in spec.headers})


def written_tables(raw: RawBook, settings: RawTable, all_tables: bool) -> dict[str, RawTable]:
    """The input tables as the written workbook holds them: each at A1 of its contract sheet,
    the Settings as in force, and (``all_tables``: for the add-in's structured references)
    an empty table for every contract table the input lacks."""
    out = {}
    for name in TABLE_ORDER:
        t = settings if name == "Settings" else raw.tables.get(name)
        if t is None:
            if not all_tables or name not in TABLES:    # the optional GL Accounts stays out
                continue
            t = _empty_table(name)
        sheet = WRITTEN_TABLES[name].sheet
        out[name] = RawTable(name, sheet, "", tuple(t.headers), 1, 1, t.columns)
    return out


# =========================================================================== computed tables
def _cells(arr) -> list:
    """A result column as cell values: Decimal -> float, numpy -> Python."""
    if isinstance(arr, np.ndarray) and arr.dtype != object:
        return arr.tolist()
    if set(map(type, arr)) == {Decimal}:                 # a money column: one conversion
        return list(map(float, arr))
    return [float(v) if isinstance(v, Decimal) else v for v in arr]


def _engine_table(res: Result, key: str) -> Columns:
    attr, cols = COMPUTED[key][0], COMPUTED[key][1]
    if attr is None:
        return res.checks()
    t = res.tables.get(attr)
    return t if t is not None else Columns({c: [] for c in cols}, cols)


def _decimal_total(t: Columns, col: str) -> Decimal:
    return sum(t[col], ZERO) if len(t) else ZERO


def write_computed_table(ws, st: Styles, key: str, res: Result, header: str,
                         written: Written) -> None:
    """One computed table as values on ``ws`` (a header row with an autofilter: not an Excel
    table, which would cost XlsxWriter memory and time for every cell of a big result) with a
    native ``SUM`` total row under its money columns, each total stored with its result."""
    _, cols, summed, kinds = COMPUTED[key]
    t = _engine_table(res, key)
    columns = {c: _cells(t[c]) for c in cols}
    if "capped" in columns:
        columns["capped"] = ["true" if v else "false" for v in columns["capped"]]
    title = ws.get_name()
    notes = {"message": 90.0} if key == "Checks" else {}
    place = write_table(ws, st, None, cols, columns, kinds, note_columns=notes)
    written.places[key] = place
    totals = {}
    if summed:
        row = place.last_row              # 0-based: the row under the table
        ws.write_string(row, 0, "Total", st.total)
        for c in summed:
            j = cols.index(c)
            rng = f"{place.letters[c]}{place.header_row + 1}:{place.letters[c]}{place.last_row}"
            put_formula(ws, row, j, f"=SUM({rng})", _decimal_total(t, c), st.total)
            totals[c] = f"{quote_sheet(title)}!${place.letters[c]}${row + 1}"
    written.totals[key] = totals
    ws.freeze_panes(1, 0)
    page_setup(ws, header, sum(place.widths) > PORTRAIT_WIDTH, (0, 0))


# =========================================================================== the add-in sheets
# The Summary, the spilled Accruals/Payouts/Checks and xlwings.conf are written by
# ``addin_sheets`` (shared with the template: one FEE_ACCRUALS per Summary with native lookups,
# native tie-outs over NAV[...], guarded totals); here they get the engine's figures to store.


def _summary_figures(res: Result, nav: RawTable | None) -> EngineFigures | None:
    """The Summary's figures (fund-months of a whole month at one rate) when ``res`` is by
    month; ``nav`` is the NAV table as written, which the native formulas read."""
    if res.by != "month" or nav is None or not res.ok:
        return None
    return figures_of(res, nav)


# =========================================================================== the Tie-out
def _final_carried_out(pmt: Columns | None) -> Decimal:
    """Σ of each provider's last carried-out amount (payments are by provider, then period)."""
    if pmt is None or not len(pmt):
        return ZERO
    ids, out = pmt["provider_id"], pmt["carried_out"]
    last = [i for i in range(len(ids)) if i + 1 == len(ids) or ids[i + 1] != ids[i]]
    return sum((out[i] for i in last), ZERO)


def write_tieout(ws, st: Styles, res: Result, written: Written, header: str,
                 summary: tuple[str, EngineFigures] | None = None) -> None:
    """Native sums beside the engine's totals; Difference = ROUND(native - engine, 2); Status
    ties or DIFFERS.  Every formula stores its result."""
    ws.write_string(0, 0, "Tie-out: native spreadsheet formulas against fee12b1's totals", st.title)
    ws.merge_range(1, 0, 1, 4, "Native = a SUM over the computed sheets (recomputed by any "
                   "spreadsheet); Engine = fee12b1's exact figure. Every Difference should read "
                   "0.00 and every Status ties.", st.note)
    ws.set_row(1, 30)
    heads = ("Check", "Native", "Engine", "Difference", "Status")
    for j, h in enumerate(heads):
        ws.write_string(3, j, h, st.header)
    acc = res.tables.get("accruals") or _engine_table(res, "Accruals")
    pay = res.tables.get("payouts") or _engine_table(res, "Payouts")
    pmt = res.tables.get("payments") or _engine_table(res, "Payments")
    p = written.places

    def rng(key: str, col: str) -> str:
        return p[key].ref(col)

    def tot(t: Columns, c: str) -> Decimal:
        return _decimal_total(t, c)

    lines: list[tuple[str, str, Decimal, Decimal]] = [
        ("Σ plan fee (Accruals)", f"=SUM({rng('Accruals', 'plan_fee')})",
         tot(acc, "plan_fee"), tot(acc, "plan_fee")),
        ("Σ service fees (Accruals)", f"=SUM({rng('Accruals', 'service_fees')})",
         tot(acc, "service_fees"), tot(acc, "service_fees")),
        ("Σ asset-based sales charge (Accruals)", f"=SUM({rng('Accruals', 'asset_based_sales_charge')})",
         tot(acc, "asset_based_sales_charge"), tot(acc, "asset_based_sales_charge")),
        ("Σ service fees + Σ asset-based sales charge = Σ plan fee (SIXTH)",
         f"=SUM({rng('Accruals', 'service_fees')})+SUM({rng('Accruals', 'asset_based_sales_charge')})",
         tot(acc, "service_fees") + tot(acc, "asset_based_sales_charge"), tot(acc, "plan_fee")),
        ("Σ service fee (Payouts) = Σ service fees (Accruals)",
         f"=SUM({rng('Payouts', 'service_fee')})", tot(pay, "service_fee"), tot(acc, "service_fees")),
        ("Σ service fees (Payments)", f"=SUM({rng('Payments', 'service_fees')})",
         tot(pmt, "service_fees"), tot(pmt, "service_fees")),
    ]
    if len(pmt):
        place = p["Payments"]
        ids, nxt = place.ref("provider_id"), place.ref("provider_id", shift=1)
        lines.append((
            "Σ payable + final carried out = Σ service fees (Payments, rule 7)",
            f"=SUM({place.ref('payable')})+SUMPRODUCT(({ids}<>{nxt})*{place.ref('carried_out')})",
            tot(pmt, "payable") + _final_carried_out(pmt), tot(pmt, "service_fees")))
    if summary is not None and summary[1].rows:
        title, fig = summary
        q = quote_sheet(title)
        first, last = SUMMARY_FIRST_ROW, SUMMARY_FIRST_ROW + len(fig.rows) - 1
        rows = fig.stored
        for label, col, diffs in (
                ("Summary: largest |plan fee difference| (native vs engine, per fund-month)",
                 SUMMARY_DIFFERENCE_COLUMNS["plan_fee"], [x.fee_diff for x in rows]),
                ("Summary: largest |ADNA difference| (native vs engine, per fund-month)",
                 SUMMARY_DIFFERENCE_COLUMNS["adna"], [x.adna_diff for x in rows])):
            if any(d is None for d in diffs):
                continue
            worst = Decimal(str(max(abs(d) for d in diffs if d is not None)))
            lines.append((label, f"=SUMPRODUCT(MAX(ABS({q}!${col}${first}:${col}${last})))",
                          worst, ZERO))
    for i, (label, formula, native, engine) in enumerate(lines, start=4):
        x = i + 1
        diff = (native - engine).quantize(CENT, rounding=ROUND_HALF_UP)
        put(ws, i, 0, label, st, st.wrap)
        put_formula(ws, i, 1, formula, native, st.money)
        ws.write_number(i, 2, float(engine), st.money)
        put_formula(ws, i, 3, f"=ROUND(B{x}-C{x},2)", diff, st.money)
        put_formula(ws, i, 4, f'=IF(ABS(D{x})<0.005,"ties","DIFFERS")',
                    "ties" if abs(diff) < Decimal("0.005") else "DIFFERS", st.bold)
    widths = (75, 18, 18, 12, 10)
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.freeze_panes(4, 0)
    page_setup(ws, header, True, (3, 3))


# =========================================================================== the Cover
def write_cover(ws, st: Styles, res: Result, source: Source, what: str, contents: str,
                addin_note: str | None = None) -> None:
    """The Cover: one page, each label beside its value."""
    s = res.book.settings if res.book is not None else Settings()
    n_warn = sum(not f.is_error for f in set(res.findings))
    acc = res.tables.get("accruals")
    pmt = res.tables.get("payments")
    rows: list[tuple[str | None, Any, Any]] = [
        ("Period Start", res.start, st.left_date), ("Period End", res.end, st.left_date),
        ("Periods by", res.by, None),
        ("Day Count", s.day_count, None), ("Rounding", s.rounding, None),
        ("Service Fee Cap", float(s.service_fee_cap), st.left_rate),
        ("Asset-Based Sales Charge Cap", float(s.absc_cap), st.left_rate),
        ("Payment Frequency", s.payment_frequency, None),
        ("Initial Term End", s.initial_term_end, st.left_date),
        (None, None, None),
    ]
    if acc is not None:
        rows += [("Plan fee", _decimal_total(acc, "plan_fee"), st.left_money),
                 ("Service fees", _decimal_total(acc, "service_fees"), st.left_money),
                 ("Asset-based sales charge", _decimal_total(acc, "asset_based_sales_charge"),
                  st.left_money)]
    if pmt is not None:
        rows.append(("Payable to providers", _decimal_total(pmt, "payable"), st.left_money))
    if source.payrun is not None:           # the payment run published with this copy
        rows.append((None, None, None))
        rows += [(label, value, st.left_money if isinstance(value, Decimal) else None)
                 for label, value in cover_rows(source.payrun)]
    rows += [
        (None, None, None),
        ("Source workbook", source.name, None), ("Source SHA-256", source.digest, None),
        ("Tool", f"fee12b1 {__version__}", None),
        ("Published (UTC)", source.now.strftime("%Y-%m-%d %H:%M:%SZ"), None),
        ("Findings", f"0 errors, {n_warn} warning(s): see the Checks sheet", None),
        (None, None, None),
        ("Contents", contents, st.left),
    ]
    if addin_note:
        rows.append(("Needs the add-in", addin_note, st.left))
    ws.write_string(0, 0, f"{PLAN_TITLE}: Rule 12b-1 fees, {what}", st.title)
    value_width = 68
    for i, (label, value, fmt) in enumerate(rows, start=2):
        if label is None:
            continue
        ws.write_string(i, 0, label, st.label)
        if isinstance(value, Decimal):
            ws.write_number(i, 1, float(value), fmt)
        else:
            put(ws, i, 1, value, st, fmt if fmt is not None else st.left)
        if isinstance(value, str):
            ws.set_row(i, LINE_HEIGHT * wrapped_lines(value, value_width))
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, value_width)
    page_setup(ws, _header_text(res, what), landscape=False, fit_height=1)


# =========================================================================== the workbooks
def _contents(live: bool) -> str:
    base = ("Tie-out: native sums against fee12b1's totals (every line should read 'ties'). "
            "Accruals, Payouts, Payments and Checks: the tables as computed by fee12b1, each money "
            "column with a native SUM total. Summary: per fund and month, native ADNA and plan fee "
            "beside fee12b1's. The input tables follow as values (Excel tables, so this copy is "
            "itself a workbook fee12b1 can read). ")
    if live:
        return ("The input tables (Settings to Expenses) are live: the add-in sheets Summary, "
                "Accruals, Payouts and Checks compute from them. The sheets marked (computed), the "
                "Summary (computed) and the Tie-out hold fee12b1's figures as values with native "
                "tie-out formulas, which any spreadsheet recalculates.")
    return base + "Every figure is a value or a native formula stored with its result: no macros, " \
        "no add-in needed."


ADDIN_NOTE = (
    "Every cell holds the figure fee12b1 stored in it on writing. Only the add-in cells need the "
    "fee12b1 add-in: the four tables they spill (FEE_ACCRUALS at P4 of the Summary sheet, whose "
    "figures its columns G to I look up; FEE_ACCRUALS, FEE_PAYOUTS and FEE_CHECKS at A5 of the "
    "Accruals, Payouts and Checks sheets) and the totals over them. "
    "Excel shows their stored figures until it recalculates them (after a change to an input "
    "table, or Ctrl+Alt+F9); without the add-in they then show #NAME?. LibreOffice recalculates "
    "the spilled tables on opening: without the fee12b1 Calc extension they show #NAME? there. "
    "Everything else (the input tables, the sheets marked (computed), the Tie-out and the native "
    "green Summary columns) needs no add-in.")


def _write_workbook(target: str | IO[bytes], raw: RawBook, res: Result, source: Source,
                    live: tuple[Result, Result] | None = None,
                    progress: Progress | None = None) -> None:
    """Write the published copy (``live`` None) or the computed workbook (``live``: the
    results of its add-in cells, by ``res.by`` and by month) to ``target``.  Sheets are added
    in reading order and filled when what they refer to is placed."""
    say = progress or (lambda what: None)
    book = res.book
    assert book is not None
    what = "computed workbook" if live is not None else "published copy"
    header = _header_text(res, what)
    settings = settings_in_force(raw.tables.get("Settings"), book.settings, res.start, res.end)
    tables = written_tables(raw, settings, all_tables=live is not None)
    wb = new_workbook(target, when=source.now.replace(tzinfo=None), title=f"{PLAN_TITLE}: {what}")
    if live is not None:
        keep_stored_results(wb)
    st = Styles(wb)
    add = wb.add_worksheet
    cover = add(COVER_SHEET)
    write_cover(cover, st, res, source, what, _contents(live is not None),
                ADDIN_NOTE if live is not None else None)
    written = Written()
    if live is None:
        # for the reader: the tie-out and the results first, then the inputs they come from
        tieout = add(TIEOUT_SHEET)
        sheets = {key: add(key) for key in ("Accruals", "Payouts", "Payments", "Checks")}
        summary = add(SUMMARY_SHEET)
        for key, ws in sheets.items():
            say(f"writing the {key} sheet ({len(_engine_table(res, key)):,} rows)")
            write_computed_table(ws, st, key, res, header, written)
        say("writing the input tables")
        write_raw_tables(wb, st, raw, header, tables, _print_table, raw.date1904)
        say("writing the Summary and the Tie-out")
        fig = _summary_figures(res, tables.get("NAV"))
        if fig is not None:
            add_summary_sheet(wb, st, fig.rows, figures=fig.summary, live=False, ws=summary,
                              stored=fig.stored)
        else:
            summary.write_string(0, 0, "Summary: per fund and month (a workbook computed by "
                                       "month only).", st.title)
        page_setup(summary, header, True)
        write_tieout(tieout, st, res, written, header,
                     (SUMMARY_SHEET, fig) if fig is not None else None)
    else:
        by_res, month = live
        say("writing the input tables")
        write_raw_tables(wb, st, raw, header, tables, _print_table, raw.date1904)
        say("writing the add-in sheets")
        fig = figures_of(month, tables.get("NAV"))
        page_setup(add_summary_sheet(wb, st, fig.rows, figures=fig.summary, live=True,
                                     stored=fig.stored),
                   header, True)
        spilled = spill_tables(by_res)
        spilled["Checks"] = fig.tables["Checks"]
        for which in SPILL_SHEETS:
            page_setup(add_spill_sheet(wb, st, which, table=spilled[which], by=by_res.by),
                       header, True)
        say("writing the computed tables")
        for key in ("Accruals", "Payouts", "Payments", "Checks"):
            write_computed_table(add(f"{key} (computed)"), st, key, res, header, written)
        title = f"{SUMMARY_SHEET} (computed)"
        page_setup(add_summary_sheet(wb, st, fig.rows, figures=fig.summary, live=False,
                                     title=title, stored=fig.stored), header, True)
        write_tieout(add(TIEOUT_SHEET), st, res, written, header, (title, fig))
        page_setup(add_xlwings_conf(wb, st), header, True)
    cover.activate()
    say("saving the workbook")
    wb.close()


def _print_table(ws, header: str, landscape: bool, repeat: tuple[int, int]) -> None:
    page_setup(ws, header, landscape, repeat)


# =========================================================================== entry points
def _load(book_path: Path, raw: RawBook | None = None, findings: list[Finding] | None = None
          ) -> tuple[RawBook, Result | None, list[Finding]]:
    if raw is None:
        raw, findings = read_workbook(book_path)
    book, findings = load_raw(raw, findings)
    if book is None:
        return raw, None, findings
    res = run(book, findings)
    return raw, res, res.findings


def published_copy(book_path, now: datetime | None = None, progress: Progress | None = None
                   ) -> tuple[bytes | None, list[Finding]]:
    """The published copy of the workbook at ``book_path`` as bytes, and the findings; None
    when the workbook has errors."""
    book_path = Path(book_path)
    digest = sha256_file(book_path)
    raw, res, findings = _load(book_path)
    if res is None or not res.ok:
        return None, findings
    buf = io.BytesIO()
    _write_workbook(buf, raw, res, Source(book_path.name, digest, _now(now)), None, progress)
    return buf.getvalue(), findings


def publish(book_path, out_path, force: bool = False, now: datetime | None = None,
            progress: Progress | None = None, payrun: dict | None = None
            ) -> tuple[bool, list[Finding]]:
    """Write the published copy of ``book_path`` to ``out_path``.  Returns (written, findings);
    nothing is written when the workbook has errors.  Raises WouldOverwriteInput or
    OutputExists (exit 2 on the command line) before reading anything.  ``payrun``: the run
    record of a payment run of this workbook, named on the Cover."""
    book_path, out_path = Path(book_path), Path(out_path)
    out = OutputSet(out_path.parent, [out_path.name], inputs=[book_path], force=force)
    out.check()
    say = progress or (lambda what: None)
    say(f"reading {book_path.name}")
    digest = sha256_file(book_path)
    raw, findings = read_workbook(book_path)
    say("checking and computing it")
    raw, res, findings = _load(book_path, raw, findings)
    if res is None or not res.ok:
        return False, findings
    with out:
        _write_workbook(str(out.path(out_path.name)), raw, res,
                        Source(book_path.name, digest, _now(now), payrun), None, progress)
    return True, findings


def live_results(raw: RawBook, res: Result) -> tuple[Result, Result]:
    """What the computed workbook's add-in cells compute: the engine over the workbook's own
    tables as written (at A1, Settings as in force, every contract table present) for its
    Settings period, by ``res.by`` and by month.  Raises ValueError if that differs in errors
    from ``res`` (it cannot: the same data)."""
    book = res.book
    assert book is not None
    settings = settings_in_force(raw.tables.get("Settings"), book.settings, res.start, res.end)
    tables = written_tables(raw, settings, all_tables=True)
    book2, f2 = load_raw(RawBook(raw.path, tables, raw.date1904,
                                 tuple(t.sheet for t in tables.values())))
    if book2 is None:
        raise ValueError("the written tables cannot be read back")
    live = run(book2, f2, by=res.by)
    month = live if res.by == "month" else run(book2, f2, by="month")
    if not live.ok or not month.ok:
        raise ValueError("the written tables have errors: "
                         + "; ".join(str(f) for f in live.findings if f.is_error)[:500])
    return live, month


def computed_workbook(result: Result, now: datetime | None = None, raw: RawBook | None = None,
                      progress: Progress | None = None) -> bytes:
    """The computed workbook of ``result`` (from ``engine.run`` on a workbook file) as bytes."""
    buf = io.BytesIO()
    write_computed_to(buf, result, now, raw, progress)
    return buf.getvalue()


def write_computed_to(target: str | IO[bytes], result: Result, now: datetime | None = None,
                      raw: RawBook | None = None, progress: Progress | None = None) -> None:
    """Write the computed workbook of ``result`` to ``target`` (a staging path or a buffer):
    input tables, the live add-in sheets with the engine's figures stored, the computed tables
    as values with native totals, the Summary (computed), the Tie-out and ``xlwings.conf``.
    ``raw`` is the workbook as read (read again from ``result.book.source`` when not given)."""
    if result.book is None or not result.ok:
        raise ValueError("the computed workbook needs a Result without errors")
    source = Path(result.book.source)
    if raw is None:
        raw, _ = read_workbook(source)
    live = live_results(raw, result)
    _write_workbook(target, raw, result, Source(source.name, sha256_file(source), _now(now)),
                    live, progress)


def write_computed(result: Result, out_path, force: bool = False, now: datetime | None = None) -> None:
    """Write the computed workbook of ``result`` to ``out_path`` (never over its source)."""
    out_path = Path(out_path)
    source = result.book.source if result.book is not None else None
    with OutputSet(out_path.parent, [out_path.name], inputs=[source] if source else [],
                   force=force) as out:
        write_computed_to(str(out.path(out_path.name)), result, now)
