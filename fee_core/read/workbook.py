"""Read an input workbook (.xlsx/.xlsm) into ``RawTable`` records, safely and fast.

``read_workbook(path)`` returns ``(RawBook, findings)`` and never raises for a bad file: a
file that cannot be read safely gives an empty ``RawBook`` (``tables == {}``) and findings
saying what is wrong and what to do.  It raises only for programming errors (``path`` not a
``str``/``os.PathLike``).

Workbooks arrive by email and are untrusted, so before anything is parsed:

* the file must exist and be at most ``MAX_FILE_BYTES``;
* an OLE2/CFB file is either a password-protected workbook or a legacy ``.xls``
  (``book.encrypted`` / ``book.xls``); anything that is not a zip is ``book.not_workbook``;
* the zip's entry count is read from its end record before the central directory is loaded,
  and member count, per-member and total uncompressed sizes and the compression ratio are
  bounded (``book.too_large``);
* every XML part read here (package rels, workbook, workbook rels, sheet rels, table parts)
  is parsed with ``defusedxml`` (DTDs and entities forbidden), and the parts python-calamine
  parses (workbook, styles, shared strings, the sheets holding tables) are checked for a
  DTD in their prolog first: an entity bomb is refused with ``book.unsafe_xml`` after
  reading a few kilobytes;
* the members handed to calamine are inflated once here with a bounded streaming inflater
  so that a member whose real size is larger than its zip header says is refused before
  calamine sees it (calamine's zip reader trusts the stream, not the header).

Macros are never run: only XML and cached values are read (``vbaProject.bin`` is ignored).
The input file is opened read-only and never written.

Values come from python-calamine (one workbook open, each table sheet read once).  Calamine
returns ``''`` for Excel error cells and for formulas saved without a computed value, so
when a table's data holds ``''`` the sheet XML is scanned (bytes search, no parse) for cells
with ``t="e"`` (-> ``CellError('#N/A')`` etc.) and formula cells with no ``<v>`` value
(-> ``CellError('#NO-VALUE')``).
"""
from __future__ import annotations

import datetime as _dt
import mmap
import os
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from operator import itemgetter
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _safe_fromstring

from ..findings import Finding, Location, column_letter, error
from .raw import CellError, RawBook, RawTable

__all__ = [
    "read_workbook",
    "MAX_FILE_BYTES", "MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES",
    "MAX_RATIO", "RATIO_MIN_BYTES", "MAX_SHEETS", "MAX_TABLE_CELLS", "MAX_XML_PART_BYTES",
]

# ---------------------------------------------------------------------------------- limits
MAX_FILE_BYTES = 200 * 1024 * 1024          # the file on disk
MAX_MEMBERS = 10_000                        # zip entries
MAX_MEMBER_BYTES = 1024 * 1024 * 1024       # one part, uncompressed
MAX_TOTAL_BYTES = 1024 * 1024 * 1024        # all parts, uncompressed
MAX_RATIO = 200                             # uncompressed/compressed of one part ...
RATIO_MIN_BYTES = 10 * 1024 * 1024          # ... when it is larger than this
MAX_SHEETS = 500
MAX_TABLE_CELLS = 50_000_000                # data cells across all tables
MAX_XML_PART_BYTES = 50 * 1024 * 1024       # a rels/workbook/table part parsed as a tree
_PROLOG_BYTES = 64 * 1024                   # how far into a part a DTD is looked for

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NO_VALUE = "#NO-VALUE"

_NS_MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            "http://purl.oclc.org/ooxml/spreadsheetml/main")
_NS_REL_ATTR = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                "http://purl.oclc.org/ooxml/officeDocument/relationships")

_SAVE_AS = ("open it in Excel and save it as an Excel Workbook (.xlsx) without a password, "
            "then run again")


class _Refused(Exception):
    """Stop reading: the file is refused with this finding."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


@dataclass
class _TableDef:
    name: str
    sheet: str
    sheet_part: str
    ref: str
    r1: int
    c1: int
    r2: int
    c2: int
    header_rows: int
    totals_rows: int
    column_names: list


# ------------------------------------------------------------------------------ public API
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
        book = _Reader(fspath, findings).read()
    except _Refused as exc:
        findings.append(exc.finding)
        book = RawBook(path=fspath, tables={})
    return book, findings


# ------------------------------------------------------------------------------- the reader
class _Reader:
    def __init__(self, path: str, findings: list[Finding]):
        self.path = path
        self.findings = findings
        self.loc = Location(file=path)
        self.kept: dict[str, bytes] = {}       # verified sheet XML, for the error-cell scan

    # -- helpers
    def refuse(self, code: str, message: str, **where) -> _Refused:
        return _Refused(error(code, Location(file=self.path, **where), message))

    def read(self) -> RawBook:
        size = self._check_file()
        with open(self.path, "rb") as fh:
            head = fh.read(8)
            if head.startswith(CFB_MAGIC):
                raise self._cfb_refusal(fh)
            if not head.startswith(b"PK"):
                raise self.refuse(
                    "book.not_workbook",
                    "the file is not an Excel workbook (.xlsx/.xlsm is a zip file; this one is "
                    f"not); {_SAVE_AS}")
            n_entries = _zip_entry_count(fh, size)
            if n_entries is None:
                raise self.refuse("book.not_workbook",
                                  "the file starts like a zip but has no zip directory (it is "
                                  f"damaged or not a workbook); {_SAVE_AS}")
            if n_entries > MAX_MEMBERS:
                raise self.refuse("book.too_large",
                                  f"the workbook has {n_entries:,} parts, more than the limit of "
                                  f"{MAX_MEMBERS:,}; it is damaged or not an input workbook")
            fh.seek(0)
            try:
                zf = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError,
                    EOFError, NotImplementedError) as exc:
                raise self.refuse("book.not_workbook",
                                  f"the file is not a readable workbook ({exc}); {_SAVE_AS}") from None
            with zf:
                return self._read_zip(fh, zf)

    def _check_file(self) -> int:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise self.refuse("book.not_found",
                              "the workbook file does not exist; check the path and file name") from None
        except OSError as exc:
            raise self.refuse("book.not_found",
                              f"the workbook file cannot be opened ({exc.strerror or exc}); "
                              "check the path and its permissions") from None
        if not os.path.isfile(self.path):
            raise self.refuse("book.not_workbook",
                              "the path is not a file (a folder?); give the path of the .xlsx file")
        if st.st_size > MAX_FILE_BYTES:
            raise self.refuse("book.too_large",
                              f"the file is {st.st_size:,} bytes, more than the limit of "
                              f"{MAX_FILE_BYTES:,} bytes (MAX_FILE_BYTES); split the data or "
                              "remove unused sheets")
        if st.st_size == 0:
            raise self.refuse("book.not_workbook", f"the file is empty; {_SAVE_AS}")
        return st.st_size

    def _cfb_refusal(self, fh) -> _Refused:
        # An OLE2 compound file: an encrypted OOXML package has EncryptionInfo and
        # EncryptedPackage streams; directory entry names are stored as UTF-16LE.
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            encrypted = (data.find("EncryptionInfo".encode("utf-16-le")) >= 0
                         or data.find("EncryptedPackage".encode("utf-16-le")) >= 0)
        if encrypted:
            return self.refuse("book.encrypted",
                               "the workbook is password-protected (encrypted), so it cannot be "
                               "read; open it in Excel, remove the password (File > Info > "
                               "Protect Workbook > Encrypt with Password, clear it) and save it "
                               "as .xlsx")
        return self.refuse("book.xls",
                           "the file is a legacy binary Excel workbook (.xls), not .xlsx; "
                           "open it in Excel and save it as Excel Workbook (.xlsx)")

    # -- zip level
    def _read_zip(self, fh, zf: zipfile.ZipFile) -> RawBook:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise self.refuse("book.too_large",
                              f"the workbook has {len(infos):,} parts, more than the limit of "
                              f"{MAX_MEMBERS:,}")
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            key = info.filename.lower()
            if key in members:
                raise self.refuse("book.corrupt",
                                  f"the workbook's zip holds the part {info.filename!r} twice; "
                                  f"it is damaged or tampered with; {_SAVE_AS}")
            members[key] = info
            if info.file_size > MAX_MEMBER_BYTES:
                raise self.refuse("book.too_large",
                                  f"the part {info.filename!r} unpacks to {info.file_size:,} "
                                  f"bytes, more than the per-part limit of {MAX_MEMBER_BYTES:,} "
                                  "(MAX_MEMBER_BYTES)")
            if info.file_size > RATIO_MIN_BYTES:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > MAX_RATIO:
                    raise self.refuse("book.too_large",
                                      f"the part {info.filename!r} is compressed {ratio:,.0f} to 1 "
                                      f"(limit {MAX_RATIO} to 1 above {RATIO_MIN_BYTES:,} bytes, "
                                      "MAX_RATIO): this looks like a zip bomb and is not read")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise self.refuse("book.too_large",
                              f"the workbook unpacks to {total:,} bytes, more than the limit of "
                              f"{MAX_TOTAL_BYTES:,} (MAX_TOTAL_BYTES)")
        self.fh = fh
        self.members = members

        if "mimetype" in members and "content.xml" in members:
            raise self.refuse("book.not_workbook",
                              "the file is an OpenDocument spreadsheet (.ods), not .xlsx; "
                              "open it and save it as Excel Workbook (.xlsx)")
        wb_part = self._office_document()
        if wb_part.lower().endswith(".bin"):
            raise self.refuse("book.xls",
                              "the file is a binary Excel workbook (.xlsb), not .xlsx; "
                              "open it in Excel and save it as Excel Workbook (.xlsx)")
        if wb_part.lower() not in members:
            raise self.refuse("book.not_workbook",
                              f"the file is a zip but not an Excel workbook (no {wb_part}); "
                              f"{_SAVE_AS}")

        # the parts python-calamine parses itself: check them for a DTD before it does
        for extra in ("xl/styles.xml", "xl/sharedstrings.xml", "[content_types].xml",
                      "xl/_rels/workbook.xml.rels", wb_part.lower()):
            if extra in members:
                self._check_prolog(members[extra].filename)
                self._verify_size(members[extra].filename)

        wb_root = self._parse(wb_part)
        date1904 = False
        sheets: list[tuple[str, str]] = []       # (name, r:id)
        for el in wb_root.iter():
            tag = _local(el.tag)
            if tag == "workbookPr":
                date1904 = el.get("date1904", "").strip().lower() in ("1", "true")
            elif tag == "sheet":
                rid = None
                for ns in _NS_REL_ATTR:
                    rid = rid or el.get(f"{{{ns}}}id")
                sheets.append((el.get("name", ""), rid or ""))
        if len(sheets) > MAX_SHEETS:
            raise self.refuse("book.too_large",
                              f"the workbook has {len(sheets):,} sheets, more than the limit of "
                              f"{MAX_SHEETS} (MAX_SHEETS)")
        sheet_names = tuple(n for n, _ in sheets)
        wb_rels = self._rels(wb_part)
        table_defs = self._table_defs(sheets, wb_rels)
        tables = self._load_tables(table_defs, date1904)
        return RawBook(path=self.path, tables=tables, date1904=date1904, sheet_names=sheet_names)

    def _office_document(self) -> str:
        for rtype, target in self._rels("").values():
            if rtype.endswith("/officeDocument"):
                return target
        return "xl/workbook.xml"

    # -- XML parts
    def _member(self, part: str) -> zipfile.ZipInfo | None:
        return self.members.get(part.lower())

    def _read_member(self, part: str, limit: int | None = None, head: int | None = None) -> bytes:
        info = self._member(part)
        if info is None:
            raise self.refuse("book.corrupt", f"the workbook part {part!r} is missing; {_SAVE_AS}")
        if limit is not None and info.file_size > limit:
            raise self.refuse("book.too_large",
                              f"the part {part!r} is {info.file_size:,} bytes, more than the "
                              f"limit of {limit:,} for such a part")
        try:
            return _inflate(self.fh, info, head=head)
        except _ZipLie as exc:
            raise self.refuse("book.too_large" if exc.too_big else "book.corrupt",
                              f"the part {part!r} {exc}; the file is damaged or crafted to "
                              "exhaust memory, and is not read") from None

    def _check_prolog(self, part: str) -> None:
        head = self._read_member(part, head=_PROLOG_BYTES)
        if _has_dtd(head):
            raise self.refuse("book.unsafe_xml",
                              f"the part {part!r} declares a DTD or entities (an 'XML bomb' "
                              "pattern Excel never writes); the file is refused; ask the sender "
                              "for a workbook saved by Excel")

    def _parse(self, part: str):
        self._check_prolog(part)
        data = self._read_member(part, limit=MAX_XML_PART_BYTES)
        try:
            return _safe_fromstring(data, forbid_dtd=True, forbid_entities=True,
                                    forbid_external=True)
        except DefusedXmlException:
            raise self.refuse("book.unsafe_xml",
                              f"the part {part!r} declares a DTD or entities (an 'XML bomb' "
                              "pattern Excel never writes); the file is refused; ask the sender "
                              "for a workbook saved by Excel") from None
        except (ParseError, ValueError) as exc:
            raise self.refuse("book.corrupt",
                              f"the part {part!r} is not well-formed XML ({exc}); {_SAVE_AS}") from None

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, resolved part name) for ``part``."""
        d, name = posixpath.split(part)
        rels_part = posixpath.join(d, "_rels", name + ".rels")
        out = {}
        if self._member(rels_part) is None:
            return out
        root = self._parse(rels_part)
        for el in root.iter():
            if _local(el.tag) != "Relationship" or el.get("TargetMode", "").lower() == "external":
                continue
            target = _resolve(part, el.get("Target", ""))
            if target is not None:
                out[el.get("Id", "")] = (el.get("Type", ""), target)
        return out

    # -- tables
    def _table_defs(self, sheets, wb_rels) -> list[_TableDef]:
        defs: list[_TableDef] = []
        seen: dict[str, str] = {}
        total_cells = 0
        for sheet_name, rid in sheets:
            rel = wb_rels.get(rid)
            if rel is None or not rel[0].endswith("/worksheet"):
                continue                      # chart sheets, dialog sheets, dangling ids
            sheet_part = rel[1]
            if self._member(sheet_part) is None:
                continue
            for rtype, target in self._rels(sheet_part).values():
                if not rtype.endswith("/table") or self._member(target) is None:
                    continue
                td = self._table_def(sheet_name, sheet_part, target)
                if td is None:
                    continue
                key = td.name.lower()
                if key in seen:
                    self.findings.append(error(
                        "table.duplicate_name",
                        Location(file=self.path, sheet=sheet_name, table=td.name),
                        f"a second table named {td.name!r} (the first is on sheet "
                        f"{seen[key]!r}); Excel table names must be unique: rename or delete "
                        "one of them. Only the first is read."))
                    continue
                seen[key] = sheet_name
                total_cells += (td.r2 - td.r1 - td.header_rows - td.totals_rows + 1) * \
                    (td.c2 - td.c1 + 1)
                if total_cells > MAX_TABLE_CELLS:
                    raise self.refuse("book.too_large",
                                      f"the tables hold more than {MAX_TABLE_CELLS:,} data cells "
                                      "(MAX_TABLE_CELLS, reached at table "
                                      f"{td.name!r}); split the data across workbooks",
                                      sheet=sheet_name, table=td.name)
                defs.append(td)
        return defs

    def _table_def(self, sheet_name: str, sheet_part: str, part: str) -> _TableDef | None:
        root = self._parse(part)
        if _local(root.tag) != "table":
            return None
        name = root.get("displayName") or root.get("name") or ""
        where = dict(sheet=sheet_name, table=name or None)
        ref = (root.get("ref") or "").strip()
        bounds = _parse_ref(ref)
        if bounds is None:
            self.findings.append(error(
                "table.bad_ref", Location(file=self.path, **where),
                f"the table's range {ref!r} is not a valid cell range; the file is damaged: "
                "in Excel, resize the table (Table Design > Resize Table) and save"))
            return None
        r1, c1, r2, c2 = bounds
        try:
            header_rows = int(root.get("headerRowCount", "1"))
            totals_rows = int(root.get("totalsRowCount", "0"))
        except ValueError:
            header_rows, totals_rows = 1, 0
        if header_rows == 0:
            self.findings.append(error(
                "table.no_header", Location(file=self.path, **where),
                f"table {name!r} has no header row, so its columns cannot be found by name; "
                "select the table and tick Table Design > Header Row, then check the headers"))
            return None
        header_rows = 1
        totals_rows = max(0, min(totals_rows, r2 - r1))
        col_names = []
        for el in root.iter():
            if _local(el.tag) == "tableColumn":
                col_names.append(el.get("name", ""))
        return _TableDef(name, sheet_name, sheet_part, ref, r1, c1, r2, c2,
                         header_rows, totals_rows, col_names)

    def _load_tables(self, defs: list[_TableDef], date1904: bool) -> dict[str, RawTable]:
        if not defs:
            return {}
        by_sheet: dict[str, list[_TableDef]] = {}
        for td in defs:
            by_sheet.setdefault(td.sheet, []).append(td)
        # verify each sheet part before calamine parses it (prolog DTD, true size); a part of
        # up to _KEEP_BYTES is kept for the error-cell scan, which then needs no second inflation
        kept: dict[str, bytes] = {}
        for tds in by_sheet.values():
            part = tds[0].sheet_part
            self._check_prolog(part)
            data = self._verify_size(part, keep=self._member(part).file_size <= _KEEP_BYTES)
            if data:
                kept[part] = data
        self.kept = kept
        try:
            import python_calamine
        except ImportError as exc:  # pragma: no cover - an installation problem
            raise RuntimeError("python-calamine is required to read workbooks") from exc
        try:
            wb = python_calamine.CalamineWorkbook.from_path(self.path)
        except Exception as exc:       # calamine raises its own error classes, or panics
            raise self.refuse("book.corrupt",
                              f"the workbook cannot be read ({type(exc).__name__}: {exc}); "
                              f"{_SAVE_AS}") from None
        return self._sheets_to_tables(wb, by_sheet)

    def _sheets_to_tables(self, wb, by_sheet: dict[str, list[_TableDef]]) -> dict[str, RawTable]:
        tables: dict[str, RawTable] = {}
        with wb:
            for sheet, tds in by_sheet.items():
                try:
                    grid = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
                except Exception as exc:
                    raise self.refuse("book.corrupt",
                                      f"sheet {sheet!r} cannot be read ({type(exc).__name__}: "
                                      f"{exc}); {_SAVE_AS}", sheet=sheet) from None
                specials = None               # the sheet's error/no-value cells, scanned lazily
                for td in tds:
                    table, specials = self._build_table(td, grid, specials)
                    tables[td.name] = table
                del grid
                self.kept.pop(tds[0].sheet_part, None)
        return tables

    def _verify_size(self, part: str, keep: bool = False) -> bytes:
        """Inflate ``part`` to check its true size; its bytes if ``keep``, else b''."""
        info = self._member(part)
        try:
            return _inflate(self.fh, info, discard=not keep)
        except _ZipLie as exc:
            raise self.refuse("book.too_large" if exc.too_big else "book.corrupt",
                              f"the part {part!r} {exc}; the file is damaged or crafted to "
                              "exhaust memory, and is not read") from None

    def _specials(self, part: str, sheet: str) -> dict:
        data = self.kept.pop(part, None) or self._read_member(part)
        try:
            return _scan_special_cells(data)
        except ValueError as exc:
            raise self.refuse("book.corrupt",
                              f"sheet {sheet!r} cannot be scanned for error cells ({exc}); "
                              f"{_SAVE_AS}", sheet=sheet) from None

    def _build_table(self, td: _TableDef, grid: list, specials):
        ncols = td.c2 - td.c1 + 1
        hdr_idx = td.r1 - 1
        first = td.r1 + td.header_rows - 1            # 0-based index of the first data row
        last = td.r2 - td.totals_rows                 # exclusive 0-based end
        n_rows = max(0, last - first)
        c0 = td.c1 - 1
        c_end = c0 + ncols

        # header texts: the sheet cells (what the user sees), else the tableColumn name
        hrow = grid[hdr_idx] if hdr_idx < len(grid) else []
        headers = []
        for j in range(ncols):
            v = hrow[c0 + j] if c0 + j < len(hrow) else ""
            if isinstance(v, str) and v != "":
                headers.append(v)
            elif j < len(td.column_names) and td.column_names[j]:
                headers.append(td.column_names[j])
            else:
                headers.append(f"Column{j + 1}")

        # data rows, column-major; pad short/missing rows with ''
        rows = grid[first:last]
        if len(rows) < n_rows:
            rows = rows + [[]] * (n_rows - len(rows))
        if rows and min(map(len, rows)) >= c_end:
            # map/itemgetter runs in C and creates no GC-tracked garbage (zip(*rows) would)
            cols = [list(map(itemgetter(c), rows)) for c in range(c0, c_end)]
        else:
            cols = []
            for c in range(c0, c_end):
                cols.append([r[c] if c < len(r) else "" for r in rows])

        columns: dict[str, list] = {}
        dup_reported = set()
        blanks_at = False
        out_cols = []
        for col in cols:
            conv, has_blank = _convert_column(col)
            out_cols.append(conv)
            blanks_at = blanks_at or has_blank
        # '' may hide an error value or a formula without a value: look at the sheet XML
        if blanks_at:
            if specials is None:
                specials = self._specials(td.sheet_part, td.sheet)
            if specials:
                for (r, c), err in specials.items():
                    j = c - td.c1
                    i = r - td.r1 - td.header_rows
                    if 0 <= j < ncols and 0 <= i < n_rows and out_cols[j][i] is None:
                        out_cols[j][i] = err
        for j, h in enumerate(headers):
            if h in columns:
                if h not in dup_reported:
                    dup_reported.add(h)
                    self.findings.append(error(
                        "table.duplicate_header",
                        Location(file=self.path, sheet=td.sheet, table=td.name, row=td.r1,
                                 column=h, cell=f"{column_letter(td.c1 + j)}{td.r1}"),
                        f"table {td.name!r} has more than one column headed {h!r}; only the "
                        "first is read: rename or delete the other one"))
                continue
            columns[h] = out_cols[j]
        table = RawTable(name=td.name, sheet=td.sheet, ref=td.ref, headers=tuple(headers),
                         first_col=td.c1, header_row=td.r1, columns=columns)
        return table, specials


# ---------------------------------------------------------------------- value conversion
_PLAIN = frozenset((float, _dt.date, _dt.datetime, bool))
_PLAIN_OR_STR = _PLAIN | {str}


def _convert_column(col) -> tuple[list, bool]:
    """A column (a fresh list) of calamine values -> (reader values, whether it had blanks).

    '' -> None; int -> float; time/timedelta -> float (days, the number Excel stores);
    everything else as is.  The common cases avoid per-cell Python work.
    """
    types = set(map(type, col))
    if types <= _PLAIN:
        return col, False
    if types <= _PLAIN_OR_STR:
        if "" not in col:
            return col, False
        return [None if v == "" else v for v in col], True
    has_blank = "" in col
    return [_convert_value(v) for v in col], has_blank


def _convert_value(v):
    t = type(v)
    if t is str:
        return None if v == "" else v
    if t is int:
        return float(v)
    if t is _dt.timedelta:
        return v.total_seconds() / 86400.0
    if t is _dt.time:
        return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400.0
    if v is None:
        return None
    return v


# ------------------------------------------------------------------------- zip helpers
class _ZipLie(Exception):
    def __init__(self, message: str, too_big: bool = False):
        super().__init__(message)
        self.too_big = too_big


def _zip_entry_count(fh, size: int) -> int | None:
    """The number of entries the zip's end record announces (zip64 aware), or None."""
    tail_len = min(size, 65536 + 22)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        return None
    (_, _, _, _, n_total, _, _, _) = struct.unpack("<4sHHHHIIH", tail[pos:pos + 22])
    if n_total == 0xFFFF:
        loc = tail.rfind(b"PK\x06\x07", 0, pos)
        if loc >= 0 and pos - loc >= 20:
            (_, _, z64_off, _) = struct.unpack("<4sIQI", tail[loc:loc + 20])
            if z64_off < size:
                fh.seek(z64_off)
                rec = fh.read(56)
                if len(rec) >= 56 and rec[:4] == b"PK\x06\x06":
                    return struct.unpack("<Q", rec[32:40])[0]
            return None
    return n_total


_CHUNK = 1 << 20
_OUT_CHUNK = 16 << 20
_HEAD_CHUNK = 16 << 10
_KEEP_BYTES = 64 << 20                      # a sheet part kept after its check


def _member_data_offset(fh, info: zipfile.ZipInfo) -> int:
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise _ZipLie("has a damaged zip header")
    n, e = struct.unpack("<HH", local[26:30])
    return info.header_offset + 30 + n + e


def _inflate(fh, info: zipfile.ZipInfo, head: int | None = None, discard: bool = False) -> bytes:
    """Inflate one member from the raw file, never producing more than its declared size.

    head: return only the first ``head`` bytes.  discard: only check the member (its stream
    ends exactly at the declared size) and return b''.
    """
    if info.flag_bits & 0x1:
        raise _ZipLie("is encrypted inside the zip")
    declared = info.file_size
    start = _member_data_offset(fh, info)
    fh.seek(start)
    remaining = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        want = declared if head is None else min(head, declared)
        if remaining < declared:
            raise _ZipLie("is shorter than its zip header says")
        if discard:
            return b""
        data = fh.read(want)
        if len(data) < want:
            raise _ZipLie("is truncated")
        return b"" if discard else data
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _ZipLie(f"uses an unsupported compression method ({info.compress_type})")
    d = zlib.decompressobj(-15)
    parts: list[bytes] = []
    produced = 0
    cap = declared if head is None else min(head, declared)
    # a head read feeds small chunks and asks for no more than it wants: the prolog of a
    # 100 MB sheet costs microseconds, not the whole inflation
    in_chunk, out_chunk = (_CHUNK, _OUT_CHUNK) if head is None else (_HEAD_CHUNK, max(cap, 1))
    try:
        while remaining > 0 and not d.eof:
            chunk = fh.read(min(in_chunk, remaining))
            if not chunk:
                raise _ZipLie("is truncated")
            remaining -= len(chunk)
            buf = chunk
            while buf and not d.eof:
                out = d.decompress(buf, out_chunk)
                produced += len(out)
                if produced > declared:
                    raise _ZipLie(f"unpacks to more than the {declared:,} bytes its zip header "
                                  "declares", too_big=True)
                if not discard:
                    parts.append(out)
                if head is not None and produced >= cap:
                    return b"".join(parts)[:cap]
                buf = d.unconsumed_tail
                if not out and buf:
                    # no progress possible without more input
                    break
        if not d.eof:
            # flush what is buffered
            out = d.flush()
            produced += len(out)
            if produced > declared:
                raise _ZipLie(f"unpacks to more than the {declared:,} bytes its zip header "
                              "declares", too_big=True)
            if not discard:
                parts.append(out)
    except zlib.error as exc:
        raise _ZipLie(f"cannot be decompressed ({exc})") from None
    if head is not None:
        return b"".join(parts)[:cap]
    if not d.eof or produced != declared:
        raise _ZipLie(f"unpacks to {produced:,} bytes, not the {declared:,} its zip header "
                      "declares")
    return b"" if discard else b"".join(parts)


def _resolve(base_part: str, target: str) -> str | None:
    """A relationship target -> the zip part name it points at (None if outside)."""
    target = unquote(target.strip()).replace("\\", "/")
    if not target:
        return None
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        path = posixpath.join(posixpath.dirname(base_part), target)
    path = posixpath.normpath(path)
    if path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _parse_ref(ref: str):
    m = _REF.match(ref)
    if not m:
        return None
    c1, r1 = _col_index(m.group(1)), int(m.group(2))
    c2, r2 = (_col_index(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
    if r1 < 1 or c1 < 1 or r2 < r1 or c2 < c1 or c2 > 16384:
        return None
    return r1, c1, r2, c2


# ------------------------------------------------------------------------------ XML checks
def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return head.decode("utf-16-le", errors="ignore")
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _has_dtd(head: bytes) -> bool:
    """Whether the start of an XML part declares a DTD (or entities), or is suspicious.

    A DTD can only come before the root element; Excel never writes one.  A prolog longer
    than the bytes looked at (a huge comment hiding a DTD) counts as suspicious.
    """
    text = _decode_head(head)
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return True
    # find the root element: skip <?...?>, <!--...-->, whitespace
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n\ufeff":
            i += 1
            continue
        if text.startswith("<?", i):
            j = text.find("?>", i)
            if j < 0:
                return len(head) >= _PROLOG_BYTES
            i = j + 2
            continue
        if text.startswith("<!--", i):
            j = text.find("-->", i)
            if j < 0:
                return len(head) >= _PROLOG_BYTES
            i = j + 3
            continue
        return text.startswith("<!", i)      # any other declaration before the root
    return False


# --------------------------------------------------------------------- sheet XML scanning
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?worksheet[\s>]")
_ATTR_R = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d+)["']""")
_ATTR_T = re.compile(rb"""\st\s*=\s*["']([A-Za-z]+)["']""")
_ENT = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def _has_tag(xml: bytes, opening: bytes) -> bool:
    """Does ``opening`` (e.g. ``b"<f"``) occur as a whole tag name?  bytes.find runs at memory
    speed where a regex search over a sheet of megabytes does not."""
    i = xml.find(opening)
    while i >= 0:
        if xml[i + len(opening):i + len(opening) + 1] in (b" ", b"\t", b"\r", b"\n", b"/", b">"):
            return True
        i = xml.find(opening, i + 1)
    return False


def _scan_special_cells(xml: bytes) -> dict[tuple[int, int], CellError]:
    """Cells that calamine gives as '' but are not empty: (row, col) 1-based -> CellError.

    Error cells (``t="e"``) carry their error text; formula cells with no cached ``<v>``
    value become ``#NO-VALUE``.  Only cells around a hit are looked at.
    """
    m = _ROOT.search(xml, 0, 8192)
    p = (m.group(1) or b"") if m else b""
    has_err = b't="e"' in xml or b"t='e'" in xml
    f_re = re.compile(b"<" + re.escape(p) + rb"f[\s/>]")
    has_f = _has_tag(xml, b"<" + p + b"f")
    if not (has_err or has_f):
        return {}
    cell_open = b"<" + p + b"c"
    cell_close = b"</" + p + b"c>"
    v_re = re.compile(b"<" + re.escape(p) + rb"v(?:\s[^>]*)?(?:/>|>(.*?)</" + re.escape(p) +
                      rb"v>)", re.S)
    hits: list[int] = []
    if has_err:
        for pat in (b't="e"', b"t='e'"):
            i = xml.find(pat)
            while i >= 0:
                hits.append(i)
                i = xml.find(pat, i + 1)
    if has_f:
        hits.extend(mm.start() for mm in f_re.finditer(xml))
    found: dict[int, tuple[bytes, bytes]] = {}     # cell start offset -> (start tag, content)
    for pos in hits:
        s = _cell_start(xml, cell_open, pos)
        if s < 0 or s in found:
            continue
        gt = xml.find(b">", s)
        if gt < 0:
            continue
        tag = xml[s:gt + 1]
        if tag.endswith(b"/>"):
            content = b""
        else:
            end = xml.find(cell_close, gt)
            if end < 0:
                raise ValueError("a cell is not closed")
            content = xml[gt + 1:end]
        found[s] = (tag, content)
    out: dict[tuple[int, int], CellError] = {}
    positions = None
    for s, (tag, content) in sorted(found.items()):
        tm = _ATTR_T.search(tag)
        t = tm.group(1).decode("ascii") if tm else "n"
        vm = v_re.search(content)
        value = vm.group(1) if vm and vm.group(1) is not None else b""
        has_formula = f_re.search(content) is not None
        if t == "e":
            text = value.decode("utf-8", "replace").strip()
            for k, v in _ENT.items():
                text = text.replace(k, v)
            err = CellError(text or NO_VALUE)
        elif has_formula and value.strip() == b"" and t not in ("str", "inlineStr"):
            err = CellError(NO_VALUE)
        else:
            continue
        rm = _ATTR_R.search(tag)
        if rm:
            rc = (int(rm.group(2)), _col_index(rm.group(1).decode("ascii")))
        else:
            if positions is None:
                positions = _cell_positions(xml, p)
            rc = positions.get(s)
            if rc is None:
                continue
        out[rc] = err
    return out


def _cell_start(xml: bytes, cell_open: bytes, pos: int) -> int:
    """Offset of the ``<c`` start tag enclosing ``pos`` (-1 if none)."""
    end = pos
    while True:
        s = xml.rfind(cell_open, 0, end)
        if s < 0:
            return -1
        nxt = xml[s + len(cell_open):s + len(cell_open) + 1]
        if nxt in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            return s
        end = s


def _cell_positions(xml: bytes, p: bytes) -> dict[int, tuple[int, int]]:
    """Cell start offset -> (row, col) for every cell, counting where ``r=`` is missing."""
    token = re.compile(b"<" + re.escape(p) + rb"(row|c)[\s/>]")
    out = {}
    row, col = 0, 0
    for m in token.finditer(xml):
        gt = xml.find(b">", m.start())
        tag = xml[m.start():gt + 1]
        if m.group(1) == b"row":
            rm = re.search(rb"""\sr\s*=\s*["'](\d+)["']""", tag)
            row = int(rm.group(1)) if rm else row + 1
            col = 0
        else:
            rm = _ATTR_R.search(tag)
            if rm:
                col = _col_index(rm.group(1).decode("ascii"))
            else:
                col += 1
            out[m.start()] = (row, col)
    return out
