"""NYSE sessions: the real calendar, and the cache file giving exactly the same sessions."""
from datetime import date

import numpy as np

from fee_core import calendar as nyse


def test_real_closures_2001():
    s = [d.astype(object) for d in nyse.sessions(date(2001, 9, 7), date(2001, 9, 20))]
    assert s == [date(2001, 9, 7), date(2001, 9, 10), date(2001, 9, 17), date(2001, 9, 18),
                 date(2001, 9, 19), date(2001, 9, 20)]
    assert len(nyse.sessions(date(2001, 1, 1), date(2001, 12, 31))) == 248


def test_cache_equals_exchange_calendars(tmp_path, monkeypatch):
    monkeypatch.setenv("FEE12B1_CACHE", str(tmp_path))
    nyse._sessions.cache_clear()
    try:
        first = nyse._sessions()                 # built from exchange_calendars, cached
        assert list(tmp_path.glob("xnys-*.days"))
        nyse._sessions.cache_clear()
        again = nyse._sessions()                 # read from the cache file
        assert np.array_equal(first, again)
        assert np.array_equal(again, nyse._from_exchange_calendars())
    finally:
        nyse._sessions.cache_clear()


def test_version_key_is_the_installed_version():
    from importlib.metadata import version
    assert nyse._calendars_version() == version("exchange-calendars")


def test_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("FEE12B1_CACHE", str(tmp_path))
    nyse._sessions.cache_clear()
    try:
        path = nyse._cache_file()
        path.write_bytes(b"\x01\x00\x00\x00" * 2000)      # not increasing: not sessions
        s = nyse._sessions()
        assert np.array_equal(s, nyse._from_exchange_calendars())
        assert np.array_equal(np.fromfile(path, dtype="<i4").astype("datetime64[D]"), s)
    finally:
        nyse._sessions.cache_clear()
