"""One cell -> one value of its column's kind (SPEC §3 kinds, SPEC §5 "A cell is what it is").

The kinds are those of ``contract.TABLES``: ``date``, ``rate``, ``money``, ``number`` and
``text``.  A cell is what it is: TRUE/FALSE, text (number-like text such as ``" 21312586.96 "``
or ``"$12.34"`` included, and a formula's cached text result), NaN or infinity, and an Excel
serial outside 1900-01-01..9999-12-31 are refused in a number or date cell with a
``CellProblem`` that quotes the value -- never read as 1, as a number or as 1899-12-30.
``None`` (an empty cell) and whitespace-only text are blank.

These are the only conversions of a cell value in fee12b1; ``column.convert_column`` applies
them to a whole column, once per distinct value.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from ..read.raw import CellError

EPOCH_1900 = date(1899, 12, 30)
EPOCH_1904 = date(1904, 1, 1)
FIRST_DATE = date(1900, 1, 1)
MAX_SERIAL = 2958465          # 9999-12-31 in the 1900 system
NUMBER_KINDS = ("rate", "money", "number")
KINDS = ("date", *NUMBER_KINDS, "text")


class CellProblem(Exception):
    """A cell that cannot be converted: ``code`` (``cell.not_a_number`` ...) and a message
    saying what the cell holds and what to do."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def quote(v) -> str:
    """A cell value as a message quotes it: what the cell holds, exactly (-5 says -5)."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "infinity" if v > 0 else "-infinity"
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ") if (v.hour, v.minute, v.second) != (0, 0, 0) else v.date().isoformat()
    if isinstance(v, (date, int, CellError)):
        return str(v)
    return f"'{clip(str(v))}'"


def clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _error_problem(v: CellError) -> CellProblem:
    if v.code == "#NO-VALUE":
        return CellProblem("cell.no_value", "the cell holds a formula with no computed value; "
                           "open the workbook in Excel, let it calculate, save, and try again")
    return CellProblem("cell.error", f"the cell holds the Excel error {v.code}; "
                       "fix the formula or type the value")


_NUMBER_TEXT = re.compile(r"[-+(]?\s*[$€£]?\s*[-+]?(\d[\d,]*\.?\d*|\.\d+)(e[-+]?\d+)?\s*%?\)?", re.I)


def _text_problem(text: str, code: str, what: str, advice: str) -> CellProblem:
    if _NUMBER_TEXT.fullmatch(text.strip()):
        return CellProblem(code, f"the cell holds the text {quote(text)}, a number stored as "
                                 f"text, which is not {what}; {advice} (re-type it, or use Data > "
                                 f"Text to Columns on the column)")
    return CellProblem(code, f"the text {quote(text)} is not {what}; {advice}")


def _is_blank_text(v) -> bool:
    return isinstance(v, str) and not v.strip()


def serial_to_date(serial: float, date1904: bool) -> date:
    """An Excel date serial in the workbook's date system -> date; anything that is not a whole
    serial from 1 to 9999-12-31 is refused, quoting the number."""
    top = MAX_SERIAL - 1462 if date1904 else MAX_SERIAL
    if not math.isfinite(serial) or not (0 < serial <= top) or serial != math.floor(serial):
        raise CellProblem("cell.not_a_date",
                          f"the number {quote(float(serial))} is not an Excel date (a date is a "
                          f"whole number from 1 = {'1904-01-02' if date1904 else '1900-01-01'} to "
                          f"{top} = 9999-12-31); enter a real date")
    base = EPOCH_1904 if date1904 else EPOCH_1900
    if not date1904 and serial < 61:
        base = date(1899, 12, 31)   # Excel's fictitious 1900-02-29
    return base + timedelta(days=int(serial))


def _refused(v, code: str, what: str, advice: str, text_advice: str) -> CellProblem:
    """Why the value ``v`` is not ``what`` ('a date', 'a number'): the one wording of a refused
    cell for every kind -- an Excel error, a logical value, NaN or infinity (which Excel cannot
    store), text (number-like text said so), a date where a number belongs, anything else."""
    if isinstance(v, CellError):
        return _error_problem(v)
    if isinstance(v, bool):
        return CellProblem(code, f"the cell holds the logical value {quote(v)}, not {what}; {advice}")
    if isinstance(v, float) and not math.isfinite(v):
        shown = "NaN (not a number)" if math.isnan(v) else quote(v)
        return CellProblem(code, f"the cell holds {shown}, which is not {what} and which Excel "
                                 f"cannot store: the file was not saved by Excel; {advice}")
    if isinstance(v, str):
        return _text_problem(v, code, what, text_advice)
    if isinstance(v, date):
        return CellProblem(code, f"the cell holds the date {quote(v)}, not {what}; {advice} (and "
                                 f"format the cell as a number)")
    return CellProblem(code, f"the cell holds {quote(v)}, not {what}; {advice}")


def to_date(v, date1904: bool) -> date | None:
    """A date cell -> date (None if empty).  Text, TRUE/FALSE, NaN and numbers that are not a
    whole Excel serial are refused: dates must be real dates."""
    if v is None or _is_blank_text(v):
        return None
    if isinstance(v, date):
        d = v.date() if isinstance(v, datetime) else v
        if d < (EPOCH_1904 if date1904 else FIRST_DATE):
            # serial 0, a negative serial or NaN under a date format: no date Excel can hold
            raise CellProblem("cell.not_a_date",
                              f"the cell holds {quote(v)}, which is before the first Excel date "
                              f"({EPOCH_1904 if date1904 else FIRST_DATE}): the cell's number is "
                              f"0, negative or not a number; enter a real date")
        return d
    if isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v):
        return serial_to_date(float(v), date1904)
    raise _refused(v, "cell.not_a_date", "a date", "enter a real date",
                   "enter a real Excel date (a number formatted as a date), not text")


def to_number(v) -> float | None:
    """A number cell (rate, money, number) -> float (None if empty).  TRUE/FALSE, text, NaN,
    infinity and dates are refused."""
    if v is None or _is_blank_text(v):
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
        return float(v)
    raise _refused(v, "cell.not_a_number", "a number", "enter the number",
                   "enter a number (rates as fractions formatted as percent, e.g. 0.45%)")


def to_decimal(v) -> Decimal | None:
    """A number cell -> Decimal of the number as Excel stores it (None if empty)."""
    x = to_number(v)
    return None if x is None else Decimal(repr(x))


def to_text(v) -> str:
    """A text cell -> stripped text ('' if empty); whole numbers lose their '.0', dates are
    ISO, TRUE/FALSE as Excel shows them.  An error value or NaN is refused."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, CellError):
        raise _error_problem(v)
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if not math.isfinite(v):
            raise CellProblem("cell.not_text", f"the cell holds {quote(v)}, which Excel cannot "
                                               f"store: the file was not saved by Excel; type the "
                                               f"text again")
        return quote(v)
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip()


def convert_cell(v, kind: str, date1904: bool = False):
    """One cell of a column of ``kind`` -> date, float or str (None/'' when empty)."""
    if kind == "date":
        return to_date(v, date1904)
    if kind in NUMBER_KINDS:
        return to_number(v)
    if kind == "text":
        return to_text(v)
    raise ValueError(f"unknown column kind {kind!r}")
