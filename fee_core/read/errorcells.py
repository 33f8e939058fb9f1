"""The error-cell scan: the cells calamine gives as empty that are not.

calamine returns an empty value for an Excel error cell (``t="e"``: ``#N/A``, ``#VALUE!`` ...)
and for a formula saved without a computed value.  When a table column holds an empty value,
``special_cells`` looks at the sheet's XML for such cells (a bytes search around each ``t="e"``
and ``<f>``, no parse): error cells become ``CellError('#N/A')`` etc., formula cells with no
cached ``<v>`` value ``CellError('#NO-VALUE')``.  A sheet without either costs two searches.
"""
from __future__ import annotations

import re

from .raw import CellError
from .tabledefs import col_index as _col_index

NO_VALUE = "#NO-VALUE"

_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?worksheet[\s>]")
_ATTR_R = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d+)["']""")
_ATTR_T = re.compile(rb"""\st\s*=\s*["']([A-Za-z]+)["']""")
_ENT = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def _has_tag(xml: bytes, opening: bytes) -> bool:
    """Does ``opening`` (e.g. ``b"<f"``) occur as a whole tag name?  bytes.find runs at memory
    speed where a regex search over a sheet of megabytes does not."""
    i = xml.find(opening)
    while i >= 0:
        if xml[i + len(opening):i + len(opening) + 1] in (b" ", b"\t", b"\r", b"\n", b"/", b">"):
            return True
        i = xml.find(opening, i + 1)
    return False


def special_cells(xml: bytes) -> dict[tuple[int, int], CellError]:
    """Cells that calamine gives as '' but are not empty: (row, col) 1-based -> CellError.

    Error cells (``t="e"``) carry their error text; formula cells with no cached ``<v>``
    value become ``#NO-VALUE``.  Only cells around a hit are looked at.
    """
    m = _ROOT.search(xml, 0, 8192)
    p = (m.group(1) or b"") if m else b""
    has_err = b't="e"' in xml or b"t='e'" in xml
    f_re = re.compile(b"<" + re.escape(p) + rb"f[\s/>]")
    has_f = _has_tag(xml, b"<" + p + b"f")
    if not (has_err or has_f):
        return {}
    cell_open = b"<" + p + b"c"
    cell_close = b"</" + p + b"c>"
    v_re = re.compile(b"<" + re.escape(p) + rb"v(?:\s[^>]*)?(?:/>|>(.*?)</" + re.escape(p) +
                      rb"v>)", re.S)
    hits: list[int] = []
    if has_err:
        for pat in (b't="e"', b"t='e'"):
            i = xml.find(pat)
            while i >= 0:
                hits.append(i)
                i = xml.find(pat, i + 1)
    if has_f:
        hits.extend(mm.start() for mm in f_re.finditer(xml))
    found: dict[int, tuple[bytes, bytes]] = {}     # cell start offset -> (start tag, content)
    for pos in hits:
        s = _cell_start(xml, cell_open, pos)
        if s < 0 or s in found:
            continue
        gt = xml.find(b">", s)
        if gt < 0:
            continue
        tag = xml[s:gt + 1]
        if tag.endswith(b"/>"):
            content = b""
        else:
            end = xml.find(cell_close, gt)
            if end < 0:
                raise ValueError("a cell is not closed")
            content = xml[gt + 1:end]
        found[s] = (tag, content)
    out: dict[tuple[int, int], CellError] = {}
    positions = None
    for s, (tag, content) in sorted(found.items()):
        tm = _ATTR_T.search(tag)
        t = tm.group(1).decode("ascii") if tm else "n"
        vm = v_re.search(content)
        value = vm.group(1) if vm and vm.group(1) is not None else b""
        has_formula = f_re.search(content) is not None
        if t == "e":
            text = value.decode("utf-8", "replace").strip()
            for k, v in _ENT.items():
                text = text.replace(k, v)
            err = CellError(text or NO_VALUE)
        elif has_formula and value.strip() == b"" and t not in ("str", "inlineStr"):
            err = CellError(NO_VALUE)
        else:
            continue
        rm = _ATTR_R.search(tag)
        if rm:
            out[(int(rm.group(2)), _col_index(rm.group(1).decode("ascii")))] = err
            continue
        if positions is None:
            positions = _cell_positions(xml, p)
        at = positions.get(s)
        if at is not None:
            out[at] = err
    return out


def _cell_start(xml: bytes, cell_open: bytes, pos: int) -> int:
    """Offset of the ``<c`` start tag enclosing ``pos`` (-1 if none)."""
    end = pos
    while True:
        s = xml.rfind(cell_open, 0, end)
        if s < 0:
            return -1
        nxt = xml[s + len(cell_open):s + len(cell_open) + 1]
        if nxt in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            return s
        end = s


def _cell_positions(xml: bytes, p: bytes) -> dict[int, tuple[int, int]]:
    """Cell start offset -> (row, col) for every cell, counting where ``r=`` is missing."""
    token = re.compile(b"<" + re.escape(p) + rb"(row|c)[\s/>]")
    out = {}
    row, col = 0, 0
    for m in token.finditer(xml):
        gt = xml.find(b">", m.start())
        tag = xml[m.start():gt + 1]
        if m.group(1) == b"row":
            rm = re.search(rb"""\sr\s*=\s*["'](\d+)["']""", tag)
            row = int(rm.group(1)) if rm else row + 1
            col = 0
        else:
            rm = _ATTR_R.search(tag)
            if rm:
                col = _col_index(rm.group(1).decode("ascii"))
            else:
                col += 1
            out[m.start()] = (row, col)
    return out
