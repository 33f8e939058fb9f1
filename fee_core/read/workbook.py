"""Read an input workbook (.xlsx/.xlsm) into ``RawTable`` records, safely and fast.

``read_workbook(path)`` returns ``(RawBook, findings)`` and never raises for a bad file: a
file that cannot be read safely gives an empty ``RawBook`` (``tables == {}``) and the finding
that says what is wrong and what to do.  It raises only for programming errors (``path`` not
a ``str``/``os.PathLike``).  Workbooks arrive by email and are untrusted; each step has its
module:

1. ``package``: the file and its zip, bounded (sizes, counts, ratio; parts inflated by a
   bounded inflater that checks each part's size and CRC).
2. ``opc``: the workbook's own relationships say which part is which sheet; a package whose
   names or targets read differently for different programs is refused.
3. ``tabledefs``: the tables, found through each sheet's relationships; ranges bounded.
4. ``canonical`` (with ``bounds`` and ``xmlsafe``): the parts to read are copied, checked as
   they stream (no DTD, UTF-8, counts and extents bounded), into a package calamine can only
   read one way.
5. ``cells``: python-calamine reads that package, guarded at the native boundary.
6. ``tables`` (with ``errorcells``): each table cut out of its sheet, with the rows and
   columns next to it; error cells put back.

Macros are never run: only XML and cached values are read (``vbaProject.bin`` is never
copied).  The input file is opened read-only and never written.
"""
from __future__ import annotations

import os

from ..contract import TABLES
from ..findings import Finding, Location, warning
from . import canonical
from .cells import CellReader
from .errorcells import special_cells
from .opc import Sheet, Structure, structure
from .package import Package, open_package
from .raw import CellError, RawBook, RawTable
from .refusal import DAMAGED, Refused, refuse
from .tabledefs import TableDef, table_defs
from .tables import cut, used_range

__all__ = ["read_workbook"]


def read_workbook(path) -> tuple[RawBook, list[Finding]]:
    """Read every Excel table of the workbook at ``path``.

    Returns the tables (name -> ``RawTable``) and findings.  A file that cannot be read
    safely gives ``RawBook(path, {})`` and at least one error finding.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be str or os.PathLike, got {type(path).__name__}")
    fspath = os.fspath(path)
    if not isinstance(fspath, str):
        raise TypeError("path must be a text path, not bytes")
    findings: list[Finding] = []
    try:
        try:
            with open_package(fspath) as pkg:
                book = _read(pkg, findings)
        except MemoryError:
            raise refuse(fspath, "book.too_large",
                         "reading the workbook needs more memory than this computer has; it is "
                         "too large or crafted to exhaust memory") from None
        except OSError as exc:
            raise refuse(fspath, "book.not_found",
                         f"the workbook file cannot be read ({exc.strerror or exc}); check the "
                         "file and its permissions") from None
    except Refused as exc:
        findings.append(exc.finding)
        book = RawBook(path=fspath, tables={})
    return book, findings


def _read(pkg: Package, findings: list[Finding]) -> RawBook:
    if pkg.has("mimetype") and pkg.has("content.xml"):
        raise refuse(pkg.path, "book.not_workbook",
                     "the file is an OpenDocument spreadsheet (.ods), not .xlsx; open it and "
                     "save it as Excel Workbook (.xlsx)")
    st = structure(pkg)
    defs = table_defs(pkg, st.sheets, findings)
    findings += _hidden(pkg.path, st, defs)
    by_sheet: dict[str, list[TableDef]] = {}
    for td in defs:
        by_sheet.setdefault(td.sheet, []).append(td)
    plain = _plain_candidates(st, defs)
    to_read = [s for s in st.sheets if s.name in by_sheet or s.name in plain]
    tables: dict[str, RawTable] = {}
    ranges: dict[str, str] = {}
    if to_read:
        with canonical.build(pkg, st, to_read) as canon:
            risky = [s for s in to_read if canon.sheets[s.name].extent.negative_big]
            with CellReader(pkg, canon) as reader:
                for sheet in to_read:
                    grid = (_raw_grid(pkg, st, sheet) if sheet in risky
                            else reader.grid(sheet.name))
                    for td in by_sheet.get(sheet.name, []):
                        tables[td.name] = _table(pkg, st, canon, td, grid, by_sheet, findings)
                    if sheet.name in plain:
                        r = used_range(grid)
                        if r is not None:
                            ranges[sheet.name] = r
                    del grid
    return RawBook(path=pkg.path, tables=tables, date1904=st.date1904,
                   sheet_names=tuple(s.name for s in st.sheets), plain_ranges=ranges)


def _table(pkg: Package, st: Structure, canon: canonical.Canonical, td: TableDef, grid: list,
           by_sheet: dict[str, list[TableDef]], findings: list[Finding]) -> RawTable:
    others = [o for o in by_sheet[td.sheet] if o is not td]
    table, lossy = cut(td, grid, others, _specials(pkg, canon, td.sheet), pkg.path, findings)
    if lossy:
        sheet = next(s for s in st.sheets if s.name == td.sheet)
        raw = _raw_grid(pkg, st, sheet)
        for header, i in lossy:
            r, c = td.first_data_row - 1 + i, td.c1 - 1 + table.headers.index(header)
            table.columns[header][i] = raw[r][c] if r < len(raw) and c < len(raw[r]) else None
    return table


def _raw_grid(pkg: Package, st: Structure, sheet: Sheet) -> list[list]:
    """A sheet's cells read without its number formats: numbers exactly as stored."""
    with canonical.build(pkg, st, [sheet], styles=False) as canon, CellReader(pkg, canon) as r:
        return r.grid(sheet.name)


def _specials(pkg: Package, canon: canonical.Canonical, sheet: str):
    """The sheet's error and no-value cells, scanned once, on first use."""
    memo: dict[tuple[int, int], CellError] | None = None

    def get() -> dict[tuple[int, int], CellError]:
        nonlocal memo
        if memo is None:
            try:
                memo = special_cells(canon.sheet_xml(sheet))
            except ValueError as exc:
                raise refuse(pkg.path, "book.corrupt",
                             f"sheet {sheet!r} cannot be scanned for error cells ({exc}); "
                             f"{DAMAGED}", sheet=sheet) from None
        return memo
    return get


def _plain_candidates(st: Structure, defs: list[TableDef]) -> set[str]:
    """Contract sheets (by name) that hold no table at all while their contract table is
    nowhere: if they hold data, it is a plain range where the table should be."""
    names = {td.name for td in defs}
    with_tables = {td.sheet for td in defs}
    sheets = {s.name for s in st.sheets if s.part is not None}
    return {spec.sheet for spec in TABLES.values()
            if spec.name not in names and spec.sheet in sheets and spec.sheet not in with_tables}


def _hidden(path: str, st: Structure, defs: list[TableDef]) -> list[Finding]:
    """A contract table on a hidden or very hidden sheet: counted in the figures, unseen."""
    state = {s.name: s.state for s in st.sheets}
    out = []
    for td in defs:
        s = state.get(td.sheet, "visible")
        if td.name not in TABLES or s == "visible":
            continue
        how = ("very hidden: it is not even listed under Unhide; only the VBA editor (Alt+F11, "
               "the sheet's Visible property) shows it" if s == "veryHidden" else
               "hidden: right-click a sheet tab > Unhide to show it")
        out.append(warning(
            "table.hidden_sheet", Location(file=path, sheet=td.sheet, table=td.name),
            f"table {td.name} is on sheet {td.sheet!r}, which is {how}. Its rows count in the "
            f"figures although nobody sees them: unhide the sheet and check them."))
    return out
