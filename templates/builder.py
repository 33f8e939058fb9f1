"""Build the input workbook (SPEC §3) for the built-in default plan: empty, or with sample data.

``template_bytes(year, sample, seed)`` makes the workbook with XlsxWriter: a "Read me" sheet,
every input table (``fee_core.write.inputs.write_raw_tables``) with drop-down lists, then the
add-in sheets (``fee_core.write.addin_sheets``) and ``xlwings.conf``; every sheet print-ready
(``fee_core.write.xlsx.page_setup``).  The table rows come from ``templates.sample``.  The same
arguments give the same bytes (a fixed creation time, fixed zip entry times);
``python -m templates.builder`` rebuilds the committed template.
"""
from __future__ import annotations

import io
import textwrap
from pathlib import Path

from fee_core.contract import AGREEMENT_TYPES, EVENTS, EXPENSE_CATEGORIES, SETTINGS, TABLES, headers_of
from fee_core.plan import default_plan
from fee_core.read.raw import RawBook, RawTable
from fee_core.write.addin_sheets import add_output_sheets, add_xlwings_conf
from fee_core.write.files import write_one
from fee_core.write.inputs import table_kinds, write_raw_tables
from fee_core.write.xlsx import Styles, new_workbook, page_setup
from templates.sample import sample_tables, summary_rows, template_tables

README_SHEET = "Read me"
TEMPLATE_YEAR = 2001
TEMPLATE_PATH = Path(__file__).with_name("fee12b1_template.xlsx")
FUND_LIST = "FundList"
README_WIDTH = 96          # characters per Read me line: the column is as wide, so lines never overlap
FUND_HINT_ROWS = 500       # rows below a table's last row that keep its drop-down list


# --------------------------------------------------------------------------- Read me

def readme(year: int, sample: bool, seed: int) -> list[tuple[str, str]]:
    """The Read me as (style, paragraph): ``title``, ``head`` (a section), ``text``."""
    plan = default_plan()
    kind = (f"SAMPLE data (synthetic, seed {seed}): illustrative only, not real fund figures."
            if sample else "Empty template: fill NAV, Providers, Provider Assets and Expenses.")
    return [
        ("title", "fee12b1 input workbook"),
        ("text", f"{plan['title']}. Distributor: {plan['distributor'].rstrip('.')}."),
        ("text", f"Plan year {year}. {kind}"),
        ("head", "The input tables"),
        ("text", "Each sheet holds one Excel table; keep its header texts as they are (extra "
                 "columns are ignored). Dates are real dates shown yyyy-mm-dd; rates are "
                 "fractions shown as percent (0.0045 shows as 0.45%); money is in USD."),
        ("text", "Settings: the period to compute (Period Start, Period End), day count, "
                 "rounding, the NASD/FINRA caps, payment frequency and the initial term end."),
        ("text", "Schedule A: registered investment companies, their funds (current names), "
                 "effective dates and footnotes."),
        ("text", "Schedule B: each fund's annual distribution fee rate with its effective date "
                 "and optional end date (a history: one row per rate in force)."),
        ("text", "Fund Names: former fund names, the current name and the date of the change, "
                 "from the footnotes; two sources that disagree are both kept and reported by "
                 "the check."),
        ("text", "Plan Events: Plan Effective, Continuance Approved (blank Fund = whole plan), "
                 "Termination, Amendment."),
        ("text", "NAV: Class K net assets of each fund at each NYSE session's close; the first "
                 "row is the last session of the previous year, carried into January 1. Leave a "
                 "cell blank before the fund is in the plan."),
        ("text", "Providers: service providers with their agreement type (Service, Third Party, "
                 "Variable Contract, Bank Trust), agreed service fee rate, start and end dates "
                 "and minimum payment."),
        ("text", "Provider Assets: average daily net assets attributable to each provider's "
                 "customers, per fund and period."),
        ("text", "Expenses: the distributor's own spending under the plan, by fund and FIFTH "
                 "category."),
        ("text", "Drop-down lists offer the allowed choices; fund columns offer the Schedule A "
                 "names (named range FundList) but accept former names too."),
        ("head", "The sheets that compute (the fee12b1 add-in; without it they show #NAME?)"),
        ("text", "Summary: per fund and month, ADNA and plan fee looked up in ONE spilled "
                 "FEE_ACCRUALS table (columns P to U of the sheet), beside native tie-out "
                 "formulas (green) that any spreadsheet computes from the NAV table. The "
                 "differences should read 0.00."),
        ("text", "Accruals, Payouts, Checks: FEE_ACCRUALS, FEE_PAYOUTS and FEE_CHECKS spill "
                 "whole tables from cell A5; choose the periods (month, quarter, period) in B2. "
                 "Keep the cells below and right of a spilled table empty."),
        ("text", "Totals never skip a bad cell: a function given bad input shows a short text "
                 "such as '#start: not a date', and every total over such cells shows #N/A "
                 "until it is fixed."),
        ("text", "For a figure of your own: FEE_DAILY, FEE_ADNA, FEE_PERIOD, FEE_SERVICE_RATE "
                 "and FEE_SERVICE, e.g. FEE_ADNA(NAV[Date], NAV[Energy Fund], start, end)."),
        ("head", "Setting up the add-in"),
        ("text", "xlwings.conf: UDF Modules = addin.udfs; Interpreter_Win and PYTHONPATH left "
                 "empty mean pythonw on PATH and an installed fee12b1. The steps to install "
                 "the fee12b1 add-in for Excel are in docs/excel.md; LibreOffice Calc takes the "
                 "fee12b1.oxt extension (fee12b1 calc-addin)."),
        ("head", "Without Excel"),
        ("text", "fee12b1 check BOOK.xlsx   prints the findings (fee12b1 check --verbose lists "
                 "every one)."),
        ("text", "fee12b1 compute BOOK.xlsx --csv DIR   writes accruals, payouts, payments and "
                 "checks as CSV."),
        ("text", "fee12b1 publish BOOK.xlsx OUT.xlsx   writes a values-only copy for email."),
    ]


def _add_readme(wb, styles: Styles, year: int, sample: bool, seed: int, header: str) -> None:
    """One line of text per row, wrapped here at README_WIDTH characters in a column as wide:
    no cell wraps or overflows, so no line can print over another, on screen or on paper."""
    ws = wb.add_worksheet(README_SHEET)
    head = wb.add_format({"bold": True, "font_size": 12})
    row = 0
    for style, text in readme(year, sample, seed):
        if style == "head":
            row += 1
        lines = textwrap.wrap(text, README_WIDTH) if style == "text" else [text]
        for k, line in enumerate(lines):
            fmt = {"title": styles.title, "head": head}.get(style)
            ws.write_string(row, 0, ("    " if k else "") + line, fmt)
            row += 1
    ws.set_column(0, 0, README_WIDTH + 6)
    page_setup(ws, header, landscape=False)
    ws.hide_gridlines(2)


# --------------------------------------------------------------------------- drop-down lists

def _choices(ws, table_rows: int, col: int, source, strict: bool, what: str) -> None:
    """A drop-down list on data rows of column ``col`` (0-based) down to FUND_HINT_ROWS past
    the table.  ``strict``: any other entry is refused; otherwise a note, and the entry stays
    (former names and variants are allowed; the check reports how it reads them)."""
    last = max(table_rows, 1) + FUND_HINT_ROWS
    if strict:
        opts = {"error_type": "stop", "error_title": what,
                "error_message": f"Choose one of the listed {what} values."}
    else:
        opts = {"error_type": "information", "error_title": what,
                "error_message": "Not a current Schedule A name. Former names and variants are "
                                 "accepted; fee12b1 check reports how it reads them."}
    ws.data_validation(1, col, last, col, {"validate": "list", "source": source,
                                          "ignore_blank": True, **opts})


def _lists(ws, name: str, headers: list[str], rows: list[dict]) -> None:
    n = len(rows)
    col = {h: j for j, h in enumerate(headers)}
    fund_list = f"={FUND_LIST}"
    if name == "Settings":
        for i, r in enumerate(rows, start=1):
            spec = SETTINGS.get(str(r.get("Setting")))
            if spec is not None and spec.choices:
                ws.data_validation(i, col["Value"], i, col["Value"], {
                    "validate": "list", "source": list(spec.choices), "error_type": "stop",
                    "error_title": spec.label,
                    "error_message": f"Choose one of the listed {spec.label} values."})
    if name == "PlanEvents":
        _choices(ws, n, col["Event"], list(EVENTS), True, "Event")
    if name == "Providers":
        _choices(ws, n, col["Agreement Type"], list(AGREEMENT_TYPES), True, "Agreement Type")
    if name == "Expenses" and len(",".join(EXPENSE_CATEGORIES)) < 255:
        _choices(ws, n, col["Category"], list(EXPENSE_CATEGORIES), True, "Category")
    if name in ("PlanEvents", "ScheduleB", "FundNames", "ProviderAssets", "Expenses"):
        _choices(ws, n, col["Fund"], fund_list, False, "Fund")


# --------------------------------------------------------------------------- the workbook

def _raw_table(name: str, rows: list[dict]) -> RawTable:
    """A table of the template as the reader would give it (from A1), for the one writer of
    input tables (``write_raw_tables``)."""
    headers = headers_of(name, rows)
    return RawTable(name, TABLES[name].sheet, "", tuple(headers), 1, 1,
                    {h: [r.get(h) for r in rows] for h in headers})


def _page_header(year: int) -> str:
    return f"{default_plan()['title']} - plan year {year}"


def template_bytes(year: int = TEMPLATE_YEAR, sample: bool = False, seed: int = 12,
                   outputs: bool = True) -> bytes:
    """The input workbook as .xlsx bytes: "Read me", the input tables, then (``outputs``) the
    add-in sheets and ``xlwings.conf``.  The same arguments give the same bytes."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 < year < 2200:
        raise ValueError(f"year must be a four-digit year, got {year!r}")
    tables = sample_tables(year, seed) if sample else template_tables(year)
    header = _page_header(year)
    buf = io.BytesIO()
    wb = new_workbook(buf, title=f"fee12b1 input workbook, plan year {year}")
    styles = Styles(wb)
    _add_readme(wb, styles, year, sample, seed, header)
    raw = RawBook("template.xlsx", {name: _raw_table(name, rows) for name, rows in tables.items()})
    places = write_raw_tables(wb, styles, raw, header, page_setup=page_setup)
    fmt = {"date": styles.date, "rate": styles.rate, "money": styles.money}
    for name, rows in tables.items():
        ws = wb.get_worksheet_by_name(TABLES[name].sheet)
        cols = list(raw.tables[name].headers)
        _lists(ws, name, cols, rows)
        # cells typed into the table later take their column's format
        for j, h in enumerate(cols):
            kind = table_kinds(name, cols).get(h)
            if kind in fmt:
                ws.set_column(j, j, places[name].widths[j], fmt[kind])
        if name == "NAV":
            ws.repeat_columns(0)
    a = TABLES["ScheduleA"]
    wb.define_name(FUND_LIST, f"={a.name}[Fund]")
    if outputs:
        add_output_sheets(wb, styles, summary_rows(year))
        for sheet in ("Summary", "Accruals", "Payouts", "Checks"):
            ws = wb.get_worksheet_by_name(sheet)
            page_setup(ws, header, landscape=True)
        conf = add_xlwings_conf(wb, styles)
        page_setup(conf, header, landscape=True)
    wb.close()
    return buf.getvalue()


def build_template(path, year: int = TEMPLATE_YEAR, sample: bool = False, seed: int = 12,
                   force: bool = True) -> Path:
    """Write the input workbook for the default plan to ``path`` (an ``.xlsx``), atomically;
    an existing file is replaced (``force``)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: the template is an .xlsx workbook")
    return write_one(path, template_bytes(year, sample, seed), force=force)


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
