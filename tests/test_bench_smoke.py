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
from bench import run as R
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
    R.S10, R.E10 = date(2009, 1, 1), date(2010, 12, 31)
    try:
        grid, fees = R.engine_accruals(book)
        assert sorted(int(c) for c in fees.fee) == sorted(int(v * 100) for v in res.accruals["plan_fee"])
        grid1, _ = R.engine_accruals(book, R.S1, R.E1)
        sf, pm = R.engine_payouts(book, grid1)
        paid = res.payouts[res.payouts["period_start"] >= date(2010, 1, 1)]
        assert int(sf.fee.sum()) == int(sum(paid["service_fee"]) * 100)
        # a provider subset is a consistent Book
        sub = R.subset_book(book, 10)
        sf10, _ = R.engine_payouts(sub, R.engine_accruals(sub, R.S1, R.E1)[0])
        assert len(sf10.fee) == 10 * 19 * 12
    finally:
        R.S10, R.E10 = date(2001, 1, 1), date(2010, 12, 31)


def test_udf_measure_values_agree():
    tables = D.make_tables(first_year=2009, last_year=2010)
    R.S10 = date(2009, 1, 1)
    try:
        u = R.udf_measure(tables["NAV"], 2)
    finally:
        R.S10 = date(2001, 1, 1)
    if "value_period" in u:   # the add-in is importable: the cell equals fee_core.cells
        assert Decimal(str(u["value_period"])) == Decimal(str(u["cells_value_period"]))
    assert u["cells_value_period"] > 0


def test_bench_runs_tiny(tmp_path):
    res = R.run(dict(R.TINY), use_lo=False, log=lambda s: None)
    assert res["accruals"]["engine_equals_naive"] is True
    assert res["payouts"]["rows"] == 100 * 19 * 12
    main = R.table_rows(res)
    growth = R.growth_rows(res)
    assert main and growth
    text = R.fmt_table(R.MAIN_HEADERS, main) + R.md_table(R.GROWTH_HEADERS, growth)
    assert "read_workbook" in text
    R.write_docs(res, main, growth, tmp_path / "performance.md", None)
    assert "## Growth" in (tmp_path / "performance.md").read_text()
