"""``fee12b1 publish BOOK.xlsx OUT.xlsx``: the values-only copy for email (SPEC §6)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..console import EXIT_OK, Progress, book_command, data_errors, print_findings, require_input, xlsx_output
from ..write.files import sha256_file
from ..write.publish import PUBLISH_STEPS, publish
from ..write.runrecord import read_run_record

# workbook): its steps are shown on stderr when that is a terminal (SPEC §8).
BIG_INPUT = 1_000_000


def progress_for(book: Path, steps: int) -> tuple[Callable[[str], None] | None, Progress]:
    """(the step callback for a writer -- None for a small input --, the Progress that times
    the run for the closing line)."""
    prog = Progress(steps)
    big = book.stat().st_size >= BIG_INPUT
    return (prog.step if big else None), prog


def cmd_publish(args) -> int:
    book = require_input(args.book)
    out = xlsx_output(args.out, "the published copy")
    payrun = read_run_record(args.payrun, sha256_file(book)) if args.payrun else None
    step, prog = progress_for(book, PUBLISH_STEPS)
    ok, findings = publish(book, out, force=args.force, progress=step, payrun=payrun)
    if not ok:
        return data_errors(findings, f"{out} not written")
    print_findings(findings)
    print(f"wrote {out} in {prog.seconds():.1f} s")
    return EXIT_OK


def register(sub) -> None:
    p = book_command(
        sub, "publish", "write a values-only copy of a workbook for email",
        "Check and compute a workbook and write a new plain .xlsx holding values (every native "
        "tie-out formula with its stored result), no macros and no add-in functions, print-ready,"
        " for readers without Python.")
    p.add_argument("out", metavar="OUT.xlsx", help="the published copy to write")
    p.add_argument("--payrun", metavar="DIR",
                   help="a payment run of this workbook (the folder `fee12b1 pay` wrote): its "
                        "period and totals are named on the Cover")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=cmd_publish)
