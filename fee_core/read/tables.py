"""Tables cut out of their sheet's cells, with what lies just outside them.

``cut`` turns one ``TableDef`` and its sheet's rows (from A1, as ``cells`` reads them) into a
``RawTable``: the header texts (the sheet's header cells, else the tableColumn names), one
list per column of the data rows (totals rows left out; rows past the sheet's last value are
empty and are not materialised), ``''`` read as ``None`` and, where a column holds one, the
error-cell scan's ``CellError`` put back (``errorcells``).  It also names what the parser
must warn about (SPEC §5 "Data next to a table"): ``rows_below``, the rows just below the
table that hold data in its columns (up to the first empty row), and ``columns_beside``, the
columns just left or right of it holding data in its rows (up to the first empty column);
cells of another table do not count.  ``lossy`` lists the cells calamine could not keep as
numbers (``cells.is_lossy``) for the caller to read again.

``used_range`` gives the range a sheet's values occupy, for a sheet that holds data where a
contract table is expected but is no table (``RawBook.plain_ranges``).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from operator import itemgetter

from ..findings import Finding, Location, column_letter, error
from .cells import EPOCH, LOSSY_TYPES, is_lossy
from .raw import CellError, RawTable
from .tabledefs import TableDef

Specials = Callable[[], dict[tuple[int, int], CellError]]
_BLANK = {"": None}                          # '' -> None, anything else as it is


def _column(rows: list[list], c: int, width: int) -> list:
    """Column ``c`` (0-based) of ``rows``, each ``width`` cells wide ('' past the width)."""
    if c < width:
        # map/itemgetter runs in C and makes no GC-tracked garbage (zip(*rows) would)
        return list(map(itemgetter(c), rows))
    return [""] * len(rows)


def cut(td: TableDef, grid: list[list], others: list[TableDef], specials: Specials,
        path: str, findings: list[Finding]) -> tuple[RawTable, list[tuple[str, int]]]:
    """The table ``td`` out of ``grid`` (its sheet's rows from A1) and its lossy cells as
    (header, data row index)."""
    ncols = td.c2 - td.c1 + 1
    hrow = grid[td.r1 - 1] if td.r1 - 1 < len(grid) else []
    headers: list[str] = []
    for j in range(ncols):
        c = td.c1 - 1 + j
        v = hrow[c] if c < len(hrow) else ""
        if isinstance(v, str) and v != "":
            headers.append(v)
        elif j < len(td.column_names) and td.column_names[j]:
            headers.append(td.column_names[j])
        else:
            headers.append(f"Column{j + 1}")

    first, last = td.first_data_row - 1, td.last_data_row      # 0-based, end exclusive
    rows = grid[first:min(last, len(grid))]
    width = len(grid[0]) if grid else 0     # calamine's rows are all as wide as its range
    columns: dict[str, list] = {}
    lossy: list[tuple[str, int]] = []
    blanks = False
    for j, h in enumerate(headers):
        if h in columns:
            if headers[:j].count(h) == 1:         # reported once per header
                findings.append(error(
                    "table.duplicate_header",
                    Location(file=path, sheet=td.sheet, table=td.name, row=td.r1, column=h,
                             cell=f"{column_letter(td.c1 + j)}{td.r1}"),
                    f"table {td.name!r} has more than one column headed {h!r}; only the first is "
                    "read: rename or delete the other one"))
            continue
        col = _column(rows, td.c1 - 1 + j, width)
        kinds = set(map(type, col))
        if str in kinds and "" in col:
            col = list(map(_BLANK.get, col, col))
            blanks = True
        if kinds & LOSSY_TYPES or (datetime in kinds and EPOCH in col):
            lossy += [(h, i) for i, v in enumerate(col) if is_lossy(v)]
        columns[h] = col
    if blanks:
        for (r, c), err in specials().items():
            j, i = c - td.c1, r - td.first_data_row
            if 0 <= j < ncols and 0 <= i < len(rows) and headers.index(headers[j]) == j:
                col = columns[headers[j]]
                if col[i] is None:
                    col[i] = err
    below, beside = _outside(td, grid, others)
    table = RawTable(name=td.name, sheet=td.sheet, ref=td.ref, headers=tuple(headers),
                     first_col=td.c1, header_row=td.r1, columns=columns,
                     rows_below=below, columns_beside=beside)
    return table, lossy


def _outside(td: TableDef, grid: list[list], others: list[TableDef]) -> tuple[tuple[int, ...],
                                                                              tuple[str, ...]]:
    """The rows just below and the columns just beside ``td`` that hold data."""
    def free(r: int, c: int) -> bool:       # 1-based: not inside another table
        return not any(o.r1 <= r <= o.r2 and o.c1 <= c <= o.c2 for o in others)

    below: list[int] = []
    r = td.r2 + 1
    while r <= len(grid):
        row = grid[r - 1]
        if not any(row[c - 1] != "" and free(r, c) for c in range(td.c1, min(td.c2, len(row)) + 1)):
            break
        below.append(r)
        r += 1
    rows = grid[td.r1 - 1:td.r2]
    width = len(grid[0]) if grid else 0
    beside: list[str] = []
    for step, start in ((1, td.c2 + 1), (-1, td.c1 - 1)):
        c = start
        while 1 <= c <= width:
            values = _column(rows, c - 1, width)
            if set(values) <= {""} or not any(v != "" and free(td.r1 + i, c)
                                               for i, v in enumerate(values)):
                break
            beside.append(column_letter(c))
            c += step
    return tuple(below), tuple(beside)


def used_range(grid: list[list]) -> str | None:
    """The range the values of a sheet's rows occupy (``B3:H40``), None if it has none."""
    filled = [i for i, row in enumerate(grid) if any(v != "" for v in row)]
    if not filled:
        return None
    cols = [j for i in filled for j, v in enumerate(grid[i]) if v != ""]
    return (f"{column_letter(min(cols) + 1)}{filled[0] + 1}:"
            f"{column_letter(max(cols) + 1)}{filled[-1] + 1}")
