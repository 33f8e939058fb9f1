"""Text from the input on its way out: the one formula guard and the one control-character escape.

Workbooks arrive by email and are untrusted (SPEC §5): a fund name such as
``=HYPERLINK("http://…")`` must never become a formula in a file the tool writes, and a header
holding ESC or CR must not redraw the terminal or forge a line of ``checks.csv``.

* ``formula_like(text)``: would a spreadsheet run this text as a formula (it starts with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return)?  Every writer asks this one question: the CSV
  writer then prefixes an apostrophe (the usual guidance against CSV injection); the workbook
  writers store the text as a text cell with Excel's quote prefix (the apostrophe is not shown).
* ``escape_controls(text)``: C0/C1 control characters, line and paragraph separators and the
  bidirectional overrides written as visible ``\\xNN`` / ``\\uNNNN`` escapes.
"""
from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def formula_like(text: str) -> bool:
    """True when a spreadsheet would take ``text`` typed into a cell for a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_safe(text: str) -> str:
    """``text`` for a CSV field: controls escaped, an apostrophe before a formula-like start."""
    text = escape_controls(text)
    return "'" + text if formula_like(text) else text


def escape_controls(text: str) -> str:
    """``text`` with every control character shown as an escape (``ESC`` -> ``\\x1b``)."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(_escape, text)


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
