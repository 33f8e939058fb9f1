"""Give an ``.xlsx`` saved by LibreOffice Calc the Excel names of the FEE_ functions back.

LibreOffice 7.4 writes an add-in function into an ``.xlsx`` under its internal name
(``ORG.FEE12B1.CALC.FUNCTIONS.FEE_PERIOD(...)``), which Excel does not know, and a one-item
structured reference in its own spelling (``ScheduleA[[#All]]``).  ``restore(data)`` rewrites
the formulas of such a file -- only the text inside formula elements of the worksheets and the
workbook's defined names -- to what Excel writes (``FEE_PERIOD(...)``, ``ScheduleA[#All]``);
every other part of the package is copied byte for byte.  ``restore_file(path)`` does it in
place, atomically (a temporary file in the same folder, then a rename), keeping the file's mode.

The extension's document job calls ``restore_file`` after Calc saved a document as ``.xlsx``
(Save, Save As).  Standard library only: this file is also copied into the extension
(``pythonpath/fee12b1_calc_xlsx.py``).
"""
from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile

INTERNAL = b"ORG.FEE12B1.CALC.FUNCTIONS."
PARTS = re.compile(r"xl/(worksheets/[^/]+\.xml|workbook\.xml)")
ELEMENT = re.compile(rb"(<(f|definedName)\b[^>]*>)([^<]*)(</\2>)")
ONE_ITEM = re.compile(rb"(?<=[\w.])\[\[(#(?:All|Data|Headers|Totals|This Row))\]\]")


def excel_formula(text: bytes) -> bytes:
    """One formula's text (as stored in the file) with the Excel names."""
    return ONE_ITEM.sub(rb"[\1]", text.replace(INTERNAL, b""))


def _part(xml: bytes) -> bytes:
    def sub(m):
        if INTERNAL not in m.group(3):
            return m.group(0)
        return m.group(1) + excel_formula(m.group(3)) + m.group(4)
    return ELEMENT.sub(sub, xml)


def restore(data: bytes) -> bytes | None:
    """The package ``data`` with Excel names in its formulas; None if it has none to change."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts, changed = [], False
    for info in src.infolist():
        body = src.read(info.filename)
        if PARTS.fullmatch(info.filename) and INTERNAL in body:
            new = _part(body)
            changed = changed or new != body
            body = new
        parts.append((info, body))
    if not changed:
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info, body in parts:
            dst.writestr(info, body, compress_type=info.compress_type)
    return out.getvalue()


def restore_file(path: str) -> bool:
    """Rewrite the ``.xlsx`` at ``path`` in place if it names the add-in; True if it did."""
    with open(path, "rb") as f:
        data = restore(f.read())
    if data is None:
        return False
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".fee12b1-", suffix=".xlsx", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True
