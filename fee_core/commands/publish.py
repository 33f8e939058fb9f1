"""``fee12b1 publish BOOK.xlsx OUT.xlsx``: the values-only copy for email (SPEC §6)."""
from __future__ import annotations

from pathlib import Path

from ..console import EXIT_DATA, EXIT_OK, print_findings, require_input
from ..errors import UsageError
from ..write.publish import publish


def cmd_publish(args) -> int:
    book = require_input(args.book)
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: the published copy is a plain .xlsx file")
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give the output file")
    ok, findings = publish(book, out, force=args.force)
    print_findings(findings)
    if not ok:
        print(f"errors in the data: {out} not written")
        return EXIT_DATA
    print(f"wrote {out}")
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("publish", help="write a values-only copy of a workbook for email",
                       description="Check and compute a workbook and write a new plain .xlsx "
                                   "holding values only (no macros, no add-in functions), with "
                                   "native tie-out totals, for readers without Python.")
    p.add_argument("book", metavar="BOOK.xlsx", help="the input workbook (never changed)")
    p.add_argument("out", metavar="OUT.xlsx", help="the published copy to write")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=cmd_publish)
