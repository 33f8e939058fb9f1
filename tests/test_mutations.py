"""Hypothesis mutates valid workbooks (blank, text and error cells, shuffled rows, duplicated
dates, deleted rows) and the tool must never crash with a traceback, and never return fee
figures for a workbook it reported errors in."""
from __future__ import annotations

import csv
import random
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fee_core.cli import main
from fee_core.write.inputs import write_input_workbook
from tests.test_bad_books import good_tables

TABLE_NAMES = ("ScheduleA", "ScheduleB", "PlanEvents", "NAV", "Providers", "ProviderAssets",
               "Expenses", "Settings", "FundNames")
JUNK = st.sampled_from([None, "", "n/a", "#REF!", -1.0, 0.0, 1e15, "2001-01-05", 45.0,
                        date(1999, 1, 1), "=1+1", True, "Balanced Fnd"])


@st.composite
def mutations(draw):
    return [(draw(st.sampled_from(["cell", "shuffle", "duplicate", "delete", "error"])),
             draw(st.sampled_from(TABLE_NAMES)), draw(st.integers(0, 10 ** 6)), draw(JUNK))
            for _ in range(draw(st.integers(1, 4)))]


def apply(tables, muts):
    for kind, name, seed, junk in muts:
        rows = tables.get(name)
        if not rows:
            continue
        rng = random.Random(seed)
        i = rng.randrange(len(rows))
        if kind == "cell":
            key = rng.choice(sorted(rows[i]))
            rows[i][key] = junk
        elif kind == "shuffle":
            rng.shuffle(rows)
        elif kind == "duplicate":
            rows.insert(i, dict(rows[i]))
        elif kind == "delete":
            rows.pop(i)
    return tables


def error_cells(wb, muts):
    for kind, name, seed, _ in muts:
        if kind != "error":
            continue
        from fee_core.contract import TABLES
        ws = wb[TABLES[name].sheet]
        rng = random.Random(seed)
        r = rng.randint(2, max(2, ws.max_row))
        c = ws.cell(row=r, column=rng.randint(1, ws.max_column))
        c.value, c.data_type = rng.choice(["#N/A", "#VALUE!", "#DIV/0!"]), "e"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutations())
def test_mutated_workbooks_never_crash_and_never_give_figures_with_errors(tmp_path_factory, muts):
    d = tmp_path_factory.mktemp("mut")
    wb = write_input_workbook(None, apply(good_tables(), muts))
    error_cells(wb, muts)
    wb.save(d / "m.xlsx")
    out = d / "out"
    rc = main(["compute", str(d / "m.xlsx"), "--csv", str(out)])   # a traceback fails the test
    assert rc in (0, 1)
    with open(out / "checks.csv", newline="") as fh:
        severities = [r["severity"] for r in csv.DictReader(fh)]
    assert all(r in ("error", "warning") for r in severities)
    files = sorted(p.name for p in out.iterdir())
    if rc == 1:
        assert "error" in severities and files == ["checks.csv"]
    else:
        assert "error" not in severities
        assert files == ["accruals.csv", "checks.csv", "payments.csv", "payouts.csv", "run.json"]
    assert "internal.error" not in (out / "checks.csv").read_text()
