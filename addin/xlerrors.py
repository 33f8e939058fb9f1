"""Excel's error values: how they reach a classic xlwings UDF, and how one is returned.

**In.**  COM hands Python a cell holding an error as a ``VT_ERROR`` VARIANT, which pywin32
turns into a plain ``int``: the SCODE ``0x800A0000 + n`` with ``n`` Excel's error number
(``xlErrNA`` = 2042 -> -2146826246; pywin32 ``com/win32com/src/oleargs.cpp``,
``PyCom_PyObjectFromVariant``: ``case VT_ERROR: result = PyLong_FromLong(V_ERROR(...))``).
xlwings 0.37.8 names only the seven classic errors (``_xlwindows.py`` lines 444-452,
``cell_errors``) and, with ``err_to_str=True``, replaces those by their text (lines 464-466);
without it they become ``None`` -- an *empty* cell (line 468).  Every other error (#SPILL!,
#CALC!, #BUSY!, #GETTING_DATA ...) passes through as the int (line 469).  The add-in reads
its arguments with ``convert='raw'`` (no cleaning at all), so every error arrives as its int.

**Out.**  Whatever a UDF returns goes through ``conversion.write`` (``_xlwindows.py`` lines
486-498 leave any object they do not know unchanged) and ``XLPython.CallUDF``
(``com_server.py`` lines 233-240) to pywin32, whose ``PyCom_VariantFromPyObject`` first asks
``ConvertPyVariant``: a ``win32com.client.VARIANT(VT_ERROR, scode)`` becomes a real
``VT_ERROR``.  The generated VBA assigns it to the function's result
(``udfs.py`` lines 705-717), and Excel shows the error, as for VBA's ``CVErr``.  xlwings
itself offers nothing for this: an exception becomes the *text* of ``Err.Description``
(``udfs.py`` lines 730-731), ``None``/NaN become ``""`` (``_xlwindows.py`` lines 489-496).

Error numbers: ``XlCVError`` (Microsoft's Excel VBA reference) for 2000-2050; #BUSY! (2051)
and #PYTHON! (2055) are not in that enumeration and are taken from the SCODEs Excel gives over
COM.  Any other SCODE of the same facility is still an error, named ``#ERROR(n)``.
"""
from __future__ import annotations

from fee_core.read.raw import CellError

FACILITY = -2146828288  # 0x800A0000 as a signed 32-bit SCODE: Excel error n is FACILITY + n

NUMBERS = {
    "#NULL!": 2000, "#DIV/0!": 2007, "#VALUE!": 2015, "#REF!": 2023, "#NAME?": 2029,
    "#NUM!": 2036, "#N/A": 2042, "#GETTING_DATA": 2043, "#SPILL!": 2045, "#CONNECT!": 2046,
    "#BLOCKED!": 2047, "#UNKNOWN!": 2048, "#FIELD!": 2049, "#CALC!": 2050, "#BUSY!": 2051,
    "#PYTHON!": 2055,
}
NAMES = {n: text for text, n in NUMBERS.items()}
# texts that stand for an error when they arrive as a string: the names above, and the
# placeholder xlwings shows while an async UDF computes (udfs.py line 531)
TEXTS = frozenset(NUMBERS) | {"#N/A waiting..."}


def error_text(v) -> str | None:
    """The error ``v`` stands for (``"#SPILL!"``), or None if it is not an Excel error."""
    if type(v) is int and FACILITY <= v <= FACILITY + 0xFFFF:
        n = v - FACILITY
        return NAMES.get(n, f"#ERROR({n})")
    if type(v) is str and v in TEXTS:
        return "#N/A" if v == "#N/A waiting..." else v
    return None


def scode(text: str) -> int:
    """The SCODE of an error text (the inverse of ``error_text``)."""
    if text in NUMBERS:
        return FACILITY + NUMBERS[text]
    if text.startswith("#ERROR(") and text.endswith(")") and text[7:-1].isdigit():
        return FACILITY + int(text[7:-1])
    return FACILITY + NUMBERS["#VALUE!"]


def excel_error(text: str):
    """What a UDF returns so the cell shows the error ``text``: pywin32's
    ``VARIANT(VT_ERROR, scode)``.  Without pywin32 (no Excel to receive it) the
    ``fee_core.read.raw.CellError``."""
    try:
        from pythoncom import VT_ERROR
        from win32com.client import VARIANT
    except ImportError:
        return CellError(text)
    return VARIANT(VT_ERROR, scode(text))
