"""``fee12b1 compute BOOK.xlsx --csv DIR [--xlsx OUT.xlsx]``: accruals, payouts, payments and
checks as CSV, and/or the computed workbook."""
from __future__ import annotations

import contextlib
from pathlib import Path

from ..console import EXIT_OK, book_command, data_errors, iso_date, print_findings, require_input, xlsx_output
from ..contract import ACCRUAL_COLUMNS, CHECK_COLUMNS, OUTPUT_PERIODS, PAYMENT_COLUMNS, PAYOUT_COLUMNS
from ..engine import Result, load, load_raw, run
from ..errors import UsageError
from ..read import read_workbook
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


def _output_sets(args, path: Path) -> tuple[OutputSet | None, OutputSet | None]:
    """The CSV folder's set and the computed workbook's set (one set when both are in one
    folder), checked before anything is read."""
    xlsx = xlsx_output(args.xlsx, "the computed workbook") if args.xlsx else None
    csv_names = list(CSV_FILES) + [RUN_RECORD]
    if args.csv and xlsx is not None and Path(args.csv).resolve() == xlsx.parent.resolve():
        csv_set = OutputSet(Path(args.csv), csv_names + [xlsx.name], inputs=[path], force=args.force)
        sets: tuple[OutputSet | None, OutputSet | None] = (csv_set, csv_set)
    else:
        sets = (OutputSet(Path(args.csv), csv_names, inputs=[path], force=args.force) if args.csv
                else None,
                OutputSet(xlsx.parent, [xlsx.name], inputs=[path], force=args.force) if xlsx
                else None)
    for s in sets:
        if s is not None:
            s.check()
    return sets


def cmd_compute(args) -> int:
    path = require_input(args.book)
    if args.start and args.end and args.end < args.start:
        raise UsageError(f"--end {args.end} is before --start {args.start}")
    if not args.csv and not args.xlsx:
        raise UsageError("give --csv DIR, --xlsx OUT.xlsx or both")
    csv_set, xlsx_set = _output_sets(args, path)
    step, prog = None, None
    if xlsx_set is not None:        # the workbook writer is imported only when it is asked for
        from ..write.publish import COMPUTED_STEPS
        from .publish import progress_for
        step, prog = progress_for(path, COMPUTED_STEPS + 1)
        if step is not None:
            step(f"reading and computing {path.name}")
    if xlsx_set is None:
        book, findings = load(path)
        raw = None
    else:
        raw, findings = read_workbook(path)
        book, findings = load_raw(raw, findings)
    res = Result(None, args.start, args.end, args.by, findings) if book is None else \
        run(book, findings, args.start, args.end, args.by)
    written = []
    with contextlib.ExitStack() as stack:
        for s in dict.fromkeys(x for x in (csv_set, xlsx_set) if x is not None):
            stack.enter_context(s)
        if csv_set is not None:
            write_csvs(res, csv_set)
            written += [csv_set.folder / n for n in (CSV_FILES if res.ok else ("checks.csv",))]
        if xlsx_set is not None and res.ok:
            from ..write.publish import write_computed_to
            name = Path(args.xlsx).name
            write_computed_to(str(xlsx_set.path(name)), res, raw=raw, progress=step)
            written.append(xlsx_set.folder / name)
        if csv_set is not None and res.ok:   # SPEC §6: the run record beside its outputs
            names = [n for n in csv_set.names if n != RUN_RECORD and n in csv_set.written]
            csv_set.write(RUN_RECORD, compute_record(res, path, names, csv_set))
            written.append(csv_set.folder / RUN_RECORD)
    if not res.ok:
        return data_errors(res.findings, f"only {written[0]} written" if written
                           else "nothing written")
    print_findings(res.findings)
    took = f" in {prog.seconds():.1f} s" if prog is not None else ""
    print(f"wrote {', '.join(map(str, written))}{took}")
    return EXIT_OK


def register(sub) -> None:
    m = book_command(
        sub, "compute", "compute accruals, payouts and payments into CSV files and/or the computed "
                    "workbook",
        "Compute the accruals per fund, the payouts per provider and fund, and the payments per "
        "provider (SPEC §8 CSV formats) into a folder, and/or the computed workbook (--xlsx); "
        "with errors in the data only checks.csv is written (exit 1).")
    m.add_argument("--start", type=iso_date, metavar="YYYY-MM-DD",
                   help="first day to compute (default: the Settings Period Start)")
    m.add_argument("--end", type=iso_date, metavar="YYYY-MM-DD",
                   help="last day to compute (default: the Settings Period End)")
    m.add_argument("--by", choices=OUTPUT_PERIODS, default="month",
                   help="output periods: month (default), quarter or the whole period")
    m.add_argument("--csv", metavar="DIR", help="the folder for the CSV files")
    m.add_argument("--xlsx", metavar="OUT.xlsx",
                   help="write the computed workbook: the input tables, the add-in cells with "
                        "fee12b1's figures stored (they show before any recalculation), the "
                        "computed tables and the tie-outs (never over the input)")
    m.add_argument("--force", action="store_true", help="replace existing output files")
    m.set_defaults(func=cmd_compute)
