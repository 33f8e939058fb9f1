"""Hostile values anywhere, structure broken anywhere (hypothesis, in memory): the parser, the
checks and the computation never crash (no ``internal.error``), never release figures beside
an error, and cap what they report.  The values are those a file can hold and a reader hands
over as they are: TRUE/FALSE, number-like text, NaN, infinity, huge and tiny numbers, dates at
the calendar's ends, error values, control characters."""
from __future__ import annotations

import math
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fee_core.engine import load_raw, run
from fee_core.read.raw import CellError, RawTable
from tests.books import raw_book
from tests.test_bad_books import good_tables

JUNK = [None, "", " ", "n/a", True, False, math.nan, math.inf, -math.inf, 1e300, -1e300, 1e15,
        -5.0, 0.0, 1e-300, 0.25, 45.0, 3000000.0, 36895.5, 2.0 ** 70, date(9999, 12, 31),
        date(1900, 1, 1), datetime(1899, 12, 30), CellError("#N/A"), CellError("#NO-VALUE"),
        "2001-01-05", " 21312586.96 ", "$12.34", "=1+1", "\x1b[2J\r0 error(s)", "Balanced Fnd",
        "D1", "Termination", "Plan Effective", "Daily", "Quarterly", "Actual/365", -0.0025]
TABLES = ("ScheduleA", "ScheduleB", "PlanEvents", "NAV", "Providers", "ProviderAssets",
          "Expenses", "Settings", "FundNames")
EDIT = st.tuples(st.sampled_from(["cell", "pop", "empty", "drop_column", "duplicate_row"]),
                 st.sampled_from(TABLES), st.integers(0, 10 ** 6), st.sampled_from(JUNK))


def mutate(edits):
    t = good_tables()
    drop = []
    for op, name, seed, junk in edits:
        rows = t.get(name)
        if rows is None:
            continue
        if op == "pop":
            t.pop(name)
        elif op == "empty":
            t[name] = []
        elif op == "drop_column":
            drop.append((name, seed))
        elif rows:
            r = rows[seed % len(rows)]
            if op == "duplicate_row":
                rows.insert(seed % len(rows), dict(r))
            else:
                keys = sorted(r)
                r[keys[seed % len(keys)]] = junk
    raw = raw_book(t)
    for name, seed in drop:
        rt = raw.tables.get(name)
        if rt is not None and rt.headers:
            h = rt.headers[seed % len(rt.headers)]
            cols = {k: v for k, v in rt.columns.items() if k != h}
            raw.tables[name] = RawTable(rt.name, rt.sheet, rt.ref, tuple(cols), 1, 1, cols)
    return raw


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(EDIT, min_size=1, max_size=5))
def test_hostile_values_never_crash_and_never_give_figures_with_errors(edits):
    book, findings = load_raw(mutate(edits))
    assert book is not None
    res = run(book, findings)
    codes = [f.code for f in res.findings]
    assert "internal.error" not in codes, [f.message for f in res.findings if f.code == "internal.error"]
    assert len(res.findings) < 400
    if not res.ok:
        assert res.tables == {}
