"""Build the input workbook (SPEC §3) for the built-in default plan: empty, or with sample data.

``build_template(path, year, sample, seed)`` writes the workbook: a "Read me" sheet, every input
table (``fee_core.write.inputs``, the one writer of input tables) with formats, widths and
drop-down lists, then the add-in sheets (``fee_core.write.addin_sheets``) and ``xlwings.conf``.
The table rows come from ``templates.sample``.  The same arguments give a byte-identical file
(``fee_core.write.xlsx``); ``python -m templates.builder`` rebuilds the committed template.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from fee_core.contract import AGREEMENT_TYPES, EVENTS, EXPENSE_CATEGORIES, SETTINGS, TABLES
from fee_core.findings import quote_sheet
from fee_core.plan import default_plan
from fee_core.write.addin_sheets import add_output_sheets, add_xlwings_conf, table_layout
from fee_core.write.files import write_one
from fee_core.write.inputs import write_input_workbook
from fee_core.write.text import formula_like
from fee_core.write.xlsx import RATE_FORMAT, workbook_bytes
from templates.sample import sample_tables, summary_rows, template_tables

README_SHEET = "Read me"
MAX_WIDTH = 60
TEMPLATE_YEAR = 2001
TEMPLATE_PATH = Path(__file__).with_name("fee12b1_template.xlsx")


def _readme_lines(year: int, sample: bool, seed: int) -> list[str]:
    plan = default_plan()
    kind = (f"SAMPLE data (synthetic, seed {seed}): illustrative only, not real fund figures."
            if sample else "Empty template: fill NAV, Providers, Provider Assets and Expenses.")
    return [
        "fee12b1 input workbook",
        f"{plan['title']}. Distributor: {plan['distributor']}.",
        f"Plan year {year}. {kind}",
        "Each sheet below holds one Excel table; keep the header texts as they are (extra columns are "
        "ignored).",
        "Dates are real dates shown yyyy-mm-dd; rates are fractions shown as percent (0.0045 shows as "
        "0.45%); money is in USD.",
        "",
        "Settings: the period to compute (Period Start, Period End), day count, rounding, the NASD/FINRA "
        "caps, payment frequency and the initial term end.",
        "Schedule A: registered investment companies, their funds (current names), effective dates and "
        "footnotes.",
        "Schedule B: each fund's annual distribution fee rate with its effective date and optional end "
        "date (a history: one row per rate in force).",
        "Fund Names: former fund names, the current name and the date of the change, from the footnotes; "
        "two sources that disagree are both kept and reported by the check.",
        "Plan Events: Plan Effective, Continuance Approved (blank Fund = whole plan), Termination, "
        "Amendment.",
        "NAV: Class K net assets of each fund at each NYSE session's close; the first row is the last "
        "session of the previous year, carried into January 1. Leave a cell blank before the fund is in "
        "the plan.",
        "Providers: service providers with their agreement type (Service, Third Party, Variable "
        "Contract, Bank Trust), agreed service fee rate, start and end dates and minimum payment.",
        "Provider Assets: average daily net assets attributable to each provider's customers, per fund "
        "and period.",
        "Expenses: the distributor's own spending under the plan, by fund and FIFTH category.",
        "Drop-down lists offer the allowed choices; fund columns offer the Schedule A names (named range "
        "FundList) but accept former names too.",
        "",
        "Output sheets (live figures need the fee12b1 add-in functions on Windows Excel; elsewhere they "
        "show #NAME?):",
        "Summary: per fund and month, FEE_ADNA and FEE_PERIOD cells beside NATIVE tie-out formulas "
        "(green) that any spreadsheet computes; the difference columns should read 0.00.",
        "Accruals, Payouts, Checks: FEE_ACCRUALS, FEE_PAYOUTS and FEE_CHECKS spill whole tables from "
        "cell A5 (choose the periods in B2).",
        "xlwings.conf: UDF Modules = addin.udfs; Interpreter_Win and PYTHONPATH left empty mean pythonw "
        "on PATH and an installed fee12b1. Set up: pip install fee12b1, xlwings addin install, then in "
        "the xlwings ribbon click Import Functions with this workbook active and save it as .xlsm "
        "(docs/workbooks.md).",
        "",
        "Without Excel: fee12b1 check BOOK.xlsx   fee12b1 compute BOOK.xlsx --csv DIR   fee12b1 publish "
        "BOOK.xlsx OUT.xlsx (a values-only copy for email).",
    ]


def _add_readme(ws, lines: list[str]) -> None:
    ws.column_dimensions["A"].width = 120
    for i, line in enumerate(lines, start=1):
        if not line:
            continue
        c = ws.cell(row=i, column=1, value=line)
        c.data_type = "s"
        c.quotePrefix = formula_like(line)
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
            for row in ws.iter_rows(min_row=2):
                setting = SETTINGS.get(str(row[0].value))
                if setting is None:
                    continue
                if setting.kind == "rate" and isinstance(row[1].value, (int, float)):
                    row[1].number_format = RATE_FORMAT
                if setting.choices:
                    _validation(ws, row[1].coordinate, '"' + ",".join(setting.choices) + '"', True,
                                setting.label)
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



def save_reproducible(wb: Workbook, path, force: bool = True) -> None:
    """Save ``wb`` to ``path`` byte-for-byte reproducibly, as a set of one (``write_one``); a
    ``.xlsm`` path gets the macro-enabled content type."""
    data = workbook_bytes(wb, macro_enabled=str(path).lower().endswith(".xlsm"))
    write_one(Path(path), data, force=force)


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
