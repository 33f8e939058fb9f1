"""The quarterly board report (SPEC §6 Board Report, plan FOURTH/FIFTH, issue 6).

Expected figures come from other routes than the report: ``fee12b1 compute --by quarter``'s
CSVs (the figures the report must tie to), the builder's plain sample rows for expenses, and
the Providers table for provider kinds."""
from __future__ import annotations

import copy
import csv
import dataclasses
import io
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from fee_core.board import UNALLOCATED, make_report, parse_quarter, quarter_bounds
from fee_core.cli import main
from fee_core.contract import AGREEMENT_TYPES, EXPENSE_CATEGORIES
from fee_core.engine import load
from fee_core.write.inputs import write_input_workbook
from fee_core.write.report import (
    ABSC_COLOUR,
    APPENDIX_SHEET,
    CHART_SHEET,
    REPORT_SHEET,
    SERVICE_COLOUR,
    STATUS_SHEET,
    report_bytes,
    write_report,
)
from templates.builder import build_template
from templates.sample import sample_tables

YEAR = 2001
KIND_COLUMNS = 5       # E..H on the Board Report sheet: (A)..(D)


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("book") / "sample-2001.xlsx"
    build_template(path, year=YEAR, sample=True)
    return path


@pytest.fixture(scope="module")
def quarterly_csv(sample, tmp_path_factory):
    """accruals.csv and payouts.csv of ``fee12b1 compute --by quarter`` over the year."""
    out = tmp_path_factory.mktemp("csv")
    assert main(["compute", str(sample), "--start", f"{YEAR}-01-01", "--end", f"{YEAR}-12-31",
                 "--by", "quarter", "--csv", str(out)]) == 0
    read = lambda name: list(csv.DictReader(open(out / name, encoding="utf-8")))  # noqa: E731
    return read("accruals.csv"), read("payouts.csv")


@pytest.fixture(scope="module")
def reports(sample, tmp_path_factory):
    """The four quarters' reports written by the command, as openpyxl workbooks."""
    out = tmp_path_factory.mktemp("reports")
    books = {}
    for q in range(1, 5):
        path = out / f"r{q}.xlsx"
        assert main(["report", str(sample), "--quarter", f"{YEAR}Q{q}", str(path)]) == 0
        books[q] = openpyxl.load_workbook(path)
    return books


def _section_rows(ws, second_header: str, what: str) -> dict[str, list]:
    """A section of the Board Report sheet, from its header row (``Fund``, ``second_header``)
    to its 'Total' row: first cell -> row values."""
    rows, on = {}, False
    for r in ws.iter_rows(values_only=True):
        if r[0] == "Fund" and r[1] == second_header:
            on = True
            continue
        if on:
            rows[r[0]] = list(r)
            if r[0] == "Total":
                return rows
    raise AssertionError(f"no {what} table")


def _fund_rows(ws) -> dict[str, list]:
    """Section 1 of the Board Report sheet: fund -> row values (A..J), plus 'Total'."""
    return _section_rows(ws, "Days in plan", "fees")


def _expense_rows(ws) -> dict[str, list]:
    return _section_rows(ws, "Sales seminars", "expenses")


def _cents(x) -> int:
    return int((Decimal(str(x)) * 100).to_integral_value())


# --------------------------------------------------------------------------- quarter syntax
def test_quarter_syntax():
    assert parse_quarter("2001Q3") == (2001, 3)
    assert parse_quarter("2001q1") == (2001, 1)
    assert quarter_bounds(2001, 3) == (date(2001, 7, 1), date(2001, 9, 30))
    assert quarter_bounds(2000, 1) == (date(2000, 1, 1), date(2000, 3, 31))
    assert quarter_bounds(2001, 4) == (date(2001, 10, 1), date(2001, 12, 31))
    for bad in ("2001Q5", "2001Q0", "01Q3", "Q3 2001", "2001-Q3", "", "2001"):
        with pytest.raises(ValueError):
            parse_quarter(bad)


def test_bad_quarter_is_usage(sample, tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    assert main(["report", str(sample), "--quarter", "2001Q5", str(out)]) == 2
    assert "YYYYQn" in capsys.readouterr().err
    assert not out.exists()


# --------------------------------------------------------------------------- ties to compute
@pytest.mark.parametrize("q", [1, 2, 3, 4])
def test_totals_tie_to_compute_by_quarter(reports, quarterly_csv, q):
    acc, _ = quarterly_csv
    qs = quarter_bounds(YEAR, q)[0].isoformat()
    mine = [r for r in acc if r["period_start"] == qs]
    assert mine, "compute gave no rows for the quarter"
    rows = _fund_rows(reports[q][REPORT_SHEET])
    for r in mine:
        line = rows[r["fund"]]
        assert line[1] == int(r["days"])
        assert _cents(line[2]) == _cents(r["average_daily_net_assets"])
        assert _cents(line[3]) == _cents(r["plan_fee"])
        assert _cents(line[8]) == _cents(r["service_fees"])
        assert _cents(line[9]) == _cents(r["asset_based_sales_charge"])
    total = rows["Total"]
    for col, key in ((3, "plan_fee"), (8, "service_fees"), (9, "asset_based_sales_charge")):
        assert _cents(total[col]) == sum(_cents(r[key]) for r in mine), key
    # the fund rows add up to the total row too (no fund left out)
    funds = [v for k, v in rows.items() if k != "Total"]
    for col in range(3, 10):
        assert sum(_cents(v[col] or 0) for v in funds) == _cents(total[col])


@pytest.mark.parametrize("q", [1, 3])
def test_service_fees_by_kind(reports, quarterly_csv, sample, q):
    """(A)-(D) add up to the service fees, and each equals the payouts of providers of that
    Agreement Type (from the Providers table)."""
    _, pay = quarterly_csv
    kind_of = {p["Provider ID"]: p["Agreement Type"] for p in sample_tables(YEAR)["Providers"]}
    qs = quarter_bounds(YEAR, q)[0].isoformat()
    want = defaultdict(int)
    for r in pay:
        if r["period_start"] == qs:
            want[(r["fund"], kind_of[r["provider_id"]])] += _cents(r["service_fee"])
    rows = _fund_rows(reports[q][REPORT_SHEET])
    seen_kinds = set()
    for fund, line in rows.items():
        kinds = [_cents(line[KIND_COLUMNS - 1 + k] or 0) for k in range(4)]
        assert sum(kinds) == _cents(line[8] or 0), fund
        if fund == "Total":
            continue
        for k, kind in enumerate(AGREEMENT_TYPES):
            assert kinds[k] == want.get((fund, kind), 0), (fund, kind)
            if kinds[k]:
                seen_kinds.add(kind)
    assert seen_kinds == set(AGREEMENT_TYPES), "the sample should pay every provider kind"


@pytest.mark.parametrize("q", [1, 2, 3, 4])
def test_expenses_by_category_match_the_expenses_rows(reports, q):
    qs, qe = quarter_bounds(YEAR, q)
    want = defaultdict(int)
    for r in sample_tables(YEAR)["Expenses"]:
        if qs <= r["Date"] <= qe:
            want[(r["Fund"] or UNALLOCATED, r["Category"])] += _cents(r["Amount"])
    rows = _expense_rows(reports[q][REPORT_SHEET])
    got = defaultdict(int)
    for fund, line in rows.items():
        if fund == "Total":
            continue
        for c, cat in enumerate(EXPENSE_CATEGORIES):
            if line[1 + c]:
                got[(fund, cat)] += _cents(line[1 + c])
        assert _cents(line[8] or 0) == sum(_cents(v or 0) for v in line[1:8])
    assert dict(got) == dict(want)
    total = rows["Total"]
    for c, cat in enumerate(EXPENSE_CATEGORIES):
        assert _cents(total[1 + c] or 0) == sum(v for (f, k), v in want.items() if k == cat)


def test_every_category_appears_in_the_year(reports):
    spent = set()
    for q in range(1, 5):
        total = _expense_rows(reports[q][REPORT_SHEET])["Total"]
        spent |= {cat for c, cat in enumerate(EXPENSE_CATEGORIES) if total[1 + c]}
    assert spent == set(EXPENSE_CATEGORIES)


def test_trend_quarters_tie_to_compute(reports, quarterly_csv):
    acc, _ = quarterly_csv
    ws = reports[4][REPORT_SHEET]
    trend, on = {}, False
    for r in ws.iter_rows(values_only=True):
        if r[0] == "Quarter":
            on = True
            continue
        if on and r[0]:
            trend[r[0]] = r
            if r[0] == "Year to date":
                break
    assert list(trend) == [f"{YEAR}Q{q}" for q in range(1, 5)] + ["Year to date"]
    for q in range(1, 5):
        qs = quarter_bounds(YEAR, q)[0].isoformat()
        rows = [r for r in acc if r["period_start"] == qs]
        t = trend[f"{YEAR}Q{q}"]
        assert _cents(t[3]) == sum(_cents(r["plan_fee"]) for r in rows)
        assert _cents(t[4]) == sum(_cents(r["service_fees"]) for r in rows)
        assert _cents(t[5]) == sum(_cents(r["asset_based_sales_charge"]) for r in rows)
    assert _cents(trend["Year to date"][3]) == sum(_cents(r["plan_fee"]) for r in acc)
    # Q1's report has Q1 only
    first = [r[0] for r in reports[1][REPORT_SHEET].iter_rows(values_only=True)
             if r[0] and str(r[0]).startswith(f"{YEAR}Q")]
    assert first == [f"{YEAR}Q1"]


# --------------------------------------------------------------------------- cells
def test_money_cells_are_numbers_with_accounting_format(reports):
    ws = reports[3][REPORT_SHEET]
    rows = _fund_rows(ws)
    n = 0
    for row in ws.iter_rows():
        if row[0].value in rows:
            for c in row[3:10]:
                assert isinstance(c.value, (int, float)), c.coordinate
                assert c.number_format.startswith("_(") and "#,##0.00" in c.number_format
                n += 1
            if row[0].value == "Total":
                break
    assert n >= 10 * 7


def test_no_text_cell_can_start_a_formula(reports, sample):
    book, findings = load(sample)
    rep, _ = make_report(book, findings, YEAR, 3)
    evil = dataclasses.replace(rep.funds[0], fund="=HYPERLINK(\"http://x\",\"y\")")
    rep = dataclasses.replace(rep, funds=(evil, *rep.funds[1:]), source="+cmd|' /C calc'!A0")
    for wb in (*reports.values(), openpyxl.load_workbook(io.BytesIO(report_bytes(rep)))):
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str):
                        assert c.data_type == "s"
                        if c.value.startswith(("=", "+", "-", "@")):
                            assert c.quotePrefix, (ws.title, c.coordinate)


def test_chart_xml(sample, tmp_path):
    import zipfile
    out = tmp_path / "r.xlsx"
    assert main(["report", str(sample), "--quarter", "2001Q3", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = z.read(charts[0]).decode()
    xml = re.sub(r"<(/?)c:", r"<\1", xml)                      # the chart namespace's prefix
    assert "<barChart>" in xml and '<grouping val="stacked"' in xml and '<barDir val="bar"' in xml
    assert xml.count("<ser>") == 2
    assert xml.count("<strRef><f>'Board Report'!$A$") == 2     # fund names as text categories
    assert f"'{REPORT_SHEET}'!$I$" in xml and f"'{REPORT_SHEET}'!$J$" in xml
    assert SERVICE_COLOUR in xml and ABSC_COLOUR in xml


# --------------------------------------------------------------------------- variants
def _variant(tmp_path, edit) -> Path:
    tables = copy.deepcopy(sample_tables(YEAR))
    edit(tables)
    path = tmp_path / "variant.xlsx"
    write_input_workbook(path, tables)
    return path


def test_plan_wide_expenses_are_not_allocated(tmp_path):
    def edit(t):
        t["Expenses"].append({"Date": date(YEAR, 8, 15), "Fund": None,
                              "Category": "Advertising", "Amount": 1234.56})
        t["Expenses"].append({"Date": date(YEAR, 9, 1), "Fund": None,
                              "Category": "Sales Seminars", "Amount": 100.01})
    path = _variant(tmp_path, edit)
    out = tmp_path / "r.xlsx"
    assert main(["report", str(path), "--quarter", "2001Q3", str(out)]) == 0
    rows = _expense_rows(openpyxl.load_workbook(out)[REPORT_SHEET])
    plan_wide = rows[UNALLOCATED]
    assert _cents(plan_wide[1]) == 10001 and _cents(plan_wide[2]) == 123456
    assert _cents(plan_wide[8]) == 10001 + 123456
    # in the total, not in any fund
    base = defaultdict(int)
    for r in sample_tables(YEAR)["Expenses"]:
        if date(YEAR, 7, 1) <= r["Date"] <= date(YEAR, 9, 30) and r["Category"] == "Advertising":
            base["Advertising"] += _cents(r["Amount"])
    assert _cents(rows["Total"][2] or 0) == base["Advertising"] + 123456
    assert sum(_cents(v[2] or 0) for k, v in rows.items() if k not in ("Total", UNALLOCATED)) \
        == base["Advertising"]


def test_plan_status(sample, tmp_path):
    book, findings = load(sample)
    rep, _ = make_report(book, findings, YEAR, 3)
    st = rep.status
    assert st.effective == date(2000, 11, 30)
    assert [(t.start, t.end) for t in st.terms] == [(date(2001, 5, 31), date(2002, 5, 30))]
    assert st.last_approval == st.terms[0].approval
    assert date(2000, 5, 31) <= st.last_approval < date(2001, 5, 31)
    assert st.next_term_start == date(2002, 5, 31)
    assert (st.approve_from, st.approve_by) == (date(2001, 5, 31), date(2002, 5, 30))
    assert st.next_approval is None
    assert st.terminations == ()
    assert set(rep.warnings) >= {f for f in findings if not f.is_error}
    # Q2 spans the initial term and the first continuance term
    rep2, _ = make_report(book, findings, YEAR, 2)
    assert [t.initial for t in rep2.status.terms] == [True, False]
    assert rep2.status.next_term_start == date(2002, 5, 31)
    out = tmp_path / "r.xlsx"
    write_report(rep, out)
    wb = openpyxl.load_workbook(out)
    text = " | ".join(str(v) for row in wb[STATUS_SHEET].iter_rows(values_only=True)
                      for v in row if v is not None)
    assert "must approve the continuance of the plan for the next term (May 31, 2002 to May 30, " \
           "2003) by May 30, 2002" in text
    assert "approved the continuance of the plan for the term May 31, 2001 to May 30, 2002 on" in text
    # the warnings that matter, in words; no internal code on the board's page
    # (the sample pays no provider above the cap: it raises only the seed's own warnings)
    assert "the rename of Equity Income Fund to Core Equity Fund is dated differently" in text
    assert "9 funds are dated November 29, 2000" in text
    assert "further warnings concern data entry" in text and "Appendix" in text
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", text.replace("Inc.", "")), \
        "an internal code on the Plan Status sheet"
    appendix = [r for r in wb[APPENDIX_SHEET].iter_rows(values_only=True)]
    assert f"Appendix: check warnings ({len(rep.warnings)}), with the tool's codes" == appendix[0][0]
    codes = [r[0] for r in appendix[4:] if r[0]]
    assert len(codes) == len(rep.warnings) and "schedule.disagreement" in codes


def test_terminations_are_listed(tmp_path):
    def edit(t):
        t["PlanEvents"].append({"Date": date(YEAR, 8, 1), "Event": "Termination",
                                "Fund": "Growth Fund", "Notes": "Board vote"})
    path = _variant(tmp_path, edit)
    book, findings = load(path)
    rep, found = make_report(book, findings, YEAR, 3)
    assert rep is not None, [str(f) for f in found if f.is_error]
    assert rep.status.terminations == ((date(YEAR, 8, 1), "Growth Fund", "Board vote"),)
    growth = {ln.fund: ln for ln in rep.funds}["Growth Fund"]
    assert growth.days == 31          # July only: nothing accrues from the termination on
    out = tmp_path / "r.xlsx"
    write_report(rep, out)
    text = " ".join(str(v) for row in openpyxl.load_workbook(out)[STATUS_SHEET]
                    .iter_rows(values_only=True) for v in row if v is not None)
    assert "Growth Fund's participation in the plan was terminated effective August 1, 2001 " \
           "(Board vote)." in text
    assert "No fund's participation" not in text


# --------------------------------------------------------------------------- the command
def test_refuses_a_workbook_with_errors(tmp_path, capsys):
    def edit(t):
        t["NAV"][10]["Growth Fund"] = "n/a"
    path = _variant(tmp_path, edit)
    out = tmp_path / "r.xlsx"
    assert main(["report", str(path), "--quarter", "2001Q1", str(out)]) == 1
    assert "ERROR" in capsys.readouterr().out
    assert not out.exists()


def test_refuses_to_overwrite(sample, tmp_path):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"keep")
    assert main(["report", str(sample), "--quarter", "2001Q1", str(out)]) == 2
    assert out.read_bytes() == b"keep"
    assert main(["report", str(sample), "--quarter", "2001Q1", str(out), "--force"]) == 0
    assert openpyxl.load_workbook(out).sheetnames == [REPORT_SHEET, CHART_SHEET, STATUS_SHEET,
                                                      APPENDIX_SHEET]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary file left"


def test_never_overwrites_its_input(sample, tmp_path):
    before = sample.read_bytes()
    assert main(["report", str(sample), "--quarter", "2001Q1", str(sample), "--force"]) == 2
    assert sample.read_bytes() == before


def test_module_entry_point(sample, tmp_path):
    out = tmp_path / "r.xlsx"
    p = subprocess.run([sys.executable, "-m", "fee_core", "report", str(sample), "--quarter",
                        "2001Q4", str(out)], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parent.parent)
    assert p.returncode == 0, p.stderr
    assert "board report for 2001Q4" in p.stdout


# --------------------------------------------------------------------------- LibreOffice
def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout


def _colour_pixels(png: Path, hex_colour: str, tol: int = 40) -> int:
    from PIL import Image
    img = np.asarray(Image.open(png).convert("RGB")).astype(int)
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (0, 2, 4)])
    return int((np.abs(img - rgb).max(axis=2) <= tol).sum())


def test_libreoffice_renders_the_report_and_its_chart(libreoffice, sample, tmp_path):
    from tests.libreoffice import pdf_info
    out = tmp_path / "board.xlsx"
    assert main(["report", str(sample), "--quarter", "2001Q3", str(out)]) == 0
    pdf = libreoffice.to_pdf([out], tmp_path / "pdf")[0]
    pages = int(pdf_info(pdf)["Pages"])
    texts = [_page_text(pdf, p) for p in range(1, pages + 1)]
    assert "board report for 2001Q3" in texts[0]
    assert "Telecommunications Fund" in texts[0]
    chart_pages = [i + 1 for i, t in enumerate(texts) if "service fees vs asset-based" in t]
    assert len(chart_pages) == 1
    page = chart_pages[0]
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp_path / "chart")], check=True)
    png = next(tmp_path.glob("chart*.png"))
    # the bars are drawn: plenty of pixels in each series' colour (none on a table page)
    assert _colour_pixels(png, SERVICE_COLOUR) > 500
    assert _colour_pixels(png, ABSC_COLOUR) > 5000
    # the chart's own labels (category axis, legend) are rendered as text on that page
    assert "Telecommunications Fund" in texts[page - 1]
    assert "Service fees" in texts[page - 1]
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "table")], check=True)
    table_png = next(tmp_path.glob("table*.png"))
    assert _colour_pixels(table_png, ABSC_COLOUR, tol=20) < 50
    # figures are not truncated to ### in narrow columns
    assert "###" not in "".join(texts)


def test_year_to_date_starts_with_the_workbooks_period(tmp_path):
    """A workbook whose Settings period starts mid-year: the trend starts there too."""
    def edit(t):
        for r in t["Settings"]:
            if r["Setting"] == "Period Start":
                r["Value"] = date(YEAR, 5, 1)
    path = _variant(tmp_path, edit)
    book, findings = load(path)
    rep, found = make_report(book, findings, YEAR, 3)
    assert rep is not None, [str(f) for f in found if f.is_error]
    assert [(t.label, t.start) for t in rep.trend] == [(f"{YEAR}Q2", date(YEAR, 5, 1)),
                                                      (f"{YEAR}Q3", date(YEAR, 7, 1))]


def test_same_input_gives_byte_identical_report(sample, tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["report", str(sample), "--quarter", "2001Q2", str(a)]) == 0
    assert main(["report", str(sample), "--quarter", "2001Q2", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert (a.stat().st_mode & 0o777) == (0o666 & ~_umask())


def _umask() -> int:
    import os
    m = os.umask(0)
    os.umask(m)
    return m
