"""Tests of the workbook reader (fee_core.xlsx_read): tables, values, and hostile files."""
from __future__ import annotations

import hashlib
import struct
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.table import Table, TableColumn

from fee_core.read import workbook as xlsx_read
from fee_core.read.raw import CellError, RawBook
from fee_core.read.workbook import CFB_MAGIC, read_workbook
from fee_core.write.inputs import add_table, write_input_workbook

NAV_ROWS = [
    {"Date": date(2001, 1, 2), "Growth Fund": 1000.5, "Core Equity Fund": 2000.0},
    {"Date": date(2001, 1, 3), "Growth Fund": 1001.5, "Core Equity Fund": 2001.0},
    {"Date": date(2001, 1, 4), "Growth Fund": 1002.5, "Core Equity Fund": 2002.0},
]


def codes(findings):
    return [f.code for f in findings]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_zip(src: Path, dst: Path, replace: dict | None = None, add: dict | None = None):
    """Copy a zip, replacing or adding members (name -> bytes)."""
    replace, add = dict(replace or {}), dict(add or {})
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.pop(info.filename, None)
            zout.writestr(info.filename, zin.read(info) if data is None else data)
        for name, data in {**replace, **add}.items():
            zout.writestr(name, data)
    return dst


@pytest.fixture
def nav_book(tmp_path):
    p = tmp_path / "nav.xlsx"
    write_input_workbook(p, {"NAV": NAV_ROWS})
    return p


# ----------------------------------------------------------------------------- tables
def test_reads_tables_by_name_with_headers_in_sheet_order(nav_book):
    book, findings = read_workbook(nav_book)
    assert findings == []
    assert isinstance(book, RawBook)
    assert book.path == str(nav_book)
    assert book.sheet_names == ("NAV",)
    assert set(book.tables) == {"NAV"}
    t = book.tables["NAV"]
    assert (t.name, t.sheet, t.ref, t.first_col, t.header_row) == ("NAV", "NAV", "A1:C4", 1, 1)
    assert t.headers == ("Date", "Growth Fund", "Core Equity Fund")
    assert t.n_rows == 3
    assert t.columns["Date"] == [date(2001, 1, 2), date(2001, 1, 3), date(2001, 1, 4)]
    assert t.columns["Growth Fund"] == [1000.5, 1001.5, 1002.5]
    assert all(type(v) is float for v in t.columns["Core Equity Fund"])


def test_table_at_offset_any_column_order_extra_columns(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Schedule B"
    ws["A1"] = "a note above the table"
    headers = ["Notes", "Extra Column", "Annual Rate", "Fund", "Effective Date", "End Date"]
    rows = [["n1", "x", 0.0045, "Growth Fund", date(2000, 11, 30), None],
            [" spaced  text ", 7, 0.0025, "Core Equity Fund", date(2001, 3, 19), date(2002, 1, 1)]]
    add_table(ws, "ScheduleB", headers, rows, first_row=3, first_col=3)
    ws2 = wb.create_sheet("Other")
    add_table(ws2, "Second", ["K", "V"], [["a", 1], ["b", 2]], first_row=5, first_col=2)
    add_table(ws2, "Third", ["Q"], [["z"]], first_row=1, first_col=10)
    p = tmp_path / "offset.xlsx"
    wb.save(p)

    book, findings = read_workbook(p)
    assert findings == []
    t = book.tables["ScheduleB"]
    assert (t.first_col, t.header_row, t.ref) == (3, 3, "C3:H5")
    assert t.headers == tuple(headers)
    assert t.column_index("Fund") == 6 and t.excel_row(1) == 5
    assert t.columns["Fund"] == ["Growth Fund", "Core Equity Fund"]
    assert t.columns["Notes"] == ["n1", " spaced  text "]           # text untouched
    assert t.columns["Extra Column"] == ["x", 7.0]
    assert t.columns["Annual Rate"] == [0.0045, 0.0025]
    assert t.columns["End Date"] == [None, date(2002, 1, 1)]
    assert book.tables["Second"].columns == {"K": ["a", "b"], "V": [1.0, 2.0]}
    assert book.tables["Second"].first_col == 2 and book.tables["Second"].header_row == 5
    assert book.tables["Third"].columns == {"Q": ["z"]}


def test_1900_and_1904_date_systems_give_the_same_dates(tmp_path):
    rows = [{"Date": date(2001, 9, 10), "Event": "Plan Effective"},
            {"Date": datetime(2001, 9, 17, 0, 0), "Event": "Amendment"},
            {"Date": datetime(2002, 2, 1, 13, 30), "Event": "Termination"}]
    p1, p4 = tmp_path / "d1900.xlsx", tmp_path / "d1904.xlsx"
    write_input_workbook(p1, {"PlanEvents": rows})
    write_input_workbook(p4, {"PlanEvents": rows}, date1904=True)
    b1, f1 = read_workbook(p1)
    b4, f4 = read_workbook(p4)
    assert f1 == [] and f4 == []
    assert (b1.date1904, b4.date1904) == (False, True)
    d1 = b1.tables["PlanEvents"].columns["Date"]
    d4 = b4.tables["PlanEvents"].columns["Date"]
    assert d1 == d4
    assert d1[0] == date(2001, 9, 10)
    assert d1[2] == datetime(2002, 2, 1, 13, 30)


def test_error_cells_formula_without_value_and_blanks(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "NAV"
    add_table(ws, "NAV", ["Date", "Growth Fund", "Other Fund"],
              [[date(2001, 1, 2), 1.0, "#N/A"],
               [date(2001, 1, 3), "#VALUE!", None],
               [date(2001, 1, 4), None, 3.0],
               [None, None, "#DIV/0!"]],
              first_row=2, first_col=2)
    ws["C5"] = "=1+1"       # a formula (add_table keeps formula-looking text as text)
    p = tmp_path / "errors.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert findings == []
    t = book.tables["NAV"]
    assert t.columns["Growth Fund"] == [1.0, CellError("#VALUE!"), CellError("#NO-VALUE"), None]
    assert t.columns["Other Fund"] == [CellError("#N/A"), None, 3.0, CellError("#DIV/0!")]
    assert t.columns["Date"][3] is None
    # positions: #VALUE! is at C4 (table at B2, Growth Fund is the 2nd column, 2nd data row)
    i = t.columns["Growth Fund"].index(CellError("#VALUE!"))
    assert (t.excel_row(i), t.column_index("Growth Fund")) == (4, 3)


def test_scan_counts_positions_when_r_is_missing():
    xml = (b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main"><x:sheetData>'
           b'<x:row><x:c><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row>'
           b'<x:row r="4"><x:c t="s"><x:v>0</x:v></x:c><x:c><x:v>2</x:v></x:c>'
           b'<x:c><x:f>A1</x:f></x:c><x:c t="str"><x:f>""</x:f><x:v></x:v></x:c>'
           b'<x:c r="G4" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c></x:row>'
           b'</x:sheetData><x:conditionalFormatting><x:cfRule><x:formula>1</x:formula>'
           b'</x:cfRule></x:conditionalFormatting></x:worksheet>')
    out = xlsx_read._scan_special_cells(xml)
    assert out == {(1, 2): CellError("#N/A"), (4, 3): CellError("#NO-VALUE"),
                   (4, 7): CellError("#DIV/0!")}


def test_totals_row_excluded(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Expenses"
    table = add_table(ws, "Expenses", ["Date", "Fund", "Category", "Amount"],
                      [[date(2001, 1, 5), "Growth Fund", "Advertising", 100.0],
                       [date(2001, 2, 5), "Growth Fund", "Sales Literature", 50.0]])
    ws["A4"] = "Total"
    ws["D4"] = 150.0
    table.ref = "A1:D4"
    table.totalsRowCount = 1
    p = tmp_path / "totals.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert findings == []
    t = book.tables["Expenses"]
    assert t.n_rows == 2
    assert t.columns["Amount"] == [100.0, 50.0]


def test_table_range_beyond_data_pads_with_none(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    add_table(ws, "T", ["A", "B"], [[1, "x"]])
    ws.tables["T"].ref = "A1:B4"
    p = tmp_path / "pad.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert findings == []
    assert book.tables["T"].columns == {"A": [1.0, None, None], "B": ["x", None, None]}


def test_no_header_row_is_reported(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Settings"
    ws["A1"], ws["B1"] = "Day Count", "Actual/365"
    ws.add_table(Table(displayName="Settings", ref="A1:B1", headerRowCount=0,
                       tableColumns=[TableColumn(id=1, name="Setting"),
                                     TableColumn(id=2, name="Value")]))
    p = tmp_path / "nohdr.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert codes(findings) == ["table.no_header"]
    loc = findings[0].location
    assert (loc.file, loc.sheet, loc.table) == (str(p), "Settings", "Settings")
    assert "Header Row" in findings[0].message
    assert "Settings" not in book.tables


def test_duplicate_header_keeps_first(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Fund Names"
    for j, v in enumerate(["Fund", "Fund", "Source"], start=1):
        ws.cell(row=1, column=j, value=v)
    for j, v in enumerate(["first", "second", "s"], start=1):
        ws.cell(row=2, column=j, value=v)
    ws.add_table(Table(displayName="FundNames", ref="A1:C2",
                       tableColumns=[TableColumn(id=1, name="Fund"),
                                     TableColumn(id=2, name="Fund2"),
                                     TableColumn(id=3, name="Source")]))
    p = tmp_path / "dup.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert codes(findings) == ["table.duplicate_header"]
    assert findings[0].location.cell == "B1"
    t = book.tables["FundNames"]
    assert t.headers == ("Fund", "Fund", "Source")
    assert t.columns["Fund"] == ["first"]
    assert t.column_index("Source") == 3


def test_header_text_falls_back_to_table_column_name(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A2"], ws["B2"] = 1, 2
    ws["B1"] = 2001
    ws.add_table(Table(displayName="T", ref="A1:B2",
                       tableColumns=[TableColumn(id=1, name="Alpha"),
                                     TableColumn(id=2, name="2001")]))
    p = tmp_path / "fallback.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert findings == []
    assert book.tables["T"].headers == ("Alpha", "2001")


def test_absolute_rel_targets_and_xlsm_with_macros(nav_book, tmp_path):
    with zipfile.ZipFile(nav_book) as z:
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        srels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    rels = rels.replace('Target="/xl/worksheets/', 'Target="worksheets/')
    rels = rels.replace('Target="worksheets/sheet1.xml"', 'Target="/xl/worksheets/sheet1.xml"')
    srels = srels.replace('Target="/xl/tables/table1.xml"', 'Target="../tables/table1.xml"')
    p = rewrite_zip(nav_book, tmp_path / "macro.xlsm",
                    replace={"xl/_rels/workbook.xml.rels": rels.encode(),
                             "xl/worksheets/_rels/sheet1.xml.rels": srels.encode()},
                    add={"xl/vbaProject.bin": b"\x00Attribute VB_Name = \"Module1\"\x00" * 10})
    book, findings = read_workbook(p)
    assert findings == []
    assert book.tables["NAV"].columns["Growth Fund"] == [1000.5, 1001.5, 1002.5]


@pytest.mark.parametrize("base,target,expected", [
    ("xl/workbook.xml", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/workbook.xml", "/xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/worksheets/sheet1.xml", "../tables/table1.xml", "xl/tables/table1.xml"),
    ("", "xl/workbook.xml", "xl/workbook.xml"),
    ("xl/workbook.xml", "../../etc/passwd", None),
])
def test_resolve_relationship_targets(base, target, expected):
    assert xlsx_read._resolve(base, target) == expected


def test_input_file_is_not_modified(nav_book):
    before = sha(nav_book)
    mtime = nav_book.stat().st_mtime_ns
    read_workbook(nav_book)
    read_workbook(str(nav_book))
    assert sha(nav_book) == before
    assert nav_book.stat().st_mtime_ns == mtime


def test_bad_path_type_raises():
    with pytest.raises(TypeError):
        read_workbook(42)


# ------------------------------------------------------------------------- bad files
def refused(path, code):
    book, findings = read_workbook(path)
    assert book.tables == {}
    assert code in codes(findings), findings
    f = next(f for f in findings if f.code == code)
    assert f.is_error and f.location.file == str(path) and f.message
    return f


def test_missing_file(tmp_path):
    f = refused(tmp_path / "nope.xlsx", "book.not_found")
    assert "does not exist" in f.message


def test_not_a_zip(tmp_path):
    p = tmp_path / "notes.xlsx"
    p.write_text("Date,Fund\n2001-01-02,Growth Fund\n")
    f = refused(p, "book.not_workbook")
    assert ".xlsx" in f.message


def test_empty_file_and_folder(tmp_path):
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    refused(p, "book.not_workbook")
    refused(tmp_path, "book.not_workbook")


def test_zip_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "other.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    refused(p, "book.not_workbook")


def cfb_bytes(stream_names):
    # just enough of an OLE2 compound file: header signature, then directory entry names
    body = bytearray(CFB_MAGIC + b"\x00" * 504)
    for name in stream_names:
        entry = name.encode("utf-16-le") + b"\x00\x00"
        body += entry + b"\x00" * (128 - len(entry))
    return bytes(body)


def test_encrypted_workbook(tmp_path):
    p = tmp_path / "secret.xlsx"
    p.write_bytes(cfb_bytes(["Root Entry", "EncryptionInfo", "EncryptedPackage"]))
    f = refused(p, "book.encrypted")
    assert "password" in f.message


def test_legacy_xls(tmp_path):
    p = tmp_path / "old.xls"
    p.write_bytes(cfb_bytes(["Root Entry", "Workbook", "\x05SummaryInformation"]))
    f = refused(p, "book.xls")
    assert ".xlsx" in f.message


def test_too_large_file(tmp_path, monkeypatch, nav_book):
    monkeypatch.setattr(xlsx_read, "MAX_FILE_BYTES", 100)
    f = refused(nav_book, "book.too_large")
    assert "100" in f.message


def test_too_many_members(tmp_path):
    p = tmp_path / "many.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        for i in range(xlsx_read.MAX_MEMBERS + 1):
            z.writestr(f"x/{i}", b"")
    f = refused(p, "book.too_large")
    assert f"{xlsx_read.MAX_MEMBERS:,}" in f.message


def test_too_many_sheets(tmp_path, monkeypatch, nav_book):
    monkeypatch.setattr(xlsx_read, "MAX_SHEETS", 0)
    refused(nav_book, "book.too_large")


def test_too_many_table_cells(tmp_path, monkeypatch, nav_book):
    monkeypatch.setattr(xlsx_read, "MAX_TABLE_CELLS", 5)
    f = refused(nav_book, "book.too_large")
    assert f.location.table == "NAV"


def test_zip_bomb_member_refused(nav_book, tmp_path):
    p = tmp_path / "bomb.xlsx"
    rewrite_zip(nav_book, p)
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/bomb.bin", "w", force_zip64=True) as w:
            block = b"\x00" * (1 << 20)
            for _ in range(64):                     # 64 MB of zeros, ~64 KB compressed
                w.write(block)
    t0 = time.perf_counter()
    f = refused(p, "book.too_large")
    assert time.perf_counter() - t0 < 2
    assert "bomb.bin" in f.message and "to 1" in f.message


def test_member_larger_than_its_header_says_is_refused(nav_book, tmp_path):
    p = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(nav_book) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"</worksheet>", b" " * (5 << 20) + b"</worksheet>")
    rewrite_zip(nav_book, p, replace={"xl/worksheets/sheet1.xml": padded})
    data = bytearray(p.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    lie = len(sheet)
    # local header: uncompressed size at offset 22; central directory entry: offset 24
    i = data.find(b"PK\x03\x04")
    while i >= 0:
        n = struct.unpack("<H", data[i + 26:i + 28])[0]
        if bytes(data[i + 30:i + 30 + n]) == name:
            data[i + 22:i + 26] = struct.pack("<I", lie)
        i = data.find(b"PK\x03\x04", i + 4)
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack("<H", data[i + 28:i + 30])[0]
        if bytes(data[i + 46:i + 46 + n]) == name:
            data[i + 24:i + 28] = struct.pack("<I", lie)
        i = data.find(b"PK\x01\x02", i + 4)
    p.write_bytes(bytes(data))
    f = refused(p, "book.too_large")
    assert "more than" in f.message and "sheet1.xml" in f.message


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b"]>\n")


@pytest.mark.parametrize("part,root", [
    ("xl/workbook.xml", b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol9;</workbook>'),
    ("xl/_rels/workbook.xml.rels",
     b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     b'&lol9;</Relationships>'),
    ("xl/tables/table1.xml",
     b'<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" name="&lol9;"/>'),
    ("xl/worksheets/sheet1.xml",
     b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
     b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'),
    ("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'),
])
def test_billion_laughs_refused_quickly(nav_book, tmp_path, part, root):
    p = rewrite_zip(nav_book, tmp_path / "laughs.xlsx", replace={part: LAUGHS + root})
    tracemalloc.start()
    try:
        t0 = time.perf_counter()
        f = refused(p, "book.unsafe_xml")
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2
    assert peak < 20 * 1024 * 1024
    assert part.rsplit("/", 1)[-1] in f.message


def test_dtd_hidden_behind_a_long_comment_is_refused(nav_book, tmp_path):
    wb_xml = zipfile.ZipFile(nav_book).read("xl/workbook.xml")
    body = wb_xml.split(b"?>", 1)[1] if wb_xml.startswith(b"<?xml") else wb_xml
    evil = (b'<?xml version="1.0"?><!--' + b"x" * (200 * 1024) + b'-->'
            b'<!DOCTYPE w [<!ENTITY a "b">]>' + body)
    p = rewrite_zip(nav_book, tmp_path / "hidden.xlsx", replace={"xl/workbook.xml": evil})
    refused(p, "book.unsafe_xml")


def test_malformed_workbook_xml_is_corrupt(nav_book, tmp_path):
    p = rewrite_zip(nav_book, tmp_path / "broken.xlsx", replace={"xl/workbook.xml": b"<workbook"})
    refused(p, "book.corrupt")


def test_the_reader_leaves_the_garbage_collector_alone(nav_book):
    """No interpreter tricks: the reader never switches the cyclic collector off or on."""
    import gc
    gc.disable()
    try:
        read_workbook(nav_book)
        assert not gc.isenabled()
    finally:
        gc.enable()
    read_workbook(nav_book)
    assert gc.isenabled()
