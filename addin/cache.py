"""Answers cached on argument *values*, sized by answers (SPEC §9: recalculating stays fast).

Excel recalculates every ``FEE_`` cell of a workbook on open and on a full recalculation, and a
sheet of figures passes the same 2,523-row NAV range (or the same ``NAV[#All]`` table) to each
of its cells.  An answer is found again by the *values* of its arguments, never by the cells
they came from, so an edited cell is a new key and nothing goes stale.

Two tables, each bounded, least recently used first out:

* ``Interned`` holds each distinct range value once (a tuple of row tuples) and gives it a
  serial number.  A key names a range by that number, so a sheet of 456 cells over one NAV
  range holds the NAV values once, not 456 times.  Finding the number costs one hash and one
  comparison of the values (exact: two ranges share a number only if every cell is equal, and
  TRUE is kept apart from 1).  A number is never reused: an evicted range that comes back gets
  a new one, and answers keyed on the old one simply age out.
* ``Cache`` holds the answers, bounded by their count and by the cells they hold (a spilled
  table weighs its rows x columns, a figure weighs 1).

``hits``/``misses`` count lookups (the recalculation test and ``python -m bench recalc`` read
them).
"""
from __future__ import annotations

import marshal
import threading
from collections import OrderedDict
from itertools import chain


def _tag(x):
    return ("<bool>", x) if type(x) is bool else x


def freeze(v):
    """A range value as a hashable tuple of row tuples (a scalar is returned as is); booleans
    are tagged so TRUE never equals 1.0 (Python compares and hashes them alike).  Built with
    C-level ``map``: a 2,523-row range freezes in a fraction of a millisecond."""
    if isinstance(v, (list, tuple)):
        if v and isinstance(v[0], (list, tuple)):
            t = v if type(v) is tuple and type(v[0]) is tuple else tuple(map(tuple, v))
            if bool in set(map(type, chain.from_iterable(t))):
                t = tuple(tuple(map(_tag, row)) for row in t)
            return t
        t = tuple(v)
        return tuple(map(_tag, t)) if bool in set(map(type, t)) else t
    return _tag(v)


def cells_in(v) -> int:
    """Cells in a value: rows x columns of a list of rows (a range is a rectangle), the length
    of a flat list, else 1."""
    if isinstance(v, (list, tuple)):
        if v and isinstance(v[0], (list, tuple)):
            return len(v) * len(v[0])
        return len(v)
    return 1


class Cache:
    """LRU of key -> value, bounded by ``max_entries`` and by ``max_cells`` (the summed
    ``weight`` of the values kept)."""

    def __init__(self, max_entries: int, max_cells: int):
        self.max_entries = max_entries
        self.max_cells = max_cells
        self._d: OrderedDict = OrderedDict()
        self._cells = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._d)

    @property
    def cells(self) -> int:
        return self._cells

    def get(self, key, default=None):
        with self._lock:
            try:
                _, value = self._d[key]
            except KeyError:
                self.misses += 1
                return default
            self._d.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key, value, weight: int = 1) -> None:
        if weight > self.max_cells:
            return  # bigger than the whole cache: not kept
        with self._lock:
            old = self._d.pop(key, None)
            if old is not None:
                self._cells -= old[0]
            self._d[key] = (weight, value)
            self._cells += weight
            while len(self._d) > self.max_entries or self._cells > self.max_cells:
                _, (w, _) = self._d.popitem(last=False)
                self._cells -= w

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self._cells = 0
            self.hits = self.misses = 0


class Interned:
    """Distinct range values (frozen) -> serial numbers, bounded by the cells held (LRU)."""

    def __init__(self, max_cells: int):
        self._cache = Cache(max_entries=1 << 30, max_cells=max_cells)
        self._next = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._cache)

    def number(self, frozen, cells: int) -> int:
        """The serial number of ``frozen`` (a frozen range of ``cells`` cells), given a new one
        if unseen."""
        n = self._cache.get(frozen)
        if n is None:
            with self._lock:
                self._next += 1
                n = self._next
            self._cache.put(frozen, n, cells)
        return n

    def clear(self) -> None:
        self._cache.clear()


class Fingerprints:
    """The cache key of a call: each scalar argument as itself, each range as ``("range", n)``
    with ``n`` its interned number.  A range is interned as ``marshal``'s bytes when it holds
    only numbers, text, booleans and blanks (exact, types included, and the bytes object keeps
    its hash), else as a tuple of rows (``freeze``)."""

    def __init__(self, max_cells: int):
        self.ranges = Interned(max_cells)

    def of(self, value):
        if isinstance(value, (list, tuple)):
            try:  # numbers, text, TRUE/FALSE, blanks: marshal's bytes keep every type (C speed)
                frozen = marshal.dumps(value, 2)  # version 2: no back-references, same bytes
            except ValueError:  # dates (and currency Decimals): rows of cells, booleans tagged
                frozen = freeze(value)
            return ("range", self.ranges.number(frozen, cells_in(value)))
        return _tag(value)

    def key(self, name: str, args) -> tuple:
        return (name,) + tuple(map(self.of, args))

    def clear(self) -> None:
        self.ranges.clear()


_MISSING = object()


def memo(cache: Cache, key, compute, weight=cells_in):
    """``cache[key]``, computing and storing it on a miss (weighed by ``weight(value)``)."""
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.put(key, value, weight(value))
    return value
