"""Building hostile workbooks by code: the sample plan year as table dicts, written as real
Excel tables, then broken -- through openpyxl (typed cells, plain ranges, cells beside a
table) or by rewriting a sheet's XML (cells openpyxl cannot write: NaN, a formula's cached
text, escapes such as ``_x001B_``).  No binary is committed."""
from __future__ import annotations

import copy
import functools
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from fee_core.write.inputs import write_input_workbook


@functools.cache
def _sample(year: int):
    from templates.sample import sample_tables
    return sample_tables(year)


def sample(year: int = 2001) -> dict:
    """The sample plan year's tables (a fresh copy to break)."""
    return copy.deepcopy(_sample(year))


def nav_row(t: dict, d: date) -> dict:
    return next(r for r in t["NAV"] if r["Date"] == d)


def setting(t: dict, name: str, value) -> None:
    """Set (or add) a Settings row."""
    for r in t["Settings"]:
        if r["Setting"] == name:
            r["Value"] = value
            return
    t["Settings"].append({"Setting": name, "Value": value})


def mutated(fn: Callable[[dict], None]) -> Callable[[Path], None]:
    """A build: the sample plan year's tables changed by ``fn`` (in place), then written."""
    def build(path: Path) -> None:
        t = sample()
        fn(t)
        write(path, t)
    return build


def write(path: Path, tables: dict, headers: dict | None = None,
          edit: Callable[[Workbook], None] | None = None,
          cells: dict[tuple[str, str], str] | None = None, date1904: bool = False) -> None:
    """Write ``tables`` as an input workbook at ``path``; ``edit`` changes the openpyxl
    workbook before it is saved; ``cells`` then replaces cells' XML: (sheet, ref) -> the
    inner XML of ``<c r=ref ...>`` with its attributes, e.g. ``'t="n"><v>NaN</v>'``."""
    wb = write_input_workbook(None, tables, headers=headers, date1904=date1904)
    if edit is not None:
        edit(wb)
    wb.save(path)
    if cells:
        patch_cells(path, cells)


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    wbxml = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group()
        rid = re.search(r'Id="([^"]+)"', tag)
        tgt = re.search(r'Target="([^"]+)"', tag)
        if rid and tgt:
            t = tgt.group(1)
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    out = {}
    for m in re.finditer(r"<sheet\b[^>]*>", wbxml):
        tag = m.group()
        name = re.search(r'name="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        rid = re.search(r'r:id="([^"]+)"', tag).group(1)   # type: ignore[union-attr]
        out[name.replace("&amp;", "&")] = targets[rid]
    return out


def patch_cells(path: Path, cells: dict[tuple[str, str], str]) -> None:
    """Replace cells in the sheet XML of a saved workbook (the cell must exist, or its row)."""
    with zipfile.ZipFile(path) as z:
        parts = _sheet_parts(z)
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    for (sheet, ref), inner in cells.items():
        part = parts[sheet]
        xml = members[part].decode()
        pat = re.compile(rf'<c r="{ref}"(?:[^>]*?/>|[^>]*?>.*?</c>)', re.S)
        old = pat.search(xml)
        style = re.match(r'<c r="[^"]+"[^>]*?(\ss="\d+")', old.group()) if old else None
        keep = style.group(1) if style and ' s="' not in f" {inner}" else ""
        new = f'<c r="{ref}"{keep} {inner}</c>'
        if old:
            xml = pat.sub(lambda m, new=new: new, xml, count=1)
        else:
            row = re.match(r"[A-Z]+(\d+)", ref).group(1)  # type: ignore[union-attr]
            rp = re.compile(rf'(<row r="{row}"[^>]*>)(.*?)(</row>)', re.S)
            if not rp.search(xml):
                raise ValueError(f"no row {row} on sheet {sheet}")
            xml = rp.sub(lambda m, new=new: m.group(1) + m.group(2) + new + m.group(3), xml, count=1)
        members[part] = xml.encode()
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    tmp.replace(path)


def table_ref_rows(wb: Workbook, sheet: str, table: str, extra: int) -> None:
    """Grow (or shrink, negative ``extra``) a table's range by rows."""
    ws = wb[sheet]
    t = ws.tables[table]
    a, b = t.ref.split(":")
    col = re.match(r"[A-Z]+", b).group()  # type: ignore[union-attr]
    row = int(b[len(col):]) + extra
    t.ref = f"{a}:{col}{row}"
    if t.autoFilter is not None:
        t.autoFilter.ref = t.ref


def drop_table(wb: Workbook, sheet: str, table: str) -> None:
    """Turn a table into a plain range (Table Design > Convert to Range): the cells stay."""
    del wb[sheet].tables[table]
