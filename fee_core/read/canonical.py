"""The package python-calamine reads: exactly the parts verified here, under plain names.

calamine finds parts its own way (a fixed ``sharedStrings.xml`` and ``styles.xml`` beside the
workbook, targets taken literally, the first member of a name), which is not always the way
Excel and the workbook's relationships say.  So calamine never opens the input.  ``build``
copies each part fee12b1 resolved (``opc``) into a new, uncompressed package in a temporary
file -- the shared strings, the styles and the sheets to read -- while checking it as its bytes
stream past: no DTD, UTF-8, the shared-string counts and the sheet's extent bounded
(``bounds``).  Only then are the workbook, its relationships and one table per sheet written,
each under a name no program can read two ways.  The table covers the sheet from A1 to its
last value, so calamine's own table reading hands over the sheet's cells in one pass.

The temporary file holds a copy of the input's data; it is deleted when the ``Canonical`` is
closed (``with build(...) as canon``).
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, field

from ..findings import column_letter
from .bounds import (
    MAX_BOOK_CELLS,
    MAX_SHEET_CELLS,
    Extent,
    SheetScan,
    check_dimension,
    check_extent,
    check_shared_strings,
    exact_scan,
)
from .opc import Sheet, Structure
from .package import Package
from .refusal import Refused, refuse
from .xmlsafe import PROLOG_BYTES, check_head

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAX_SIDE_PART_BYTES = 64 * 1024 * 1024      # shared strings, styles


@dataclass
class CanonicalSheet:
    """A sheet copied into the package as ``xl/worksheets/sheet{n}.xml``; ``extent`` is what
    its cells span; ``table`` the name of the table covering them (None: no cells)."""

    sheet: Sheet
    n: int
    extent: Extent = field(default_factory=Extent)
    table: str | None = None

    @property
    def member(self) -> str:
        return f"xl/worksheets/sheet{self.n}.xml"


@dataclass
class Canonical:
    path: str
    date1904: bool
    sheets: dict[str, CanonicalSheet]            # by the workbook's sheet name

    def sheet_xml(self, name: str) -> bytes:
        """The sheet's XML as copied (read back from the package)."""
        with zipfile.ZipFile(self.path) as z:
            return z.read(self.sheets[name].member)

    def close(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def __enter__(self) -> Canonical:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def build(pkg: Package, st: Structure, sheets: list[Sheet], styles: bool = True) -> Canonical:
    """The canonical package of ``sheets`` (with the workbook's number formats when
    ``styles``); refused (``Refused``) as soon as a part fails its checks."""
    try:
        fd, path = tempfile.mkstemp(prefix="fee12b1-read-", suffix=".xlsx")
    except OSError as exc:
        raise _no_room(pkg, exc) from None
    canon = Canonical(path, st.date1904, {})
    try:
        exact: list[CanonicalSheet] = []
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as z:
            if st.shared_strings is not None:
                _copy(pkg, z, st.shared_strings, "xl/sharedStrings.xml", shared_strings=True)
            if styles and st.styles is not None:
                _copy(pkg, z, st.styles, "xl/styles.xml")
            for n, sheet in enumerate(sheets, start=1):
                cs = CanonicalSheet(sheet, n)
                cs.extent, needs_exact = _copy_sheet(pkg, z, sheet, cs.member)
                canon.sheets[sheet.name] = cs
                if needs_exact or cs.extent.cells > MAX_SHEET_CELLS:
                    exact.append(cs)
        for cs in exact:        # measured again, following the elements, counting values only
            cs.extent = exact_scan(canon.sheet_xml(cs.sheet.name))
        total = 0
        for cs in canon.sheets.values():
            check_extent(pkg, cs.sheet.name, cs.extent)
            total += cs.extent.cells
            if total > MAX_BOOK_CELLS:
                raise refuse(pkg.path, "book.too_large",
                             f"the sheets with tables span {total:,} cells from A1 to their last "
                             f"values (reached at sheet {cs.sheet.name!r}), more than the "
                             f"{MAX_BOOK_CELLS:,} a workbook may (MAX_BOOK_CELLS); split the data "
                             f"across workbooks", sheet=cs.sheet.name)
        with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z:
            _write_workbook(z, canon, st.shared_strings is not None,
                            styles and st.styles is not None)
    except OSError as exc:
        canon.close()
        raise _no_room(pkg, exc) from None
    except BaseException:
        canon.close()
        raise
    return canon


def _no_room(pkg: Package, exc: OSError) -> Refused:
    return refuse(pkg.path, "book.too_large",
                  f"the workbook cannot be unpacked into the temporary folder "
                  f"{tempfile.gettempdir()!r} ({exc.strerror or exc}); free some disk space there, "
                  f"or point TMPDIR (TEMP on Windows) at a folder with room, and run again")


def _copy(pkg: Package, z: zipfile.ZipFile, part: str, member: str,
          shared_strings: bool = False) -> None:
    info = pkg.info(part)
    if info is not None and info.file_size > MAX_SIDE_PART_BYTES:
        raise refuse(pkg.path, "book.too_large",
                     f"the part {info.filename!r} is {info.file_size:,} bytes, more than the "
                     f"{MAX_SIDE_PART_BYTES:,} a workbook's shared strings or styles may be "
                     f"(MAX_SIDE_PART_BYTES; calamine holds them whole, several times their size)")
    with z.open(member, "w") as out:
        first = True
        for chunk in pkg.chunks(part, crc=False):
            if first:
                head = chunk[:PROLOG_BYTES]
                check_head(pkg, part, head, scanned=shared_strings)
                if shared_strings:
                    check_shared_strings(pkg, part, head)
                first = False
            out.write(chunk)
    pkg.check_crc(part, z.getinfo(member).CRC)   # zipfile computed it while writing


def _copy_sheet(pkg: Package, z: zipfile.ZipFile, sheet: Sheet, member: str) -> tuple[Extent, bool]:
    assert sheet.part is not None
    scan = SheetScan()
    with z.open(member, "w") as out:
        first = True
        for chunk in pkg.chunks(sheet.part, crc=False):
            if first:
                head = chunk[:PROLOG_BYTES]
                check_head(pkg, sheet.part, head, scanned=True)
                check_dimension(pkg, sheet.name, head)
                first = False
            scan.feed(chunk)
            out.write(chunk)
    pkg.check_crc(sheet.part, z.getinfo(member).CRC)
    return scan.finish(), scan.exact_needed


def _write_workbook(z: zipfile.ZipFile, canon: Canonical, strings: bool, styles: bool) -> None:
    """The workbook, its relationships and one table per sheet with cells (headerless, from
    A1 to the sheet's last value): the sheets are named ``s{n}``, the tables ``t{n}``."""
    read = [cs for cs in canon.sheets.values() if cs.extent.cells]
    pr = '<workbookPr date1904="1"/>' if canon.date1904 else "<workbookPr/>"
    sheets = "".join(f'<sheet name="s{cs.n}" sheetId="{cs.n}" r:id="rId{cs.n}"/>' for cs in read)
    z.writestr("xl/workbook.xml", f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">{pr}'
                                  f"<sheets>{sheets}</sheets></workbook>")
    rels = [(f"rId{cs.n}", "worksheet", f"worksheets/sheet{cs.n}.xml") for cs in read]
    if strings:
        rels.append(("rIdStrings", "sharedStrings", "sharedStrings.xml"))
    if styles:
        rels.append(("rIdStyles", "styles", "styles.xml"))
    z.writestr("xl/_rels/workbook.xml.rels", _rels(rels))
    z.writestr("_rels/.rels", _rels([("rId1", "officeDocument", "xl/workbook.xml")]))
    overrides = []
    for cs in read:
        cs.table = f"t{cs.n}"
        ref = f"A1:{column_letter(cs.extent.max_col)}{cs.extent.max_row}"
        z.writestr(f"xl/tables/table{cs.n}.xml",
                   f'{_XML}<table xmlns="{_MAIN}" id="{cs.n}" name="{cs.table}" '
                   f'displayName="{cs.table}" ref="{ref}" headerRowCount="0"/>')
        z.writestr(f"xl/worksheets/_rels/sheet{cs.n}.xml.rels",
                   _rels([("rId1", "table", f"../tables/table{cs.n}.xml")]))
        overrides.append(f'<Override PartName="/xl/tables/table{cs.n}.xml" ContentType='
                         f'"application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/>')
    z.writestr("[Content_Types].xml",
               f'{_XML}<Types xmlns="{_CT}"><Default Extension="xml" ContentType="application/xml"/>'
               f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
               f'relationships+xml"/>{"".join(overrides)}</Types>')


def _rels(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<Relationship Id="{rid}" Type="{_REL}/{kind}" Target="{target}"/>'
                   for rid, kind, target in items)
    return f'{_XML}<Relationships xmlns="{_PKG_REL}">{body}</Relationships>'
