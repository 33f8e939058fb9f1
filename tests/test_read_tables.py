"""The reader's tables: where they are, their headers and values, what lies next to them.

Workbooks are built with openpyxl (``write_input_workbook``, ``add_table``) and, for cells
openpyxl cannot write (NaN, a formula's cached text, an error value), edited as XML
(``tests.zipsurgery``).  Every expected value is what the cell holds, written down here.
"""
from __future__ import annotations

import gc
import hashlib
import math
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.table import Table, TableColumn

from fee_core.read import CellError, RawBook, read_workbook
from fee_core.read.errorcells import special_cells
from fee_core.write.inputs import add_table, write_input_workbook
from tests.zipsurgery import rewrite, sheet_part, sub

NAV_ROWS = [
    {"Date": date(2001, 1, 2), "Growth Fund": 1000.5, "Core Equity Fund": 2000.0},
    {"Date": date(2001, 1, 3), "Growth Fund": 1001.5, "Core Equity Fund": 2001.0},
    {"Date": date(2001, 1, 4), "Growth Fund": 1002.5, "Core Equity Fund": 2002.0},
]


def codes(findings):
    return [f.code for f in findings]


@pytest.fixture
def nav_book(tmp_path):
    """Here wider than conftest's ``nav_book``: three days, two funds (``NAV_ROWS``)."""
    p = tmp_path / "nav.xlsx"
    write_input_workbook(p, {"NAV": NAV_ROWS})
    return p


def edited(src: Path, dst: Path, sheet: str, *pairs: tuple[bytes, bytes]) -> Path:
    """``src`` with bytes of ``sheet``'s XML replaced, pair by pair."""
    def edit(m):
        part = sheet_part(m, sheet)
        for old, new in pairs:
            sub(m, part, old, new)
    return rewrite(src, dst, edit)


# ----------------------------------------------------------------------------- tables
def test_reads_tables_by_name_with_headers_in_sheet_order(nav_book):
    book, findings = read_workbook(nav_book)
    assert findings == []
    assert isinstance(book, RawBook)
    assert book.path == str(nav_book)
    assert book.sheet_names == ("NAV",)
    assert set(book.tables) == {"NAV"}
    assert book.plain_ranges == {}
    t = book.tables["NAV"]
    assert (t.name, t.sheet, t.ref, t.first_col, t.header_row) == ("NAV", "NAV", "A1:C4", 1, 1)
    assert t.headers == ("Date", "Growth Fund", "Core Equity Fund")
    assert t.n_rows == 3
    assert t.columns["Date"] == [date(2001, 1, 2), date(2001, 1, 3), date(2001, 1, 4)]
    assert t.columns["Growth Fund"] == [1000.5, 1001.5, 1002.5]
    assert all(type(v) is float for v in t.columns["Core Equity Fund"])
    assert (t.rows_below, t.columns_beside) == ((), ())


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
    # the note in A1 is above the table, not next to it; tables side by side are not "data"
    assert t.rows_below == () and t.columns_beside == ()
    assert book.tables["Second"].columns_beside == ()


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
    assert special_cells(xml) == {(1, 2): CellError("#N/A"), (4, 3): CellError("#NO-VALUE"),
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
    assert t.rows_below == ()


def test_empty_rows_of_a_range_past_the_last_value_are_not_materialised(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    add_table(ws, "T", ["A", "B"], [[1, "x"], [None, None], [2, "y"]])
    wb.save(tmp_path / "short.xlsx")
    # Excel allows it; rows 5.. are empty (written into the part: openpyxl's own save of such
    # a table walks its 900,000 rows)
    p = rewrite(tmp_path / "short.xlsx", tmp_path / "long.xlsx",
                lambda m: sub(m, "xl/tables/table1.xml", b'ref="A1:B4"', b'ref="A1:B900000"', 0))
    book, findings = read_workbook(p)
    assert findings == []
    t = book.tables["T"]
    assert t.ref == "A1:B900000"
    assert t.columns == {"A": [1.0, None, 2.0], "B": ["x", None, "y"]}   # a blank row inside stays


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
    for j, v in enumerate(["Fund", "Fund", "Source", "Fund"], start=1):
        ws.cell(row=1, column=j, value=v)
    for j, v in enumerate(["first", "second", "s", "third"], start=1):
        ws.cell(row=2, column=j, value=v)
    ws.add_table(Table(displayName="FundNames", ref="A1:D2",
                       tableColumns=[TableColumn(id=1, name="Fund"),
                                     TableColumn(id=2, name="Fund2"),
                                     TableColumn(id=3, name="Source"),
                                     TableColumn(id=4, name="Fund3")]))
    p = tmp_path / "dup.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert codes(findings) == ["table.duplicate_header"]         # once, at the first repeat
    assert findings[0].location.cell == "B1"
    t = book.tables["FundNames"]
    assert t.headers == ("Fund", "Fund", "Source", "Fund")
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


def test_input_file_is_not_modified(nav_book):
    before = hashlib.sha256(nav_book.read_bytes()).hexdigest()
    mtime = nav_book.stat().st_mtime_ns
    read_workbook(nav_book)
    read_workbook(str(nav_book))
    assert hashlib.sha256(nav_book.read_bytes()).hexdigest() == before
    assert nav_book.stat().st_mtime_ns == mtime


def test_bad_path_type_raises():
    with pytest.raises(TypeError):
        read_workbook(42)
    with pytest.raises(TypeError):
        read_workbook(b"/tmp/x.xlsx")


def test_the_reader_leaves_the_garbage_collector_alone(nav_book):
    """No interpreter tricks: the reader never switches the cyclic collector off or on."""
    gc.disable()
    try:
        read_workbook(nav_book)
        assert not gc.isenabled()
    finally:
        gc.enable()
    read_workbook(nav_book)
    assert gc.isenabled()


# ------------------------------------------------------------ cells are what they are
def test_cells_are_handed_on_as_they_are(tmp_path):
    """TRUE stays a bool, number-like text and a formula's cached text stay text, a number
    under a date format that is no date stays that number (never 0, 1899-12-30 or a time)."""
    rows = [{"Date": date(2001, 1, d), "Growth Fund": 1000.0 + d} for d in range(2, 9)]
    src = tmp_path / "src.xlsx"
    write_input_workbook(src, {"NAV": rows})
    # NAV: A = Date (date format), B = Growth Fund (money format); rows 2..8
    p = edited(src, tmp_path / "cells.xlsx", "NAV",
               (b'<v>1002</v>', b'<v>1</v>'),                       # B2 ... made boolean below
               (b'<c r="B2" s="2" t="n">', b'<c r="B2" s="2" t="b">'),
               (b'<c r="B3" s="2" t="n"><v>1003</v></c>',
                b'<c r="B3" s="2" t="inlineStr"><is><t xml:space="preserve"> 21312586.96 </t></is></c>'),
               (b'<c r="B4" s="2" t="n"><v>1004</v></c>',
                b'<c r="B4" s="2" t="str"><f>"1004"</f><v>1004</v></c>'),
               (b'<c r="A5" s="1" t="n"><v>36896</v></c>', b'<c r="A5" s="1" t="n"><v>NaN</v></c>'),
               (b'<c r="A6" s="1" t="n"><v>36897</v></c>', b'<c r="A6" s="1" t="n"><v>-5</v></c>'),
               (b'<c r="A7" s="1" t="n"><v>36898</v></c>', b'<c r="A7" s="1" t="n"><v>0.5</v></c>'),
               (b'<c r="A8" s="1" t="n"><v>36899</v></c>',
                b'<c r="A8" s="1" t="n"><v>2958466</v></c>'),
               (b'<c r="B8" s="2" t="n"><v>1008</v></c>', b'<c r="B8" s="2" t="n"><v>inf</v></c>'))
    book, findings = read_workbook(p)
    assert findings == []
    t = book.tables["NAV"]
    b = t.columns["Growth Fund"]
    assert b[0] is True
    assert b[1] == " 21312586.96 "
    assert b[2] == "1004" and isinstance(b[2], str)
    assert b[6] == math.inf
    d = t.columns["Date"]
    assert d[0] == date(2001, 1, 2)
    assert math.isnan(d[3])                           # NaN, not 1899-12-30
    assert d[4] == -5.0 and type(d[4]) is float       # -5, not 00:00 or 0
    assert d[5] == 0.5
    assert d[6] == 2958466.0                          # past 9999-12-31: the serial, for the parser


def test_negative_infinity_under_a_date_format_does_not_panic(tmp_path):
    """calamine panics converting -inf (or -1e11 days) under a date format; the sheet is read
    with its number formats set aside, so the value arrives as it is."""
    src = tmp_path / "src.xlsx"
    write_input_workbook(src, {"NAV": NAV_ROWS})
    p = edited(src, tmp_path / "neg.xlsx", "NAV",
               (b'<c r="A3" s="1" t="n"><v>36894</v></c>', b'<c r="A3" s="1" t="n"><v>-inf</v></c>'),
               (b'<c r="A4" s="1" t="n"><v>36895</v></c>',
                b'<c r="A4" s="1" t="n"><v>-123456789012</v></c>'))
    book, findings = read_workbook(p)
    assert findings == []
    d = book.tables["NAV"].columns["Date"]
    assert d[1] == -math.inf and d[2] == -123456789012.0
    assert d[0] == 36893.0            # the sheet's numbers as stored: the parser reads serials
    assert book.tables["NAV"].columns["Growth Fund"] == [1000.5, 1001.5, 1002.5]


# --------------------------------------------------------------- next to and inside tables
def nav_with(tmp_path, cells: dict[str, object], name="next.xlsx") -> Path:
    wb = write_input_workbook(None, {"NAV": NAV_ROWS})
    ws = wb["NAV"]
    for ref, v in cells.items():
        ws[ref] = v
    p = tmp_path / name
    wb.save(p)
    return p


def test_rows_typed_just_below_a_table_are_named(tmp_path):
    p = nav_with(tmp_path, {"A5": date(2001, 1, 5), "B5": 1003.5, "C6": 2004.0,
                            "A8": date(2001, 1, 9)})            # row 7 is empty: 8 is not "just below"
    book, findings = read_workbook(p)
    assert findings == []
    t = book.tables["NAV"]
    assert t.rows_below == (5, 6)
    assert t.n_rows == 3                                      # not part of the table
    assert t.columns_beside == ()


def test_data_below_but_outside_the_table_columns_is_not_below(tmp_path):
    p = nav_with(tmp_path, {"D5": "a note", "E2": None})
    t = read_workbook(p)[0].tables["NAV"]
    assert t.rows_below == () and t.columns_beside == ()


def test_columns_typed_just_beside_a_table_are_named(tmp_path):
    p = nav_with(tmp_path, {"D1": "Small Cap Fund", "D3": 500.0, "E2": 7.0, "G2": 1.0})
    t = read_workbook(p)[0].tables["NAV"]
    assert t.columns_beside == ("D", "E")                      # F is empty: G is not beside
    assert t.rows_below == ()


def test_a_column_left_of_a_table_is_beside_it(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "NAV"
    add_table(ws, "NAV", ["Date", "Growth Fund"], [[date(2001, 1, 2), 1.0]], first_col=3)
    ws["B2"] = 99.0
    p = tmp_path / "left.xlsx"
    wb.save(p)
    assert read_workbook(p)[0].tables["NAV"].columns_beside == ("B",)


def test_another_table_just_below_is_not_data_below(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    add_table(ws, "Top", ["A", "B"], [[1, 2]])
    add_table(ws, "Low", ["A", "B"], [[3, 4]], first_row=3)
    p = tmp_path / "stacked.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert findings == []
    assert book.tables["Top"].rows_below == ()
    assert book.tables["Low"].columns == {"A": [3.0], "B": [4.0]}


def test_a_plain_range_where_a_contract_table_should_be(tmp_path):
    wb = write_input_workbook(None, {"NAV": NAV_ROWS, "Settings": [
        {"Setting": "Day Count", "Value": "Actual/365"}]})
    del wb["NAV"].tables["NAV"]                 # Table Design > Convert to Range
    wb.create_sheet("Providers")                # a contract sheet, empty: no plain range
    notes = wb.create_sheet("Notes")            # not a contract sheet
    notes["B2"] = "hello"
    p = tmp_path / "plain.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert findings == []
    assert "NAV" not in book.tables
    assert book.plain_ranges == {"NAV": "A1:C4"}


# ------------------------------------------------------------------------ hidden sheets
@pytest.mark.parametrize("state,words", [("hidden", "Unhide"), ("veryHidden", "VBA")])
def test_a_contract_table_on_a_hidden_sheet_is_a_warning(tmp_path, state, words):
    wb = write_input_workbook(None, {"NAV": NAV_ROWS})
    other = wb.create_sheet("Helper")
    add_table(other, "Helper", ["K"], [["v"]])
    wb["NAV"].sheet_state = state
    other.sheet_state = state                   # not a contract table: no warning
    wb.create_sheet("Visible")
    p = tmp_path / "hidden.xlsx"
    wb.save(p)
    book, findings = read_workbook(p)
    assert codes(findings) == ["table.hidden_sheet"]
    f = findings[0]
    assert f.severity == "warning" and f.location.sheet == "NAV" and f.location.table == "NAV"
    assert words in f.message
    assert book.tables["NAV"].columns["Growth Fund"] == [1000.5, 1001.5, 1002.5]
