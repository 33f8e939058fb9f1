"""Workbooks the tool writes: the number formats (one place), the one cell writer, page setup.

Workbooks are written with XlsxWriter (it stores formula results, dynamic arrays, tables,
charts and page setup natively).  ``new_workbook`` opens one with the options every output
needs (no string is ever turned into a formula, number or URL; a fixed creation time, so the same
input gives the same bytes); ``Styles`` creates the formats once per workbook; ``put`` writes
one value by its type -- text that looks like a formula is stored as text with Excel's quote
prefix (``text.formula_like``, the one formula guard), money ``Decimal`` as a number with the
money format, dates as dates; ``put_formula`` writes a formula WITH its stored result (a
workbook must show its figures in a reader that does not calculate: Excel's Protected View, a
mail preview, openpyxl ``data_only``); ``page_setup`` makes a sheet print-ready (fit to the page
width, header row repeated, header and footer naming the plan, the period, the sheet and
"page x of y"); ``column_width`` sizes a column to its longest shown value.

Formats: dates ``yyyy-mm-dd``, rates ``0.00%`` (fractions shown as percent), money in the
accounting layout without a currency symbol (Excel's built-in format 43).
"""
from __future__ import annotations

import io
import math
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter

from ..read.raw import CellError
from .text import formula_like

DATE_FORMAT = "yyyy-mm-dd"
RATE_FORMAT = "0.00%"
# Accounting layout without a currency symbol (Excel's built-in format 43): thousands
# separators, negatives in parentheses, zero as a dash, figures aligned on the decimal point.
MONEY_FORMAT = '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)'
# The same with a dollar sign, for total rows of a report.
MONEY_TOTAL_FORMAT = '_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)'
FIXED_TIME = datetime(2000, 11, 30, 0, 0, 0)
PLAN_TITLE = "Class K Master Distribution Plan"

RATE_DETAIL_FORMAT = "0.0000%"
INTEGER_FORMAT = "#,##0"
PERCENT_CHANGE_FORMAT = "0.0%"

# XlsxWriter options for every workbook the tool writes: text stays text.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False,
                    "strings_to_urls": False, "nan_inf_to_errors": True}
# Excel's calculation engine id of Excel 2019/365: a workbook saved with it is taken as already
# calculated by the current engine (no full recalculation on opening).  See docs/workbooks.md.
CURRENT_CALC_ID = 191029

_EPOCH_1900 = date(1899, 12, 30).toordinal()     # serial 0 (Excel's 1900 date system)
_FIRST_TRUE_SERIAL = date(1900, 3, 1)            # from here on serial = days since the epoch


def new_workbook(target: str | IO[bytes], when: datetime | None = None,
                 constant_memory: bool = False, title: str | None = None) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook writing to ``target`` (a path or a binary file object), created
    at ``when`` (default FIXED_TIME: the same content gives the same bytes).  ``constant_memory``
    streams rows to disk (each sheet must then be written row by row, in order; XlsxWriter
    then refuses Excel tables)."""
    options: dict[str, Any] = dict(WORKBOOK_OPTIONS)
    if constant_memory:
        options["constant_memory"] = True
    if not isinstance(target, str):
        options["in_memory"] = True
    wb = xlsxwriter.Workbook(target, options)
    props: dict[str, Any] = {"created": when or FIXED_TIME, "author": "fee12b1"}
    if title:
        props["title"] = title
    wb.set_properties(props)
    return wb


def keep_stored_results(wb: xlsxwriter.Workbook) -> None:
    """Ask spreadsheets to show the stored formula results on opening instead of recalculating
    the whole workbook: no ``fullCalcOnLoad`` and the current engine's ``calcId``.  For a
    workbook whose add-in cells would turn into ``#NAME?`` on a recalculation without the
    add-in (the computed workbook); formulas still recalculate when their inputs change."""
    wb.set_calc_mode("auto", calc_id=CURRENT_CALC_ID)
    wb.calc_on_load = False


def workbook_to_bytes(build) -> bytes:
    """The bytes of a workbook ``build(wb)`` fills (``new_workbook`` on a buffer)."""
    buf = io.BytesIO()
    wb = new_workbook(buf)
    build(wb)
    wb.close()
    return buf.getvalue()


class Styles:
    """The formats of one workbook, created once: ``date``, ``rate``, ``rate_detail``,
    ``money``, ``integer``, ``text``, ``quoted`` (text with the quote prefix), ``bold``,
    ``header`` (bold, wrapped, bottom border, light fill), ``title``, ``note``, ``total``
    (money, bold, top border); and ``header_native`` (a header over native tie-out formulas,
    green), ``native`` (money in a native tie-out column), ``label`` (bold, top-aligned),
    ``wrap`` (wrapped text, top-aligned), ``section`` (a section title), ``small`` (grey,
    9 pt), ``total_label`` (bold text on a total row), ``money_total`` (money with $ on a total
    row), ``change`` (a percent change, one decimal), ``date_bold``, ``money_bold``,
    ``native_integer``, ``top`` (top-aligned: a tall row's cells), ``center``; ``left``, ``left_date``,
    ``left_rate``, ``left_money`` (values set beside their labels, left-aligned)."""

    def __init__(self, wb: xlsxwriter.Workbook):
        add = wb.add_format
        self.date = add({"num_format": DATE_FORMAT})
        self.rate = add({"num_format": RATE_FORMAT})
        self.rate_detail = add({"num_format": RATE_DETAIL_FORMAT})
        self.money = add({"num_format": MONEY_FORMAT})
        self.integer = add({"num_format": INTEGER_FORMAT})
        self.text = add({})
        self.quoted = add({"quote_prefix": True})
        self.bold = add({"bold": True})
        self.header = add({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1,
                           "bg_color": "#DDEBF7"})
        self.title = add({"bold": True, "font_size": 14})
        self.note = add({"italic": True, "font_color": "#595959", "text_wrap": True,
                         "valign": "top"})
        self.total = add({"num_format": MONEY_FORMAT, "bold": True, "top": 1,
                          "bg_color": "#E2EFDA"})
        self.header_native = add({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1,
                                  "bg_color": "#C6E0B4"})
        self.native = add({"num_format": MONEY_FORMAT, "bg_color": "#E2EFDA"})
        self.label = add({"bold": True, "valign": "top", "text_wrap": True})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.section = add({"bold": True, "font_size": 12, "font_color": "#1F3864"})
        self.small = add({"font_size": 9, "font_color": "#595959"})
        self.total_label = add({"bold": True, "top": 1, "bottom": 6, "bg_color": "#F2F2F2"})
        self.money_total = add({"num_format": MONEY_TOTAL_FORMAT, "bold": True, "top": 1,
                                "bottom": 6, "bg_color": "#F2F2F2"})
        self.change = add({"num_format": PERCENT_CHANGE_FORMAT})
        self.date_bold = add({"num_format": DATE_FORMAT, "bold": True})
        self.money_bold = add({"num_format": MONEY_FORMAT, "bold": True})
        self.top = add({"valign": "top"})
        self.center = add({"align": "center"})
        self.native_integer = add({"num_format": INTEGER_FORMAT, "bg_color": "#E2EFDA"})
        # values beside their labels (a cover): left-aligned
        self.left = add({"align": "left", "valign": "top", "text_wrap": True})
        self.left_date = add({"num_format": DATE_FORMAT, "align": "left"})
        self.left_rate = add({"num_format": RATE_FORMAT, "align": "left"})
        self.left_money = add({"num_format": "#,##0.00", "align": "left"})


def excel_serial(d: date) -> int | None:
    """The serial number of a date in Excel's 1900 date system, or None before 1900-03-01
    (where Excel's phantom 1900-02-29 makes serials ambiguous: write those with
    ``write_datetime``)."""
    if d < _FIRST_TRUE_SERIAL:
        return None
    return d.toordinal() - _EPOCH_1900


def put(ws, row: int, col: int, value, styles: Styles, fmt=None) -> None:
    """Write one value (0-based ``row``, ``col``) as a value, never as a formula: ``None`` a
    blank (formatted if ``fmt``), text as text (quote prefix where it looks like a formula),
    ``Decimal``/int/float as numbers, dates as dates, bool as TRUE/FALSE, an Excel error value
    as its text."""
    if value is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, CellError):
        value = str(value)
    if isinstance(value, str):
        ws.write_string(row, col, value, styles.quoted if formula_like(value) else fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, fmt or styles.date)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt or styles.date)
    elif isinstance(value, (Decimal, int, float)):
        ws.write_number(row, col, float(value), fmt)
    elif hasattr(value, "item"):                       # a numpy scalar
        put(ws, row, col, value.item(), styles, fmt)
    else:
        raise TypeError(f"cannot write a {type(value).__name__} to a cell")


def put_formula(ws, row: int, col: int, formula: str, result, fmt=None) -> None:
    """Write a formula with its stored result: a number (``Decimal``, int, float), a text, a
    bool, a date (stored as its serial) or an Excel error value (``"#N/A"``).  A result is
    required: a formula without one shows blank (or 0) wherever nothing recalculates."""
    if result is None:
        raise ValueError(f"the formula {formula} needs its stored result")
    if isinstance(result, CellError):
        result = str(result)
    elif isinstance(result, Decimal):
        result = float(result)
    elif isinstance(result, date) and not isinstance(result, datetime):
        serial = excel_serial(result)
        if serial is None:
            raise ValueError(f"cannot store the date {result} as a formula result")
        result = serial
    elif hasattr(result, "item") and not isinstance(result, (str, bool)):
        result = result.item()
    if isinstance(result, float) and not math.isfinite(result):
        result = "#NUM!"
    ws.write_formula(row, col, formula, fmt, result)


# --------------------------------------------------------------------------- widths
# Column widths are in Excel's character units (the width of a digit of the default font).
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0
DATE_LENGTH = 11            # yyyy-mm-dd and a space to the next column


def shown_length(value, kind: str | None = None) -> int:
    """How many characters a value takes as its cell shows it (formats of this module)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.split("\n")), default=0)
    if isinstance(value, bool):
        return 5
    if isinstance(value, (date, datetime)):
        return DATE_LENGTH
    if isinstance(value, CellError):
        return len(str(value))
    try:
        x = float(value)
    except (TypeError, ValueError):
        return len(str(value))
    if not math.isfinite(x):
        return 6
    if kind == "date":
        return DATE_LENGTH
    if kind == "rate":
        return len(f"{x * 100:.2f}%")
    if kind == "rate_detail":
        return len(f"{x * 100:.4f}%")
    if kind in ("money", "total"):
        return len(f"{abs(x):,.2f}") + 3                 # accounting layout: padding, parentheses
    if kind == "integer":
        return len(f"{x:,.0f}")
    return len(f"{x:.10g}")


def column_width(header: str | None, values: Iterable = (), kind: str | None = None,
                 longest: int | None = None, cap: float = MAX_WIDTH) -> float:
    """A width that shows every value whole (``longest``: their longest shown length, when the
    caller knows it) and the header in at most three wrapped lines (never narrower than the
    header's longest word), between MIN_WIDTH and ``cap``."""
    if longest is None:
        longest = max((shown_length(v, kind) for v in values), default=0)
    head = str(header or "")
    words = max((len(w) for w in head.split()), default=0)
    need = max(longest, words, math.ceil(len(head) / 3))
    return float(min(cap, max(MIN_WIDTH, need + 2)))


def wrapped_lines(text: str, width: float) -> int:
    """The lines ``text`` takes when wrapped at word breaks in a column ``width`` wide: an
    estimate on the safe side (a row a little too tall, never one that cuts text), allowing for
    a stand-in font some 5-20 % wider than Calibri where Calibri is not installed (LibreOffice
    on Linux draws DejaVu Sans)."""
    lines = 0
    for para in str(text or "").split("\n"):
        n, used = 1, 0
        for word in para.split():
            if used and used + 1 + len(word) > width * 0.95:
                n, used = n + 1, len(word)
            else:
                used += (1 if used else 0) + len(word)
        lines += n
    return max(lines, 1)


def header_lines(headers: Iterable[str], widths: Iterable[float]) -> int:
    """The lines the tallest wrapped header takes in its column."""
    return max((wrapped_lines(str(h or ""), w) for h, w in zip(headers, widths)), default=1)


LINE_HEIGHT = 15.0          # points per line of 11-point text


# --------------------------------------------------------------------------- page setup
def page_setup(ws, header: str, landscape: bool = True, repeat_rows: tuple[int, int] | None = None,
               fit_width: bool = True, fit_height: int = 0) -> None:
    """Print-ready: letter paper, landscape (or portrait), fit to the page width (any number of
    pages tall, or ``fit_height`` pages), the rows ``repeat_rows`` (0-based first, last)
    repeated on every page, and a header/footer: ``header`` on the left (the plan and the
    period), the sheet's name in the middle of the footer, "page x of y" on its right."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(1)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
    if fit_width:
        ws.fit_to_pages(1, fit_height)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    # Excel's limit is 255 characters for the whole header string, codes and doubled & included
    ws.set_header("&L&8" + header[:120].replace("&", "&&"))
    ws.set_footer("&C&8&A&R&8page &P of &N")


