"""The reader reads exactly the parts the workbook's own relationships name, and refuses a
package where names or targets read differently for different programs (decoys)."""
from __future__ import annotations

from datetime import date

import pytest

from fee_core.read import read_workbook
from fee_core.read.opc import readings
from tests.zipsurgery import add_shared_strings, rewrite, sub

WB_RELS = "xl/_rels/workbook.xml.rels"
SHEET = "xl/worksheets/sheet1.xml"


def growth(book):
    return book.tables["NAV"].columns["Growth Fund"]


def refused(path, code="book.corrupt"):
    book, findings = read_workbook(path)
    assert book.tables == {}
    assert [f.code for f in findings] == [code], findings
    return findings[0]


def decoy_sheet(m):
    """A copy of the NAV sheet with doubled figures, as another part."""
    return m[SHEET].replace(b"<v>1000.5</v>", b"<v>2001</v>").replace(b"<v>1001.5</v>", b"<v>2003</v>")


def add_decoy_sheet(m, rid: bytes) -> None:
    """The decoy sheet as ``xl/worksheets/sheet2.xml``, related from the workbook part as ``rid``
    (no sheet entry: each test names it as its case needs)."""
    m["xl/worksheets/sheet2.xml"] = decoy_sheet(m)
    sub(m, WB_RELS, b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="worksheets/sheet2.xml" Id="' + rid + b'"/></Relationships>')


# ------------------------------------------------------------------ resolving targets
@pytest.mark.parametrize("base,target,expected", [
    ("xl/workbook.xml", "worksheets/sheet1.xml", {"xl/worksheets/sheet1.xml"}),
    ("xl/workbook.xml", "/xl/worksheets/sheet1.xml", {"xl/worksheets/sheet1.xml"}),
    ("xl/worksheets/sheet1.xml", "../tables/table1.xml", {"xl/tables/table1.xml"}),
    ("xl/workbook.xml", "./worksheets/../worksheets/sheet1.xml", {"xl/worksheets/sheet1.xml"}),
    ("", "xl/workbook.xml", {"xl/workbook.xml"}),
    ("xl/workbook.xml", "../../etc/passwd", set()),
    ("xl/workbook.xml", "worksheets/sheet%31.xml",
     {"xl/worksheets/sheet%31.xml", "xl/worksheets/sheet1.xml"}),
    ("xl/workbook.xml", "worksheets\\sheet1.xml",
     {"xl/worksheets\\sheet1.xml", "xl/worksheets/sheet1.xml"}),
])
def test_every_reading_of_a_target(base, target, expected):
    assert readings(base, target) == expected


def test_targets_absolute_relative_percent_encoded_or_with_backslashes_read_the_one_part(
        nav_book, tmp_path):
    def edit(m):
        sub(m, WB_RELS, b'Target="/xl/worksheets/sheet1.xml"', b'Target="worksheets\\sheet%31.xml"')
        sub(m, "xl/worksheets/_rels/sheet1.xml.rels", b'Target="/xl/tables/table1.xml"',
            b'Target="../tables/table1.xml"')
    book, findings = read_workbook(rewrite(nav_book, tmp_path / "targets.xlsx", edit))
    assert findings == []
    assert growth(book) == [1000.5, 1001.5]


def test_a_percent_encoded_target_naming_a_decoy_part_is_refused(nav_book, tmp_path):
    """Excel reads sheet%31.xml as sheet1.xml; calamine took it literally: two parts."""
    def edit(m):
        m["xl/worksheets/sheet%31.xml"] = decoy_sheet(m)
        sub(m, WB_RELS, b'Target="/xl/worksheets/sheet1.xml"', b'Target="worksheets/sheet%31.xml"')
    f = refused(rewrite(nav_book, tmp_path / "pct.xlsx", edit))
    assert "sheet%31.xml" in f.message and "sheet1.xml" in f.message
    assert "decoy" in f.message


def test_a_hidden_decoy_sheet_with_the_same_name_is_refused(nav_book, tmp_path):
    def edit(m):
        add_decoy_sheet(m, b"rIdDecoy")
        sub(m, "xl/workbook.xml", b'<sheet name="NAV"',
            b'<sheet name="nav" sheetId="9" state="hidden" r:id="rIdDecoy"/><sheet name="NAV"')
    f = refused(rewrite(nav_book, tmp_path / "decoy.xlsx", edit))
    assert "two sheets named" in f.message and f.location.sheet == "NAV"


def test_two_sheets_on_one_part_are_refused(nav_book, tmp_path):
    def edit(m):
        sub(m, "xl/workbook.xml", b"</sheets>",
            b'<sheet name="Copy" sheetId="2" r:id="rId1"/></sheets>')
    assert "one and the same part" in refused(rewrite(nav_book, tmp_path / "same.xlsx", edit)).message


def test_a_relationship_id_given_twice_is_refused(nav_book, tmp_path):
    def edit(m):
        m["xl/worksheets/sheet2.xml"] = decoy_sheet(m)
        sub(m, WB_RELS, b"<Relationship ",
            b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/worksheet" Target="worksheets/sheet2.xml" Id="rId1"/><Relationship ')
    assert "twice" in refused(rewrite(nav_book, tmp_path / "ids.xlsx", edit)).message


@pytest.mark.parametrize("edit_rels,words", [
    ((b'r:id="rId1"', b'r:id="rId99"'), "does not have"),
    ((b'Target="/xl/worksheets/sheet1.xml"', b'Target="/xl/worksheets/gone.xml"'), "not in the file"),
])
def test_a_sheet_whose_relationship_or_part_is_missing_is_refused(nav_book, tmp_path, edit_rels, words):
    part = "xl/workbook.xml" if edit_rels[0].startswith(b"r:id") else WB_RELS
    f = refused(rewrite(nav_book, tmp_path / "gone.xlsx", lambda m: sub(m, part, *edit_rels)))
    assert words in f.message and f.location.sheet == "NAV"


def test_the_workbook_part_is_the_one_the_package_names(nav_book, tmp_path):
    """A decoy xl/workbook.xml beside the real workbook part is never read."""
    def edit(m):
        m["xl/book.xml"] = m.pop("xl/workbook.xml")
        m["xl/_rels/book.xml.rels"] = m.pop(WB_RELS)
        m["xl/worksheets/sheet2.xml"] = decoy_sheet(m)
        m["xl/workbook.xml"] = m["xl/book.xml"].replace(b'r:id="rId1"', b'r:id="rId9"')
        m[WB_RELS] = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                      b'relationships"><Relationship Type="http://schemas.openxmlformats.org/'
                      b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"'
                      b' Id="rId9"/></Relationships>')
        sub(m, "_rels/.rels", b'Target="xl/workbook.xml"', b'Target="xl/book.xml"')
    book, findings = read_workbook(rewrite(nav_book, tmp_path / "book.xlsx", edit))
    assert findings == []
    assert growth(book) == [1000.5, 1001.5]


def test_shared_strings_and_styles_are_the_parts_the_workbook_names(nav_book, tmp_path):
    """calamine looks for xl/sharedStrings.xml and xl/styles.xml by name; decoys there are
    never read: the strings and number formats come from the parts the relationships name."""
    def edit(m):
        add_shared_strings(m, ["Date", "Growth Fund"])
        sub(m, SHEET, b'<c r="B1" t="inlineStr"><is><t>Growth Fund</t></is></c>',
            b'<c r="B1" t="s"><v>1</v></c>')
        m["xl/strings.xml"] = m.pop("xl/sharedStrings.xml")
        m["xl/sharedStrings.xml"] = m["xl/strings.xml"].replace(b"Growth Fund", b"Decoy Fund")
        sub(m, WB_RELS, b'Target="sharedStrings.xml"', b'Target="strings.xml"')
        m["xl/format.xml"] = m.pop("xl/styles.xml")
        m["xl/styles.xml"] = m["xl/format.xml"].replace(b'formatCode="yyyy-mm-dd"', b'formatCode="0"')
        sub(m, WB_RELS, b'Target="styles.xml"', b'Target="format.xml"')
    book, findings = read_workbook(rewrite(nav_book, tmp_path / "parts.xlsx", edit))
    assert findings == []
    t = book.tables["NAV"]
    assert t.headers == ("Date", "Growth Fund")
    assert t.columns["Date"] == [date(2001, 1, 2), date(2001, 1, 3)]


def test_two_workbook_parts_are_refused(nav_book, tmp_path):
    def edit(m):
        m["xl/book.xml"] = m["xl/workbook.xml"]
        sub(m, "_rels/.rels", b"</Relationships>",
            b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="xl/book.xml" Id="rId9"/></Relationships>')
    assert "officeDocument" in refused(rewrite(nav_book, tmp_path / "two.xlsx", edit)).message


# -------------------------------------------------------------------------------- tables
def test_a_table_part_claimed_by_two_sheets_is_refused(nav_book, tmp_path):
    def edit(m):
        add_decoy_sheet(m, b"rId9")
        m["xl/worksheets/_rels/sheet2.xml.rels"] = m["xl/worksheets/_rels/sheet1.xml.rels"]
        sub(m, "xl/workbook.xml", b"</sheets>", b'<sheet name="Other" sheetId="2" r:id="rId9"/></sheets>')
    assert "claimed by sheets" in refused(rewrite(nav_book, tmp_path / "claimed.xlsx", edit)).message


def test_a_table_whose_part_is_missing_is_refused(nav_book, tmp_path):
    def edit(m):
        del m["xl/tables/table1.xml"]
    assert "not in the file" in refused(rewrite(nav_book, tmp_path / "notable.xlsx", edit)).message


def test_tables_covering_the_same_cells_are_refused(nav_book, tmp_path):
    def edit(m):
        m["xl/tables/table2.xml"] = m["xl/tables/table1.xml"].replace(b'"NAV"', b'"NAV2"')
        sub(m, "xl/worksheets/_rels/sheet1.xml.rels", b"</Relationships>",
            b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/table" Target="/xl/tables/table2.xml" Id="rId2"/></Relationships>')
    f = refused(rewrite(nav_book, tmp_path / "overlap.xlsx", edit))
    assert "same cells" in f.message and f.location.table == "NAV2"


def test_a_second_table_of_one_name_is_reported_and_the_first_kept(nav_book, tmp_path):
    def edit(m):
        add_decoy_sheet(m, b"rId9")
        m["xl/tables/table2.xml"] = m["xl/tables/table1.xml"].replace(b'"NAV"', b'"nav"')
        m["xl/worksheets/_rels/sheet2.xml.rels"] = m["xl/worksheets/_rels/sheet1.xml.rels"].replace(
            b"table1.xml", b"table2.xml")
        sub(m, "xl/workbook.xml", b"</sheets>", b'<sheet name="Copy" sheetId="2" r:id="rId9"/></sheets>')
    book, findings = read_workbook(rewrite(nav_book, tmp_path / "dupname.xlsx", edit))
    assert [f.code for f in findings] == ["table.duplicate_name"]
    assert findings[0].is_error and findings[0].location.sheet == "Copy"
    assert growth(book) == [1000.5, 1001.5]
