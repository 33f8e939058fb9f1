"""Editing a saved workbook's parts by code, for the reader's tests and the hostile corpus.

A workbook is a zip of XML parts; ``rewrite`` copies one with its parts (name -> bytes)
edited by a function, and the helpers below make the edits tests need: replace bytes in a
part, add shared strings, find a sheet's part.  ``read_in_child`` reads a workbook in a
separate Python process, so a reader that aborts (a native crash) fails the test instead of
killing the test session.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

Parts = dict[str, bytes]

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def parts(path) -> Parts:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def write(path, members: Parts, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return Path(path)


def rewrite(src, dst, edit: Callable[[Parts], None]) -> Path:
    """Copy the workbook ``src`` to ``dst`` with its parts changed by ``edit`` (in place)."""
    members = parts(src)
    edit(members)
    return write(dst, members)


def sub(members: Parts, part: str, old: bytes, new: bytes, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in ``part`` (``count`` times; 0: every time); ``old`` must
    be there."""
    data = members[part]
    if old not in data:
        raise ValueError(f"{old!r} is not in {part}")
    members[part] = data.replace(old, new, count if count else -1)


def sheet_part(members: Parts, sheet: str) -> str:
    """The part holding ``sheet`` (by the workbook's relationships, as written by openpyxl)."""
    wb = members["xl/workbook.xml"].decode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    m = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="([^"]+)"', wb)
    if m is None:
        raise KeyError(sheet)
    rel = re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + m.group(1) + '"', rels) or \
        re.search(r'<Relationship [^>]*Id="' + m.group(1) + r'"[^>]*Target="([^"]+)"', rels)
    target = rel.group(1) if rel else ""
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def add_shared_strings(members: Parts, strings: list[str], unique_count: str | None = None,
                       count: str | None = None) -> None:
    """Give the workbook a shared-strings part holding ``strings`` (counts as given, or
    right), with its relationship and content type."""
    sst = b"".join(b"<si><t>%s</t></si>" % s.encode() for s in strings)
    uc = (unique_count if unique_count is not None else str(len(strings))).encode()
    c = (count if count is not None else str(len(strings))).encode()
    members["xl/sharedStrings.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN
                                       + b'" count="' + c + b'" uniqueCount="' + uc + b'">' + sst
                                       + b"</sst>")
    sub(members, "xl/_rels/workbook.xml.rels", b"</Relationships>",
        b'<Relationship Id="rIdSst" Type="' + REL + b'/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>")
    sub(members, "[Content_Types].xml", b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')


_CHILD = """
import json, sys
from fee_core.read import read_workbook
book, findings = read_workbook(sys.argv[1])
print(json.dumps({"tables": sorted(book.tables), "findings": [
    [f.code, f.severity, str(f.location), f.message] for f in findings]}))
"""


def read_in_child(path, timeout: float = 120) -> tuple[int, dict, str]:
    """``read_workbook(path)`` in a child process: (exit status, {"tables", "findings"},
    stderr).  A native abort shows as a negative status instead of ending the tests."""
    p = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                       timeout=timeout)
    out = json.loads(p.stdout.strip().splitlines()[-1]) if p.returncode == 0 and p.stdout.strip() \
        else {"tables": [], "findings": []}
    return p.returncode, out, p.stderr
