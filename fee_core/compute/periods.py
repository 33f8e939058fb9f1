"""Output periods (SPEC §8 "periods clipped to [start, end]"): months, quarters, years, or the
whole range, and the day -> period index on a grid."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from ..rules import Grid, d64

BY_CHOICES = ("month", "quarter", "year", "period")


def periods(start: date, end: date, by: str) -> list[tuple[date, date]]:
    """Output periods over [start, end], clipped to it: calendar months, quarters, years, or
    the whole range ('period')."""
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {', '.join(BY_CHOICES)}, got {by!r}")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if by == "period":
        return [(start, end)]
    step = {"month": 1, "quarter": 3, "year": 12}[by]
    out = []
    y, m = start.year, ((start.month - 1) // step) * step + 1
    while True:
        ps = date(y, m, 1)
        m2, y2 = m + step, y
        if m2 > 12:
            m2, y2 = m2 - 12, y + 1
        pe = date(y2, m2, 1) - timedelta(days=1)
        out.append((max(ps, start), min(pe, end)))
        if pe >= end:
            return out
        y, m = y2, m2


def period_index(grid: Grid, pers: list[tuple[date, date]]) -> tuple[np.ndarray, np.ndarray]:
    """Day -> period index, and period start day indices."""
    starts = np.array([(d64(ps) - grid.days[0]).astype(int) for ps, _ in pers], np.int64)
    pid = np.searchsorted(starts, np.arange(len(grid.days)), side="right") - 1
    return pid, starts


def year_index(grid: Grid) -> np.ndarray:
    return grid.days.astype("datetime64[Y]").astype(np.int64)
