"""Small sorted-array helpers for the compute path.

``numpy.unique`` on a plain array consults ``numpy.ma`` (``np.ma.is_masked``), whose lazy
import costs about 7 ms: a twentieth of a whole ``fee12b1 compute``.  These do the same job
for the plain arrays the engine holds (integers and ``datetime64``; no NaN, no NaT).
"""
from __future__ import annotations

import numpy as np


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """Where a run of equal key tuples begins: True at 0 and wherever any of the equal-length
    ``keys`` differs from the element before (sorted keys: the first of each distinct value)."""
    n = len(keys[0])
    first = np.empty(n, bool)
    if n:
        first[0] = True
        first[1:] = False
        for k in keys:
            first[1:] |= k[1:] != k[:-1]
    return first


def unique(a: np.ndarray) -> np.ndarray:
    """The distinct values of ``a``, sorted (``numpy.unique(a)``)."""
    s = np.sort(np.asarray(a).ravel())
    return s[run_starts(s)]


def isin_sorted(a: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Per element of ``a``: is it in ``table`` (sorted ascending)?"""
    a = np.asarray(a)
    if len(table) == 0:
        return np.zeros(a.shape, bool)
    i = np.searchsorted(table, a)
    return table[np.minimum(i, len(table) - 1)] == a


def setdiff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The distinct values of ``a`` not in ``b``, sorted (``numpy.setdiff1d(a, b)``)."""
    ua = unique(a)
    return ua[~isin_sorted(ua, unique(b))]
