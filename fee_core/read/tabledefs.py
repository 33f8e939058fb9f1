"""The Excel tables of a workbook: where each one is, from its sheet's own relationships.

A table belongs to the sheet whose relationships name its part; its range (``ref``) is
checked against the sheet's limits before anything is allocated for it: a range past
XFD1048576 is not a table Excel can hold (``book.corrupt``), and so is a table part claimed
by two sheets or two tables covering one cell.  A range that cannot be read at all is
``table.bad_ref``, a table without a header row ``table.no_header``, a second table of one
name ``table.duplicate_name`` (Excel names are unique without case; the first is kept).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import Finding, Location, error
from .opc import Sheet, relationships
from .package import Package, member_key
from .refusal import DAMAGED, refuse
from .xmlsafe import Attrs, elements

MAX_ROW = 1_048_576                          # the last row of a sheet (Excel 2007 and later)
MAX_COL = 16_384                             # the last column, XFD
MAX_SHEETS = 500

_REF = re.compile(r"^\$?([A-Za-z]{1,10})\$?(\d{1,20})(?::\$?([A-Za-z]{1,10})\$?(\d{1,20}))?$")


def col_index(letters: str) -> int:
    """1-based column index of column letters (A -> 1, XFD -> 16384)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def parse_ref(ref: str) -> tuple[int, int, int, int] | None:
    """``A1:C9`` -> (r1, c1, r2, c2), 1-based, possibly past the sheet's limits; None when it
    is not a range."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    c1, r1 = col_index(m.group(1)), int(m.group(2))
    c2, r2 = (col_index(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
    if r1 < 1 or r2 < r1 or c2 < c1:
        return None
    return r1, c1, r2, c2


@dataclass(frozen=True)
class TableDef:
    """One table as its part defines it: ``r1``..``r2`` and ``c1``..``c2`` its range
    (1-based, header and totals rows included), ``column_names`` its tableColumn names."""

    name: str
    sheet: str
    sheet_part: str
    ref: str
    r1: int
    c1: int
    r2: int
    c2: int
    totals_rows: int
    column_names: tuple[str, ...]

    @property
    def first_data_row(self) -> int:
        return self.r1 + 1

    @property
    def last_data_row(self) -> int:
        return self.r2 - self.totals_rows


def table_defs(pkg: Package, sheets: tuple[Sheet, ...], findings: list[Finding]) -> list[TableDef]:
    """Every table of every worksheet, in sheet order."""
    if len(sheets) > MAX_SHEETS:
        raise refuse(pkg.path, "book.too_large",
                     f"the workbook has {len(sheets):,} sheets, more than the limit of "
                     f"{MAX_SHEETS} (MAX_SHEETS)")
    defs: list[TableDef] = []
    owner: dict[str, str] = {}              # table part -> sheet
    seen: dict[str, TableDef] = {}          # table name (casefolded) -> first definition
    for sheet in sheets:
        if sheet.part is None:
            continue
        for rel in relationships(pkg, sheet.part):
            if not rel.is_a("table"):
                continue
            if rel.part is None:
                raise refuse(pkg.path, "book.corrupt",
                             f"sheet {sheet.name!r} names the table part {rel.target!r}, which is "
                             f"not in the file; {DAMAGED}", sheet=sheet.name)
            key = member_key(rel.part)
            if key in owner:
                raise refuse(pkg.path, "book.corrupt",
                             f"the table part {rel.part!r} is claimed by sheets {owner[key]!r} "
                             f"and {sheet.name!r}; {DAMAGED}", sheet=sheet.name)
            owner[key] = sheet.name
            td = _table_def(pkg, sheet, rel.part, findings)
            if td is None:
                continue
            first = seen.get(td.name.casefold())
            if first is not None:
                findings.append(error(
                    "table.duplicate_name", Location(file=pkg.path, sheet=sheet.name, table=td.name),
                    f"a second table named {td.name!r} (the first is on sheet {first.sheet!r}); "
                    "Excel table names must be unique: rename or delete one of them. Only the "
                    "first is read."))
                continue
            _no_overlap(pkg, td, defs)
            seen[td.name.casefold()] = td
            defs.append(td)
    return defs


def _table_def(pkg: Package, sheet: Sheet, part: str, findings: list[Finding]) -> TableDef | None:
    seen: list[tuple[str, Attrs]] = []
    elements(pkg, part, {"tableColumn"}, lambda name, a: seen.append((name, a)))
    if not seen or seen[0][0] != "table":
        raise refuse(pkg.path, "book.corrupt",
                     f"the part {part!r}, named as a table of sheet {sheet.name!r}, is not a "
                     f"table definition; {DAMAGED}", sheet=sheet.name)
    root = seen[0][1]
    name = root.get("displayName") or root.get("name") or ""
    where = Location(file=pkg.path, sheet=sheet.name, table=name or None)
    ref = (root.get("ref") or "").strip()
    bounds = parse_ref(ref)
    if bounds is None:
        findings.append(error(
            "table.bad_ref", where,
            f"the table's range {ref!r} is not a valid cell range; the file is damaged: in "
            "Excel, resize the table (Table Design > Resize Table) and save"))
        return None
    r1, c1, r2, c2 = bounds
    if r2 > MAX_ROW or c2 > MAX_COL:
        raise refuse(pkg.path, "book.corrupt",
                     f"table {name!r} claims the range {ref!r}, past the last cell of a sheet "
                     f"(XFD{MAX_ROW}): no Excel sheet holds it; {DAMAGED}",
                     sheet=sheet.name, table=name or None)
    try:
        header_rows = int(root.get("headerRowCount", "1"))
        totals_rows = int(root.get("totalsRowCount", "0"))
    except ValueError:
        header_rows, totals_rows = 1, 0
    if header_rows == 0:
        findings.append(error(
            "table.no_header", where,
            f"table {name!r} has no header row, so its columns cannot be found by name; select "
            "the table and tick Table Design > Header Row, then check the headers"))
        return None
    totals_rows = max(0, min(totals_rows, r2 - r1))
    names = tuple(a.get("name", "") for tag, a in seen[1:] if tag == "tableColumn")
    return TableDef(name, sheet.name, sheet.part or "", ref, r1, c1, r2, c2, totals_rows, names)


def _no_overlap(pkg: Package, td: TableDef, defs: list[TableDef]) -> None:
    for o in defs:
        if (o.sheet_part == td.sheet_part and o.r1 <= td.r2 and td.r1 <= o.r2
                and o.c1 <= td.c2 and td.c1 <= o.c2):
            raise refuse(pkg.path, "book.corrupt",
                         f"tables {o.name!r} ({o.ref}) and {td.name!r} ({td.ref}) on sheet "
                         f"{td.sheet!r} cover the same cells, which Excel does not allow; "
                         f"{DAMAGED}", sheet=td.sheet, table=td.name)
