"""Bound the structure before anything is allocated for it.

python-calamine holds a sheet as one dense block from its first to its last value, and it
reserves room for the shared strings a workbook *declares*.  One value in XFD1048576, a
reference such as ``B99999999999`` (which it reads modulo 2**32), a column past XFD, or a
``uniqueCount`` of 2**64-1 therefore makes it ask for gigabytes, abort the process or panic.
So every part it will parse is measured here first, as its bytes stream past:

* ``SheetScan`` finds the extent of a sheet's cells: the largest row and column any ``<c>``
  element names in its ``r`` attribute, with numpy over each piece of the part (the sheet is
  never held whole for it).  That is exact for sheets written as Excel writes them (every
  ``<c>`` starting with its ``r``; a ``<row r>`` then places nothing); anything else -- cells
  without an address, prefixed element names, odd spacing -- is measured again by
  ``exact_scan``, which follows the elements as calamine does.  A reference past XFD1048576
  is ``book.corrupt``; a sheet spanning more than ``MAX_SHEET_CELLS`` from A1 to its last
  value is ``book.too_large``.
* ``check_dimension`` refuses a ``<dimension>`` record past the sheet's limits.
* ``check_shared_strings`` refuses declared counts out of proportion to the part.

It also notes a negative number of eleven digits or more, infinity or NaN written after a
minus sign (``negative_big``): calamine panics converting such a value under a date format,
so that sheet is read with the number formats set aside (``cells``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..findings import column_letter
from .package import Package
from .refusal import DAMAGED, refuse
from .tabledefs import MAX_COL, MAX_ROW, col_index, parse_ref

MAX_SHEET_CELLS = 10_000_000                 # cells from A1 to a sheet's last value
MAX_BOOK_CELLS = 20_000_000                  # ... and in all the sheets read

_NUMERIC = np.zeros(256, bool)
_NUMERIC[48:58] = True
_NUMERIC[46] = True                          # '.'
_DELIM = np.zeros(256, bool)
_DELIM[list(b" \t\r\n/>")] = True
_TAIL = 48                                   # bytes looked ahead of a position
_W = 24                                      # bytes looked at from a tag's '<'
_NEG_DIGITS = 11                             # -1e11 days is past what calamine converts


def _hits(a: np.ndarray, lo: int, hi: int, pat: bytes) -> np.ndarray:
    """Positions ``p`` in [lo, hi) where ``a[p:p+len(pat)] == pat`` (2 or 4 bytes): the bytes
    are compared as 16- or 32-bit words at each alignment, which numpy does at memory speed."""
    w = len(pat)
    dt = np.uint16 if w == 2 else np.uint32
    key = np.frombuffer(pat, dt)[0]
    out = []
    for k in range(w):
        start = lo + (k - lo) % w
        m = (hi + w - 1 - start) // w            # every position before hi; the pattern may
        if m > 0:                                # run on into the look-ahead bytes
            out.append(np.flatnonzero(a[start:start + w * m].view(dt) == key) * w + start)
    return np.concatenate(out) if out else np.zeros(0, np.int64)


@dataclass
class Extent:
    """What a sheet's cells span: ``max_row``/``max_col`` (1-based, 0 when it has none);
    ``count``: the cell records the part holds (one cell may be written many times);
    ``bad``: what lies past the sheet's limits (``a cell at 'XFE1'``), or None;
    ``negative_big``: see the module."""

    max_row: int = 0
    max_col: int = 0
    count: int = 0
    bad: str | None = None
    negative_big: bool = False

    @property
    def cells(self) -> int:
        """Cells from A1 to the last one: what calamine's block of the sheet holds."""
        return self.max_row * self.max_col


class SheetScan:
    """Fed a sheet part's bytes in order (``feed``), measures its cells (``finish``).

    ``exact_needed`` is set when the fast path cannot vouch for the extent; the caller then
    runs ``exact_scan`` over the whole part."""

    def __init__(self) -> None:
        self.extent = Extent()
        self.exact_needed = False
        self._done = False                        # a reference past the limits was found
        self._tail = b""                          # the last bytes, scanned with the next piece
        self._small = b""                         # pieces too small to scan on their own

    def feed(self, chunk: bytes) -> None:
        if self.exact_needed or self._done:
            return
        if self._small or len(chunk) < 4 * _TAIL:
            self._small += chunk
            if len(self._small) < 4 * _TAIL:
                return
            chunk, self._small = self._small, b""
        if self._tail:                            # the seam between the last piece and this
            self._scan(np.frombuffer(self._tail + chunk[:_TAIL], np.uint8), len(self._tail))
        hi = len(chunk) - _TAIL
        self._scan(np.frombuffer(chunk, np.uint8), hi)
        self._tail = chunk[hi:]

    def finish(self) -> Extent:
        rest = self._tail + self._small
        if rest and not (self.exact_needed or self._done):
            self._scan(np.frombuffer(rest + b"\0" * _TAIL, np.uint8), len(rest))
        self._tail = self._small = b""
        return self.extent

    # -- the fast path
    def _scan(self, a: np.ndarray, hi: int) -> None:
        """Scan the tags starting in ``a[:hi]`` (``a`` runs at least ``_TAIL`` bytes on)."""
        if self.exact_needed or self._done:
            return
        # prefixed element names (<x:c ...>): the exact path
        colon = np.flatnonzero(a[:hi] == 58)
        if len(colon):
            x = a[colon + 1]
            if ((((x == 99) | (x == 118)) & _DELIM[a[colon + 2]])
                    | ((x == 114) & (a[colon + 2] == 111) & (a[colon + 3] == 119)
                       & _DELIM[a[colon + 4]])).any():
                self.exact_needed = True
                return
        # the <c ...> elements, each starting with its r="...": where calamine puts a cell.
        # (A <row r> only places cells written without an address, which go the exact path.)
        win = as_strided(a, shape=(len(a) - _W + 1, _W), strides=(1, 1))
        w = win[_hits(a, 0, hi, b"<c")]
        tag = _DELIM[w[:, 2]]
        if not tag.all():
            w = w[tag]                            # not <col>, <cfRule> ...
        self.extent.count += len(w)
        if not (_r_first(w, 2) and self._refs(w[:, 6:])):
            self.exact_needed = True
            return
        if self._done:
            return
        neg = _hits(a, 0, hi, b">-")
        if len(neg) and _negative_big(win[neg + 2]).any():
            self.extent.negative_big = True

    def _refs(self, w: np.ndarray) -> bool:
        """Fold the cell references at the start of each row of ``w`` (the bytes after
        ``r="``) into the extent; a reference past the sheet's limits sets ``bad``.  False
        when the exact path must decide.  calamine reads letters, then digits (as a 32-bit
        number that wraps), and refuses anything else, so only those count."""
        if not len(w):
            return True
        up = w[:, :4] & 0xDF                      # letters in upper case
        letter = (up - 65) <= 25                  # (uint8: bytes below 'A' wrap high)
        l1 = letter[:, 0] & letter[:, 1]
        l2 = l1 & letter[:, 2]
        far = l2 & letter[:, 3]                   # four letters or more: past XFD
        if far.any():
            return self._past(w, far)
        if l1.any():
            u = up[:, :3].astype(np.int32) - 64
            col = np.where(l1, u[:, 0] * 26 + u[:, 1], u[:, 0])
            col = np.where(l2, col * 26 + u[:, 2], col)
            nl = letter[:, 0] + l1.astype(np.intp) + l2
            digits = np.take_along_axis(w, nl[:, None] + np.arange(9), axis=1)
        else:
            col = up[:, 0].astype(np.int32) - 64
            digits = w[:, 1:10] if letter[:, 0].all() else np.take_along_axis(
                w, letter[:, 0].astype(np.intp)[:, None] + np.arange(9), axis=1)
        top_col = int(col.max())
        if top_col > MAX_COL:
            return self._past(w, col > MAX_COL)
        isdig = (digits - 48) <= 9
        nd = np.argmin(isdig, axis=1)             # digits before the first non-digit
        nd[isdig.all(axis=1)] = digits.shape[1]
        top = int(nd.max())
        if top > 7:
            return self._past(w, nd > 7)
        if top:
            longest = np.zeros((int((nd == top).sum()), 8), np.uint8)
            longest[:, 8 - top:] = digits[nd == top, :top]
            keys = longest.view(">u8").ravel()
            row = int(keys.max().item().to_bytes(8, "big")[8 - top:])
            if row > MAX_ROW:
                over = np.zeros(len(w), bool)
                over[np.flatnonzero(nd == top)[keys == keys.max()]] = True
                return self._past(w, over)
            self.extent.max_row = max(self.extent.max_row, row)
        self.extent.max_col = max(self.extent.max_col, top_col)
        return True

    def _past(self, w: np.ndarray, mask: np.ndarray) -> bool:
        """Note the first reference of ``mask`` as past the sheet's limits (``bad``)."""
        ref = bytes(w[int(np.argmax(mask))]).split(b'"', 1)[0]
        self.extent.bad = f"a cell at {ref.decode('utf-8', 'replace')!r}"
        self.exact_needed = False
        self._done = True
        return True


def _r_first(w: np.ndarray, at: int) -> bool:
    """Whether every element in ``w`` (windows from its ``<``) has ``r="`` as its first
    attribute, at byte ``at``."""
    return bool(((w[:, at] == 32) & (w[:, at + 1] == 114) & (w[:, at + 2] == 61)
                 & (w[:, at + 3] == 34)).all())


def _negative_big(w: np.ndarray) -> np.ndarray:
    """For windows starting after ``>-``: is the number there one calamine cannot take
    under a date format (eleven or more digits before the point, an exponent, inf, NaN)?"""
    end = np.argmax(w == 60, axis=1)              # the '<' closing the value
    unclosed = w[np.arange(len(w)), end] != 60
    j = np.arange(w.shape[1])
    inside = j[None, :] < end[:, None]
    odd = (inside & ~_NUMERIC[w]).any(axis=1)     # e, E, inf, nan ...
    point = np.where(inside & (w == 46), j[None, :], w.shape[1]).min(axis=1)
    return unclosed | odd | (np.minimum(point, end) >= _NEG_DIGITS)


# ------------------------------------------------------------------------------ exact path
_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c|v)(?=[\s/>])([^>]*)>")
_ATTR_R = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_REF = re.compile(rb"([A-Za-z]*)(\d*)")
_NEG_TEXT = re.compile(rb"\s*-\s*(?:\d{11}|[\d.]*[^\d.\s<])")


def _position(ref: bytes, cell: bool) -> tuple[int, int] | None:
    """A reference as calamine reads it -> (row, col), 1-based (col 0 for a row element);
    None when it is past the sheet's limits or not a reference."""
    m = _REF.fullmatch(ref.strip())
    if not m or not m.group(2) or len(m.group(2)) > 7 or (cell and not m.group(1)):
        return None
    letters = m.group(1).decode("ascii")
    row, col = int(m.group(2)), col_index(letters) if letters else 0
    if not 1 <= row <= MAX_ROW or len(letters) > 3 or col > MAX_COL:
        return None
    return row, col


def _text(ref: bytes) -> str:
    return repr(ref.decode("utf-8", "replace")[:40])


def _address(attrs: bytes, cell: bool) -> tuple[int, int] | None:
    """The (row, col) of a ``row`` or ``c`` element's ``r`` attribute, None when it has none;
    ValueError (naming the address) when it is past the sheet's limits or not an address."""
    rm = _ATTR_R.search(attrs)
    if not rm:
        return None
    pos = _position(rm.group(1), cell=cell)
    if pos is None:
        raise ValueError(f"a cell at {_text(rm.group(1))}" if cell
                         else f"a row numbered {_text(rm.group(1))}")
    return pos


def exact_scan(xml) -> Extent:
    """The extent of a sheet's valued cells, following its ``row``/``c`` elements as calamine
    does (a cell without ``r`` is the next column of its row; a row without ``r`` the next
    row).  Slower than the fast path; used only when that cannot vouch for a sheet."""
    ext = Extent()
    row, col = 0, 0                               # calamine's 0-based counters
    try:
        for m in _TAG.finditer(xml):
            end, name, attrs = m.group(1), m.group(2), m.group(3)
            if name == b"row":
                if end:
                    row, col = row + 1, 0
                    continue
                pos = _address(attrs, cell=False)
                if pos is not None:
                    row = pos[0] - 1
                if attrs.endswith(b"/"):
                    row, col = row + 1, 0
            elif name == b"c":
                if end:
                    continue
                pos = _address(attrs, cell=True)
                r, c = (pos[0] - 1, pos[1] - 1) if pos is not None else (row, col)
                col = c + 1
                if c + 1 > MAX_COL or r + 1 > MAX_ROW:     # counted past the limits
                    ext.bad = (f"a cell at {column_letter(c + 1)}{r + 1} (where the cells written "
                               f"without an address before it put it)")
                    return ext
                if not attrs.endswith(b"/"):           # a cell with content: it may hold a value
                    ext.count += 1
                    ext.max_row = max(ext.max_row, r + 1)
                    ext.max_col = max(ext.max_col, c + 1)
            elif not end and not attrs.endswith(b"/") and _NEG_TEXT.match(xml, m.end()):
                ext.negative_big = True
    except ValueError as bad:
        ext.bad = str(bad)
    return ext


# ------------------------------------------------------------------------------ the checks
def check_extent(pkg: Package, sheet: str, ext: Extent) -> None:
    """Refuse a sheet whose cells reach past XFD1048576 or span too many cells."""
    if ext.bad is not None:
        raise refuse(pkg.path, "book.corrupt",
                     f"sheet {sheet!r} has {ext.bad}, past the last cell of a sheet "
                     f"(XFD{MAX_ROW}) or not a cell address: no Excel sheet holds it; {DAMAGED}",
                     sheet=sheet)
    if ext.cells > MAX_SHEET_CELLS:
        last = f"{column_letter(ext.max_col)}{ext.max_row}"
        raise refuse(pkg.path, "book.too_large",
                     f"sheet {sheet!r} has values as far as row {ext.max_row:,} and column "
                     f"{column_letter(ext.max_col)} (A1:{last}, {ext.cells:,} cells), more than "
                     f"the {MAX_SHEET_CELLS:,} cells a sheet may span (MAX_SHEET_CELLS); delete "
                     f"what lies far from the tables (select the rows or columns after them, "
                     f"Delete), save and run again", sheet=sheet)
    if ext.count > MAX_SHEET_CELLS:
        raise refuse(pkg.path, "book.too_large",
                     f"sheet {sheet!r} holds {ext.count:,} cell records, more than the "
                     f"{MAX_SHEET_CELLS:,} a sheet may hold (MAX_SHEET_CELLS); split the data "
                     f"across workbooks", sheet=sheet)


_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")


def check_dimension(pkg: Package, sheet: str, head: bytes) -> None:
    """Refuse a ``<dimension>`` record that is not a range inside the sheet's limits."""
    m = _DIMENSION.search(head)
    if m is None:
        return
    ref = m.group(1).decode("utf-8", "replace")
    b = parse_ref(ref)
    if b is None or b[2] > MAX_ROW or b[3] > MAX_COL:
        raise refuse(pkg.path, "book.corrupt",
                     f"sheet {sheet!r} declares its used range as {ref!r}, which is not a range "
                     f"inside A1:XFD{MAX_ROW}; {DAMAGED}", sheet=sheet)


_SST = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sst(?=[\s>/])([^>]*)>")
_COUNT = re.compile(rb"""\s(count|uniqueCount)\s*=\s*["']([^"']*)["']""")
_MIN_SI_BYTES = 5                            # <si/>
_MIN_REF_BYTES = 10                          # <v>0</v> and a t="s"


def check_shared_strings(pkg: Package, part: str, head: bytes) -> None:
    """Refuse shared-string counts calamine would reserve room for that the part (or the
    whole package, for references) could not hold."""
    m = _SST.search(head)
    if m is None:
        return
    info = pkg.info(part)
    size = info.file_size if info is not None else 0
    for am in _COUNT.finditer(m.group(1)):
        name, raw = am.group(1).decode(), am.group(2).decode("utf-8", "replace").strip()
        most = size // _MIN_SI_BYTES if name == "uniqueCount" else pkg.total_size // _MIN_REF_BYTES
        if not raw.isdigit() or len(raw) > 12 or int(raw) > most:
            raise refuse(pkg.path, "book.corrupt",
                         f"the shared strings part {pkg.name(part)!r} declares {name}={raw!r}, "
                         f"but its {size:,} bytes can hold at most {most:,}; {DAMAGED}")
