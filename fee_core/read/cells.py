"""The cell reader: python-calamine over the canonical package, and nothing it cannot do.

``read_sheets`` opens the canonical package (``canonical``) with calamine and takes each
sheet's cells through the table covering it (calamine's own table reading: one pass over the
sheet).  Everything calamine can raise -- its own errors, ``MemoryError``, and what is not an
``Exception`` at all, such as pyo3's ``PanicException`` -- is caught here, at the boundary,
and becomes a refusal of the file: ``book.too_large`` for memory, ``book.corrupt`` otherwise.

Values are handed on as calamine gives them: ``float`` for numbers (``int`` if it ever gives
one), ``str`` for text (number-like text and a formula's cached text stay text), ``bool``,
``datetime.date``/``datetime.datetime`` for numbers under a date format, ``''`` for an empty
cell.  Under a date format calamine turns some numbers into something else: a value below 1
(0, -5) into a ``datetime.time``, a duration format into a ``timedelta``, NaN into
1899-12-30 00:00, and it panics on -1e11 days or less.  Such values (``is_lossy``) are read
again from a package without the number formats (``canonical.build(styles=False)``), which
gives the number as stored, so the parser can quote what the cell really holds; a sheet
holding a number that would panic (``Extent.negative_big``) is read that way from the start.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from .canonical import Canonical
from .package import Package
from .refusal import DAMAGED, Refused, refuse

EPOCH = _dt.datetime(1899, 12, 30)           # what calamine makes of NaN under a date format
LOSSY_TYPES = {_dt.time, _dt.timedelta}


def is_lossy(v: Any) -> bool:
    """Whether calamine's value stands for a number it could not keep under a date format."""
    return type(v) in LOSSY_TYPES or (type(v) is _dt.datetime and v == EPOCH)


def guarded(pkg: Package, fn: Callable[[], Any], what: str, sheet: str | None = None) -> Any:
    """``fn()`` at the native boundary: whatever it raises becomes a refusal of the file."""
    try:
        return fn()
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except Refused:
        raise
    except MemoryError:
        raise refuse(pkg.path, "book.too_large",
                     f"{what} needs more memory than this computer has; the workbook is too "
                     f"large or crafted to exhaust memory", sheet=sheet) from None
    except BaseException as exc:     # calamine's errors, and pyo3's PanicException
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise refuse(pkg.path, "book.corrupt",
                     f"{what} failed ({type(exc).__name__}{': ' + detail if detail else ''}); "
                     f"{DAMAGED}", sheet=sheet) from None


class CellReader:
    """calamine open on a canonical package: ``grid(sheet)`` gives the sheet's cells as rows
    from A1 to its last value (``[]`` for none).  Close it (``with``) when done."""

    def __init__(self, pkg: Package, canon: Canonical):
        import python_calamine

        self.pkg = pkg
        self.canon = canon
        self.wb = guarded(pkg, lambda: python_calamine.CalamineWorkbook.from_path(
            canon.path, load_tables=True), "reading the workbook")

    def grid(self, sheet: str) -> list[list]:
        table = self.canon.sheets[sheet].table
        if table is None:
            return []
        return guarded(self.pkg, lambda: self.wb.get_table_by_name(table).to_python(),
                       f"reading sheet {sheet!r}", sheet=sheet)

    def __enter__(self) -> CellReader:
        return self

    def __exit__(self, *exc) -> None:
        guarded(self.pkg, self.wb.close, "closing the workbook")
