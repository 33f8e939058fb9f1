"""Absurd structure is refused before anything is allocated for it, never a crash.

Each workbook of the issue that killed the process (calamine asking for 48-739 GB and
aborting, or panicking) is read in a child process, so that a regression fails the test
instead of ending the test session; the child must exit normally with the finding.
"""
from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fee_core.findings import column_letter
from fee_core.read import read_workbook
from fee_core.read.bounds import MAX_SHEET_CELLS, SheetScan, exact_scan
from tests.zipsurgery import add_shared_strings, read_in_child, rewrite, sub

SHEET = "xl/worksheets/sheet1.xml"


def with_cells(src, dst, xml: bytes):
    """``src`` with ``xml`` (rows of cells) added at the end of the NAV sheet's data."""
    return rewrite(src, dst, lambda m: sub(m, SHEET, b"</sheetData>", xml + b"</sheetData>"))


def child_finding(path, code: str, where: str | None = None):
    status, out, stderr = read_in_child(path)
    assert status == 0, f"the reader died (status {status}): {stderr[-2000:]}"
    assert "Traceback" not in stderr and "panicked" not in stderr, stderr[-2000:]
    found = [f for f in out["findings"] if f[0] == code]
    assert found, out["findings"]
    assert out["tables"] == []
    if where is not None:
        assert where in found[0][2], found[0]
    return found[0]


@pytest.mark.parametrize("name,xml,code,words", [
    ("xfd", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "book.too_large",
     "XFD1048576"),
    ("bigref", b'<row r="4"><c r="B99999999999"><v>1</v></c></row>', "book.corrupt", "B99999999999"),
    ("past_xfd", b'<row r="4"><c r="XFE4"><v>1</v></c></row>', "book.corrupt", "XFE4"),
    ("four_letters", b'<row r="4"><c r="ZZZZ4"><v>1</v></c></row>', "book.corrupt", "ZZZZ4"),
    ("row_past_limit", b'<row r="1048577"><c r="A1048577"><v>1</v></c></row>', "book.corrupt",
     "1048577"),
    ("counted_past_xfd", b'<row r="4">' + b"<c><v>1</v></c>" * 16385 + b"</row>", "book.corrupt",
     "XFE4"),
    ("prefixed_far", b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
     b'r="900000"><x:c r="ZZ900000"><x:v>1</x:v></x:c></x:row>', "book.too_large", "ZZ900000"),
])
def test_cells_past_the_limits_are_refused_not_crashed(nav_book, tmp_path, name, xml, code, words):
    p = with_cells(nav_book, tmp_path / f"{name}.xlsx", xml)
    f = child_finding(p, code, "NAV")
    assert words in f[3]


def test_a_far_styled_but_empty_cell_is_no_reason_to_refuse(nav_book, tmp_path):
    """Formatting XFD1048576 leaves an empty cell there: calamine allocates nothing for it."""
    p = with_cells(nav_book, tmp_path / "styled.xlsx",
                   b'<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    book, findings = read_workbook(p)
    assert findings == []
    assert book.tables["NAV"].columns["Growth Fund"] == [1000.5, 1001.5]


@pytest.mark.parametrize("unique,count", [("2000000000", None), ("18446744073709551615", None),
                                          ("18446744073709551616", None), ("2e9", None),
                                          (None, "99999999999")])
def test_shared_string_counts_out_of_proportion_are_refused(nav_book, tmp_path, unique, count):
    def edit(m):
        add_shared_strings(m, ["Date"], unique_count=unique, count=count)
        sub(m, SHEET, b'<c r="A1" t="inlineStr"><is><t>Date</t></is></c>', b'<c r="A1" t="s"><v>0</v></c>')
    f = child_finding(rewrite(nav_book, tmp_path / "sst.xlsx", edit), "book.corrupt")
    assert "shared strings" in f[3]


def test_right_shared_strings_are_read(nav_book, tmp_path):
    def edit(m):
        add_shared_strings(m, ["Date", "Growth Fund"])
        sub(m, SHEET, b'<c r="A1" t="inlineStr"><is><t>Date</t></is></c>', b'<c r="A1" t="s"><v>0</v></c>')
    book, findings = read_workbook(rewrite(nav_book, tmp_path / "ok.xlsx", edit))
    assert findings == []
    assert book.tables["NAV"].headers == ("Date", "Growth Fund")


@pytest.mark.parametrize("ref,ok", [("A1:XFD1048576", True), ("A1:B99999999999", False),
                                    ("A1:XFE3", False), ("B3:A1", False), ("A1:B3", True)])
def test_the_dimension_record_is_bounded(nav_book, tmp_path, ref, ok):
    p = rewrite(nav_book, tmp_path / "dim.xlsx",
                lambda m: sub(m, SHEET, b'<dimension ref="A1:B3" />',
                              b'<dimension ref="' + ref.encode() + b'" />'))
    if ok:                      # a claim, not cells: nothing is allocated for it
        book, findings = read_workbook(p)
        assert findings == [] and book.tables["NAV"].columns["Growth Fund"] == [1000.5, 1001.5]
    else:
        assert ref in child_finding(p, "book.corrupt", "NAV")[3]


@pytest.mark.parametrize("ref", ["A1:B9999999", "A1:XFE3"])
def test_a_table_range_past_the_sheet_is_refused(nav_book, tmp_path, ref):
    p = rewrite(nav_book, tmp_path / "tref.xlsx",
                lambda m: sub(m, "xl/tables/table1.xml", b'ref="A1:B3"', b'ref="' + ref.encode() + b'"'))
    f = child_finding(p, "book.corrupt", "NAV")
    assert ref in f[3]


def test_a_table_range_that_is_no_range_is_a_table_finding(nav_book, tmp_path):
    p = rewrite(nav_book, tmp_path / "badref.xlsx",
                lambda m: sub(m, "xl/tables/table1.xml", b'ref="A1:B3"', b'ref="A1:B3:C4"'))
    book, findings = read_workbook(p)
    assert [f.code for f in findings] == ["table.bad_ref"]
    assert "NAV" not in book.tables


def test_a_sheet_spanning_too_many_cells_is_too_large(nav_book, tmp_path):
    row = MAX_SHEET_CELLS // 26 + 1
    p = with_cells(nav_book, tmp_path / "span.xlsx",
                   b'<row r="%d"><c r="Z%d"><v>1</v></c></row>' % (row, row))
    f = child_finding(p, "book.too_large", "NAV")
    assert f"Z{row}" in f[3] and "MAX_SHEET_CELLS" in f[3]


# ------------------------------------------------------- the fast scan against the exact one
def _sheet(cells: list[tuple[int, int, bool]], with_r: bool) -> bytes:
    """Sheet XML of cells (row, col, has a value), rows in order."""
    rows: dict[int, list[tuple[int, bool]]] = {}
    for r, c, v in cells:
        rows.setdefault(r, []).append((c, v))
    out = [b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>']
    for r in sorted(rows):
        out.append(b'<row r="%d">' % r)
        for c, v in sorted(rows[r]):
            ref = f"{column_letter(c)}{r}".encode()
            attrs = b' r="' + ref + b'"' if with_r else b""
            out.append(b"<c" + attrs + (b"><v>-12.5</v></c>" if v else b' s="1"/>'))
        out.append(b"</row>")
    out.append(b"</sheetData></worksheet>")
    return b"".join(out)


def _fast(xml: bytes, piece: int):
    scan = SheetScan()
    for i in range(0, len(xml), piece):
        scan.feed(xml[i:i + piece])
    return scan.finish(), scan.exact_needed


cells_strategy = st.lists(st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384), st.booleans()),
                          min_size=0, max_size=40)


@settings(max_examples=150, deadline=None)
@given(cells_strategy, st.sampled_from([7, 100, 1 << 20]))
def test_the_fast_scan_bounds_what_the_exact_scan_finds(cells, piece):
    xml = _sheet(cells, with_r=True)
    fast, exact_needed = _fast(xml, piece)
    exact = exact_scan(xml)
    assert not exact_needed and exact.bad is None
    # the fast scan counts every cell element, the exact one only cells with content
    assert fast.max_row >= exact.max_row and fast.max_col >= exact.max_col
    assert (fast.max_row, fast.max_col) == (max((r for r, _, _ in cells), default=0),
                                            max((c for _, c, _ in cells), default=0))
    assert (exact.max_row, exact.max_col) == (max((r for r, _, v in cells if v), default=0),
                                              max((c for _, c, v in cells if v), default=0))


def test_cells_without_an_address_go_the_exact_way():
    xml = _sheet([(3, 1, True), (3, 2, True), (5, 1, True)], with_r=False)
    fast, exact_needed = _fast(xml, 1 << 20)
    assert exact_needed
    assert (exact_scan(xml).max_row, exact_scan(xml).max_col) == (5, 2)


def test_a_big_negative_number_is_noted_wherever_the_pieces_break():
    xml = _sheet([(2, 1, True)], with_r=True).replace(b"-12.5", b"-1e300")
    for piece in (3, 17, 1 << 20):
        fast, _ = _fast(xml, piece)
        assert fast.negative_big
    assert exact_scan(xml).negative_big
    assert not _fast(_sheet([(2, 1, True)], with_r=True), 5)[0].negative_big


def test_references_found_across_piece_boundaries():
    random.seed(4)
    cells = [(random.randint(1, 5000), random.randint(1, 300), True) for _ in range(2000)]
    xml = _sheet(cells, with_r=True)
    want = (max(r for r, _, _ in cells), max(c for _, c, _ in cells))
    for piece in (1, 5, 48, 97, 193, 4096):
        fast, exact_needed = _fast(xml, piece)
        assert not exact_needed and (fast.max_row, fast.max_col) == want, piece
    assert re.search(rb'<c r="[A-Z]+\d+"', xml)


def test_a_cell_written_over_and_over_counts_every_time(nav_book, tmp_path, monkeypatch):
    """calamine keeps every record of a cell until it builds the sheet: records are bounded
    too, not only the span."""
    from fee_core.read import bounds
    monkeypatch.setattr(bounds, "MAX_SHEET_CELLS", 20)
    p = with_cells(nav_book, tmp_path / "again.xlsx",
                   b'<row r="5">' + b'<c r="A5"><v>1</v></c>' * 30 + b"</row>")
    book, findings = read_workbook(p)
    assert [f.code for f in findings] == ["book.too_large"]
    assert "cell records" in findings[0].message


def test_the_sheets_read_are_bounded_together(nav_book, tmp_path, monkeypatch):
    from fee_core.read import canonical
    monkeypatch.setattr(canonical, "MAX_BOOK_CELLS", 5)
    book, findings = read_workbook(nav_book)
    assert [f.code for f in findings] == ["book.too_large"]
    assert "MAX_BOOK_CELLS" in findings[0].message


def test_shared_strings_and_styles_are_bounded(nav_book, monkeypatch):
    from fee_core.read import canonical
    monkeypatch.setattr(canonical, "MAX_SIDE_PART_BYTES", 100)
    book, findings = read_workbook(nav_book)
    assert [f.code for f in findings] == ["book.too_large"]
    assert "styles.xml" in findings[0].message
