"""NYSE sessions from the real exchange calendar (exchange_calendars, XNYS)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np

FIRST_YEAR = 1990


@lru_cache(maxsize=1)
def _sessions() -> np.ndarray:
    import warnings

    import exchange_calendars as xc
    with warnings.catch_warnings():   # exchange_calendars' own use of a deprecated pandas API
        warnings.simplefilter("ignore")
        cal = xc.get_calendar("XNYS", start=f"{FIRST_YEAR}-01-01")
    return cal.sessions.values.astype("datetime64[D]")


def sessions(start: date, end: date) -> np.ndarray:
    """XNYS sessions in [start, end] as datetime64[D] (raises ValueError outside the
    calendar's range)."""
    s = _sessions()
    if np.datetime64(start, "D") < s[0] or np.datetime64(end, "D") > s[-1]:
        raise ValueError(f"the NYSE calendar covers {s[0]} to {s[-1]}; {start} to {end} is outside it")
    return s[(s >= np.datetime64(start, "D")) & (s <= np.datetime64(end, "D"))]


def calendar_range() -> tuple[date, date]:
    s = _sessions()
    return s[0].astype(object), s[-1].astype(object)
