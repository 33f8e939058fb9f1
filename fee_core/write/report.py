"""Write the quarterly board report (``fee_core.report.BoardReport``) as an .xlsx workbook, and
the ``fee12b1 report`` command.

Sheets: "Board Report" (fees per fund with service fees by provider kind, the distributor's
expenses by FIFTH purpose, the quarter-over-quarter trend), "Chart" (a native stacked bar
chart: service fees vs asset-based sales charge per fund, drawn from the Board Report cells so
Excel and LibreOffice render it themselves) and "Plan Status" (term, approvals, next
continuance due, terminations, open warnings).  Money cells are numbers with an accounting
format; a text cell that looks like a formula keeps Excel's quote prefix (``text.formula_like``).
The file is written atomically; an existing output is replaced only with ``force``.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from .. import __version__
from ..board import KINDS, UNALLOCATED, BoardReport, FundLine
from ..contract import EXPENSE_CATEGORIES
from .files import write_one
from .text import formula_like
from .xlsx import workbook_bytes

REPORT_SHEET, CHART_SHEET, STATUS_SHEET = "Board Report", "Chart", "Plan Status"
MONEY = '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)'
MONEY_TOTAL = '_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)'
INTEGER = "#,##0"
DATE = "yyyy-mm-dd"
SERVICE_COLOUR, ABSC_COLOUR = "2F5597", "ED7D31"   # chart fills (tests look for them)

FONT = "Calibri"
BOLD = Font(name=FONT, bold=True)
TITLE = Font(name=FONT, bold=True, size=14)
SECTION = Font(name=FONT, bold=True, size=12, color="1F3864")
PLAIN = Font(name=FONT)
NOTE = Font(name=FONT, italic=True, size=9)
SMALL = Font(name=FONT, size=9, color="595959")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
HEADER_BORDER = Border(bottom=THIN)
TOTAL_BORDER = Border(top=THIN, bottom=Side(style="double", color="808080"))
WRAP = Alignment(wrap_text=True, vertical="top")
HEAD_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="bottom")

KIND_HEADS = {
    "Service": "(A) Dealers",
    "Third Party": "(B) Third parties",
    "Variable Contract": "(C) Insurance companies",
    "Bank Trust": "(D) Bank trust departments",
}
CATEGORY_HEADS = {
    "Sales Seminars": "Sales seminars",
    "Advertising": "Advertising",
    "Finders' Fees": "Finders' fees",
    "Printing of Prospectuses and SAIs for Non-Shareholders":
        "Prospectuses and SAIs for non-shareholders",
    "Sales Literature": "Sales literature",
    "Supplemental Dealer Payments": "Supplemental dealer payments",
    "Other Agreed Services": "Other agreed services",
}


def _long_date(d: date | None) -> str:
    return f"{d:%B} {d.day}, {d.year}" if d else "none"


def _put(ws, row: int, col: int, value, fmt: str | None = None, font=None, fill=None,
         border=None, align=None):
    """Set one cell: text as text (quote prefix where it looks like a formula), numbers with
    a format."""
    c = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        c.data_type = "s"
        if formula_like(value):
            c.quotePrefix = True
    if fmt:
        c.number_format = fmt
    c.font = font or PLAIN
    if fill:
        c.fill = fill
    if border:
        c.border = border
    if align:
        c.alignment = align
    return c


def _header_row(ws, row: int, heads: list[str], first_col: int = 1, height: float = 60) -> None:
    for j, h in enumerate(heads):
        _put(ws, row, first_col + j, h, font=BOLD, fill=HEADER_FILL, border=HEADER_BORDER,
             align=HEAD_ALIGN if j else Alignment(vertical="bottom", wrap_text=True))
    ws.row_dimensions[row].height = height


def _page_setup(ws, title: str, landscape: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = f"{title}, page &P of &N"
    ws.oddFooter.center.size = 8


# --------------------------------------------------------------------------- sheets
def _fees_table(ws, rep: BoardReport, row: int) -> tuple[int, int, int]:
    """Section 1; returns (header row, first fund row, last fund row)."""
    _put(ws, row, 1, "1. Amounts expended under the plan, per fund (plan SECOND, SIXTH, SEVENTH)",
         font=SECTION)
    row += 1
    _put(ws, row, 5, "Service fees paid to providers, by kind (SEVENTH)", font=BOLD,
         align=Alignment(horizontal="center"), border=HEADER_BORDER)
    ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=8)
    row += 1
    # columns: A fund, B days, C ADNA, D plan fee, E..H kinds, I service total, J ABSC
    heads = ["Fund", "Days in plan", "Average daily net assets", "Plan fee",
             *(KIND_HEADS[k] for k in KINDS), "Service fees", "Asset-based sales charge"]
    _header_row(ws, row, heads)
    header = row
    first = row + 1
    for ln in rep.funds:
        row += 1
        _fee_line(ws, row, ln)
    last = row
    row += 1
    _fee_line(ws, row, rep.total, total=True)
    return header, first, last


def _fee_line(ws, row: int, ln: FundLine, total: bool = False) -> None:
    font = BOLD if total else None
    fill = TOTAL_FILL if total else None
    border = TOTAL_BORDER if total else None
    fmt = MONEY_TOTAL if total else MONEY
    _put(ws, row, 1, ln.fund, font=font, fill=fill, border=border)
    if total:
        _put(ws, row, 2, None, fill=fill, border=border)
        _put(ws, row, 3, None, fill=fill, border=border)
    elif ln.in_plan:
        _put(ws, row, 2, ln.days, INTEGER)
        _put(ws, row, 3, ln.adna, MONEY)
    else:
        _put(ws, row, 2, 0, INTEGER)
        _put(ws, row, 3, "not in plan", align=Alignment(horizontal="right"))
    values = [ln.plan_fee, *ln.service_by_kind, ln.service_fees, ln.absc]
    for j, v in enumerate(values):
        _put(ws, row, 4 + j, v, fmt, font=font, fill=fill, border=border)


def _expenses_table(ws, rep: BoardReport, row: int) -> int:
    _put(ws, row, 1, "2. The distributor's expenses, by purpose (plan FIFTH), from the Expenses "
                     "table", font=SECTION)
    row += 1
    heads = ["Fund", *(CATEGORY_HEADS.get(c, c) for c in EXPENSE_CATEGORIES), "Total expenses"]
    _header_row(ws, row, heads)
    lines = [(ln.fund, ln.expenses, ln.expenses_total) for ln in rep.funds]
    lines.append((UNALLOCATED, rep.unallocated, rep.unallocated_total))
    for name, spent, tot in lines:
        row += 1
        _put(ws, row, 1, name, font=Font(name=FONT, italic=True) if name == UNALLOCATED else None)
        for j, v in enumerate((*spent, tot)):
            _put(ws, row, 2 + j, v, MONEY)
    row += 1
    _put(ws, row, 1, "Total", font=BOLD, fill=TOTAL_FILL, border=TOTAL_BORDER)
    for j, v in enumerate((*rep.total.expenses, rep.total.expenses_total)):
        _put(ws, row, 2 + j, v, MONEY_TOTAL, font=BOLD, fill=TOTAL_FILL, border=TOTAL_BORDER)
    row += 1
    _put(ws, row, 1, f"Expenses with an empty Fund are plan-wide and shown in "
                     f"\"{UNALLOCATED}\"; they are not allocated to funds.",
         font=NOTE)
    return row


def _trend_table(ws, rep: BoardReport, row: int) -> int:
    _put(ws, row, 1, f"3. Quarter over quarter, calendar year {rep.year} to date", font=SECTION)
    row += 1
    _header_row(ws, row, ["Quarter", "From", "To", "Plan fee", "Service fees",
                          "Asset-based sales charge", "Plan fee change on prior quarter"],
                height=32)
    prev = None
    for t in rep.trend:
        row += 1
        bold = BOLD if t.label == rep.label else None
        _put(ws, row, 1, t.label, font=bold)
        _put(ws, row, 2, t.start, DATE)
        _put(ws, row, 3, t.end, DATE)
        for j, v in enumerate((t.plan_fee, t.service_fees, t.absc)):
            _put(ws, row, 4 + j, v, MONEY, font=bold)
        if prev is not None and prev.plan_fee:
            _put(ws, row, 7, float((t.plan_fee - prev.plan_fee) / prev.plan_fee), "0.0%")
        else:
            _put(ws, row, 7, "n/a", align=Alignment(horizontal="right"))
        prev = t
    row += 1
    _put(ws, row, 1, "Year to date", font=BOLD, fill=TOTAL_FILL, border=TOTAL_BORDER)
    for col in (2, 3, 7):
        _put(ws, row, col, None, fill=TOTAL_FILL, border=TOTAL_BORDER)
    for j, attr in enumerate(("plan_fee", "service_fees", "absc")):
        _put(ws, row, 4 + j, sum((getattr(t, attr) for t in rep.trend), rep.total.plan_fee * 0),
             MONEY_TOTAL, font=BOLD, fill=TOTAL_FILL, border=TOTAL_BORDER)
    return row


def _report_sheet(ws, rep: BoardReport) -> tuple[int, int, int]:
    ws.title = REPORT_SHEET
    _put(ws, 1, 1, f"Class K Master Distribution Plan: board report for {rep.label}", font=TITLE)
    _put(ws, 2, 1, f"Quarter {_long_date(rep.start)} to {_long_date(rep.end)}. Amounts expended "
                   f"under the Plan and Agreement and the purposes for which they were made "
                   f"(plan FOURTH). Amounts in US dollars.")
    _put(ws, 3, 1, f"Source workbook: {Path(rep.source).name or 'unnamed'}; computed by fee12b1 "
                   f"{__version__}. Plan fee = service fees + asset-based sales charge (SIXTH).",
         font=SMALL)
    header, first, last = _fees_table(ws, rep, 5)
    row = last + 2
    if rep.not_in_plan:
        _put(ws, row, 1, "Not in the plan on any day of the quarter: " + ", ".join(rep.not_in_plan)
             + ".", font=NOTE)
        row += 1
    ws.row_breaks.append(Break(id=row))          # expenses and trend on the next page
    row = _expenses_table(ws, rep, row + 1)
    _trend_table(ws, rep, row + 2)
    widths = {1: 30, 2: 15, 3: 18, 4: 16, 5: 15, 6: 15, 7: 15, 8: 15, 9: 15, 10: 15}
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = None
    _page_setup(ws, f"Board report {rep.label}")
    ws.print_title_rows = None
    return header, first, last


def _text_size(hundredths: int) -> RichText:
    """Axis label text of a given size (in hundredths of a point)."""
    cp = CharacterProperties(sz=hundredths)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=cp), endParaRPr=cp)])


def _chart_sheet(ws, src, rep: BoardReport, header: int, first: int, last: int) -> BarChart:
    """A stacked horizontal bar chart per fund: service fees (column I) and asset-based sales
    charge (column J) of the Board Report sheet."""
    _put(ws, 1, 1, f"Plan fee per fund, {rep.label}: service fees vs asset-based sales charge",
         font=TITLE)
    _put(ws, 2, 1, "Each bar is a fund's plan fee for the quarter, split per plan SIXTH into the "
                   "service fees paid to providers and the asset-based sales charge retained by "
                   "the distributor.", font=SMALL)
    ch = BarChart()
    ch.type = "bar"
    ch.grouping = "stacked"
    ch.overlap = 100
    ch.gapWidth = 60
    ch.title = f"Plan fee per fund, {rep.label}"
    ch.style = 10
    n = max(last - first + 1, 1)
    data = Reference(src, min_col=9, max_col=10, min_row=header, max_row=max(last, first))
    ch.add_data(data, titles_from_data=True)
    names = Reference(src, min_col=1, min_row=first, max_row=max(last, first))
    for s in ch.series:                          # fund names are text: a string reference
        s.cat = AxDataSource(strRef=StrRef(f=str(names)))
    for s, colour in zip(ch.series, (SERVICE_COLOUR, ABSC_COLOUR)):
        s.graphicalProperties.solidFill = colour
        s.graphicalProperties.line.solidFill = colour
    ch.x_axis.title = None
    ch.x_axis.scaling.orientation = "maxMin"     # first fund at the top
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    ch.y_axis.title = "US dollars"
    ch.y_axis.numFmt = "#,##0"
    ch.y_axis.crosses = "max"                    # value axis under the bars despite maxMin
    ch.x_axis.tickLblSkip = 1                    # a label for every fund
    ch.x_axis.txPr = _text_size(900)
    ch.y_axis.txPr = _text_size(900)
    ch.legend.position = "b"
    ch.width = 26
    ch.height = min(16.0, max(8.0, 3.5 + 0.65 * n))
    ws.add_chart(ch, "A4")
    ws.column_dimensions["A"].width = 20
    _page_setup(ws, f"Board report {rep.label}: chart")
    return ch


def _status_sheet(ws, rep: BoardReport) -> None:
    st = rep.status
    _put(ws, 1, 1, f"Plan status for {rep.label}", font=TITLE)
    row = 3
    items: list[tuple[str, str]] = [("Plan effective", _long_date(st.effective))]
    for t in st.terms:
        what = "Initial term" if t.initial else "Continuance term"
        if t.initial:
            approval = "in force from the plan's effective date"
        elif t.in_force_from is None:
            approval = "NOT APPROVED: the plan lapsed for the whole term"
        elif t.in_force_from == t.start:
            approval = f"approved by the board on {_long_date(t.approval)}"
        else:
            approval = (f"approved late, on {_long_date(t.approval)}: in force only from "
                        f"{_long_date(t.in_force_from)}")
        items.append((what,
                      f"{_long_date(t.start)} to {_long_date(t.end)}, {approval}"))
    items.append(("Last continuance approval",
                  _long_date(st.last_approval) if st.last_approval else "none recorded"))
    if st.next_term_start is not None:
        items.append(("Next term", f"{_long_date(st.next_term_start)} to "
                                   f"{_long_date(st.next_term_end)}"))
        if st.next_approval:
            due = f"approved on {_long_date(st.next_approval)}"
        else:
            due = (f"due: the board must approve continuance by {_long_date(st.approve_by)} "
                   f"(a vote dated {_long_date(st.approve_from)} or later; ELEVENTH)")
        items.append(("Next continuance approval", due))
    if st.terminations:
        for d, fund, notes in st.terminations:
            scope = fund or "the whole plan"
            when = "effective" if d <= rep.end else "scheduled for"
            items.append(("Termination", f"{scope}: {when} {_long_date(d)}"
                                         + (f" ({notes})" if notes else "")))
    else:
        items.append(("Terminations", "none"))
    items.append(("Open check warnings", f"{len(rep.warnings)}"))
    for k, v in items:
        _put(ws, row, 1, k, font=BOLD, align=WRAP)
        _put(ws, row, 2, v, align=WRAP)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        row += 1
    row += 1
    _put(ws, row, 1, f"Open check warnings ({len(rep.warnings)})", font=SECTION)
    row += 1
    if rep.warnings:
        _header_row(ws, row, ["Code", "Where", "Message"], height=18)
        for f in rep.warnings:
            row += 1
            _put(ws, row, 1, f.code, align=WRAP)
            _put(ws, row, 2, str(f.location), align=WRAP)
            _put(ws, row, 3, f.message, align=WRAP)
            lines = max(len(f.message) // 120 + 1, len(str(f.location)) // 40 + 1)
            ws.row_dimensions[row].height = 15 * lines
    else:
        _put(ws, row, 1, "None.")
    for col, w in ((1, 30), (2, 42), (3, 100), (4, 10)):
        ws.column_dimensions[get_column_letter(col)].width = w
    _page_setup(ws, f"Board report {rep.label}: plan status")


def report_workbook(rep: BoardReport) -> Workbook:
    """The board report as an openpyxl Workbook (not saved)."""
    wb = Workbook()
    ws = wb.active
    header, first, last = _report_sheet(ws, rep)
    _chart_sheet(wb.create_sheet(CHART_SHEET), ws, rep, header, first, last)
    _status_sheet(wb.create_sheet(STATUS_SHEET), rep)
    wb.properties.title = f"Board report {rep.label}"
    wb.properties.creator = "fee12b1"
    return wb


def report_bytes(rep: BoardReport) -> bytes:
    """The report workbook's bytes (reproducible: the same report gives the same file)."""
    return workbook_bytes(report_workbook(rep))


def write_report(rep: BoardReport, out, force: bool = False) -> Path:
    """Write the report workbook to ``out`` atomically (OutputExists unless ``force``)."""
    return write_one(Path(out), report_bytes(rep), inputs=[rep.source] if rep.source else [],
                     force=force)
