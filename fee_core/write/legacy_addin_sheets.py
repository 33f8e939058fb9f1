"""LEGACY (openpyxl) add-in sheets, kept only for ``publish.py`` until it moves to XlsxWriter
(branch workbooks); then delete this module.  The template and every new writer use
``addin_sheets`` (XlsxWriter: one FEE_ACCRUALS per Summary, guarded totals).


The sheets whose cells call the add-in functions (SPEC §9), shared by the template and the
computed workbook: the Summary (per fund and month, ``FEE_ADNA``/``FEE_PERIOD`` cells, or the
engine's figures, beside native tie-out formulas), the spilled ``FEE_ACCRUALS``,
``FEE_PAYOUTS`` and ``FEE_CHECKS`` sheets, and the ``xlwings.conf`` sheet."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from ..compute.periods import BY_CHOICES
from ..findings import quote_sheet
from .xlsx import DATE_FORMAT, MONEY_FORMAT, RATE_FORMAT

CONF_SHEET = "xlwings.conf"
# Keys in column A, values in column B, from A1 down without gaps (xlwings reads A1 to the
# first empty cell).  An entry here overrides the ribbon's setting, even when empty: an empty
# Interpreter_Win means "pythonw" found on PATH; see docs/workbooks.md.
XLWINGS_CONF = (("UDF Modules", "addin.udfs"), ("Interpreter_Win", None), ("PYTHONPATH", None))
# Add-in functions that return a dynamic array (spilled from one anchor cell).
SUMMARY_SHEET = "Summary"
SPILL_SHEETS = ("Accruals", "Payouts", "Checks")
SPILL_ANCHOR = "A5"
SUMMARY_FIRST_ROW = 5
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_NOTE = Font(italic=True, color="595959")
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_NATIVE_FILL = PatternFill("solid", fgColor="E2EFDA")


@dataclass(frozen=True)
class TableLayout:
    """Where one Excel table sits: its sheet, header row, last data row and the column letter
    of each header."""

    name: str
    sheet: str
    header_row: int
    last_row: int
    letters: dict

    def ref(self, header: str, absolute: bool = True, shift: int = 0) -> str:
        """The A1 range of a column's data rows (``shift`` moves it down), sheet-qualified."""
        col = self.letters[header]
        a = "$" if absolute else ""
        first, last = self.header_row + 1 + shift, self.last_row + shift
        return f"{quote_sheet(self.sheet)}!{a}{col}{a}{first}:{a}{col}{a}{last}"


@dataclass(frozen=True)
class SummaryRow:
    """One fund-month of the Summary sheet: the NAV header of the fund, the month, the single
    Schedule B rate in force all month, and optionally the engine's figures for it."""

    fund: str
    start: date
    end: date
    rate: float
    engine_adna: float | None = None
    engine_fee: float | None = None


def column_ref(table: str, header: str) -> str:
    """A structured reference to one column: ``NAV[Growth & Income Fund]``; the characters
    Excel reserves inside brackets (' # [ ]) are escaped with an apostrophe."""
    escaped = re.sub(r"([\[\]#'])", r"'\1", header)
    return f"{table}[{escaped}]"


def table_layout(wb: Workbook, name: str) -> TableLayout:
    """The layout of the Excel table ``name`` in ``wb``."""
    for ws in wb.worksheets:
        if name in ws.tables:
            min_col, min_row, max_col, max_row = range_boundaries(ws.tables[name].ref)
            letters = {ws.cell(min_row, j).value: get_column_letter(j)
                       for j in range(min_col, max_col + 1)}
            return TableLayout(name, ws.title, min_row, max_row, letters)
    raise KeyError(f"no table {name}")


# --------------------------------------------------------------------------- output sheets

def _weighted_nav_formula(nav: TableLayout, fund: str, r: int) -> str:
    """Σ NA × (calendar days the NAV row covers inside [B r, C r]) for one fund, natively.

    Row i of NAV covers the days from its date up to the day before the next row's date (the
    last row: through the month end).  Each row's days inside the month are
    clip(next) − clip(date) with clip(x) = MIN(MAX(x, start), end + 1), written with ABS
    because MIN/MAX do not work element by element inside SUMPRODUCT."""
    dates, nxt, vals = nav.ref("Date"), nav.ref("Date", shift=1), nav.ref(fund)
    s, e1 = f"$B{r}", f"($C{r}+1)"

    def clip(v: str) -> str:
        hi = f"({v}+{s}+ABS({v}-{s}))/2"
        return f"(({hi})+{e1}-ABS(({hi})-{e1}))/2"

    nxt_eff = f"({nxt}+{e1}*({nxt}=0))"
    return f"=SUMPRODUCT({vals},{clip(nxt_eff)}-{clip(dates)})"


def _setting_formula(settings: TableLayout, name: str) -> str:
    return (f'=INDEX({settings.ref("Value")},MATCH("{name}",{settings.ref("Setting")},0))')


def _header(ws, row: int, headers, fills=None) -> None:
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row, j, h)
        c.font = _BOLD
        c.fill = (fills or {}).get(j, _HEAD_FILL)
        c.alignment = Alignment(wrap_text=True, vertical="top")


def add_summary_sheet(wb: Workbook, rows: list[SummaryRow], engine: bool = False,
                      title: str = SUMMARY_SHEET):
    """Per fund per month: add-in cells (``FEE_ADNA``/``FEE_PERIOD``), or the engine's
    figures as values when ``engine``, beside native tie-out formulas over the NAV table
    (calendar days with carry-forward; plan fee at the single rate, Rounding=Period)."""
    nav = table_layout(wb, "NAV")
    settings = table_layout(wb, "Settings")
    ws = wb.create_sheet(title)
    ws["A1"] = "Per-fund monthly ADNA and plan fee: " + \
        ("engine figures" if engine else "add-in cells") + " beside native tie-out formulas"
    ws["A1"].font = _TITLE
    ws["A2"], ws["C2"] = "Day Count", "Rounding"
    ws["A2"].font = ws["C2"].font = _BOLD
    ws["B2"] = _setting_formula(settings, "Day Count")
    ws["D2"] = _setting_formula(settings, "Rounding")
    ws["A3"] = ("Native columns (green) use only SUMPRODUCT/ROUND over the NAV table: each NAV "
                "row weighs the calendar days it covers inside the month (weekends and holidays "
                "carry the prior close). Rows: funds in the plan all month at one Schedule B "
                "rate. A difference other than 0.00 needs a look.")
    ws["A3"].font = _NOTE
    src = "engine" if engine else "add-in"
    headers = ["Fund", "Month Start", "Month End", "Rate", "Days", "Year Days (native)",
               f"ADNA ({src})", f"Plan Fee ({src})", "NA × Days (native)", "ADNA (native)",
               "Plan Fee (native)", "ADNA Difference", "Plan Fee Difference"]
    _header(ws, 4, headers, {j: _NATIVE_FILL for j in (6, 9, 10, 11)})
    date_ref = column_ref("NAV", "Date")
    for i, row in enumerate(rows):
        r = SUMMARY_FIRST_ROW + i
        ws.cell(r, 1, row.fund)
        ws.cell(r, 2, row.start).number_format = DATE_FORMAT
        ws.cell(r, 3, row.end).number_format = DATE_FORMAT
        ws.cell(r, 4, row.rate).number_format = RATE_FORMAT
        ws.cell(r, 5, f"=$C{r}-$B{r}+1")
        ws.cell(r, 6, f'=IF(OR($B$2="Actual/365",DAY(DATE(YEAR($B{r}),3,0))=28),365,366)')
        if engine:
            ws.cell(r, 7, row.engine_adna)
            ws.cell(r, 8, row.engine_fee)
        else:
            values = column_ref("NAV", row.fund)
            ws.cell(r, 7, f"=FEE_ADNA({date_ref},{values},$B{r},$C{r})")
            ws.cell(r, 8, f"=FEE_PERIOD($D{r},{date_ref},{values},$B{r},$C{r},$B$2,$D$2)")
        ws.cell(r, 9, _weighted_nav_formula(nav, row.fund, r))
        ws.cell(r, 10, f"=ROUND($I{r}/$E{r},2)")
        ws.cell(r, 11, f"=ROUND($D{r}*$I{r}/$F{r},2)")
        ws.cell(r, 12, f'=IF(ISNUMBER($G{r}),ROUND($G{r}-$J{r},2),"")')
        ws.cell(r, 13, f'=IF($D$2<>"Period","n/a: Daily rounding",'
                       f'IF(ISNUMBER($H{r}),ROUND($H{r}-$K{r},2),""))')
        for j in (7, 8, 9, 10, 11, 12, 13):
            ws.cell(r, j).number_format = MONEY_FORMAT
    widths = (28, 12, 12, 8, 7, 10, 18, 16, 22, 18, 16, 12, 12)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.row_dimensions[3].height = 45
    ws.merge_cells("A3:M3")
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"B{SUMMARY_FIRST_ROW}"
    if rows:
        from openpyxl.formatting.rule import CellIsRule
        last = SUMMARY_FIRST_ROW + len(rows) - 1
        ws.conditional_formatting.add(
            f"L{SUMMARY_FIRST_ROW}:M{last}",
            CellIsRule(operator="notEqual", formula=["0"], fill=PatternFill("solid", fgColor="FFC7CE")))
    return ws


def _spill_formula(sheet: str) -> str:
    by = "$B$2"
    if sheet == "Accruals":
        return ("=FEE_ACCRUALS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],NAV[#All],"
                f"Settings[#All],{by},FundNames[#All])")
    if sheet == "Payouts":
        return ("=FEE_PAYOUTS(Providers[#All],ProviderAssets[#All],ScheduleA[#All],"
                f"ScheduleB[#All],PlanEvents[#All],Settings[#All],{by},FundNames[#All])")
    return ("=FEE_CHECKS(ScheduleA[#All],ScheduleB[#All],PlanEvents[#All],NAV[#All],"
            "Settings[#All],Providers[#All],ProviderAssets[#All],FundNames[#All])")


_SPILL_TEXT = {
    "Accruals": "Accruals per fund and period (accruals.csv columns without service fees), "
                "spilled by FEE_ACCRUALS from the input tables.",
    "Payouts": "Service fees per provider, fund and period (payouts.csv columns), spilled by "
               "FEE_PAYOUTS.",
    "Checks": "Findings on the input tables (severity, code, location, message), spilled by "
              "FEE_CHECKS. Fix every error before trusting a figure.",
}


def add_spill_sheet(wb: Workbook, sheet: str, title: str | None = None):
    """An output sheet whose A5 spills one of the add-in's table functions."""
    ws = wb.create_sheet(title or sheet)
    ws["A1"] = f"{sheet} (live, fee12b1 add-in)"
    ws["A1"].font = _TITLE
    if sheet != "Checks":
        ws["A2"], ws["B2"] = "Periods by", "month"
        ws["A2"].font = _BOLD
        dv = DataValidation(type="list", formula1='"' + ",".join(BY_CHOICES) + '"',
                            allow_blank=False, showErrorMessage=True, errorStyle="stop",
                            errorTitle="Periods by", error="Choose month, quarter, year or period.")
        dv.add("B2")
        ws.add_data_validation(dv)
    ws["A3"] = _SPILL_TEXT[sheet] + " Needs the fee12b1 functions (see Read me); without " \
        "them Excel shows #NAME?."
    ws["A3"].font = _NOTE
    ws[SPILL_ANCHOR] = ArrayFormula(SPILL_ANCHOR, _spill_formula(sheet))
    for j, w in enumerate((26, 12, 12, 10, 18, 16, 16, 18), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w if sheet != "Checks" else \
            (9, 28, 30, 100, 10, 10, 10, 10)[j - 1]
    ws.freeze_panes = "A6"
    return ws


def add_output_sheets(wb: Workbook, rows: list[SummaryRow], titles: dict | None = None) -> None:
    """The add-in sheets: Summary (FEE_ADNA/FEE_PERIOD cells beside native tie-outs) and the
    spilled Accruals, Payouts and Checks.  ``titles`` renames sheets (e.g. in the computed
    workbook, where plain names hold engine values)."""
    titles = titles or {}
    add_summary_sheet(wb, rows, engine=False, title=titles.get(SUMMARY_SHEET, SUMMARY_SHEET))
    for sheet in SPILL_SHEETS:
        add_spill_sheet(wb, sheet, titles.get(sheet, sheet))


def add_xlwings_conf(wb: Workbook):
    """The ``xlwings.conf`` sheet: keys in A, values in B (SPEC §9; docs/workbooks.md)."""
    ws = wb.create_sheet(CONF_SHEET)
    for i, (key, value) in enumerate(XLWINGS_CONF, start=1):
        ws.cell(i, 1, key)
        if value is not None:
            ws.cell(i, 2, value)
    ws["D1"] = ("xlwings reads keys from A1 down to the first empty cell. An entry here "
                "overrides the xlwings ribbon, even when empty: Interpreter_Win empty = pythonw "
                "on PATH; PYTHONPATH empty = nothing added (fee12b1 pip-installed). "
                "See docs/workbooks.md.")
    ws["D1"].font = _NOTE
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    return ws


