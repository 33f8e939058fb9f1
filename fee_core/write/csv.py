"""CSV text of the SPEC §8 formats: UTF-8, a header row, ISO dates, money with exactly two
decimals (``Decimal``), rates as decimal fractions, ``true``/``false``, ``\\n`` line ends.

Text taken from the input goes through ``text.csv_safe``: control characters escaped, and an
apostrophe before a start that a spreadsheet would run as a formula.  Numbers are never prefixed.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

from .text import csv_safe


def csv_cell(v) -> str:
    """One value as its CSV text (before quoting)."""
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, int):
        return str(v)
    return csv_safe(str(v))


def csv_quote(text: str) -> str:
    """A field as the csv module writes it (QUOTE_MINIMAL, ',' and '"')."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_column(values) -> list[str]:
    """One column as CSV fields, converted by the column's type (columns are homogeneous);
    text and dates, which repeat, are converted once per distinct value."""
    vals = list(values)
    first = next((v for v in vals if v is not None), None)
    if isinstance(first, (bool, np.bool_)):
        return ["true" if v else "false" for v in vals]
    if isinstance(first, Decimal):
        return [format(v, "f") for v in vals]
    memo = {v: csv_quote(csv_cell(v)) for v in set(vals)}
    return [memo[v] for v in vals]


def csv_text(table, columns) -> str:
    """The rows of ``table`` (Columns or a DataFrame) as CSV text: header, then one line per row."""
    lines = [",".join(csv_quote(c) for c in columns)]
    lines += [",".join(r) for r in zip(*(csv_column(table[c]) for c in columns))]
    return "\n".join(lines) + "\n"
