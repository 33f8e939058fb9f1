"""``fee12b1 demo``: the whole product on the built-in default plan, in one command.

Builds the sample workbook of a plan year (``templates.builder``: real NYSE sessions,
realistic NAV, providers of each kind (A)-(D), expenses in every FIFTH purpose), checks and
computes it, and writes into one folder: the input workbook, the computed workbook, the
published copy, the board report of each quarter and the four CSVs of SPEC §8.  Prints a
summary per fund for the year and where each file is; progress goes to stderr.

A folder that is not empty is refused (exit 2, nothing touched) unless ``--force``.
"""
from __future__ import annotations

import sys
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

from fee_core.board import make_report
from fee_core.commands.compute import CSV_FILES, write_csvs
from fee_core.commands.pay import run_payment_period
from fee_core.console import EXIT_DATA, EXIT_OK, Progress, print_findings
from fee_core.engine import load, run
from fee_core.errors import UsageError
from fee_core.write.files import OutputSet
from fee_core.write.publish import computed_workbook, published_copy
from fee_core.write.report import report_bytes
from fee_core.write.runrecord import RUN_RECORD, compute_record
from templates.builder import template_bytes

DEFAULT_DIR = "fee12b1-demo"
DEFAULT_YEAR = 2001


def demo_files(year: int) -> dict[str, str]:
    """What the demo writes, by role -> file name (relative to the folder)."""
    files = {
        "input workbook": f"sample-{year}.xlsx",
        "computed workbook": f"sample-{year}-computed.xlsx",
        "published copy": f"sample-{year}-published.xlsx",
    }
    for q in range(1, 5):
        files[f"board report {year}Q{q}"] = f"board-report-{year}Q{q}.xlsx"
    for name in CSV_FILES:
        files[name] = name
    files["run record"] = RUN_RECORD
    files[f"payment run {year}-12"] = f"payment-run-{year}-12"
    return files


def _money(d: Decimal | None) -> str:
    return "" if d is None else f"{d:,.2f}"


MONEY = ("plan_fee", "service_fees", "asset_based_sales_charge")


def summary_table(acc, year_acc) -> list[str]:
    """Lines of the per-fund summary of the year: the money columns are the sums of the
    monthly rows of ``acc`` (the rows of accruals.csv, each month rounded to cents), so they
    and their totals are what the files and the Tie-out sheet show; ADNA is the year's, from
    ``year_acc`` (the accruals of the year as one period)."""
    heads = ("Fund", "Months", "ADNA (year)", "Plan fee", "Service fees", "Asset-based s.c.")
    adna = {r.fund: r.average_daily_net_assets for r in year_acc.itertuples(index=False)}
    sums: dict[str, list] = {}
    months: dict[str, int] = {}
    for r in acc.itertuples(index=False):
        cur = sums.setdefault(r.fund, [Decimal("0.00")] * len(MONEY))
        for k, c in enumerate(MONEY):
            cur[k] += getattr(r, c)
        months[r.fund] = months.get(r.fund, 0) + 1
    rows = [(f, str(months[f]), _money(adna.get(f)), *(_money(x) for x in v))
            for f, v in sums.items()]
    tot = [sum((v[k] for v in sums.values()), Decimal("0.00")) for k in range(len(MONEY))]
    total = ("Total", "", "", *(_money(t) for t in tot))
    widths = [max(len(h), *(len(r[i]) for r in rows + [total])) for i, h in enumerate(heads)]

    def fmt(r):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths)))
    rule = "  ".join("-" * w for w in widths)
    return [fmt(heads), rule, *map(fmt, rows), rule, fmt(total)]


def run_demo(outdir: Path, year: int, force: bool, out=None, err=None) -> int:
    """The demo (see the module docstring); returns the exit status."""
    out = out or sys.stdout
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"{outdir} is a file; give a folder for the demo's files")
    if outdir.exists() and any(outdir.iterdir()) and not force:
        raise UsageError(f"{outdir} is not empty; use --force to write the demo into it "
                         f"(files of the same name are replaced) or choose another --out")
    if not 1900 < year < 2200:
        raise UsageError(f"--year {year}: give a four-digit year")
    files = demo_files(year)
    prog = Progress(7, err)
    with OutputSet(outdir, list(files.values()), force=force) as outset:
        prog.step(f"building the sample workbook for {year}")
        book_path = outset.path(files["input workbook"])
        book_path.write_bytes(template_bytes(year, sample=True))

        prog.step("checking and computing it")
        book, findings = load(book_path)
        if book is None:
            print_findings(findings, out=out)
            return EXIT_DATA
        res = run(book, findings, date(year, 1, 1), date(year, 12, 31), by="month")
        year_res = run(book, findings, date(year, 1, 1), date(year, 12, 31), by="period")
        if not res.ok or not year_res.ok:
            print_findings(res.findings, out=out)
            return EXIT_DATA

        prog.step("writing the computed workbook")
        outset.write(files["computed workbook"], computed_workbook(res))

        prog.step("writing the published copy")
        data, pub_findings = published_copy(book_path)
        if data is None:
            print_findings(pub_findings, out=out)
            return EXIT_DATA
        outset.write(files["published copy"], data)

        prog.step("writing the board report of each quarter")
        for q in range(1, 5):
            rep, rfind = make_report(book, findings, year, q)
            if rep is None:
                print_findings(rfind, out=out)
                return EXIT_DATA
            outset.write(files[f"board report {year}Q{q}"], report_bytes(rep))

        prog.step("writing the CSV files")
        write_csvs(res, outset)
        outset.write(RUN_RECORD, compute_record(res, book_path, list(CSV_FILES), outset))

        prog.step(f"the payment run of {year}-12")
        payrun = run_payment_period(outset, files[f"payment run {year}-12"], book, findings,
                                    book_path, f"{year}-12")
    seconds = prog.seconds()

    n_warn = sum(not f.is_error for f in set(res.findings))
    print(f"fee12b1 demo: the default plan's sample year {year}, done in {seconds:.1f} s",
          file=out)
    print("", file=out)
    rounding = res.book.settings.rounding if res.book is not None else "Period"
    note = (f"Plan year {year}, {res.start} to {res.end}. Plan fee, service fees and asset-based "
            f"sales charge are the sums of the monthly figures in accruals.csv (each month "
            f"rounded to cents, Rounding={rounding}), as the workbooks' totals and Tie-out show "
            f"them; ADNA is over the year's calendar days in the plan.")
    for line in textwrap.wrap(note, 96):
        print(line, file=out)
    print("", file=out)
    for line in summary_table(res.accruals, year_res.accruals):
        print(line, file=out)
    print("", file=out)
    print(f"Payment run {year}-12: {len(payrun.statements)} statement(s), payable "
          f"{payrun.totals['payable'] / 100:,.2f}, carried {payrun.totals['carried'] / 100:,.2f} "
          f"(remittance.csv, journal.csv, statements/ in {outdir / files[f'payment run {year}-12']})",
          file=out)
    print("", file=out)
    print(f"{n_warn} warning(s), 0 errors (listed in {outdir / 'checks.csv'}; "
          f"'fee12b1 check {outdir / files['input workbook']}' prints them)", file=out)
    print("", file=out)
    print(f"Files in {outdir}:", file=out)
    width = max(map(len, files))
    for role, name in files.items():
        print(f"  {role.ljust(width)}  {outdir / name}", file=out)
    return EXIT_OK


def cmd_demo(args) -> int:
    return run_demo(Path(args.out), args.year, args.force)


def register(sub) -> None:
    d = sub.add_parser("demo", help="build, compute, publish and report a sample plan year")
    d.add_argument("--out", default=DEFAULT_DIR, metavar="DIR",
                   help=f"folder for the files (default ./{DEFAULT_DIR})")
    d.add_argument("--year", type=int, default=DEFAULT_YEAR, help="plan year (default 2001)")
    d.add_argument("--force", action="store_true",
                   help="write into DIR even if it is not empty (replacing the demo's files)")
    d.set_defaults(func=cmd_demo)
