"""``fee12b1 compute BOOK.xlsx --csv DIR``: accruals, payouts, payments and checks as CSV."""
from __future__ import annotations

from pathlib import Path

from ..console import EXIT_DATA, EXIT_OK, iso_date, print_findings, require_input
from ..contract import ACCRUAL_COLUMNS, CHECK_COLUMNS, OUTPUT_PERIODS, PAYMENT_COLUMNS, PAYOUT_COLUMNS
from ..engine import Result, load, run
from ..errors import UsageError
from ..write.csv import csv_text
from ..write.files import OutputSet
from ..write.runrecord import RUN_RECORD, compute_record

CSV_FILES = ("accruals.csv", "payouts.csv", "payments.csv", "checks.csv")
RESULT_CSV = {"accruals.csv": ("accruals", ACCRUAL_COLUMNS),
              "payouts.csv": ("payouts", PAYOUT_COLUMNS),
              "payments.csv": ("payments", PAYMENT_COLUMNS)}


def write_csvs(res: Result, out: OutputSet) -> None:
    """The CSVs of a result into an output set: all four, or only ``checks.csv`` when the
    data has errors (the set then removes result files of an earlier run)."""
    if res.ok:
        for name, (table, cols) in RESULT_CSV.items():
            out.write(name, csv_text(res.tables[table], cols).encode("utf-8"))
    out.write("checks.csv", csv_text(res.checks(), CHECK_COLUMNS).encode("utf-8"))


def cmd_compute(args) -> int:
    path = require_input(args.book)
    if args.start and args.end and args.end < args.start:
        raise UsageError(f"--end {args.end} is before --start {args.start}")
    out = OutputSet(Path(args.csv), CSV_FILES + (RUN_RECORD,), inputs=[path], force=args.force)
    out.check()
    book, findings = load(path)
    res = Result(None, args.start, args.end, args.by, findings) if book is None else \
        run(book, findings, args.start, args.end, args.by)
    with out:
        write_csvs(res, out)
        if res.ok:               # SPEC §6: every run writes run.json beside its outputs
            out.write(RUN_RECORD, compute_record(res, path, CSV_FILES, out))
    print_findings(res.findings)
    if not res.ok:
        print(f"errors in the data: only {out.folder / 'checks.csv'} written")
        return EXIT_DATA
    print(f"wrote {', '.join(str(out.folder / n) for n in CSV_FILES + (RUN_RECORD,))}")
    return EXIT_OK


def register(sub) -> None:
    m = sub.add_parser("compute", help="compute accruals, payouts and payments into CSV files",
                       description="Compute the accruals per fund, the payouts per provider and "
                                   "fund, and the payments per provider (SPEC §8 CSV formats) "
                                   "into a folder; with errors in the data only checks.csv is "
                                   "written (exit 1).")
    m.add_argument("book", metavar="BOOK.xlsx", help="the input workbook")
    m.add_argument("--start", type=iso_date, metavar="YYYY-MM-DD",
                   help="first day to compute (default: the Settings Period Start)")
    m.add_argument("--end", type=iso_date, metavar="YYYY-MM-DD",
                   help="last day to compute (default: the Settings Period End)")
    m.add_argument("--by", choices=OUTPUT_PERIODS, default="month",
                   help="output periods: month (default), quarter or the whole period")
    m.add_argument("--csv", required=True, metavar="DIR", help="the folder for the CSV files")
    m.add_argument("--force", action="store_true", help="replace existing CSV files")
    m.set_defaults(func=cmd_compute)
