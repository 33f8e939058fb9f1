"""Write the quarterly board report (``fee_core.board.BoardReport``) as an .xlsx workbook, with
XlsxWriter.

Sheets: "Board Report" (fees per fund with service fees by provider kind, the distributor's
expenses by FIFTH purpose, the quarter-over-quarter trend), "Chart" (a native stacked bar
chart: service fees vs asset-based sales charge per fund, drawn from the Board Report cells so
Excel and LibreOffice render it themselves), "Plan Status" (the plan's terms, approvals, next
continuance due, terminations and the warnings that matter to a board, in plain sentences) and
"Appendix" (every open check warning with the tool's code, for the fund accountant).  Money
cells are numbers with an accounting format; a text cell that looks like a formula keeps
Excel's quote prefix (``text.formula_like``, through ``xlsx.put``).  Every sheet is
print-ready (``xlsx.page_setup``).  The file is written as a set of one; an existing output is
replaced only with ``force``.
"""
from __future__ import annotations

import io
from pathlib import Path

from .. import __version__
from ..board import (
    KINDS,
    UNALLOCATED,
    BoardReport,
    FundLine,
    data_entry_sentence,
    long_date,
    status_sentences,
)
from ..contract import EXPENSE_CATEGORIES
from .files import write_one
from .xlsx import (
    LINE_HEIGHT,
    PLAN_TITLE,
    Styles,
    new_workbook,
    page_setup,
    put,
    wrapped_lines,
)

REPORT_SHEET, CHART_SHEET, STATUS_SHEET, APPENDIX_SHEET = (
    "Board Report", "Chart", "Plan Status", "Appendix")
SERVICE_COLOUR, ABSC_COLOUR = "2F5597", "ED7D31"   # chart fills (tests look for them)

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
# Board Report columns: A fund, B days, C ADNA, D plan fee, E..H kinds, I service total, J ABSC
WIDTHS = (30, 12, 18, 16, 15, 15, 15, 15, 15, 15)
STATUS_WIDTH = 75            # the Plan Status sentences: one column, well inside a portrait page


class _Formats:
    """The report's formats beyond the shared ``Styles``."""

    def __init__(self, wb, st: Styles):
        add = wb.add_format
        self.head = add({"bold": True, "text_wrap": True, "align": "center", "valign": "bottom",
                         "bottom": 1, "bg_color": "#D9E1F2"})
        self.head_left = add({"bold": True, "text_wrap": True, "valign": "bottom", "bottom": 1,
                              "bg_color": "#D9E1F2"})
        self.group = add({"bold": True, "align": "center", "bottom": 1})
        self.italic = add({"italic": True})
        self.right = add({"align": "right"})
        self.sentence = add({"text_wrap": True, "valign": "top"})
        self.bullet = add({"text_wrap": True, "valign": "top", "indent": 1})
        self.st = st


def _header_text(rep: BoardReport, what: str = "") -> str:
    return f"{PLAN_TITLE}: board report for {rep.label} ({rep.start} to {rep.end}){what}"


# --------------------------------------------------------------------------- Board Report
def _fee_line(ws, f: _Formats, row: int, ln: FundLine, total: bool = False) -> None:
    st = f.st
    money = st.money_total if total else st.money
    put(ws, row, 0, ln.fund, st, st.total_label if total else None)
    if total:
        ws.write_blank(row, 1, None, st.total_label)
        ws.write_blank(row, 2, None, st.total_label)
    elif ln.in_plan:
        ws.write_number(row, 1, ln.days, st.integer)
        ws.write_number(row, 2, float(ln.adna or 0), st.money)
    else:
        ws.write_number(row, 1, 0, st.integer)
        ws.write_string(row, 2, "not in plan", f.right)
    for j, v in enumerate((ln.plan_fee, *ln.service_by_kind, ln.service_fees, ln.absc)):
        ws.write_number(row, 3 + j, float(v), money)


def _fees_table(ws, f: _Formats, rep: BoardReport, row: int) -> tuple[int, int, int]:
    """Section 1; returns (header row, first fund row, last fund row), 0-based."""
    st = f.st
    ws.write_string(row, 0, "1. Amounts expended under the plan, per fund (plan SECOND, SIXTH, "
                            "SEVENTH)", st.section)
    row += 1
    ws.merge_range(row, 4, row, 7, "Service fees paid to providers, by kind (SEVENTH)", f.group)
    row += 1
    heads = ["Fund", "Days in plan", "Average daily net assets", "Plan fee",
             *(KIND_HEADS[k] for k in KINDS), "Service fees", "Asset-based sales charge"]
    for j, h in enumerate(heads):
        ws.write_string(row, j, h, f.head if j else f.head_left)
    ws.set_row(row, 3 * LINE_HEIGHT)
    header, first = row, row + 1
    for ln in rep.funds:
        row += 1
        _fee_line(ws, f, row, ln)
    last = row
    _fee_line(ws, f, row + 1, rep.total, total=True)
    return header, first, last


def _expenses_table(ws, f: _Formats, rep: BoardReport, row: int) -> int:
    st = f.st
    ws.write_string(row, 0, "2. The distributor's expenses, by purpose (plan FIFTH), from the "
                            "Expenses table", st.section)
    row += 1
    heads = ["Fund", *(CATEGORY_HEADS.get(c, c) for c in EXPENSE_CATEGORIES), "Total expenses"]
    for j, h in enumerate(heads):
        ws.write_string(row, j, h, f.head if j else f.head_left)
    ws.set_row(row, 3 * LINE_HEIGHT)
    lines = [(ln.fund, ln.expenses, ln.expenses_total) for ln in rep.funds]
    lines.append((UNALLOCATED, rep.unallocated, rep.unallocated_total))
    for name, spent, tot in lines:
        row += 1
        put(ws, row, 0, name, st, f.italic if name == UNALLOCATED else None)
        for j, v in enumerate((*spent, tot)):
            ws.write_number(row, 1 + j, float(v), st.money)
    row += 1
    ws.write_string(row, 0, "Total", st.total_label)
    for j, v in enumerate((*rep.total.expenses, rep.total.expenses_total)):
        ws.write_number(row, 1 + j, float(v), st.money_total)
    row += 1
    ws.write_string(row, 0, f"Expenses with an empty Fund are plan-wide and shown in "
                            f"\"{UNALLOCATED}\"; they are not allocated to funds.", st.small)
    return row


def _trend_table(ws, f: _Formats, rep: BoardReport, row: int) -> int:
    st = f.st
    ws.write_string(row, 0, f"3. Quarter over quarter, calendar year {rep.year} to date", st.section)
    row += 1
    heads = ["Quarter", "From", "To", "Plan fee", "Service fees", "Asset-based sales charge",
             "Plan fee change on prior quarter"]
    for j, h in enumerate(heads):
        ws.write_string(row, j, h, f.head if j else f.head_left)
    ws.set_row(row, 3 * LINE_HEIGHT)
    prev = None
    for t in rep.trend:
        row += 1
        this = t.label == rep.label
        ws.write_string(row, 0, t.label, st.bold if this else None)
        put(ws, row, 1, t.start, st, st.date)
        put(ws, row, 2, t.end, st, st.date)
        for j, v in enumerate((t.plan_fee, t.service_fees, t.absc)):
            ws.write_number(row, 3 + j, float(v), st.money_bold if this else st.money)
        if prev is not None and prev.plan_fee:
            ws.write_number(row, 6, float((t.plan_fee - prev.plan_fee) / prev.plan_fee), st.change)
        else:
            ws.write_string(row, 6, "n/a", f.right)
        prev = t
    row += 1
    ws.write_string(row, 0, "Year to date", st.total_label)
    for col in (1, 2, 6):
        ws.write_blank(row, col, None, st.total_label)
    for j, attr in enumerate(("plan_fee", "service_fees", "absc")):
        ws.write_number(row, 3 + j, float(sum(getattr(t, attr) for t in rep.trend)), st.money_total)
    return row


def _report_sheet(wb, ws, f: _Formats, rep: BoardReport) -> tuple[int, int, int]:
    st = f.st
    ws.write_string(0, 0, f"Class K Master Distribution Plan: board report for {rep.label}", st.title)
    ws.write_string(1, 0, f"Quarter {long_date(rep.start)} to {long_date(rep.end)}. Amounts "
                          f"expended under the Plan and Agreement and the purposes for which they "
                          f"were made (plan FOURTH). Amounts in US dollars.")
    put(ws, 2, 0, f"Source workbook: {Path(rep.source).name or 'unnamed'}; computed by fee12b1 "
                  f"{__version__}. Plan fee = service fees + asset-based sales charge (SIXTH).",
        st, st.small)
    header, first, last = _fees_table(ws, f, rep, 4)
    row = last + 3
    if rep.not_in_plan:
        ws.write_string(row, 0, "Not in the plan on any day of the quarter: "
                        + ", ".join(rep.not_in_plan) + ".", st.small)
        row += 1
    ws.set_h_pagebreaks([row + 1])              # expenses and trend on the next page
    row = _expenses_table(ws, f, rep, row + 1)
    _trend_table(ws, f, rep, row + 2)
    for j, w in enumerate(WIDTHS):
        ws.set_column(j, j, w)
    page_setup(ws, _header_text(rep), landscape=True)
    return header, first, last


# --------------------------------------------------------------------------- Chart
def _chart_sheet(wb, ws, f: _Formats, rep: BoardReport, header: int, first: int, last: int) -> None:
    """A stacked horizontal bar chart per fund: service fees (column I) and asset-based sales
    charge (column J) of the Board Report sheet."""
    st = f.st
    ws.write_string(0, 0, f"Plan fee per fund, {rep.label}: service fees vs asset-based sales "
                          f"charge", st.title)
    ws.write_string(1, 0, "Each bar is a fund's plan fee for the quarter, split per plan SIXTH into "
                          "the service fees paid to providers and the asset-based sales charge "
                          "retained by the distributor.", st.small)
    n = max(last - first + 1, 1)
    last = max(last, first)
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for col, colour in ((8, SERVICE_COLOUR), (9, ABSC_COLOUR)):
        chart.add_series({
            "name": [REPORT_SHEET, header, col],
            "categories": [REPORT_SHEET, first, 0, last, 0],
            "values": [REPORT_SHEET, first, col, last, col],
            "fill": {"color": "#" + colour},
            "border": {"color": "#" + colour},
            "gap": 60,
            "overlap": 100,
        })
    chart.set_title({"name": f"Plan fee per fund, {rep.label}"})
    chart.set_x_axis({"name": "US dollars", "num_format": "#,##0",
                      "num_font": {"size": 9}})
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 9},
                      "interval_unit": 1})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 980, "height": int(min(600, max(300, 130 + 25 * n)))})
    ws.insert_chart(3, 0, chart)
    ws.set_column(0, 0, 20)
    page_setup(ws, _header_text(rep, ": chart"), landscape=True, fit_height=1)


# --------------------------------------------------------------------------- Plan Status
def _sentences(ws, f: _Formats, row: int, lines: list[str], fmt) -> int:
    for text in lines:
        put(ws, row, 0, text, f.st, fmt)
        ws.set_row(row, LINE_HEIGHT * wrapped_lines(text, STATUS_WIDTH - 4))
        row += 1
    return row


def _status_sheet(ws, f: _Formats, rep: BoardReport) -> None:
    st = f.st
    ws.write_string(0, 0, f"Plan status for {rep.label}", st.title)
    ws.write_string(1, 0, f"As of {long_date(rep.end)}, the end of the quarter.", st.small)
    row = 3
    ws.write_string(row, 0, "Terms, approvals and terminations", st.section)
    row = _sentences(ws, f, row + 1, status_sentences(rep), f.bullet)
    row += 1
    ws.write_string(row, 0, "Matters for the board's attention", st.section)
    attention = list(rep.attention) or ["None: the workbook raises no warning about the plan's "
                                        "terms, schedules or agreements."]
    row = _sentences(ws, f, row + 1, attention, f.bullet)
    rest = data_entry_sentence(rep.warnings)
    if rest:
        row = _sentences(ws, f, row + 1, [rest], f.sentence)
    ws.set_column(0, 0, STATUS_WIDTH)
    page_setup(ws, _header_text(rep, ": plan status"), landscape=False)


def _appendix_sheet(ws, f: _Formats, rep: BoardReport) -> None:
    st = f.st
    ws.write_string(0, 0, f"Appendix: check warnings ({len(rep.warnings)}), with the tool's codes",
                    st.title)
    ws.write_string(1, 0, "For the fund accountant: the warnings `fee12b1 check` gives for the "
                          "quarter and the year to date (docs/checks.md explains each code).",
                    st.small)
    row = 3
    widths = (26, 42, 90)
    if rep.warnings:
        for j, h in enumerate(("Code", "Where", "Message")):
            ws.write_string(row, j, h, f.head_left)
        for w in rep.warnings:
            row += 1
            put(ws, row, 0, w.code, st, f.sentence)
            put(ws, row, 1, str(w.location), st, f.sentence)
            put(ws, row, 2, w.message, st, f.sentence)
            lines = max(wrapped_lines(w.message, widths[2]), wrapped_lines(str(w.location), widths[1]))
            ws.set_row(row, LINE_HEIGHT * lines)
    else:
        ws.write_string(row, 0, "None.")
    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    page_setup(ws, _header_text(rep, ": appendix"), landscape=True, repeat_rows=(3, 3))


# --------------------------------------------------------------------------- the workbook
def write_report_to(target, rep: BoardReport) -> None:
    """Write the report workbook to ``target`` (a path or a binary file object)."""
    wb = new_workbook(target, title=f"Board report {rep.label}")
    st = Styles(wb)
    f = _Formats(wb, st)
    report = wb.add_worksheet(REPORT_SHEET)
    chart = wb.add_worksheet(CHART_SHEET)
    status = wb.add_worksheet(STATUS_SHEET)
    appendix = wb.add_worksheet(APPENDIX_SHEET)
    header, first, last = _report_sheet(wb, report, f, rep)
    _chart_sheet(wb, chart, f, rep, header, first, last)
    _status_sheet(status, f, rep)
    _appendix_sheet(appendix, f, rep)
    wb.close()


def report_bytes(rep: BoardReport) -> bytes:
    """The report workbook's bytes (reproducible: the same report gives the same file)."""
    buf = io.BytesIO()
    write_report_to(buf, rep)
    return buf.getvalue()


def write_report(rep: BoardReport, out, force: bool = False) -> Path:
    """Write the report workbook to ``out`` atomically (OutputExists unless ``force``)."""
    return write_one(Path(out), report_bytes(rep), inputs=[rep.source] if rep.source else [],
                     force=force)
