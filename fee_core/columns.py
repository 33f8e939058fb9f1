"""Columns: a small table of equal-length numpy columns, by name.

The engine's tables are plain columns so that a `fee12b1 compute` never needs pandas (whose
import alone costs more than computing ten years of accruals); ``to_frame`` makes a pandas
DataFrame for the callers that want one (the add-in, the report, the tests).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np


class Columns:
    """Equal-length columns by name, in order.  ``cols[name]`` is a numpy array (object
    dtype for text, dates and Decimals); ``len(cols)`` the number of rows."""

    __slots__ = ("_cols", "_n")

    def __init__(self, columns: Mapping[str, Iterable], names: Iterable[str] | None = None):
        names = list(names) if names is not None else list(columns)
        cols = {}
        for name in names:
            v = columns[name]
            if not isinstance(v, np.ndarray):
                v = list(v)
                arr = np.empty(len(v), object)
                arr[:] = v
                v = arr
            cols[name] = v
        lengths = {len(v) for v in cols.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of unequal length: {sorted(lengths)}")
        self._cols = cols
        self._n = lengths.pop() if lengths else 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self._cols[name]

    def __len__(self) -> int:
        return self._n

    def __contains__(self, name: str) -> bool:
        return name in self._cols

    @property
    def names(self) -> list[str]:
        return list(self._cols)

    def take(self, index) -> Columns:
        """The rows at ``index`` (integer positions or a boolean mask), in that order."""
        return Columns({k: v[index] for k, v in self._cols.items()})

    def rows(self):
        """Row tuples in column order."""
        return zip(*self._cols.values())

    def to_frame(self):
        """A pandas DataFrame of the same columns (pandas is imported here, on demand)."""
        import pandas as pd
        return pd.DataFrame({k: v for k, v in self._cols.items()}, columns=self.names)

    def __repr__(self) -> str:
        return f"Columns({self._n} rows: {', '.join(self._cols)})"
