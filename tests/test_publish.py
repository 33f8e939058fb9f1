"""fee12b1 publish and write_computed, without a spreadsheet engine: what the file holds,
what it must never hold, and the refusals with their exit codes.  Files are inspected with
openpyxl and as zip/XML, not through the project's reader (except where said)."""
from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from fee_core.cli import main
from fee_core.contract import TABLES
from fee_core.engine import load, run
from fee_core.errors import OutputExists, WouldOverwriteInput
from fee_core.write.publish import TIME_ENV, publish, write_computed
from templates.builder import build_template, template_bytes

NOW = datetime(2002, 1, 15, 9, 30, tzinfo=UTC)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _xml(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    p = tmp_path_factory.mktemp("pub") / "sample-2001.xlsx"
    build_template(p, 2001, sample=True)
    return p


@pytest.fixture(scope="module")
def published(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("pubout") / "published.xlsx"
    ok, findings = publish(sample, out, now=NOW)
    assert ok and not any(f.is_error for f in findings)
    return out


@pytest.fixture(scope="module")
def engine(sample):
    book, findings = load(sample)
    return run(book, findings)


# ----------------------------------------------------------------------------- contents

def test_published_is_plain_xlsx_without_macros_conf_or_addin(published):
    parts = _xml(published)
    assert not any("vbaProject" in n for n in parts)
    assert b"macroEnabled" not in parts["[Content_Types].xml"]
    assert b"spreadsheetml.sheet.main+xml" in parts["[Content_Types].xml"]
    wb = openpyxl.load_workbook(published)
    assert "xlwings.conf" not in wb.sheetnames
    for name, body in parts.items():
        assert b"FEE_" not in body.upper() or not name.startswith("xl/worksheets"), name
        assert b"_xludf" not in body
    formulas = [getattr(c.value, "text", c.value) for ws in wb.worksheets
                for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas, "native totals must be formulas"
    tables = "|".join(TABLES)
    for f in formulas:
        assert isinstance(f, str) and "FEE_" not in f.upper()
        # no external reference; a structured reference only to one of the copy's own tables
        inner = re.sub(rf"\b(?:{tables})\[(?:\[(?:[^\[\]']|'.)*\]|[^\[\]']|'.)*\]", "", f)
        assert "[" not in inner, f"an external reference in {f}"


def test_published_sheets_and_cover(published, sample):
    wb = openpyxl.load_workbook(published)
    assert wb.sheetnames[0] == "Cover"
    for name in ("Settings", "Schedule A", "Schedule B", "NAV", "Providers", "Provider Assets",
                 "Accruals", "Payouts", "Payments", "Checks", "Summary", "Tie-out"):
        assert name in wb.sheetnames
    cover = {r[0].value: r[1].value for r in wb["Cover"].iter_rows(min_col=1, max_col=2)
             if r[0].value}
    assert cover["Source workbook"] == "sample-2001.xlsx"
    assert cover["Source SHA-256"] == _sha(sample)
    from fee_core import __version__
    assert cover["Tool"] == f"fee12b1 {__version__}"
    assert cover["Published (UTC)"] == "2002-01-15 09:30:00Z"
    assert cover["Period Start"].date().isoformat() == "2001-01-01"
    assert cover["Period End"].date().isoformat() == "2001-12-31"
    assert cover["Day Count"] == "Actual/Actual" and cover["Rounding"] == "Period"
    assert "0 errors" in cover["Findings"]


def test_computed_values_are_the_engines(published, engine):
    ws = openpyxl.load_workbook(published)["Accruals"]
    header = [c.value for c in ws[1]]
    assert tuple(header) == tuple(engine.accruals.columns)
    n = len(engine.accruals)
    col = header.index("plan_fee") + 1
    got = [Decimal(str(ws.cell(r, col).value)).quantize(Decimal("0.01")) for r in range(2, n + 2)]
    assert got == list(engine.accruals["plan_fee"])
    total = ws.cell(n + 2, col)
    assert ws.cell(n + 2, 1).value == "Total"
    assert total.value == f"=SUM(F2:F{n + 1})"
    pay = openpyxl.load_workbook(published)["Payouts"]
    assert {pay.cell(r, 7).value for r in range(2, len(engine.payouts) + 2)} <= {"true", "false"}


def test_published_copy_reads_back_as_the_same_input(published, engine):
    """The copy's input tables are the input's: the engine computes the same figures."""
    book, findings = load(published)
    res = run(book, findings)
    assert res.ok
    assert res.accruals.equals(engine.accruals)
    assert res.payouts.equals(engine.payouts)
    assert res.payments.equals(engine.payments)


def test_same_time_gives_identical_bytes(sample, tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    publish(sample, a, now=NOW)
    publish(sample, b, now=NOW)
    assert a.read_bytes() == b.read_bytes()


def test_time_from_environment(sample, tmp_path, monkeypatch):
    monkeypatch.setenv(TIME_ENV, "2003-04-05T06:07:08+00:00")
    out = tmp_path / "p.xlsx"
    assert main(["publish", str(sample), str(out)]) == 0
    cover = openpyxl.load_workbook(out)["Cover"]
    assert "2003-04-05 06:07:08Z" in [c.value for c in cover["B"]]


# ----------------------------------------------------------------------------- hostile text

def test_formula_like_text_is_written_as_text(tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(2001, sample=True, outputs=False)))
    ws = wb["Providers"]
    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1)", "\tTAB", "\rCR"]
    for i, text in enumerate(evil, start=2):
        c = ws.cell(i, 2)
        c.value = text
        c.data_type = "s"
    src = tmp_path / "evil.xlsx"
    wb.save(src)
    out = tmp_path / "evil-published.xlsx"
    ok, findings = publish(src, out, now=NOW)
    assert ok, [str(f) for f in findings if f.is_error]
    pub = openpyxl.load_workbook(out)["Providers"]
    names = [pub.cell(i, 2) for i in range(2, 2 + len(evil))]
    # XML turns a lone CR into LF on reading; what matters is that it stays text
    assert [c.value for c in names][:5] == evil[:5] and names[5].value.endswith("CR")
    assert all(c.data_type == "s" for c in names)
    assert all(c.quotePrefix for c in names[:4])
    parts = _xml(out)
    sheet_xml = b"".join(v for k, v in parts.items() if k.startswith("xl/worksheets/"))
    assert b"HYPERLINK" in parts["xl/sharedStrings.xml"]           # a text, in the string table
    assert not re.search(rb"<f>[^<]*HYPERLINK", sheet_xml)


# ----------------------------------------------------------------------------- refusals

def test_input_unchanged_by_publish(sample, tmp_path):
    before, mtime = _sha(sample), sample.stat().st_mtime_ns
    assert main(["publish", str(sample), str(tmp_path / "o.xlsx")]) == 0
    assert _sha(sample) == before and sample.stat().st_mtime_ns == mtime


def test_refuses_input_with_errors(tmp_path, capsys):
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(2001, sample=True, outputs=False)))
    wb["NAV"]["B5"] = -5.0   # negative net assets: an error
    src = tmp_path / "bad.xlsx"
    wb.save(src)
    out = tmp_path / "bad-published.xlsx"
    assert main(["publish", str(src), str(out)]) == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx"]   # no temp file left
    text = capsys.readouterr().out
    assert "error" in text and "not written" in text
    ok, findings = publish(src, out)
    assert not ok and any(f.is_error for f in findings) and not out.exists()


def test_existing_output_needs_force(sample, tmp_path, capsys):
    out = tmp_path / "o.xlsx"
    out.write_bytes(b"keep me")
    assert main(["publish", str(sample), str(out)]) == 2
    assert out.read_bytes() == b"keep me"
    assert "--force" in capsys.readouterr().err
    with pytest.raises(OutputExists):
        publish(sample, out)
    assert main(["publish", str(sample), str(out), "--force"]) == 0
    assert zipfile.is_zipfile(out)


@pytest.mark.parametrize("how", ["same", "dotdot", "symlink", "hardlink"])
def test_never_overwrites_input(sample, tmp_path, how, capsys):
    src = tmp_path / "in" / "book.xlsx"
    src.parent.mkdir()
    src.write_bytes(sample.read_bytes())
    before = _sha(src)
    if how == "same":
        out = src
    elif how == "dotdot":
        out = tmp_path / "in" / ".." / "in" / "book.xlsx"
    elif how == "symlink":
        out = tmp_path / "link.xlsx"
        out.symlink_to(src)
    else:
        out = tmp_path / "hard.xlsx"
        os.link(src, out)
    for force in ([], ["--force"]):
        assert main(["publish", str(src), str(out), *force]) == 2
    assert _sha(src) == before
    assert "input" in capsys.readouterr().err
    with pytest.raises(WouldOverwriteInput):
        publish(src, out, force=True)


def test_usage_errors(sample, tmp_path):
    assert main(["publish", str(tmp_path / "missing.xlsx"), str(tmp_path / "o.xlsx")]) == 2
    assert main(["publish", str(sample), str(tmp_path / "o.xlsm")]) == 2
    assert main(["publish", str(sample), str(tmp_path)]) == 2
    assert not (tmp_path / "o.xlsx").exists() and not (tmp_path / "o.xlsm").exists()


# ----------------------------------------------------------------------------- computed workbook

def test_computed_workbook_keeps_addin_sheets(sample, engine, tmp_path):
    out = tmp_path / "computed.xlsx"
    write_computed(engine, out, now=NOW)
    wb = openpyxl.load_workbook(out)
    for name in ("Accruals (computed)", "Payouts (computed)", "Payments (computed)",
                 "Checks (computed)", "Summary (computed)", "Tie-out", "Summary", "Accruals",
                 "Payouts", "Checks", "xlwings.conf"):
        assert name in wb.sheetnames
    assert wb["xlwings.conf"]["B1"].value == "addin.udfs"
    assert "FEE_ACCRUALS(" in wb["Accruals"]["A5"].value.text
    parts = _xml(out)
    assert "xl/metadata.xml" in parts and not any("vbaProject" in n for n in parts)
    with pytest.raises(OutputExists):
        write_computed(engine, out)
    write_computed(engine, out, force=True, now=NOW)
    with pytest.raises(WouldOverwriteInput):
        write_computed(engine, sample, force=True)


# ----------------------------------------------------------------------------- stored results

CENT = Decimal("0.01")


def _money(x) -> Decimal:
    return Decimal(str(x)).quantize(CENT)


def _formulas_and_values(path):
    """(formula workbook, stored-value workbook): openpyxl as written, and data_only (what a
    reader that does not calculate shows)."""
    return openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)


def _formula_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or hasattr(c.value, "text"):
                    yield ws.title, c


def test_every_formula_of_the_published_copy_stores_its_figure(published, engine):
    formulas, values = _formulas_and_values(published)
    cells = list(_formula_cells(formulas))
    assert len(cells) > 1000
    for sheet, c in cells:
        assert values[sheet][c.coordinate].value is not None, (sheet, c.coordinate, c.value)
    # the totals under the tables are the engine's sums
    acc = engine.accruals
    ws = values["Accruals"]
    total_row = len(acc) + 2
    for letter, col in (("F", "plan_fee"), ("G", "service_fees"), ("H", "asset_based_sales_charge")):
        assert _money(ws[f"{letter}{total_row}"].value) == sum(acc[col], Decimal(0))
    # the Tie-out: native (stored) = engine, difference 0, status ties
    tie = values["Tie-out"]
    rows = [r for r in range(5, 30) if tie[f"A{r}"].value]
    assert len(rows) >= 9
    for r in rows:
        assert _money(tie[f"B{r}"].value) == _money(tie[f"C{r}"].value), tie[f"A{r}"].value
        assert tie[f"D{r}"].value == 0 and tie[f"E{r}"].value == "ties"
    assert _money(tie["C5"].value) == sum(acc["plan_fee"], Decimal(0))


def _summary_columns(ws, header_row: int = 4) -> dict[str, str]:
    """The Summary's column letters by header (the layout is addin_sheets')."""
    return {c.value: c.column_letter for c in ws[header_row] if isinstance(c.value, str)}


def test_summary_native_figures_equal_the_engines(published, engine):
    """The native columns' stored results (worked out by the formulas' own rule from the NAV
    table) equal the engine's ADNA and plan fee for every whole-month fund-month."""
    ws = openpyxl.load_workbook(published, data_only=True)["Summary"]
    assert _summary_columns(ws) | {"Days": "E", "NA × Days (native)": "J", "ADNA (native)": "K",
                                   "Plan Fee (native)": "L", "ADNA Difference": "M",
                                   "Plan Fee Difference": "N"} == _summary_columns(ws)
    acc = {(r.fund, r.period_start): r for r in engine.accruals.itertuples()}
    n = 0
    for r in range(5, ws.max_row + 1):
        fund = ws[f"A{r}"].value
        if not fund or not isinstance(ws[f"B{r}"].value, datetime):
            break
        e = acc[(fund, ws[f"B{r}"].value.date())]
        assert ws[f"E{r}"].value == e.days
        assert ws[f"F{r}"].value == 365
        # (addin_sheets' layout: G row in the table at P4, H/I looked up, J-L native, M/N diffs)
        assert ws[f"P{ws[f'G{r}'].value}"].value == fund
        assert _money(ws[f"H{r}"].value) == e.average_daily_net_assets
        assert _money(ws[f"I{r}"].value) == e.plan_fee
        assert _money(ws[f"K{r}"].value) == e.average_daily_net_assets, (fund, r)
        assert _money(ws[f"L{r}"].value) == e.plan_fee, (fund, r)
        assert abs(Decimal(str(ws[f"J{r}"].value)) / e.days - e.average_daily_net_assets) <= CENT
        assert ws[f"M{r}"].value == 0 and ws[f"N{r}"].value == 0
        n += 1
    assert n >= 150


def test_settings_keep_their_formats(published):
    """Dates read as dates, rates as percent (SPEC §6): never 3704100.00%."""
    wb = openpyxl.load_workbook(published)
    settings = {r[0].value: r[1] for r in wb["Settings"].iter_rows(min_row=2) if r[0].value}
    ite = settings["Initial Term End"]
    assert ite.is_date and ite.value.date().isoformat() == "2001-05-30"
    assert ite.number_format == "yyyy-mm-dd"
    assert settings["Service Fee Cap"].number_format == "0.00%"
    assert settings["Period Start"].is_date
    cover = {r[0].value: r[1] for r in wb["Cover"].iter_rows(min_col=1, max_col=2) if r[0].value}
    assert cover["Initial Term End"].is_date and "%" not in cover["Initial Term End"].number_format
    assert cover["Service Fee Cap"].number_format.endswith("%")
    rates = wb["Schedule B"]
    assert rates["B2"].number_format == "0.00%" and rates["C2"].is_date


def test_columns_are_as_wide_as_their_content(published):
    """No name cut short (the old copy printed 'INVESCO BONE'): every text column of the input
    tables is at least as wide as its longest text, up to the wrap width of notes."""
    wb = openpyxl.load_workbook(published)
    for sheet in ("Schedule A", "Schedule B", "Providers", "Plan Events", "Expenses"):
        ws = wb[sheet]
        for col in ws.iter_cols(min_row=2):
            texts = [c.value for c in col if isinstance(c.value, str)]
            if not texts:
                continue
            letter = col[0].column_letter
            width = ws.column_dimensions[letter].width
            header = ws[f"{letter}1"].value
            longest = max(len(t) for t in texts)
            assert width >= min(longest, 46), (sheet, header, width, longest)
    assert wb["Schedule A"].column_dimensions["A"].width >= len(
        "INVESCO COMBINATION STOCK & BOND FUNDS, INC.")


def test_every_sheet_is_print_ready(published):
    wb = openpyxl.load_workbook(published)
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # an absent fitToWidth/fitToHeight is OOXML's default, 1 page
        assert ws.page_setup.fitToWidth in (None, 1, "1"), ws.title
        assert "page &P of &N" in ws.oddFooter.right.text, ws.title
        assert "2001-01-01 to 2001-12-31" in ws.oddHeader.left.text, ws.title
        assert ws.oddFooter.center.text == "&A"              # the sheet's name
        widths = sum(d.width or 0 for d in ws.column_dimensions.values())
        if widths > 100:
            assert ws.page_setup.orientation == "landscape", ws.title
        if ws.title not in ("Cover",):
            assert ws.print_title_rows, ws.title            # the header row repeats
            assert ws.page_setup.fitToHeight in (0, "0"), ws.title   # as many pages as it takes
    cover = wb["Cover"]
    assert cover.page_setup.fitToHeight in (None, 1, "1") and cover.page_setup.orientation == "portrait"


# ----------------------------------------------------------------------------- computed workbook

@pytest.fixture(scope="module")
def computed(sample, engine, tmp_path_factory):
    out = tmp_path_factory.mktemp("computed") / "computed.xlsx"
    write_computed(engine, out, now=NOW)
    return out


def test_computed_addin_cells_store_the_engines_figures(computed, engine):
    """Every add-in cell (and every lookup over one) shows the engine's figure before any
    recalculation."""
    formulas, values = _formulas_and_values(computed)
    for sheet, c in _formula_cells(formulas):
        assert values[sheet][c.coordinate].value is not None, (sheet, c.coordinate)
    summary, stored = formulas["Summary"], values["Summary"]
    assert _summary_columns(summary)["ADNA (add-in)"] == "H"
    assert "FEE_ACCRUALS(" in summary["P4"].value.text        # the Summary's one add-in call
    acc = {(r.fund, r.period_start): r for r in engine.accruals.itertuples()}
    n = 0
    # one FEE_ACCRUALS at P4 (its table stored), looked up by every fund-month (addin_sheets)
    assert "FEE_ACCRUALS(" in summary["P4"].value.text and stored["P4"].value == "fund"
    for r in range(5, summary.max_row + 1):
        if not isinstance(stored[f"B{r}"].value, datetime):
            break
        assert "MATCH(1," in summary[f"G{r}"].value.text
        assert summary[f"I{r}"].value.text == f"=INDEX($U:$U,$G{r})"
        e = acc[(summary[f"A{r}"].value, stored[f"B{r}"].value.date())]
        assert stored[f"P{stored[f'G{r}'].value}"].value == e.fund
        assert _money(stored[f"H{r}"].value) == e.average_daily_net_assets
        assert _money(stored[f"I{r}"].value) == e.plan_fee
        n += 1
    assert n >= 150
    # the spilled tables: the whole result stored in the spill area, cell by cell
    spill = values["Accruals"]
    assert "FEE_ACCRUALS(" in formulas["Accruals"]["A5"].value.text
    heads = [spill.cell(5, j).value for j in range(1, 7)]
    assert heads == ["fund", "period_start", "period_end", "days", "average_daily_net_assets",
                     "plan_fee"]
    for i, e in enumerate(engine.accruals.itertuples(), start=6):
        assert spill[f"A{i}"].value == e.fund
        assert spill[f"B{i}"].value.date() == e.period_start
        assert spill[f"D{i}"].value == e.days
        assert _money(spill[f"F{i}"].value) == e.plan_fee
    pay = values["Payouts"]
    for i, e in enumerate(engine.payouts.itertuples(), start=6):
        assert (pay[f"A{i}"].value, pay[f"B{i}"].value) == (e.provider_id, e.fund)
        assert pay[f"G{i}"].value is bool(e.capped)
        assert _money(pay[f"H{i}"].value) == e.service_fee
    checks = values["Checks"]
    assert [checks.cell(5, j).value for j in range(1, 5)] == ["severity", "code", "location", "message"]
    assert checks["A6"].value == "warning" and checks["B6"].value


def test_computed_workbook_keeps_its_stored_figures_on_opening(computed):
    """No full recalculation on load: without the add-in Excel would turn the add-in cells into
    #NAME? at once."""
    wb_xml = _xml(computed)["xl/workbook.xml"].decode()
    assert "fullCalcOnLoad" not in wb_xml and 'calcId="191029"' in wb_xml
    cover = {r[0].value: r[1].value for r in openpyxl.load_workbook(computed)["Cover"].iter_rows(
        min_col=1, max_col=2) if r[0].value}
    note = cover["Needs the add-in"]
    for name in ("FEE_ACCRUALS", "FEE_PAYOUTS", "FEE_CHECKS", "#NAME?"):
        assert name in note
    pub_xml = _xml(computed)["xl/workbook.xml"]
    assert b"definedName" in pub_xml


# ----------------------------------------------------------------------------- compute --xlsx

def _own_book(path, errors: bool = False):
    """A user's own small book: one fund, no Fund Names, Providers, Provider Assets or
    Expenses table, an empty Settings table (the period given on the command line)."""
    from datetime import date

    from tests.books import base_tables, constant_nav, write
    t = base_tables()
    t["NAV"] = constant_nav(["Balanced Fund"], date(2001, 1, 1), date(2001, 6, 30))
    if errors:
        t["NAV"][5]["Balanced Fund"] = -1.0
    for name in ("FundNames", "Providers", "ProviderAssets", "Expenses"):
        del t[name]
    return write(path, t)


def test_compute_xlsx_for_any_book(tmp_path, capsys):
    book = _own_book(tmp_path / "own.xlsx")
    out = tmp_path / "out" / "own-computed.xlsx"
    args = ["compute", str(book), "--start", "2001-01-01", "--end", "2001-06-30"]
    assert main([*args, "--xlsx", str(out), "--csv", str(tmp_path / "csv")]) == 0
    assert "own-computed.xlsx" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    for name in ("Cover", "Settings", "Fund Names", "Providers", "Provider Assets", "Expenses",
                 "Summary", "Accruals", "Payouts", "Checks", "Tie-out", "xlwings.conf"):
        assert name in wb.sheetnames
    settings = {r[0].value: r[1].value for r in wb["Settings"].iter_rows(min_row=2)}
    assert settings["Period Start"].date().isoformat() == "2001-01-01"
    assert settings["Period End"].date().isoformat() == "2001-06-30"
    assert settings["Day Count"] == "Actual/Actual"
    # the computed workbook is itself a book: the engine reads the same figures from it
    import csv as csvmod
    rows = list(csvmod.DictReader(open(tmp_path / "csv" / "accruals.csv", encoding="utf-8")))
    b2, f2 = load(out)
    again = run(b2, f2)
    assert again.ok
    assert [str(x) for x in again.accruals["plan_fee"]] == [r["plan_fee"] for r in rows]
    stored = openpyxl.load_workbook(out, data_only=True)["Accruals"]
    assert [_money(stored[f"F{i}"].value) for i in range(6, 6 + len(rows))] == \
        [Decimal(r["plan_fee"]) for r in rows]
    assert stored[f"A{6 + len(rows)}"].value is None            # the spill ends there


def test_compute_xlsx_outputs_are_a_set(tmp_path):
    book = _own_book(tmp_path / "own.xlsx")
    folder = tmp_path / "out"
    args = ["compute", str(book), "--start", "2001-01-01", "--end", "2001-03-31"]
    assert main([*args, "--csv", str(folder), "--xlsx", str(folder / "c.xlsx")]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["accruals.csv", "c.xlsx", "checks.csv",
                                                       "payments.csv", "payouts.csv", "run.json"]
    import json
    record = json.loads((folder / "run.json").read_text())
    assert {f["name"] for f in record["files"]} == {"accruals.csv", "payouts.csv", "payments.csv",
                                                    "checks.csv", "c.xlsx"}
    before = (folder / "c.xlsx").read_bytes()
    assert main([*args, "--csv", str(folder), "--xlsx", str(folder / "c.xlsx")]) == 2
    assert (folder / "c.xlsx").read_bytes() == before
    for bad in ([*args, "--xlsx", str(book), "--force"],                 # over the input
                [*args, "--xlsx", str(tmp_path / "c.xlsm")],             # not .xlsx
                [*args]):                                                # no output at all
        assert main(bad) == 2
    assert _sha(book) == _sha(book)


def test_compute_xlsx_with_errors_writes_no_workbook(tmp_path, capsys):
    book = _own_book(tmp_path / "bad.xlsx", errors=True)
    out = tmp_path / "c.xlsx"
    assert main(["compute", str(book), "--start", "2001-01-01", "--end", "2001-03-31",
                 "--xlsx", str(out)]) == 1
    assert not out.exists()
    assert "nothing written" in capsys.readouterr().out
