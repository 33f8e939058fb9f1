"""Writing outputs: CSV text of the SPEC §8 formats and atomic, no-clobber file writes.

Text cells that Excel would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
or CR) are written with a leading apostrophe in CSV (the usual guidance against CSV
injection); numbers are never prefixed.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


class OutputExists(Exception):
    """An output exists and --force was not given."""


def safe_text(s: str) -> str:
    """Text that cannot become a formula in a spreadsheet."""
    return "'" + s if s.startswith(DANGEROUS) else s


def csv_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (int,)):
        return str(v)
    return safe_text(str(v))


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


def csv_text(df, columns) -> str:
    """The rows of ``df`` (Columns or a DataFrame) as CSV text: header, then one line per row, '\n' line ends."""
    lines = [",".join(csv_quote(c) for c in columns)]
    lines += [",".join(r) for r in zip(*(csv_column(df[c]) for c in columns))]
    return "\n".join(lines) + "\n"


def atomic_write(path: Path, data: bytes, force: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename;
    refuse to replace an existing file without ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(f"{path} exists; use --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)           # mkstemp makes 0600; give the file the usual mode
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def same_file(a, b) -> bool:
    """True when two paths name the same file (so an output would overwrite the input)."""
    try:
        return Path(a).resolve() == Path(b).resolve() or \
            (Path(b).exists() and os.path.samefile(a, b))
    except OSError:
        return False
