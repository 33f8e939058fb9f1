"""Workbooks the tool writes: the number formats (one place) and reproducible package bytes.

Formats: dates ``yyyy-mm-dd``, rates ``0.00%`` (fractions shown as percent), money in the
accounting layout without a currency symbol (Excel's built-in format 43).

Reproducible output: the same arguments give byte-identical files.  openpyxl stamps the save
time into docProps/core.xml and every zip entry; ``reproducible_bytes`` rewrites both with a fixed
time, and gives the anchor cell of each spilled add-in table function the dynamic-array cell
metadata Excel 365 writes (``cm="1"``).
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook

DATE_FORMAT = "yyyy-mm-dd"
RATE_FORMAT = "0.00%"
# Accounting layout without a currency symbol (Excel's built-in format 43): thousands
# separators, negatives in parentheses, zero as a dash, figures aligned on the decimal point.
MONEY_FORMAT = '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)'
FIXED_TIME = datetime(2000, 11, 30, 0, 0, 0)



# Add-in functions that return a dynamic array (spilled from one anchor cell).
DYNAMIC_FUNCTIONS = ("FEE_ACCRUALS", "FEE_PAYOUTS", "FEE_CHECKS")

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")
_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
METADATA_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    b'<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" '
    b'pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" '
    b'clearComments="1" assign="1" coerce="1" cellMeta="1"/></metadataTypes>'
    b'<futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    b'<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">'
    b'<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk></futureMetadata>'
    b'<cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata></metadata>')
_METADATA_CT = (b'<Override PartName="/xl/metadata.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"/>')
_METADATA_REL = (b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 b'relationships/sheetMetadata" Target="metadata.xml" Id="rIdFeeMetadata"/>')


def _mark_dynamic(body: bytes) -> tuple[bytes, int]:
    """Give each anchor cell of a FEE_ table function the dynamic-array cell metadata
    (cm="1"), as Excel 365 writes a spilled formula; older Excel reads a one-cell array."""
    n = 0

    def sub(m):
        nonlocal n
        n += 1
        return m.group(1) + b' cm="1">'
    body = re.sub(rb'(<c r="([A-Z]+[0-9]+)"(?: [a-z]+="[^"]*")*)>(?=<f t="array" ref="\2">(?:'
                  + b"|".join(f.encode() for f in DYNAMIC_FUNCTIONS) + rb")\()", sub, body)
    return body, n


def reproducible_bytes(data: bytes, when: datetime | None = None, macro_enabled: bool = False) -> bytes:
    """Rewrite an openpyxl .xlsx: fixed zip entry times and created/modified properties
    (``when``, default FIXED_TIME), dynamic-array metadata for spilled FEE_ functions, and
    the macro-enabled workbook content type for an .xlsm (no VBA project: see
    docs/workbooks.md)."""
    when = when or FIXED_TIME
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    zip_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = [i.filename for i in src.infolist()]
        for name in names:
            parts[name] = src.read(name)
    dynamic = 0
    for name in names:
        if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
            parts[name], n = _mark_dynamic(parts[name])
            dynamic += n
    if dynamic and "xl/metadata.xml" not in parts:
        parts["xl/metadata.xml"] = METADATA_XML
        names.append("xl/metadata.xml")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", _METADATA_CT + b"</Types>")
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", _METADATA_REL + b"</Relationships>")
    if macro_enabled:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(_XLSX_MAIN, _XLSM_MAIN)
    core = parts.get("docProps/core.xml")
    if core is not None:
        core = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", core)
        parts["docProps/core.xml"] = _CREATED.sub(rb"\g<1>" + stamp + rb"\g<2>", core)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            zi = zipfile.ZipInfo(name, date_time=zip_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, parts[name])
    return out.getvalue()


def workbook_bytes(wb: Workbook, when: datetime | None = None, macro_enabled: bool = False) -> bytes:
    """The bytes of ``wb`` as a reproducible file (see ``reproducible_bytes``)."""
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible_bytes(buf.getvalue(), when, macro_enabled)


