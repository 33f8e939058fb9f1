"""NYSE sessions from the real exchange calendar (exchange_calendars, XNYS).

Building the calendar costs about a third of a second (import and construction), which would
dominate a small ``fee12b1 compute``; the sessions are therefore kept in a small cache file
of int32 day numbers (``~/.cache/fee12b1``, or ``$FEE12B1_CACHE``) keyed on the installed
exchange_calendars version and the month, and rebuilt from exchange_calendars whenever either
changes.
"""
from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

FIRST_YEAR = 1990


def _calendars_version() -> str | None:
    """exchange_calendars' installed version, read from its ``.dist-info`` folder beside the
    package (importlib.metadata would cost ~20 ms of import and search on every run)."""
    from importlib.util import find_spec
    try:
        spec = find_spec("exchange_calendars")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None
    pkg = Path(list(spec.submodule_search_locations)[0])
    found = sorted(pkg.parent.glob("exchange_calendars-*.dist-info"))
    if len(found) == 1:
        return found[0].name[len("exchange_calendars-"):-len(".dist-info")]
    try:                       # none or several: ask the slow, authoritative way
        from importlib.metadata import version
        return version("exchange-calendars")
    except Exception:
        return None


def _cache_file() -> Path | None:
    ver = _calendars_version()
    if ver is None:
        return None
    base = os.environ.get("FEE12B1_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "fee12b1")
    return Path(base) / f"xnys-{ver}-{FIRST_YEAR}-{date.today():%Y%m}.days"


def _from_exchange_calendars() -> np.ndarray:
    import warnings

    import exchange_calendars as xc
    with warnings.catch_warnings():   # exchange_calendars' own use of a deprecated pandas API
        warnings.simplefilter("ignore")
        cal = xc.get_calendar("XNYS", start=f"{FIRST_YEAR}-01-01")
    return cal.sessions.values.astype("datetime64[D]")


def _read_cache(path: Path) -> np.ndarray | None:
    """The cache file: the sessions as little-endian int32 days since 1970-01-01, strictly
    increasing (anything else is ignored and rebuilt)."""
    try:
        days = np.fromfile(path, dtype="<i4")
    except (OSError, ValueError):
        return None
    if len(days) <= 1000 or not bool((days[1:] > days[:-1]).all()):
        return None
    return days.astype("datetime64[D]")


@lru_cache(maxsize=1)
def _sessions() -> np.ndarray:
    path = _cache_file()
    if path is not None and path.exists():
        s = _read_cache(path)
        if s is not None:
            return s
    s = _from_exchange_calendars()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            s.astype("int64").astype("<i4").tofile(tmp)
            os.replace(tmp, path)
        except OSError:
            pass          # an unwritable cache only costs time
    return s


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
