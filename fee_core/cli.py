"""The command line: ``fee12b1 template|demo|check|compute|publish|report`` (SPEC §8).

Exit status: 0 done, 1 errors in the data (findings printed), 2 bad usage (including an
output that exists without ``--force``).
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from datetime import date
from pathlib import Path

from . import __version__
from .findings import has_errors, sort_findings

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as YYYY-MM-DD")


def print_findings(findings, fmt: str = "text", out=None) -> None:
    out = out or sys.stdout
    rows = sort_findings(findings)
    if fmt == "json":
        json.dump([dict(zip(("severity", "code", "location", "message"), f.as_row())) for f in rows],
                  out, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        from .engine import CHECK_COLUMNS
        from .outputs import csv_cell
        import csv as _csv
        w = _csv.writer(out, lineterminator="\n")
        w.writerow(CHECK_COLUMNS)
        for f in rows:
            w.writerow([csv_cell(x) for x in f.as_row()])
        return
    for f in rows:
        out.write(f"{f}\n")
    n_err = sum(f.is_error for f in rows)
    out.write(f"{n_err} error(s), {len(rows) - n_err} warning(s)\n")


def require_input(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{path}: no such file")
    if p.is_dir():
        raise UsageError(f"{path} is a folder; give the workbook file")
    return p


# --------------------------------------------------------------------------- commands
def cmd_template(args) -> int:
    from templates.builder import build_template
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{out}: the template must be an .xlsx or .xlsm file")
    if out.exists() and not args.force:
        raise UsageError(f"{out} exists; use --force to replace it")
    build_template(out, year=args.year, sample=args.sample)
    print(f"wrote {out}" + (" (with sample data)" if args.sample else ""))
    return EXIT_OK


def cmd_check(args) -> int:
    from .engine import load, run
    path = require_input(args.book)
    book, findings = load(path)
    if book is not None:
        findings = run(book, findings).findings
    print_findings(findings, args.format)
    return EXIT_DATA if has_errors(findings) else EXIT_OK


CSV_FILES = ("accruals.csv", "payouts.csv", "payments.csv", "checks.csv")


def write_csvs(res, outdir: Path, force: bool) -> list[Path]:
    """Write the four CSVs (only checks.csv when the data has errors; stale result files
    from an earlier run are then removed so no old figure sits beside new errors)."""
    from .engine import ACCRUAL_COLUMNS, CHECK_COLUMNS, PAYMENT_COLUMNS, PAYOUT_COLUMNS
    from .outputs import atomic_write, csv_text
    written = []
    if res.ok:
        for name, cols in (("accruals", ACCRUAL_COLUMNS), ("payouts", PAYOUT_COLUMNS),
                           ("payments", PAYMENT_COLUMNS)):
            data = csv_text(res.tables[name], cols).encode("utf-8")
            atomic_write(outdir / f"{name}.csv", data, force=force)
            written.append(outdir / name)
    else:
        for name in CSV_FILES[:3]:
            stale = outdir / name
            if stale.exists():
                stale.unlink()
    atomic_write(outdir / "checks.csv", csv_text(res.checks(), CHECK_COLUMNS).encode("utf-8"),
                 force=force)
    written.append(outdir / "checks.csv")
    return written


def cmd_compute(args) -> int:
    from .engine import load, run
    path = require_input(args.book)
    outdir = Path(args.csv)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"--csv {outdir} is a file; give a folder")
    clobber = [outdir / n for n in CSV_FILES if (outdir / n).exists()]
    if clobber and not args.force:
        raise UsageError(f"{', '.join(map(str, clobber))} exist(s); use --force to replace")
    if args.start and args.end and args.end < args.start:
        raise UsageError(f"--end {args.end} is before --start {args.start}")
    book, findings = load(path)
    if book is None:
        print_findings(findings)
        outdir.mkdir(parents=True, exist_ok=True)
        from .engine import Result
        write_csvs(Result(None, None, None, args.by, findings), outdir, True)
        return EXIT_DATA
    res = run(book, findings, args.start, args.end, args.by)
    write_csvs(res, outdir, args.force)
    print_findings(res.findings)
    if not res.ok:
        print(f"errors in the data: only {outdir / 'checks.csv'} written")
        return EXIT_DATA
    print(f"wrote {', '.join(str(outdir / n) for n in CSV_FILES)}")
    return EXIT_OK


# --------------------------------------------------------------------------- parser
def build_parser(argv=None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fee12b1", description="Rule 12b-1 distribution fees under a "
                                "Master Distribution Plan (Class K shares).")
    p.add_argument("--version", action="version", version=f"fee12b1 {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    t = sub.add_parser("template", help="build the input workbook for the default plan")
    t.add_argument("out", metavar="OUT.xlsx")
    t.add_argument("--year", type=int, default=2001)
    t.add_argument("--sample", action="store_true", help="fill it with realistic sample data")
    t.add_argument("--force", action="store_true", help="replace OUT if it exists")
    t.set_defaults(func=cmd_template)

    c = sub.add_parser("check", help="print the findings of a workbook; exit 1 on any error")
    c.add_argument("book", metavar="BOOK.xlsx")
    c.add_argument("--format", choices=("text", "csv", "json"), default="text")
    c.set_defaults(func=cmd_check)

    m = sub.add_parser("compute", help="compute accruals, payouts and payments into CSV files")
    m.add_argument("book", metavar="BOOK.xlsx")
    m.add_argument("--start", type=iso_date)
    m.add_argument("--end", type=iso_date)
    m.add_argument("--by", choices=("month", "quarter", "period"), default="month")
    m.add_argument("--csv", required=True, metavar="DIR")
    m.add_argument("--force", action="store_true", help="replace existing CSV files")
    m.set_defaults(func=cmd_compute)
    # command modules are imported only when their command is asked for (or for help):
    # openpyxl and the report code stay out of a plain `compute`
    wanted = _requested(argv)
    known = wanted in COMMAND_MODULES or wanted in BUILTIN_COMMANDS
    for command, name in COMMAND_MODULES.items():
        if not known or wanted == command:
            importlib.import_module(name).register(sub)
    return p


# Modules that add commands: each has ``register(subparsers)`` adding its sub-parser with
# ``set_defaults(func=...)``; the function returns an exit status and raises UsageError for
# bad usage.  One line per command.
COMMAND_MODULES = {
    "report": "fee_core.xlsx_report",
    "publish": "fee_core.xlsx_publish",
    "demo": "fee_core.demo",
    "addin": "addin.vba",
    "calc-addin": "addin.calc.oxt",
}
BUILTIN_COMMANDS = ("template", "check", "compute")


def _requested(argv) -> str | None:
    """The command word of ``argv`` (None when there is none, e.g. ``--help``)."""
    for a in (sys.argv[1:] if argv is None else argv):
        if not a.startswith("-"):
            return a
    return None


def main(argv=None) -> int:
    if os.environ.get("FEE12B1_DEBUG"):
        import logging
        logging.basicConfig(level=logging.DEBUG)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as e:
        print(f"fee12b1 {args.command}: {e}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as e:
        from .outputs import OutputExists
        if isinstance(e, OutputExists):
            print(f"fee12b1 {args.command}: {e}", file=sys.stderr)
            return EXIT_USAGE
        raise


def entry() -> None:
    """The ``fee12b1`` command: ``main``, then leave without the interpreter's teardown.

    Freeing numpy's and the engine's modules at exit costs ~20 ms, a tenth of a whole
    ``fee12b1 compute``.  By the time ``main`` returns every output file is written, fsync'd
    and closed, so nothing is lost by skipping it: atexit handlers are run and the standard
    streams flushed first.  An exception leaves the normal way (traceback, teardown)."""
    rc = main()
    import atexit
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:          # e.g. a closed pipe: let Python report it as usual
        sys.exit(rc)
    os._exit(rc)


if __name__ == "__main__":
    entry()
