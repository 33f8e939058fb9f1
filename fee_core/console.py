"""What every command shares on the terminal: exit statuses, the findings printer, progress on
stderr, and the checks of an input path.  Text from the input is printed with its control
characters escaped (``write.text.escape_controls``), so it cannot redraw the screen."""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import IO

from .contract import CHECK_COLUMNS
from .errors import UsageError
from .findings import Finding, sort_findings
from .write.csv import csv_cell
from .write.text import escape_controls

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def iso_date(text: str) -> date:
    """An argparse type: ``YYYY-MM-DD`` -> date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{escape_controls(text)}' is not a date; write it as YYYY-MM-DD") from None


def print_findings(findings: Iterable[Finding], fmt: str = "text", out: IO[str] | None = None,
                   verbose: bool = False) -> None:
    """The findings, errors first: ``text`` (one line each and a count), ``csv`` or ``json``.

    In ``text``, warnings of one code that occur more than once are one line (``group_warnings``):
    the first of them in full, with the count, unless ``verbose``.  Errors are always listed
    one by one; ``csv``, ``json`` and ``checks.csv`` always hold every finding."""
    out = out or sys.stdout
    rows = sort_findings(findings)
    if fmt == "json":
        json.dump([dict(zip(CHECK_COLUMNS, (escape_controls(x) for x in f.as_row())))
                   for f in rows], out, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(CHECK_COLUMNS)
        for f in rows:
            w.writerow([csv_cell(x) for x in f.as_row()])
        return
    grouped = False
    for f, n in ([(f, 1) for f in rows] if verbose else group_warnings(rows)):
        if n == 1:
            out.write(escape_controls(str(f)) + "\n")
            continue
        grouped = True
        code = f"{f.code} ({n})"
        out.write(escape_controls(f"{f.severity.upper():7} {code:28} {f.location}: {f.message}")
                  + f" [and {n - 1} more {f.code} warning(s)]\n")
    n_err = sum(f.is_error for f in rows)
    tail = " (warnings of one kind grouped; fee12b1 check --verbose lists each)" if grouped else ""
    out.write(f"{n_err} error(s), {len(rows) - n_err} warning(s){tail}\n")


def group_warnings(rows: list[Finding]) -> list[tuple[Finding, int]]:
    """``rows`` (sorted) as (finding, count): each error alone; the warnings of one code
    together at the place of the first, which stands for them."""
    counts: dict[str, int] = {}
    for f in rows:
        if not f.is_error:
            counts[f.code] = counts.get(f.code, 0) + 1
    out, seen = [], set()
    for f in rows:
        if f.is_error:
            out.append((f, 1))
        elif f.code not in seen:
            seen.add(f.code)
            out.append((f, counts[f.code]))
    return out


def book_command(sub, name: str, summary: str, description: str,
                 book_help: str = "the input workbook (never changed)") -> argparse.ArgumentParser:
    """A command's sub-parser whose first argument is the input workbook."""
    p = sub.add_parser(name, help=summary, description=description)
    p.add_argument("book", metavar="BOOK.xlsx", help=book_help)
    return p


def data_errors(findings: Iterable[Finding], written: str) -> int:
    """The end of a command stopped by errors in the data: the findings, then what was written
    (``written``: e.g. 'nothing written'), and exit status 1."""
    print_findings(findings)
    print(f"errors in the data: {written}")
    return EXIT_DATA


def xlsx_output(path: str, what: str) -> Path:
    """The path of a workbook a command writes (``what``: 'the report'); not an ``.xlsx`` file
    name, or a folder, is bad usage."""
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise UsageError(f"{escape_controls(path)}: {what} is an .xlsx file")
    if p.is_dir():
        raise UsageError(f"{escape_controls(path)} is a folder; give {what}'s file name")
    return p


def require_input(path: str) -> Path:
    """The input workbook's path; a missing file or a folder is bad usage."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{escape_controls(path)}: no such file")
    if p.is_dir():
        raise UsageError(f"{escape_controls(path)} is a folder; give the workbook file")
    return p


class Progress:
    """``step i/n: what ...`` lines on stderr when it is a terminal (or ``out`` is given), and
    the time since the start for the closing summary line."""

    def __init__(self, total: int, out: IO[str] | None = None):
        self.total, self.i = total, 0
        self.out = out if out is not None else (sys.stderr if sys.stderr.isatty() else None)
        self.t0 = time.perf_counter()

    def step(self, what: str) -> None:
        self.i += 1
        if self.out is not None:
            print(f"step {self.i}/{self.total}: {what} ...", file=self.out, flush=True)

    def seconds(self) -> float:
        return time.perf_counter() - self.t0
