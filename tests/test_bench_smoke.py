"""Smoke test of the benchmark code (bench/): it runs on 1/50th-size data, its fast xlsx writer
gives the same Book as the project's writer, and the fast paths it times equal the exact
Decimal path (tests/naive_reference.py) to the cent on the benchmark's own data.  No timing
assertions: figures are for docs/performance.md, not for the suite."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from bench import data as D
from bench import docs, growth, udf
from bench import engine as E
from bench import main as M
from bench.context import TINY
from bench.timing import fmt_table, md_table
from fee_core.contract import ACCRUAL_COLUMNS, PAYMENT_COLUMNS, PAYOUT_COLUMNS
from fee_core.engine import load, run
from fee_core.write.csv import csv_text
from fee_core.write.inputs import write_input_workbook
from tests.naive_reference import compute_naive
from tests.naive_reference import csv_text as naive_csv

pytestmark = pytest.mark.bench


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("FEE12B1_BENCH_CACHE", str(tmp_path_factory.getbasetemp() / "bench-cache"))


def _tiny_tables():
    # 1/50th of the payouts measure: 100 providers x 19 funds x 12 months, two years of NAV
    return D.make_tables(first_year=2009, last_year=2010, n_providers=100, assets_year=2010)


def test_fast_writer_equals_project_writer(tmp_path):
    tables = _tiny_tables()
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    D.write_fast(fast, tables)
    write_input_workbook(slow, {k: D.as_rows(t) for k, t in tables.items()},
                         headers={k: t.headers for k, t in tables.items()})
    (b1, f1), (b2, f2) = load(fast), load(slow)
    assert b1 is not None and b2 is not None
    assert not [f for f in f1 if f.severity == "error"]
    assert [f.code for f in f1] == [f.code for f in f2]
    assert b1.settings == b2.settings and b1.funds == b2.funds and b1.rates == b2.rates
    assert b1.events == b2.events and b1.providers == b2.providers
    assert np.array_equal(b1.nav.dates, b2.nav.dates) and np.array_equal(b1.nav.values, b2.nav.values)
    assert np.array_equal(b1.nav.present, b2.nav.present)
    cols = ["start", "end", "provider", "fund", "assets", "row"]
    assert all(np.array_equal(b1.provider_assets[c], b2.provider_assets[c]) for c in cols)
    assert len(b1.provider_assets) == 100 * 19 * 12


def test_fast_paths_equal_exact_path(tmp_path):
    """Engine (the timed fast path) == naive Decimal reference, byte for byte, on bench data."""
    path = tmp_path / "tiny.xlsx"
    D.write_fast(path, _tiny_tables())
    book, findings = load(path)
    res = run(book, findings, by="month")
    assert res.ok, [str(f) for f in res.findings if f.severity == "error"]
    naive = compute_naive(path, by="month")
    for name, df, cols in (("accruals", res.accruals, ACCRUAL_COLUMNS),
                           ("payouts", res.payouts, PAYOUT_COLUMNS),
                           ("payments", res.payments, PAYMENT_COLUMNS)):
        assert len(df) > 0
        assert csv_text(df, cols) == naive_csv(naive[name], cols), f"{name} differs"
    # the pieces the bench times alone agree with run()
    s10, e10, s1, e1 = date(2009, 1, 1), date(2010, 12, 31), date(2010, 1, 1), date(2010, 12, 31)
    grid, fees = E.engine_accruals(book, s10, e10)
    assert sorted(int(c) for c in fees.fee) == sorted(int(v * 100) for v in res.accruals["plan_fee"])
    grid1, _ = E.engine_accruals(book, s1, e1)
    sf, pm = E.engine_payouts(book, grid1, s1, e1)
    paid = res.payouts[res.payouts["period_start"] >= date(2010, 1, 1)]
    assert int(sf.fee.sum()) == int(sum(paid["service_fee"]) * 100)
    # a provider subset is a consistent Book
    sub = E.subset_book(book, 10)
    sf10, _ = E.engine_payouts(sub, E.engine_accruals(sub, s1, e1)[0], s1, e1)
    assert len(sf10.fee) == 10 * 19 * 12


def test_udf_measure_values_agree():
    tables = D.make_tables(first_year=2009, last_year=2010)
    u = udf.udf_measure(tables["NAV"], date(2009, 1, 1), date(2010, 12, 31), 2)
    assert Decimal(str(u["value_period"])) == Decimal(str(u["cells_value_period"]))
    assert u["cells_value_period"] > 0


def test_bench_runs_tiny(tmp_path):
    res = M.run(dict(TINY), use_lo=False, log=lambda s: None)
    assert res["accruals"]["engine_equals_naive"] is True
    assert res["payouts"]["rows"] == 100 * 19 * 12
    main = M.table_rows(res)
    rows = growth.rows(res)
    assert main and rows
    text = fmt_table(M.MAIN_HEADERS, main) + md_table(growth.HEADERS, rows)
    assert "read_workbook" in text
    docs.write_docs(res, main, M.MAIN_HEADERS, rows, growth.HEADERS, tmp_path / "performance.md",
                    None, [])
    assert "## Growth" in (tmp_path / "performance.md").read_text()
