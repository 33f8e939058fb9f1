"""A whole column -> an array of its kind, by the one cell conversion of ``cells``.

``convert_column(values, kind, date1904)`` is what every table uses for every column: dates
become ``datetime64[D]`` (NaT where blank or refused), rates/money/numbers ``float64`` (NaN
where blank or refused), text an object array of stripped strings ('' where blank or refused).
Large columns hold few distinct dates, IDs and names, so each distinct value is converted
once; a column of plain numbers takes a vectorised path that still tells a NaN cell from an
empty one.  TRUE and 1.0 are different values here (Python's ``True == 1.0`` would make a
dictionary treat them as one).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cells import NUMBER_KINDS, CellProblem, convert_cell

BIG_COLUMN = 50_000   # from this size pandas' hash factorize pays for its import
_NAT = np.datetime64("NaT")


@dataclass(frozen=True)
class Column:
    """One converted column.  values: the converted values (see the module); blank: bool mask
    of empty cells; bad: bool mask of refused cells; problems: the refusal of each distinct
    refused value, by code (``problem(i)`` gives a row's)."""

    header: str
    kind: str
    values: np.ndarray
    blank: np.ndarray
    bad: np.ndarray
    _codes: np.ndarray | None
    _problems: dict

    def problem(self, i: int) -> CellProblem:
        key = int(self._codes[i]) if self._codes is not None else i
        return self._problems[key]

    def bad_rows_by_code(self) -> dict[str, np.ndarray]:
        """Rows of refused cells grouped by the problem's code, in row order."""
        rows = np.nonzero(self.bad)[0]
        by: dict[str, list[int]] = {}
        for i in rows.tolist():
            by.setdefault(self.problem(i).code, []).append(i)
        return {c: np.array(r, np.int64) for c, r in by.items()}


class _Bool:
    """A TRUE/FALSE as a dictionary key that never equals 1.0 or 0.0."""

    __slots__ = ("v",)

    def __init__(self, v: bool):
        self.v = v

    def __hash__(self) -> int:
        return hash(("bool", self.v))

    def __eq__(self, other) -> bool:
        return isinstance(other, _Bool) and other.v == self.v


def factorize(col) -> tuple[np.ndarray, list]:
    """Codes (-1 for an empty cell) and the distinct values of a raw column, TRUE/FALSE kept
    apart from 1 and 0."""
    if not isinstance(col, (list, np.ndarray)):
        col = list(col)
    if bool in set(map(type, col)):
        keys = [_Bool(v) if type(v) is bool else v for v in col]
        codes, uniques = _factorize(keys)
        return codes, [u.v if isinstance(u, _Bool) else u for u in uniques]
    return _factorize(col)


def _factorize(col) -> tuple[np.ndarray, list]:
    if len(col) >= BIG_COLUMN:
        import pandas as pd
        if isinstance(col, np.ndarray) and col.dtype == object:
            arr = col
        else:
            arr = np.empty(len(col), object)
            arr[:] = col
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        return codes, list(uniques)
    index: dict = {}
    codes = np.empty(len(col), np.int64)
    for i, v in enumerate(col):
        codes[i] = -1 if v is None else index.setdefault(v, len(index))
    return codes, list(index)


def convert_column(values, header: str, kind: str, date1904: bool = False) -> Column:
    """Every cell of a raw column converted as its ``kind`` (``cells.KINDS``)."""
    values = values if isinstance(values, list) else list(values)
    if kind in NUMBER_KINDS:
        fast = _plain_numbers(values)
        if fast is not None:
            arr, blank = fast
            return Column(header, kind, arr, blank, np.zeros(len(values), bool), None, {})
    codes, uniques = factorize(values)
    if kind == "date":
        conv = np.full(len(uniques) + 1, _NAT, dtype="datetime64[D]")
    elif kind in NUMBER_KINDS:
        conv = np.full(len(uniques) + 1, np.nan)
    else:
        conv = np.empty(len(uniques) + 1, object)
        conv[:] = ""
    problems: dict[int, CellProblem] = {}
    blank_u = np.zeros(len(uniques) + 1, bool)
    blank_u[-1] = True                          # code -1: an empty cell
    for k, v in enumerate(uniques):
        try:
            out = convert_cell(v, kind, date1904)
        except CellProblem as p:
            problems[k] = p
            continue
        if out is None or out == "":
            blank_u[k] = True
        elif kind == "date":
            conv[k] = np.datetime64(out, "D")
        else:
            conv[k] = out
    bad_u = np.zeros(len(uniques) + 1, bool)
    bad_u[list(problems)] = True
    return Column(header, kind, conv[codes], blank_u[codes], bad_u[codes], codes, problems)


def _plain_numbers(values: list) -> tuple[np.ndarray, np.ndarray] | None:
    """(floats, blank mask) when every cell is a float or empty and no cell holds NaN or
    infinity; else None (the caller converts cell by cell)."""
    types = set(map(type, values))
    if not types <= {float, type(None)}:
        return None
    arr = np.array(values, dtype=float)
    nan = np.isnan(arr)
    n_blank = values.count(None) if type(None) in types else 0
    if int(nan.sum()) != n_blank or not np.isfinite(arr[~nan]).all():
        return None                              # a NaN or infinite cell: cell by cell
    return arr, nan
