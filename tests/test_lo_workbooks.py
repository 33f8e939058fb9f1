"""The template, the published copy and the computed workbook in a real spreadsheet engine
(LibreOffice Calc, headless; tests/libreoffice.py).  These FAIL when LibreOffice is missing.

One soffice start-up recalculates every workbook of the module (a batch), so the suite pays
LibreOffice's start-up once here.  Expected figures come from the engine, which is itself
checked against hand-worked figures and a naive day-by-day reference elsewhere; here the
question is whether the native formulas a spreadsheet computes agree with it to the cent.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from fee_core.engine import load, run
from fee_core.write.addin_sheets import SUMMARY_FIRST_ROW
from fee_core.write.publish import publish, write_computed
from templates.builder import build_template

NOW = datetime(2002, 1, 15, 9, 30, tzinfo=UTC)
CENT = Decimal("0.01")


def _money(x) -> Decimal:
    return Decimal(str(x)).quantize(CENT)


@pytest.fixture(scope="module")
def books(tmp_path_factory, libreoffice):
    d = tmp_path_factory.mktemp("lo-books")
    src = {
        "sample": d / "sample-2001.xlsx",
        "template": d / "template-2001.xlsx",
        "template_xlsm": d / "template-2002.xlsm",
        "sample_2002": d / "sample-2002.xlsx",
        "published": d / "published-2001.xlsx",
        "computed": d / "computed-2001.xlsx",
    }
    build_template(src["sample"], 2001, sample=True)
    build_template(src["template"], 2001)
    build_template(src["template_xlsm"], 2002)
    build_template(src["sample_2002"], 2002, sample=True)
    ok, _ = publish(src["sample"], src["published"], now=NOW)
    assert ok
    results = {}
    for key in ("sample", "sample_2002"):
        book, findings = load(src[key])
        results[key] = run(book, findings)
        assert results[key].ok
    write_computed(results["sample"], src["computed"], now=NOW)
    start = time.monotonic()
    outs = libreoffice.recalculate(list(src.values()), d / "recalculated")
    seconds = time.monotonic() - start
    print(f"\nLibreOffice recalculated {len(outs)} workbooks in {seconds:.1f} s (one start-up)")
    values = {key: libreoffice.cell_values(out) for key, out in zip(src, outs)}
    return src, values, results


def test_every_workbook_opens_and_keeps_its_sheets(books):
    src, values, _ = books
    for key, path in src.items():
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
        assert list(values[key]) == names, key


def _summary_rows(sheet):
    r = SUMMARY_FIRST_ROW
    while sheet.get(f"A{r}"):
        yield r
        r += 1


@pytest.mark.parametrize("key", ["sample", "sample_2002"])
def test_template_native_tieout_equals_engine(books, key):
    """Native SUMPRODUCT cells (calendar-day weights over NYSE-session NAV rows) give the
    engine's ADNA and plan fee to the cent, for every whole-month fund-month."""
    _, values, results = books
    summary = values[key]["Summary"]
    acc = {(r.fund, r.period_start): r for r in results[key].accruals.itertuples()}
    rows = list(_summary_rows(summary))
    assert len(rows) >= 150 if key == "sample" else len(rows) >= 200
    for r in rows:
        engine = acc[(summary[f"A{r}"], summary[f"B{r}"].date())]
        assert engine.days == summary[f"E{r}"]
        assert _money(summary[f"J{r}"]) == engine.average_daily_net_assets, (key, r)
        assert _money(summary[f"K{r}"]) == engine.plan_fee, (key, r)
    assert summary["B2"] == "Actual/Actual" and summary["D2"] == "Period"


def test_template_2002_leaves_out_the_partial_month(books):
    _, values, _ = books
    summary = values["sample_2002"]["Summary"]
    months = {summary[f"B{r}"].month for r in _summary_rows(summary)
              if summary[f"A{r}"] == "Mid-Cap Growth Fund"}
    assert months == set(range(2, 13))   # effective Jan 15, 2002: January is not whole


def test_empty_template_native_cells_compute(books):
    _, values, _ = books
    summary = values["template"]["Summary"]
    rows = list(_summary_rows(summary))
    assert rows
    for r in rows:
        assert summary[f"I{r}"] == 0 and summary[f"K{r}"] == 0   # no NAV yet: zero, no error


def test_addin_cells_are_there_but_need_the_addin(books):
    """LibreOffice has no fee12b1 functions: the add-in cells are errors there, never
    numbers; the difference columns stay blank instead of showing a false tie."""
    _, values, _ = books
    v = values["sample"]
    assert str(v["Accruals"]["A5"]).startswith("#") or str(v["Accruals"]["A5"]).startswith("Err")
    assert not isinstance(v["Summary"][f"G{SUMMARY_FIRST_ROW}"], (int, float))
    assert f"L{SUMMARY_FIRST_ROW}" not in v["Summary"] or v["Summary"][f"L{SUMMARY_FIRST_ROW}"] == ""


@pytest.mark.parametrize("key", ["published", "computed"])
def test_native_totals_tie_to_the_engine(books, key):
    src, values, results = books
    res = results["sample"]
    v = values[key]
    suffix = " (computed)" if key == "computed" else ""
    for sheet, df, cols in (("Accruals", res.accruals, ("plan_fee", "service_fees",
                                                         "asset_based_sales_charge")),
                            ("Payouts", res.payouts, ("service_fee",)),
                            ("Payments", res.payments, ("service_fees", "payable"))):
        cells = v[sheet + suffix]
        total_row = len(df) + 2
        assert cells[f"A{total_row}"] == "Total"
        for c in cols:
            letter = "ABCDEFGH"[list(df.columns).index(c)]
            assert _money(cells[f"{letter}{total_row}"]) == sum(df[c], Decimal(0)), (sheet, c)
    tie = v["Tie-out"]
    rows = [r for r in range(5, 40) if f"A{r}" in tie]
    assert len(rows) >= 9
    for r in rows:
        assert tie[f"E{r}"] == "ties", tie[f"A{r}"]
        assert tie[f"D{r}"] == 0
        assert _money(tie[f"B{r}"]) == _money(tie[f"C{r}"])
    summary = v["Summary" + suffix]
    for r in _summary_rows(summary):
        assert summary[f"L{r}"] == 0 and summary[f"M{r}"] == 0


def test_libreoffice_startups_are_few(libreoffice):
    # the module fixture made one call for all six workbooks
    assert any(files >= 6 for files, _ in libreoffice.calls)
