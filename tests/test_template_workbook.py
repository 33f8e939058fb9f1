"""The template's Excel side: committed file = builder output, reproducible bytes, the add-in
sheets (one FEE_ACCRUALS per Summary, native lookups and tie-outs over structured references,
guarded totals, formatted spill columns), xlwings.conf, drop-down lists, dynamic-array
metadata, no stored result where none is known.  Files are read with openpyxl and as zip/XML."""
from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from fee_core.engine import load
from fee_core.write.addin_sheets import (
    CONF_SHEET,
    SUMMARY_FIRST_ROW,
    column_ref,
    guarded_sum,
    spilled_column,
)
from fee_core.write.xlsx import FIXED_TIME
from templates.builder import TEMPLATE_PATH, TEMPLATE_YEAR, build_template, main, template_bytes
from templates.sample import summary_rows

ADDIN_CALL = re.compile(r"\bFEE_[A-Z_]+\(")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    p = tmp_path_factory.mktemp("tw") / "template.xlsx"
    build_template(p, TEMPLATE_YEAR)
    return p


@pytest.fixture(scope="module")
def wb(template):
    return openpyxl.load_workbook(template)


def _formula(cell) -> str | None:
    v = cell.value
    text = getattr(v, "text", v)
    return text if isinstance(text, str) and text.startswith("=") else None


def _formulas(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                f = _formula(c)
                if f is not None:
                    yield ws.title, c.coordinate, f


# ----------------------------------------------------------------------------- the file

def test_committed_template_is_what_the_builder_makes(template):
    assert TEMPLATE_PATH.exists(), "run: python -m templates.builder"
    assert TEMPLATE_PATH.read_bytes() == template.read_bytes(), \
        "templates/fee12b1_template.xlsx is stale: rebuild it with python -m templates.builder"


def test_builder_main_writes_the_template(tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert main([str(out)]) == 0
    assert out.read_bytes() == TEMPLATE_PATH.read_bytes()
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize("sample", [False, True])
def test_same_arguments_same_bytes_and_no_clock_inside(sample):
    """Two builds are identical, and nothing in the file comes from the clock: every zip entry
    carries the fixed 1980 stamp and the document properties the fixed creation time (so a
    build at another moment gives the same bytes; no waiting needed to show it)."""
    a, b = template_bytes(2001, sample=sample), template_bytes(2001, sample=sample)
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == [stamp, stamp]
    assert template_bytes(2001, sample=sample, seed=13) != a if sample else True


def test_sheets_in_order(wb):
    names = wb.sheetnames
    assert names[0] == "Read me"
    assert names[-5:] == ["Summary", "Accruals", "Payouts", "Checks", CONF_SHEET]


def test_xlwings_conf(wb):
    ws = wb[CONF_SHEET]
    keys = [ws.cell(r, 1).value for r in range(1, 4)]
    assert keys == ["UDF Modules", "Interpreter_Win", "PYTHONPATH"]
    assert ws["B1"].value == "addin.udfs"
    assert ws["B2"].value is None and ws["B3"].value is None
    assert ws["A4"].value is None          # xlwings reads A1 down to the first blank


# ----------------------------------------------------------------------------- add-in calls

def test_four_addin_calls_in_the_whole_template(wb):
    """One call per sheet (SPEC §9): the Summary's FEE_ACCRUALS and the three spill sheets;
    no single-figure function, no hundreds of cells."""
    calls = [(s, c, ADDIN_CALL.findall(f)) for s, c, f in _formulas(wb) if ADDIN_CALL.search(f)]
    assert [(s, c, names) for s, c, names in calls] == [
        ("Summary", "P4", ["FEE_ACCRUALS("]), ("Accruals", "A5", ["FEE_ACCRUALS("]),
        ("Payouts", "A5", ["FEE_PAYOUTS("]), ("Checks", "A5", ["FEE_CHECKS("])]


def test_spilled_table_functions(wb, template):
    want = {
        ("Accruals", "A5"): "=FEE_ACCRUALS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],"
                            "NAV[#All],Settings[#All],$B$2,FundNames[#All])",
        ("Payouts", "A5"): "=FEE_PAYOUTS(Providers[#All],ProviderAssets[#All],ScheduleA[#All],"
                           "ScheduleB[#All],PlanEvents[#All],Settings[#All],$B$2,FundNames[#All])",
        ("Checks", "A5"): "=FEE_CHECKS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],NAV[#All],"
                          "Settings[#All],Providers[#All],ProviderAssets[#All],FundNames[#All])",
        ("Summary", "P4"): "=FEE_ACCRUALS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],"
                           "NAV[#All],Settings[#All],\"month\",FundNames[#All])",
    }
    for (sheet, ref), text in want.items():
        cell = wb[sheet][ref]
        assert cell.value.text == text and cell.value.ref == ref
    assert wb["Accruals"]["B2"].value == "month"
    with zipfile.ZipFile(template) as z:
        meta = z.read("xl/metadata.xml")
        assert b'name="XLDAPR"' in meta and b'fDynamic="1"' in meta
        assert b"sheetMetadata+xml" in z.read("[Content_Types].xml")
        assert b'Target="metadata.xml"' in z.read("xl/_rels/workbook.xml.rels")
        sheets = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    # every anchor of a table function is a dynamic array (cm="1"): Excel 365 shows no @
    assert len(re.findall(rb'<c r="[A-Z]+\d+"[^>]* cm="1"[^>]*><f t="array" ref="[A-Z]+\d+"'
                          rb'>FEE_', sheets)) == 4
    assert b"_xludf" not in sheets and b"vbaProject" not in sheets


def _col_format(ws, letter: str) -> str:
    """The number format of column ``letter``'s own style (openpyxl groups equal columns)."""
    from openpyxl.utils import column_index_from_string
    j = column_index_from_string(letter)
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= j <= dim.max:
            return dim.number_format
    return "General"


def test_spill_columns_are_formatted(wb):
    """A spilled value lands in cells that carry their column's format: dates, money, percent."""
    for ws, dates, money, rate in ((wb["Accruals"], "BC", "EF", ""),
                                   (wb["Payouts"], "CD", "EH", "F"),
                                   (wb["Summary"], "QR", "TU", "")):
        for letter in dates:
            assert _col_format(ws, letter) == "yyyy-mm-dd", (ws.title, letter)
        for letter in money:
            assert "#,##0.00" in _col_format(ws, letter), (ws.title, letter)
        for letter in rate:
            assert _col_format(ws, letter).endswith("%"), (ws.title, letter)


# ----------------------------------------------------------------------------- Summary

def test_summary_lookups_and_native_tieouts(wb):
    ws = wb["Summary"]
    rows = summary_rows(TEMPLATE_YEAR)
    assert len(rows) == 14 * 12 + 4 * 3   # four funds join on 2001-09-28: Oct-Dec whole
    r = SUMMARY_FIRST_ROW
    fund = ws[f"A{r}"].value
    match = _formula(ws[f"G{r}"])
    assert match.startswith("=ROW($P$4)-1+MATCH(1,(")
    for col in "PQR":
        assert spilled_column("P4", col, header=True) in match
    assert _formula(ws[f"H{r}"]) == f"=INDEX($T:$T,$G{r})"
    assert _formula(ws[f"I{r}"]) == f"=INDEX($U:$U,$G{r})"
    # the tie-outs read NAV through workbook-level names over the structured references
    na_days, fee = _formula(ws[f"J{r}"]), _formula(ws[f"L{r}"])
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    fund_name = re.search(r"\b(NAV_Fund\d+)_Text\b", na_days).group(1)
    v = column_ref("NAV", fund)
    assert names[fund_name] == f"INDEX({v},1):INDEX({v},ROWS(NAV[Date])-1)"
    assert names[f"{fund_name}_Last"] == f"INDEX({v},ROWS(NAV[Date]))"
    assert names[f"{fund_name}_Text"] == f"SUMPRODUCT(--ISTEXT({v}))>0"
    assert names["NAV_Dates"] == "INDEX(NAV[Date],1):INDEX(NAV[Date],ROWS(NAV[Date])-1)"
    assert names["NAV_Next"] == "INDEX(NAV[Date],2):INDEX(NAV[Date],ROWS(NAV[Date]))"
    assert names["NAV_LastDate"] == "INDEX(NAV[Date],ROWS(NAV[Date]))"
    for name in ("NAV_Dates", "NAV_Next", "NAV_LastDate", fund_name, f"{fund_name}_Last"):
        assert re.search(rf"\b{name}\b", na_days) and re.search(rf"\b{name}\b", fee), name
    for text in (na_days, fee, *names.values()):
        assert not re.search(r"NAV!\$?[A-Z]+\$?\d", text)          # no fixed ranges
    assert _formula(ws[f"K{r}"]) == f"=ROUND($J{r}/$E{r},2)"
    assert _formula(ws[f"L{r}"]).startswith('=IF($D$2="Daily",')
    assert _formula(ws[f"M{r}"]) == f"=ROUND($H{r}-$K{r},2)"
    assert _formula(ws[f"N{r}"]) == f"=ROUND($I{r}-$L{r},2)"
    assert _formula(ws["B2"]) == '=INDEX(Settings[Value],MATCH("Day Count",Settings[Setting],0))'
    assert ws[f"D{r}"].number_format == "0.00%"
    assert ws.freeze_panes == f"B{SUMMARY_FIRST_ROW}"
    for _, coord, f in _formulas(wb):
        assert "$B$250" not in f and not re.search(r"NAV!\$", f), coord
    # the longest formula of the sheet stays short (the NAV ranges are named once)
    assert max(len(f) for sheet, _, f in _formulas(wb) if sheet == "Summary") < 400


def test_every_total_over_addin_cells_is_guarded(wb):
    """Totals over add-in figures (Summary I, M, N; the spill sheets' totals) use the one guard."""
    ws = wb["Summary"]
    last = SUMMARY_FIRST_ROW + len(summary_rows(TEMPLATE_YEAR)) - 1
    total = last + 2
    assert ws[f"A{total}"].value == "Total"
    for letter in "ILMN":
        assert _formula(ws[f"{letter}{total}"]) == \
            "=" + guarded_sum(f"{letter}{SUMMARY_FIRST_ROW}:{letter}{last}")
    for sheet, ref, header in (("Accruals", "F2", "plan_fee"), ("Payouts", "H2", "service_fee")):
        f = _formula(wb[sheet][ref])
        assert f.startswith(f'=IF(${ref[0]}$5&""<>"{header}",NA(),')
        assert guarded_sum(spilled_column("A5", ref[0])) in f
    sums = [f for _, _, f in _formulas(wb) if "SUM(" in f.replace("SUMPRODUCT(", "")]
    assert sums and all("ISTEXT" in f for f in sums)


def test_no_stored_result_where_none_is_known(template):
    """A reader that does not compute sees no figure rather than XlsxWriter's default 0."""
    values = openpyxl.load_workbook(template, data_only=True)
    formulas = openpyxl.load_workbook(template)
    for sheet, coord, f in _formulas(formulas):
        stored = values[sheet][coord].value
        if coord[0] == "E" and sheet == "Summary":            # days of the month: known
            assert isinstance(stored, int) and stored in (28, 30, 31)
            continue
        assert stored in (None, ""), (sheet, coord, f, stored)


def test_column_ref_escapes():
    # Excel's rules: a space alone needs nothing; any other special character double brackets;
    # ' [ ] # escaped with an apostrophe
    assert column_ref("NAV", "Balanced Fund") == "NAV[Balanced Fund]"
    assert column_ref("NAV", "Growth & Income Fund") == "NAV[[Growth & Income Fund]]"
    assert column_ref("NAV", "Mid-Cap Growth Fund") == "NAV[[Mid-Cap Growth Fund]]"
    assert column_ref("NAV", "A's #1 [x]") == "NAV[[A''s '#1 '[x']]]"


# ----------------------------------------------------------------------------- input sheets

def test_validations_and_fund_list(wb):
    assert wb.defined_names["FundList"].attr_text == "ScheduleA[Fund]"

    def lists(sheet):
        return {(dv.formula1, dv.errorStyle or "stop"): str(dv.sqref) for dv in
                wb[sheet].data_validations.dataValidation}
    assert ('"Service,Third Party,Variable Contract,Bank Trust"', "stop") in lists("Providers")
    assert any(f.startswith('"Plan Effective,') for f, _ in lists("Plan Events"))
    for sheet in ("Plan Events", "Provider Assets", "Expenses", "Fund Names", "Schedule B"):
        assert ("FundList", "information") in lists(sheet), sheet
    settings = lists("Settings")
    for choice in ('"Actual/Actual,Actual/365"', '"Period,Daily"', '"Monthly,Quarterly"'):
        assert (choice, "stop") in settings
    assert ('"month,quarter,period"', "stop") in lists("Accruals")
    money = _col_format(wb["NAV"], "B")                 # what a value typed there shows as
    assert money.startswith("_(") and "#,##0.00" in money
    assert _col_format(wb["Providers"], "D") == "0.00%"
    assert _col_format(wb["Provider Assets"], "A") == "yyyy-mm-dd"


def test_settings_values_carry_their_formats(wb):
    ws = wb["Settings"]
    fmt = {ws.cell(r, 1).value: ws.cell(r, 2).number_format for r in range(2, ws.max_row + 1)}
    assert fmt["Initial Term End"] == "yyyy-mm-dd" and fmt["Period Start"] == "yyyy-mm-dd"
    assert fmt["Service Fee Cap"] == "0.00%" and fmt["Asset-Based Sales Charge Cap"] == "0.00%"
    assert fmt["Day Count"] == "General"


def test_print_setup(template):
    """Every sheet prints fitted to the page width with a header and "page x of y" footer;
    headers repeat on the long sheets; the Read me prints portrait."""
    wb = openpyxl.load_workbook(template)
    for ws in wb.worksheets:
        assert ws.page_setup.fitToWidth in (1, None) and ws.sheet_properties.pageSetUpPr.fitToPage, \
            ws.title
        assert "&P of &N" in ws.oddFooter.right.text, ws.title
        assert "plan year 2001" in ws.oddHeader.left.text, ws.title
    assert wb["Read me"].page_setup.orientation == "portrait"
    assert wb["Summary"].print_title_rows == "$4:$4"
    assert wb["NAV"].print_title_rows == "$1:$1"
    assert wb["Accruals"].print_title_rows == "$5:$5"


def test_output_sheets_change_no_finding(tmp_path):
    """The reader and checks see the same workbook with or without the add-in sheets."""
    plain, full = tmp_path / "plain.xlsx", tmp_path / "full.xlsx"
    plain.write_bytes(template_bytes(2001, sample=True, outputs=False))
    build_template(full, 2001, sample=True)
    codes = [sorted(f.as_row() for f in load(p)[1]) for p in (plain, full)]
    assert codes[0] == codes[1]


def test_xlsm_is_refused(tmp_path):
    with pytest.raises(ValueError, match=".xlsx"):
        build_template(tmp_path / "book.xlsm", 2001)
    assert list(tmp_path.iterdir()) == []


def test_template_command(tmp_path, capsys):
    from fee_core.cli import main as cli
    out = tmp_path / "t.xlsx"
    assert cli(["template", str(out)]) == 0
    assert out.read_bytes() == TEMPLATE_PATH.read_bytes()
    assert cli(["template", str(out)]) == 2                       # exists: --force needed
    assert cli(["template", str(tmp_path / "t.xlsm")]) == 2        # macro-free .xlsx only
    assert "write it as .xlsx" in capsys.readouterr().err
    assert cli(["template", str(tmp_path / "s.xlsx"), "--sample", "--year", "2002"]) == 0
    assert (tmp_path / "s.xlsx").read_bytes() == template_bytes(2002, sample=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.xlsx", "t.xlsx"]
