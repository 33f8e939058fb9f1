"""The file as a package: what is refused before any part is parsed, and XML bombs.

Each test builds the file by code and asserts the finding (code, location, words of the
message); none asserts a time (the corpus runner bounds time and memory per command).
"""
from __future__ import annotations

import struct
import zipfile

import pytest

from fee_core.read import package, read_workbook, tabledefs
from fee_core.read.package import CFB_MAGIC
from tests.zipsurgery import parts, rewrite, write


def refused(path, code):
    book, findings = read_workbook(path)
    assert book.tables == {}
    assert [f.code for f in findings] == [code], findings
    f = findings[0]
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


def test_opendocument_spreadsheet(tmp_path):
    p = tmp_path / "calc.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert ".ods" in refused(p, "book.not_workbook").message


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
    assert "password" in refused(p, "book.encrypted").message


def test_legacy_xls_even_when_named_xlsx(tmp_path):
    p = tmp_path / "old.xlsx"
    p.write_bytes(cfb_bytes(["Root Entry", "Workbook", "\x05SummaryInformation"]))
    f = refused(p, "book.xls")
    assert ".xlsx" in f.message and "Cfb" not in f.message


def test_too_large_file(monkeypatch, nav_book):
    monkeypatch.setattr(package, "MAX_FILE_BYTES", 100)
    assert "100" in refused(nav_book, "book.too_large").message


def test_too_many_members(tmp_path):
    p = tmp_path / "many.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        for i in range(package.MAX_MEMBERS + 1):
            z.writestr(f"x/{i}", b"")
    assert f"{package.MAX_MEMBERS:,}" in refused(p, "book.too_large").message


def test_too_many_sheets(monkeypatch, nav_book):
    monkeypatch.setattr(tabledefs, "MAX_SHEETS", 0)
    refused(nav_book, "book.too_large")


def test_zip_bomb_member_refused(nav_book, tmp_path):
    p = tmp_path / "bomb.xlsx"
    write(p, parts(nav_book))
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/bomb.bin", "w", force_zip64=True) as w:
            block = b"\x00" * (1 << 20)
            for _ in range(64):                     # 64 MB of zeros, ~64 KB compressed
                w.write(block)
    f = refused(p, "book.too_large")
    assert "bomb.bin" in f.message and "to 1" in f.message


def _patch_size(path, name: bytes, size: int) -> None:
    """Make the zip headers of member ``name`` declare ``size`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    i = data.find(b"PK\x03\x04")
    while i >= 0:
        n = struct.unpack("<H", data[i + 26:i + 28])[0]
        if bytes(data[i + 30:i + 30 + n]) == name:
            data[i + 22:i + 26] = struct.pack("<I", size)
        i = data.find(b"PK\x03\x04", i + 4)
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack("<H", data[i + 28:i + 30])[0]
        if bytes(data[i + 46:i + 46 + n]) == name:
            data[i + 24:i + 28] = struct.pack("<I", size)
        i = data.find(b"PK\x01\x02", i + 4)
    path.write_bytes(bytes(data))


def test_member_larger_than_its_header_says_is_refused(nav_book, tmp_path):
    sheet = parts(nav_book)["xl/worksheets/sheet1.xml"]
    padded = sheet.replace(b"</worksheet>", b" " * (5 << 20) + b"</worksheet>")
    p = rewrite(nav_book, tmp_path / "liar.xlsx",
                lambda m: m.__setitem__("xl/worksheets/sheet1.xml", padded))
    _patch_size(p, b"xl/worksheets/sheet1.xml", len(sheet))
    f = refused(p, "book.too_large")
    assert "more than" in f.message and "sheet1.xml" in f.message


def test_member_failing_its_checksum_is_corrupt(nav_book, tmp_path):
    p = tmp_path / "crc.xlsx"
    write(p, parts(nav_book), compression=zipfile.ZIP_STORED)
    data = bytearray(p.read_bytes())
    i = data.find(b"<v>1000.5</v>")
    data[i + 3:i + 9] = b"9000.5"                   # same length: only the CRC can tell
    p.write_bytes(bytes(data))
    assert "checksum" in refused(p, "book.corrupt").message


@pytest.mark.parametrize("twin", ["XL/worksheets/sheet1.xml", "xl\\worksheets\\sheet1.xml"])
def test_two_members_one_part_name_are_ambiguous(nav_book, tmp_path, twin):
    m = parts(nav_book)
    m[twin] = m["xl/worksheets/sheet1.xml"].replace(b"1000.5", b"2000.5")
    f = refused(write(tmp_path / "twin.xlsx", m), "book.corrupt")
    assert "twice" in f.message


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
    ("xl/styles.xml", b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
     b'&lol9;</styleSheet>'),
])
def test_billion_laughs_refused(nav_book, tmp_path, part, root):
    p = rewrite(nav_book, tmp_path / "laughs.xlsx", lambda m: m.__setitem__(part, LAUGHS + root))
    assert part.rsplit("/", 1)[-1] in refused(p, "book.unsafe_xml").message


def test_dtd_hidden_behind_a_long_comment_is_refused(nav_book, tmp_path):
    wb_xml = parts(nav_book)["xl/workbook.xml"]
    body = wb_xml.split(b"?>", 1)[1] if wb_xml.startswith(b"<?xml") else wb_xml
    evil = (b'<?xml version="1.0"?><!--' + b"x" * (200 * 1024) + b'-->'
            b'<!DOCTYPE w [<!ENTITY a "b">]>' + body)
    p = rewrite(nav_book, tmp_path / "hidden.xlsx", lambda m: m.__setitem__("xl/workbook.xml", evil))
    refused(p, "book.unsafe_xml")


def test_malformed_workbook_xml_is_corrupt(nav_book, tmp_path):
    p = rewrite(nav_book, tmp_path / "broken.xlsx",
                lambda m: m.__setitem__("xl/workbook.xml", b"<workbook"))
    refused(p, "book.corrupt")


def test_a_sheet_not_in_utf8_is_corrupt(nav_book, tmp_path):
    def edit(m):
        xml = m["xl/worksheets/sheet1.xml"].decode()
        m["xl/worksheets/sheet1.xml"] = ('<?xml version="1.0" encoding="UTF-16"?>' + xml).encode("utf-16")
    f = refused(rewrite(nav_book, tmp_path / "u16.xlsx", edit), "book.corrupt")
    assert "UTF-8" in f.message


def test_macros_are_never_run_or_copied(nav_book, tmp_path):
    p = rewrite(nav_book, tmp_path / "macro.xlsm", lambda m: m.__setitem__(
        "xl/vbaProject.bin", b"\x00Attribute VB_Name = \"Module1\"\x00" * 10))
    book, findings = read_workbook(p)
    assert findings == []
    assert book.tables["NAV"].columns["Growth Fund"] == [1000.5, 1001.5]


# ------------------------------------------------------------ the boundary never leaks
class FakePanic(BaseException):
    """Like pyo3's PanicException: not an Exception."""


def test_whatever_calamine_raises_is_a_refusal(nav_book, monkeypatch):
    import python_calamine

    def boom(*a, **k):
        raise FakePanic("capacity overflow")
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", boom)
    f = refused(nav_book, "book.corrupt")
    assert "FakePanic: capacity overflow" in f.message


def test_an_interrupt_is_not_swallowed(nav_book, monkeypatch):
    import python_calamine

    def stop(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", stop)
    with pytest.raises(KeyboardInterrupt):
        read_workbook(nav_book)


def test_running_out_of_memory_is_too_large(nav_book, monkeypatch):
    from fee_core.read import bounds

    def feed(self, chunk):
        raise MemoryError
    monkeypatch.setattr(bounds.SheetScan, "feed", feed)
    refused(nav_book, "book.too_large")


def test_no_room_for_the_copy_calamine_reads(nav_book, monkeypatch):
    import tempfile

    def full(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(tempfile, "mkstemp", full)
    f = refused(nav_book, "book.too_large")
    assert "No space left on device" in f.message and "TMPDIR" in f.message


def test_the_copy_calamine_reads_is_deleted(nav_book, tmp_path, monkeypatch):
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    read_workbook(nav_book)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("fee12b1-read-")] == []


def test_a_relationships_part_of_many_elements_is_read_as_a_stream(nav_book, tmp_path):
    """200,000 hyperlink relationships (30 MB of XML) cost their bytes, not a tree of them."""
    links = b"".join(b'<Relationship Id="rIdL%d" Type="http://schemas.openxmlformats.org/'
                     b'officeDocument/2006/relationships/hyperlink" Target="http://x/%d" '
                     b'TargetMode="External"/>' % (i, i) for i in range(200_000))

    def edit(m):
        rels = "xl/worksheets/_rels/sheet1.xml.rels"
        m[rels] = m[rels].replace(b"</Relationships>", links + b"</Relationships>")
    book, findings = read_workbook(rewrite(nav_book, tmp_path / "links.xlsx", edit))
    assert findings == []
    assert book.tables["NAV"].columns["Growth Fund"] == [1000.5, 1001.5]


def test_elements_nested_past_any_excel_part_are_corrupt(nav_book, tmp_path):
    deep = b"<x>" * 10_000 + b"</x>" * 10_000

    def edit(m):
        m["xl/workbook.xml"] = m["xl/workbook.xml"].replace(b"<definedNames />", deep)
    f = refused(rewrite(nav_book, tmp_path / "deep.xlsx", edit), "book.corrupt")
    assert "deep" in f.message
