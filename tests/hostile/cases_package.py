"""Hostile and malformed workbooks at the level of the file (issue 12): the zip and its parts,
the relationships that say which part is which, and structure past a sheet's limits.

Every case starts from the sample plan year written as a real input workbook (the demo's
data: ``check`` and ``compute`` exit 0 on it) and breaks one thing in its parts by code
(``tests.zipsurgery``): a cell at XFD1048576 or at ``B99999999999``, shared-string counts of
2**64-1, a decoy sheet or part that one program reads while another computes, an XML bomb, a
part that lies about its size, ...  Each is refused with a located finding or read exactly
as the original, never a crash: the corpus runner (``test_corpus.py``) checks the exit
status, the finding, that nothing else reached the terminal, and time and memory.
"""
from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from fee_core.write.inputs import write_input_workbook
from tests.hostile.case import Case
from tests.zipsurgery import MAIN, REL, Parts, add_shared_strings, parts, sheet_part, sub, write

_WB_RELS = "xl/_rels/workbook.xml.rels"
_WORKSHEET = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


def _sample(path: Path) -> None:
    from templates.sample import sample_tables
    write_input_workbook(path, sample_tables(2001))


def edit(fn: Callable[[Parts], None], compression: int = zipfile.ZIP_DEFLATED):
    """A build: the sample workbook with its parts changed by ``fn``."""
    def build(path: Path) -> None:
        _sample(path)
        m = parts(path)
        fn(m)
        write(path, m, compression)
    return build


def set_cell(m: Parts, sheet: str, ref: str, inner: bytes) -> None:
    """Replace cell ``ref`` of ``sheet`` by ``<c r=ref {inner}</c>`` (its style kept)."""
    part = sheet_part(m, sheet)
    xml = m[part]
    pat = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', re.S)
    old = pat.search(xml)
    if old is None:
        raise ValueError(f"no cell {ref} on {sheet}")
    style = re.search(rb'\ss="\d+"', old.group(1))
    keep = style.group() if style and b' s="' not in b" " + inner else b""
    m[part] = xml[:old.start()] + b'<c r="' + ref.encode() + b'"' + keep + b" " + inner + b"</c>" \
        + xml[old.end():]


def add_cells(sheet: str, xml: bytes):
    """Add rows of cells at the end of ``sheet``'s data."""
    return lambda m: sub(m, sheet_part(m, sheet), b"</sheetData>", xml + b"</sheetData>")


def _nav(m: Parts) -> str:
    return sheet_part(m, "NAV")


def _decoy(m: Parts) -> bytes:
    """The NAV sheet with every net asset figure doubled: a decoy another program might read."""
    return re.sub(rb'(<c r="[B-Z]\d+" s="\d+" t="n"><v>)([0-9.]+)(</v>)',
                  lambda x: x.group(1) + repr(float(x.group(2)) * 2).encode() + x.group(3), m[_nav(m)])


def _add_sheet_rel(m: Parts, target: bytes, rid: bytes) -> None:
    sub(m, _WB_RELS, b"</Relationships>",
        b'<Relationship Type="' + _WORKSHEET + b'" Target="' + target + b'" Id="' + rid + b'"/>'
        b"</Relationships>")


# ------------------------------------------------------------------- past a sheet's limits
_FAR = [
    ("value_at_xfd1048576", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "book.too_large"),
    ("cell_ref_b99999999999", b'<row r="300"><c r="B99999999999"><v>1</v></c></row>', "book.corrupt"),
    ("cell_ref_row_wraps_u32", b'<row r="300"><c r="A4294967297"><v>1</v></c></row>', "book.corrupt"),
    ("column_xfe_past_xfd", b'<row r="300"><c r="XFE300"><v>1</v></c></row>', "book.corrupt"),
    ("column_of_four_letters", b'<row r="300"><c r="AAAA300"><v>1</v></c></row>', "book.corrupt"),
    ("column_letters_wrap_u32", b'<row r="300"><c r="ZZZZZZZZ300"><v>1</v></c></row>', "book.corrupt"),
    ("row_1048577", b'<row r="1048577"><c r="A1048577"><v>1</v></c></row>', "book.corrupt"),
    ("row_element_past_limit", b'<row r="99999999999"><c><v>1</v></c></row>', "book.corrupt"),
    ("columns_counted_past_xfd", b'<row r="300">' + b"<c><v>1</v></c>" * 16_385 + b"</row>",
     "book.corrupt"),
    ("sheet_spanning_11m_cells", b'<row r="423078"><c r="Z423078"><v>1</v></c></row>', "book.too_large"),
    ("far_cell_prefixed_names", b'<x:row xmlns:x="' + MAIN + b'" r="1048576"><x:c r="XFD1048576">'
     b"<x:v>1</x:v></x:c></x:row>", "book.too_large"),
    ("cell_ref_with_entity", b'<row r="300"><c r="&#88;FD300"><v>1</v></c></row>', "book.corrupt"),
]

# --------------------------------------------------------------------- shared strings counts
_SST = [
    ("shared_strings_unique_count_2e9", "2000000000", None),
    ("shared_strings_unique_count_2_64_minus_1", "18446744073709551615", None),
    ("shared_strings_unique_count_2_64", "18446744073709551616", None),
    ("shared_strings_unique_count_not_a_number", "2e9", None),
    ("shared_strings_count_2_64_minus_1", None, "18446744073709551615"),
]


def _sst(unique, count):
    def fn(m):
        add_shared_strings(m, ["Date"], unique_count=unique, count=count)
        set_cell(m, "NAV", "A1", b't="s"><v>0</v>')
    return fn


def _header(m: Parts, ref: str) -> str:
    found = re.search(rb'<c r="' + ref.encode() + rb'" t="inlineStr"><is><t>([^<]*)</t>', m[_nav(m)])
    assert found is not None
    return found.group(1).decode()


def _sst_ok(m):
    add_shared_strings(m, ["Date", _header(m, "B1")])
    set_cell(m, "NAV", "A1", b't="s"><v>0</v>')


# --------------------------------------------------------------------------- dimension
def _dimension(ref: bytes):
    def fn(m):
        nav = _nav(m)
        m[nav] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', m[nav], count=1)
    return fn


# --------------------------------------------------------------------------- table refs
_NAV_TABLE = "xl/tables/table6.xml"          # the sixth sheet's table, as openpyxl numbers them


def _table_ref(ref: bytes):
    def fn(m):
        m[_NAV_TABLE] = re.sub(rb' ref="[^"]*"', b' ref="' + ref + b'"', m[_NAV_TABLE], count=1)
    return fn


def _no_header(m):
    sub(m, _NAV_TABLE, b'headerRowCount="1"', b'headerRowCount="0"')


# ------------------------------------------------------------------------------- decoys
def _hidden_twin(m):
    m["xl/worksheets/decoy.xml"] = _decoy(m)
    _add_sheet_rel(m, b"worksheets/decoy.xml", b"rIdDecoy")
    sub(m, "xl/workbook.xml", b'<sheet name="NAV"',
        b'<sheet name="NAV" sheetId="99" state="hidden" r:id="rIdDecoy"/><sheet name="NAV"')


def _twin_other_case(m):
    m["xl/worksheets/decoy.xml"] = _decoy(m)
    _add_sheet_rel(m, b"worksheets/decoy.xml", b"rIdDecoy")
    sub(m, "xl/workbook.xml", b"</sheets>",
        b'<sheet name="nav" sheetId="99" state="veryHidden" r:id="rIdDecoy"/></sheets>')


def _percent_target(m):
    """Excel reads sheet%36.xml as sheet6.xml; a literal reader finds the decoy of that name."""
    m["xl/worksheets/sheet%36.xml"] = _decoy(m)
    sub(m, _WB_RELS, b'Target="/xl/worksheets/sheet6.xml"', b'Target="worksheets/sheet%36.xml"')


def _percent_target_alone(m):
    sub(m, _WB_RELS, b'Target="/xl/worksheets/sheet6.xml"', b'Target="worksheets/sheet%36.xml"')


def _backslash_twin(m):
    m["xl\\worksheets\\sheet6.xml"] = _decoy(m)
    sub(m, _WB_RELS, b'Target="/xl/worksheets/sheet6.xml"', b'Target="worksheets\\sheet6.xml"')


def _backslash_alone(m):
    sub(m, _WB_RELS, b'Target="/xl/worksheets/sheet6.xml"', b'Target="worksheets\\sheet6.xml"')


def _upper_case_twin(m):
    m["XL/WORKSHEETS/SHEET6.XML"] = _decoy(m)


def _dot_segments(m):
    sub(m, _WB_RELS, b'Target="/xl/worksheets/sheet6.xml"',
        b'Target="./worksheets/../worksheets/sheet6.xml"')


def _two_sheets_one_part(m):
    sub(m, "xl/workbook.xml", b"</sheets>", b'<sheet name="NAV copy" sheetId="99" r:id="rId6"/></sheets>')


def _rel_id_twice(m):
    m["xl/worksheets/decoy.xml"] = _decoy(m)
    sub(m, _WB_RELS, b"<Relationship ",
        b'<Relationship Type="' + _WORKSHEET + b'" Target="worksheets/decoy.xml" Id="rId6"/><Relationship ')


def _sheet_part_missing(m):
    del m[_nav(m)]


def _sheet_rel_missing(m):
    sub(m, "xl/workbook.xml", b'r:id="rId6"', b'r:id="rId66"')


def _workbook_elsewhere(m):
    """The package names xl/book.xml; a decoy xl/workbook.xml (doubled NAV) sits beside it."""
    m["xl/worksheets/decoy.xml"] = _decoy(m)
    m["xl/book.xml"] = m.pop("xl/workbook.xml")
    m["xl/_rels/book.xml.rels"] = m.pop(_WB_RELS)
    m["xl/workbook.xml"] = m["xl/book.xml"]
    m[_WB_RELS] = m["xl/_rels/book.xml.rels"].replace(b"/xl/worksheets/sheet6.xml",
                                                       b"/xl/worksheets/decoy.xml")
    sub(m, "_rels/.rels", b'Target="xl/workbook.xml"', b'Target="xl/book.xml"')


def _two_workbooks(m):
    m["xl/book.xml"] = m["xl/workbook.xml"]
    sub(m, "_rels/.rels", b"</Relationships>",
        b'<Relationship Type="' + REL + b'/officeDocument" Target="xl/book.xml" Id="rId9"/>'
        b"</Relationships>")


def _strings_and_styles_elsewhere(m):
    """Shared strings and styles at the parts the workbook names; decoys where calamine would
    look by name (Growth Fund renamed, dates unformatted)."""
    fund = _header(m, "B1").encode()
    _sst_ok(m)
    set_cell(m, "NAV", "B1", b't="s"><v>1</v>')
    m["xl/strings.xml"] = m.pop("xl/sharedStrings.xml")
    m["xl/sharedStrings.xml"] = m["xl/strings.xml"].replace(fund, b"Decoy Fund")
    sub(m, _WB_RELS, b'Target="sharedStrings.xml"', b'Target="strings.xml"')
    m["xl/format.xml"] = m.pop("xl/styles.xml")
    m["xl/styles.xml"] = re.sub(rb'formatCode="[^"]*"', b'formatCode="0"', m["xl/format.xml"])
    sub(m, _WB_RELS, b'Target="styles.xml"', b'Target="format.xml"')


def _table_claimed_twice(m):
    m["xl/worksheets/decoy.xml"] = _decoy(m)
    m["xl/worksheets/_rels/decoy.xml.rels"] = m["xl/worksheets/_rels/sheet6.xml.rels"]
    _add_sheet_rel(m, b"worksheets/decoy.xml", b"rIdDecoy")
    sub(m, "xl/workbook.xml", b"</sheets>", b'<sheet name="NAV 2" sheetId="99" r:id="rIdDecoy"/></sheets>')


def _tables_overlap(m):
    m["xl/tables/table99.xml"] = m["xl/tables/table6.xml"].replace(b'"NAV"', b'"NAV2"')
    sub(m, "xl/worksheets/_rels/sheet6.xml.rels", b"</Relationships>",
        b'<Relationship Type="' + REL + b'/table" Target="/xl/tables/table99.xml" Id="rId99"/>'
        b"</Relationships>")


def _table_part_missing(m):
    del m["xl/tables/table6.xml"]


def _duplicate_table_name(m):
    m["xl/worksheets/decoy.xml"] = _decoy(m)
    m["xl/tables/table99.xml"] = m["xl/tables/table6.xml"]
    m["xl/worksheets/_rels/decoy.xml.rels"] = m["xl/worksheets/_rels/sheet6.xml.rels"].replace(
        b"table6.xml", b"table99.xml")
    _add_sheet_rel(m, b"worksheets/decoy.xml", b"rIdDecoy")
    sub(m, "xl/workbook.xml", b"</sheets>", b'<sheet name="NAV 2" sheetId="99" r:id="rIdDecoy"/></sheets>')


def _state(state: bytes):
    return lambda m: sub(m, "xl/workbook.xml", b'<sheet name="NAV" sheetId="6" state="visible"',
                         b'<sheet name="NAV" sheetId="6" state="' + state + b'"')


# --------------------------------------------------------------------------- the zip itself
def _not_a_zip(path: Path) -> None:
    path.write_text("Date,Growth Fund\n2001-01-02,1000\n")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _cfb(names):
    def build(path: Path) -> None:
        body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
        for name in names:
            entry = name.encode("utf-16-le") + b"\x00\x00"
            body += entry + b"\x00" * (128 - len(entry))
        path.write_bytes(bytes(body))
    return build


def _ods(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")


def _zip_bomb(path: Path) -> None:
    _sample(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/image1.png", "w", force_zip64=True) as w:
            block = b"\x00" * (1 << 20)
            for _ in range(64):
                w.write(block)


def _size_lie(path: Path) -> None:
    """The NAV sheet padded by 5 MB while its zip headers declare its old size."""
    _sample(path)
    m = parts(path)
    nav = _nav(m)
    size = len(m[nav])
    m[nav] = m[nav].replace(b"</worksheet>", b" " * (5 << 20) + b"</worksheet>")
    write(path, m)
    data = bytearray(path.read_bytes())
    name = nav.encode()
    for sig, at, size_at in ((b"PK\x03\x04", 26, 22), (b"PK\x01\x02", 28, 24)):
        i = data.find(sig)
        while i >= 0:
            n = struct.unpack("<H", data[i + at:i + at + 2])[0]
            start = i + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[start:start + n]) == name:
                data[i + size_at:i + size_at + 4] = struct.pack("<I", size)
            i = data.find(sig, i + 4)
    path.write_bytes(bytes(data))


def _crc(path: Path) -> None:
    """A stored NAV figure changed in place: only the checksum can tell."""
    edit(lambda m: None, zipfile.ZIP_STORED)(path)
    data = bytearray(path.read_bytes())
    i = data.find(b"<v>", data.find(b'<c r="B2"'))
    j = i + 3
    data[j] = ord("9") if data[j] != ord("9") else ord("8")
    path.write_bytes(bytes(data))


def _many_members(path: Path) -> None:
    _sample(path)
    with zipfile.ZipFile(path, "a") as z:
        for i in range(10_001):
            z.writestr(f"customXml/item{i}.xml", b"")


def _many_sheets(path: Path) -> None:
    from openpyxl import Workbook
    wb = Workbook()
    for i in range(501):
        wb.create_sheet(f"S{i}")
    wb.save(path)


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b"]>\n")


def _laughs(part_of: Callable[[Parts], str]):
    def fn(m):
        part = part_of(m)
        body = m[part]
        m[part] = LAUGHS + (body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body).replace(
            b"</sheetData>", b'<row r="9999"><c r="A9999" t="inlineStr"><is><t>&lol9;</t></is></c>'
            b"</row></sheetData>")
    return fn


def _nested_deep(m):
    sub(m, "xl/workbook.xml", b"<definedNames />", b"<x>" * 100_000 + b"</x>" * 100_000)


def _many_links(m):
    rels = f"xl/worksheets/_rels/{_nav(m).rsplit('/', 1)[1]}.rels"
    link = b'<Relationship Id="rIdL%d" Type="' + REL + b'/hyperlink" Target="http://x/%d" ' \
        b'TargetMode="External"/>'
    sub(m, rels, b"</Relationships>",
        b"".join(link % (i, i) for i in range(200_000)) + b"</Relationships>")


def _utf16(m):
    nav = _nav(m)
    m[nav] = ('<?xml version="1.0" encoding="UTF-16"?>' + m[nav].decode()).encode("utf-16")


def _r_less(m):
    """The NAV sheet with every address left out where counting gives it (a cell without one
    is the next column of its row, a row without one the next row): read as it is."""
    nav = _nav(m)
    row_no = 0

    def row(rm):
        nonlocal row_no
        number = int(rm.group(1))
        head = b"<row>" if number == row_no + 1 else rm.group(0)[:rm.group(0).index(b">") + 1]
        row_no = number
        col = 0

        def cell(cm):
            nonlocal col
            c = sum((ch - 64) * 26 ** k for k, ch in enumerate(reversed(cm.group(1))))
            keep = c != col + 1
            col = c
            return cm.group(0) if keep else b"<c"
        return head + re.sub(rb'<c r="([A-Z]+)\d+"', cell, rm.group(2)) + b"</row>"
    m[nav] = re.sub(rb'<row r="(\d+)"[^>]*>(.*?)</row>', row, m[nav], flags=re.S)


def _prefixed(m):
    nav = _nav(m)
    xml = m[nav].replace(b'<worksheet xmlns="', b'<x:worksheet xmlns:x="')
    m[nav] = re.sub(rb"<(/?)(worksheet|sheetData|row|c|v|is|t|dimension|sheetPr|outlinePr|pageSetUpPr|"
                    rb"sheetViews|sheetView|pane|selection|sheetFormatPr|cols|col|pageMargins|"
                    rb"tableParts|tablePart)([\s/>])", rb"<\1x:\2\3", xml)


def _far_styled_empty(m):
    add_cells("NAV", b'<row r="1048576"><c r="XFD1048576" s="1"/></row>')(m)


def _date_cell(value: bytes):
    return lambda m: set_cell(m, "NAV", "A3", b't="n"><v>' + value + b"</v>")


CASES = [
    *[Case(name, edit(add_cells("NAV", xml)), code, "NAV") for name, xml, code in _FAR],
    *[Case(name, edit(_sst(u, c)), "book.corrupt") for name, u, c in _SST],
    Case("shared_strings_counts_right", edit(_sst_ok), None, exit=0),
    Case("dimension_past_the_sheet", edit(_dimension(b"A1:B99999999999")), "book.corrupt", "NAV"),
    Case("dimension_reversed", edit(_dimension(b"T2000:A1")), "book.corrupt", "NAV"),
    Case("dimension_claims_the_whole_sheet", edit(_dimension(b"A1:XFD1048576")), None, exit=0),
    Case("table_ref_past_row_limit", edit(_table_ref(b"A1:S9999999")), "book.corrupt", "NAV"),
    Case("table_ref_past_xfd", edit(_table_ref(b"A1:XFE250")), "book.corrupt", "NAV"),
    Case("table_ref_not_a_range", edit(_table_ref(b"A1:S250:T9")), "table.bad_ref", "NAV"),
    Case("table_without_header_row", edit(_no_header), "table.no_header", "NAV"),
    Case("far_styled_empty_cell", edit(_far_styled_empty), None, exit=0),
    Case("hidden_sheet_with_the_same_name", edit(_hidden_twin), "book.corrupt", "NAV"),
    Case("very_hidden_twin_differing_in_case", edit(_twin_other_case), "book.corrupt", "nav"),
    Case("percent_encoded_target_with_decoy", edit(_percent_target), "book.corrupt"),
    Case("percent_encoded_target_alone", edit(_percent_target_alone), None, exit=0),
    Case("backslash_target_with_decoy", edit(_backslash_twin), "book.corrupt"),
    Case("backslash_target_alone", edit(_backslash_alone), None, exit=0),
    Case("upper_case_member_twin", edit(_upper_case_twin), "book.corrupt"),
    Case("dot_segments_in_target", edit(_dot_segments), None, exit=0),
    Case("two_sheets_on_one_part", edit(_two_sheets_one_part), "book.corrupt", "NAV copy"),
    Case("relationship_id_twice", edit(_rel_id_twice), "book.corrupt"),
    Case("sheet_part_missing", edit(_sheet_part_missing), "book.corrupt", "NAV"),
    Case("sheet_relationship_missing", edit(_sheet_rel_missing), "book.corrupt", "NAV"),
    Case("decoy_workbook_part", edit(_workbook_elsewhere), None, exit=0),
    Case("two_workbook_parts", edit(_two_workbooks), "book.corrupt"),
    Case("decoy_shared_strings_and_styles", edit(_strings_and_styles_elsewhere), None, exit=0),
    Case("table_part_claimed_by_two_sheets", edit(_table_claimed_twice), "book.corrupt", "NAV 2"),
    Case("tables_covering_the_same_cells", edit(_tables_overlap), "book.corrupt", "NAV"),
    Case("table_part_missing", edit(_table_part_missing), "book.corrupt", "NAV"),
    Case("second_table_of_one_name", edit(_duplicate_table_name), "table.duplicate_name", "NAV 2"),
    Case("nav_on_a_hidden_sheet", edit(_state(b"hidden")), "table.hidden_sheet", "NAV", exit=0,
         severity="warning"),
    Case("nav_on_a_very_hidden_sheet", edit(_state(b"veryHidden")), "table.hidden_sheet", "NAV",
         exit=0, severity="warning"),
    Case("not_a_zip", _not_a_zip, "book.not_workbook"),
    Case("empty_file", _empty, "book.not_workbook"),
    Case("legacy_xls_named_xlsx", _cfb(["Root Entry", "Workbook"]), "book.xls"),
    Case("password_protected", _cfb(["Root Entry", "EncryptionInfo", "EncryptedPackage"]),
         "book.encrypted"),
    Case("opendocument_named_xlsx", _ods, "book.not_workbook"),
    Case("zip_bomb_member", _zip_bomb, "book.too_large"),
    Case("part_larger_than_declared", _size_lie, "book.too_large"),
    Case("part_failing_its_checksum", _crc, "book.corrupt"),
    Case("ten_thousand_and_one_parts", _many_members, "book.too_large"),
    Case("five_hundred_and_one_sheets", _many_sheets, "book.too_large"),
    Case("billion_laughs_in_a_sheet", edit(_laughs(_nav)), "book.unsafe_xml"),
    Case("billion_laughs_in_styles", edit(_laughs(lambda m: "xl/styles.xml")), "book.unsafe_xml"),
    Case("billion_laughs_in_a_table", edit(_laughs(lambda m: "xl/tables/table6.xml")),
         "book.unsafe_xml"),
    Case("billion_laughs_in_relationships", edit(_laughs(lambda m: _WB_RELS)), "book.unsafe_xml"),
    Case("sheet_in_utf16", edit(_utf16), "book.corrupt"),
    Case("workbook_part_nested_100000_deep", edit(_nested_deep), "book.corrupt"),
    Case("sheet_relationships_200000_hyperlinks", edit(_many_links), None, exit=0),
    Case("cells_without_addresses", edit(_r_less), None, exit=0),
    Case("prefixed_element_names", edit(_prefixed), None, exit=0),
    Case("nan_in_a_date_cell", edit(_date_cell(b"NaN")), "cell.not_a_date", "NAV!A3"),
    Case("minus_five_in_a_date_cell", edit(_date_cell(b"-5")), "cell.not_a_date", "NAV!A3"),
    Case("minus_infinity_in_a_date_cell", edit(_date_cell(b"-inf")), "cell.not_a_date", "NAV!A3"),
    Case("minus_1e300_in_a_date_cell", edit(_date_cell(b"-1e300")), "cell.not_a_date", "NAV!A3"),
    Case("serial_past_9999_in_a_date_cell", edit(_date_cell(b"2958466")), "cell.not_a_date", "NAV!A3"),
]

MESSAGE = {
    "value_at_xfd1048576": "XFD1048576",
    "cell_ref_b99999999999": "B99999999999",
    "hidden_sheet_with_the_same_name": "two sheets named",
    "percent_encoded_target_with_decoy": "decoy",
    "shared_strings_unique_count_2_64_minus_1": "18446744073709551615",
    "minus_five_in_a_date_cell": "-5",
}
