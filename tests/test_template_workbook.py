"""The template's Excel side: committed file = builder output, add-in sheets and formulas,
xlwings.conf, drop-down lists, dynamic-array metadata, .xlsm container.  Files are read with
openpyxl and as zip/XML."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest

from fee_core.engine import load
from fee_core.write.addin_sheets import CONF_SHEET, SUMMARY_FIRST_ROW, column_ref
from templates.builder import TEMPLATE_PATH, TEMPLATE_YEAR, build_template, build_workbook, save_reproducible
from templates.sample import summary_rows


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    p = tmp_path_factory.mktemp("tw") / "template.xlsx"
    build_template(p, TEMPLATE_YEAR)
    return p


def test_committed_template_is_what_the_builder_makes(template):
    assert TEMPLATE_PATH.exists(), "run: python -m templates.builder"
    assert TEMPLATE_PATH.read_bytes() == template.read_bytes(), \
        "templates/fee12b1_template.xlsx is stale: rebuild it with python -m templates.builder"


def test_sheets_in_order(template):
    names = openpyxl.load_workbook(template).sheetnames
    assert names[0] == "Read me"
    assert names[-5:] == ["Summary", "Accruals", "Payouts", "Checks", CONF_SHEET]


def test_xlwings_conf(template):
    ws = openpyxl.load_workbook(template)[CONF_SHEET]
    keys = [ws.cell(r, 1).value for r in range(1, 4)]
    assert keys == ["UDF Modules", "Interpreter_Win", "PYTHONPATH"]
    assert ws["B1"].value == "addin.udfs"
    assert ws["B2"].value is None and ws["B3"].value is None
    assert ws["A4"].value is None          # xlwings reads A1 down to the first blank


def test_spilled_table_functions(template):
    wb = openpyxl.load_workbook(template)
    want = {
        "Accruals": "=FEE_ACCRUALS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],NAV[#All],"
                    "Settings[#All],$B$2,FundNames[#All])",
        "Payouts": "=FEE_PAYOUTS(Providers[#All],ProviderAssets[#All],ScheduleA[#All],"
                   "ScheduleB[#All],PlanEvents[#All],Settings[#All],$B$2,FundNames[#All])",
        "Checks": "=FEE_CHECKS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],NAV[#All],"
                  "Settings[#All],Providers[#All],ProviderAssets[#All],FundNames[#All])",
    }
    for sheet, text in want.items():
        cell = wb[sheet]["A5"]
        assert cell.value.text == text and cell.value.ref == "A5"
    assert wb["Accruals"]["B2"].value == "month"
    with zipfile.ZipFile(template) as z:
        assert "xl/metadata.xml" in z.namelist()
        meta = z.read("xl/metadata.xml")
        assert b'name="XLDAPR"' in meta and b'fDynamic="1"' in meta
        assert b"sheetMetadata+xml" in z.read("[Content_Types].xml")
        assert b'Target="metadata.xml"' in z.read("xl/_rels/workbook.xml.rels")
        sheets = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert sheets.count(b' cm="1"><f t="array" ref="A5">FEE_') == 3
    assert b"_xludf" not in sheets and b"vbaProject" not in sheets


def test_summary_cells(template):
    ws = openpyxl.load_workbook(template)["Summary"]
    rows = summary_rows(TEMPLATE_YEAR)
    assert len(rows) == 14 * 12 + 4 * 3   # four funds join on 2001-09-28: Oct-Dec whole
    r = SUMMARY_FIRST_ROW
    fund = ws[f"A{r}"].value
    assert ws[f"G{r}"].value == f"=FEE_ADNA(NAV[Date],{column_ref('NAV', fund)},$B{r},$C{r})"
    assert ws[f"H{r}"].value.startswith(f"=FEE_PERIOD($D{r},NAV[Date],")
    assert ws[f"I{r}"].value.startswith("=SUMPRODUCT(NAV!$")
    assert ws[f"K{r}"].value == f"=ROUND($D{r}*$I{r}/$F{r},2)"
    assert ws[f"D{r}"].number_format == "0.00%"
    assert ws.freeze_panes == f"B{SUMMARY_FIRST_ROW}"


def test_column_ref_escapes():
    assert column_ref("NAV", "Growth & Income Fund") == "NAV[Growth & Income Fund]"
    assert column_ref("NAV", "A's #1 [x]") == "NAV[A''s '#1 '[x']]"


def test_validations_and_fund_list(template):
    wb = openpyxl.load_workbook(template)
    assert wb.defined_names["FundList"].attr_text == "'Schedule A'!$B$2:$B$201"

    def lists(sheet):
        return {(dv.formula1, dv.errorStyle): str(dv.sqref) for dv in
                wb[sheet].data_validations.dataValidation}
    assert ('"Service,Third Party,Variable Contract,Bank Trust"', "stop") in lists("Providers")
    assert any(f.startswith('"Plan Effective,') for f, _ in lists("Plan Events"))
    for sheet in ("Plan Events", "Provider Assets", "Expenses", "Fund Names"):
        assert ("FundList", "information") in lists(sheet), sheet
    settings = lists("Settings")
    for choice in ('"Actual/Actual,Actual/365"', '"Period,Daily"', '"Monthly,Quarterly"'):
        assert (choice, "stop") in settings
    money = wb["NAV"]["B2"].number_format
    assert money.startswith("_(") and "#,##0.00" in money


def test_output_sheets_change_no_finding(tmp_path):
    """The reader and checks see the same workbook with or without the add-in sheets."""
    plain, full = tmp_path / "plain.xlsx", tmp_path / "full.xlsx"
    save_reproducible(build_workbook(2001, sample=True, outputs=False), plain)
    build_template(full, 2001, sample=True)
    codes = [sorted(f.as_row() for f in load(p)[1]) for p in (plain, full)]
    assert codes[0] == codes[1]


def test_xlsm_is_a_macro_enabled_container_without_vba(tmp_path):
    p = tmp_path / "book.xlsm"
    build_template(p, 2001)
    with zipfile.ZipFile(p) as z:
        ct = z.read("[Content_Types].xml")
        assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in ct
        assert not any("vbaProject" in n for n in z.namelist())
    assert openpyxl.load_workbook(p).sheetnames[0] == "Read me"
