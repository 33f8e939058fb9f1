"""``fee12b1 check BOOK.xlsx``: print the findings of a workbook; exit 1 on any error."""
from __future__ import annotations

from ..console import EXIT_DATA, EXIT_OK, book_command, print_findings, require_input
from ..engine import load, run
from ..findings import has_errors


def cmd_check(args) -> int:
    path = require_input(args.book)
    book, findings = load(path)
    if book is not None:
        findings = run(book, findings).findings
    print_findings(findings, args.format, verbose=args.verbose)
    return EXIT_DATA if has_errors(findings) else EXIT_OK


def register(sub) -> None:
    c = book_command(
        sub, "check", "print the findings of a workbook; exit 1 on any error",
        "Read a workbook, check every table and the computation of its Settings period, and print"
        " the findings (errors first).")
    c.add_argument("--format", choices=("text", "csv", "json"), default="text",
                   help="text (default: one line per error, and one line per kind of warning "
                        "with its count), csv (checks.csv columns) or json")
    c.add_argument("--verbose", "-v", action="store_true",
                   help="in text, list every warning on its own line")
    c.set_defaults(func=cmd_check)
