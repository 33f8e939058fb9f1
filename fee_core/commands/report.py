"""``fee12b1 report BOOK.xlsx --quarter 2001Q1 OUT.xlsx``: the quarterly board report (FOURTH)."""
from __future__ import annotations

from ..board import make_report, parse_quarter
from ..console import EXIT_OK, book_command, data_errors, require_input, xlsx_output
from ..engine import load
from ..errors import UsageError
from ..write.files import OutputSet
from ..write.report import APPENDIX_SHEET, STATUS_SHEET, write_report


def cmd_report(args) -> int:
    try:
        year, q = parse_quarter(args.quarter)
    except ValueError as e:
        raise UsageError(f"--quarter: {e}") from None
    src = require_input(args.book)
    out = xlsx_output(args.out, "the report")
    OutputSet(out.parent, [out.name], inputs=[src], force=args.force).check()
    book, findings = load(src)
    rep, findings = make_report(book, findings, year, q) if book is not None else (None, findings)
    if rep is None:
        return data_errors(findings, f"no report written for {year}Q{q}")
    write_report(rep, out, force=args.force)
    print(f"wrote {out}: board report for {rep.label} ({len(rep.funds)} funds, "
          f"plan fee {rep.total.plan_fee:,.2f}; {len(rep.attention)} matter(s) for the board on "
          f"its '{STATUS_SHEET}' sheet, {len(rep.warnings)} warning(s) with their codes on its "
          f"'{APPENDIX_SHEET}' sheet)")
    return EXIT_OK


def register(sub) -> None:
    r = book_command(
        sub, "report", "the quarterly board report (plan FOURTH) as .xlsx",
        "Write the board report of one calendar quarter: per fund ADNA, plan fee, service fees by"
        " provider kind (A)-(D), asset-based sales charge, the distributor's expenses by FIFTH "
        "purpose, a chart, the plan's status in plain sentences and an appendix of the check "
        "warnings.")
    r.add_argument("--quarter", required=True, metavar="YYYYQn", help="the quarter, e.g. 2001Q3")
    r.add_argument("out", metavar="OUT.xlsx", help="the report workbook to write")
    r.add_argument("--force", action="store_true", help="replace OUT if it exists")
    r.set_defaults(func=cmd_report)
