"""The template, its add-in sheets, the published copy and the computed workbook in a real
spreadsheet engine (LibreOffice Calc 7.x, headless; tests/libreoffice.py).  These FAIL when
LibreOffice is missing.

One soffice start-up recalculates every workbook of the module (a batch), one more prints the
sample template to PDF.  Expected figures come from the engine, which is itself checked against
hand-worked figures and a naive day-by-day reference elsewhere; here the questions are whether
the native formulas a spreadsheet computes agree with it to the cent, whether a total over a
bad add-in cell shows an error, and whether what a workbook stores as a formula's result (read
without computing, openpyxl ``data_only``) is what the spreadsheet computes.

Calc has no fee12b1 functions here (the Calc extension is tested on its own), so the add-in
sheets are also built with the engine's table *as values* where the add-in call would be: the
lookups, tie-outs and totals then run in Calc exactly as they would over a spilled table.
"""
from __future__ import annotations

import re
import subprocess
import time
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from fee_core.engine import load, run
from fee_core.write.addin_sheets import (
    SUMMARY_FIRST_ROW,
    add_spill_sheet,
    add_summary_sheet,
    figures_of,
)
from fee_core.write.inputs import write_raw_tables
from fee_core.write.publish import publish, write_computed
from fee_core.write.xlsx import Styles, new_workbook
from templates.builder import build_template, readme
from templates.sample import sample_tables
from tests.books import raw_book

NOW = datetime(2002, 1, 15, 9, 30, tzinfo=UTC)
CENT = Decimal("0.01")
BAD_TEXT = "#rate: not a number"


def _money(x) -> Decimal:
    return Decimal(str(x)).quantize(CENT)


def _is_error(v) -> bool:
    return isinstance(v, str) and (v.startswith("#") or v.startswith("Err:"))


def addin_sheets_book(path, tables, *, live: bool, tamper: bool = False):
    """The input tables plus the add-in sheets with the engine's figures of ``tables``: as
    the add-in calls' stored results (``live``) or as values where the calls would be.
    ``tamper`` puts an add-in error text in place of one plan fee and one service fee, as a
    cell given bad input would show."""
    stage = path.with_name(path.stem + "-inputs.xlsx")
    wb = new_workbook(str(stage))
    write_raw_tables(wb, Styles(wb), raw_book(tables), "inputs")
    wb.close()
    book, findings = load(stage)
    res = run(book, findings, by="month")
    assert res.ok
    fig = figures_of(res)
    summary, spilled = fig.summary, dict(fig.tables)
    if tamper:
        acc = list(summary.accruals)
        acc[3] = acc[3][:5] + (BAD_TEXT,)
        summary = type(summary)(acc, summary.nav_dates, summary.nav, summary.day_count,
                                summary.rounding)
        spilled["Accruals"] = acc
        pay = list(spilled["Payouts"])
        pay[2] = pay[2][:7] + (BAD_TEXT,)
        spilled["Payouts"] = pay
    wb = new_workbook(str(path))
    st = Styles(wb)
    write_raw_tables(wb, st, raw_book(tables), "inputs")
    add_summary_sheet(wb, st, fig.rows, figures=summary, live=live)
    for sheet in ("Accruals", "Payouts", "Checks"):
        add_spill_sheet(wb, st, sheet, table=spilled[sheet], live=live)
    wb.close()
    return res, fig


@pytest.fixture(scope="module")
def books(tmp_path_factory, libreoffice):
    d = tmp_path_factory.mktemp("lo-books")
    src = {
        "sample": d / "sample-2001.xlsx",
        "template": d / "template-2001.xlsx",
        "template_2002": d / "template-2002.xlsx",
        "sample_2002": d / "sample-2002.xlsx",
        "published": d / "published-2001.xlsx",
        "computed": d / "computed-2001.xlsx",
        "values": d / "addin-values.xlsx",
        "values_bad": d / "addin-values-bad.xlsx",
        "values_daily": d / "addin-values-daily.xlsx",
        "stored": d / "addin-stored.xlsx",
    }
    build_template(src["sample"], 2001, sample=True)
    build_template(src["template"], 2001)
    build_template(src["template_2002"], 2002)
    build_template(src["sample_2002"], 2002, sample=True)
    ok, _ = publish(src["sample"], src["published"], now=NOW)
    assert ok
    results = {}
    for key in ("sample", "sample_2002"):
        book, findings = load(src[key])
        results[key] = run(book, findings)
        assert results[key].ok
    write_computed(results["sample"], src["computed"], now=NOW)
    tables = sample_tables(2001, 12)
    daily = sample_tables(2001, 12)
    for row in daily["Settings"]:
        if row["Setting"] == "Rounding":
            row["Value"] = "Daily"
    figures = {
        "values": addin_sheets_book(src["values"], tables, live=False),
        "values_bad": addin_sheets_book(src["values_bad"], tables, live=False, tamper=True),
        "values_daily": addin_sheets_book(src["values_daily"], daily, live=False),
        "stored": addin_sheets_book(src["stored"], tables, live=True),
    }
    start = time.monotonic()
    outs = libreoffice.recalculate(list(src.values()), d / "recalculated")
    seconds = time.monotonic() - start
    print(f"\nLibreOffice recalculated {len(outs)} workbooks in {seconds:.1f} s (one start-up)")
    values = {key: libreoffice.cell_values(out) for key, out in zip(src, outs)}
    return src, values, results, figures


def test_every_workbook_opens_and_keeps_its_sheets(books):
    src, values, _, _ = books
    for key, path in src.items():
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
        assert list(values[key]) == names, key


def _summary_rows(sheet):
    r = SUMMARY_FIRST_ROW
    while sheet.get(f"A{r}"):
        yield r
        r += 1


# ----------------------------------------------------------------------------- the template

@pytest.mark.parametrize("key", ["sample", "sample_2002"])
def test_template_native_tieout_equals_engine(books, key):
    """Native cells over NAV[...] (calendar-day weights over NYSE-session NAV rows) give the
    engine's ADNA and plan fee to the cent, for every whole-month fund-month."""
    _, values, results, _ = books
    summary = values[key]["Summary"]
    acc = {(r.fund, r.period_start): r for r in results[key].accruals.itertuples()}
    rows = list(_summary_rows(summary))
    assert len(rows) >= 150 if key == "sample" else len(rows) >= 200
    for r in rows:
        engine = acc[(summary[f"A{r}"], summary[f"B{r}"].date())]
        assert engine.days == summary[f"E{r}"]
        assert _money(summary[f"K{r}"]) == engine.average_daily_net_assets, (key, r)
        assert _money(summary[f"L{r}"]) == engine.plan_fee, (key, r)
    assert summary["B2"] == "Actual/Actual" and summary["D2"] == "Period"


def test_template_2002_leaves_out_the_partial_month(books):
    _, values, _, _ = books
    summary = values["sample_2002"]["Summary"]
    months = {summary[f"B{r}"].month for r in _summary_rows(summary)
              if summary[f"A{r}"] == "Mid-Cap Growth Fund"}
    assert months == set(range(2, 13))   # effective Jan 15, 2002: January is not whole


@pytest.mark.parametrize("key", ["template", "template_2002"])
def test_empty_template_native_cells_compute(books, key):
    _, values, _, _ = books
    summary = values[key]["Summary"]
    rows = list(_summary_rows(summary))
    assert rows
    for r in rows:
        assert summary[f"J{r}"] == 0 and summary[f"L{r}"] == 0   # no NAV yet: zero, no error


def test_addin_cells_show_errors_never_a_false_tie(books):
    """Calc without the fee12b1 functions: the one call per sheet is an error, and so is every
    cell that depends on it -- lookups, differences, totals -- never a number or 0.00."""
    _, values, _, _ = books
    v = values["sample"]
    summary = v["Summary"]
    assert _is_error(summary["P4"])
    rows = list(_summary_rows(summary))
    for r in rows:
        for col in "GHIMN":
            assert _is_error(summary[f"{col}{r}"]), (col, r)
    total = rows[-1] + 2
    for col in "IMN":
        assert _is_error(summary[f"{col}{total}"]), col
    assert isinstance(summary[f"L{total}"], (int, float))       # the native total computes
    for sheet, ref in (("Accruals", "F2"), ("Payouts", "H2"), ("Checks", "B2"), ("Checks", "D2")):
        assert _is_error(v[sheet]["A5"]) and _is_error(v[sheet][ref]), (sheet, ref)


# ----------------------------------------------------------------------------- add-in sheets

@pytest.mark.parametrize("key", ["values", "values_daily"])
def test_lookups_tieouts_and_totals_over_the_table(books, key):
    """With the table where FEE_ACCRUALS spills, each row finds its fund-month, the native
    tie-outs equal it (Period and Daily rounding) and the guarded totals are the sums."""
    _, values, _, figures = books
    res, fig = figures[key]
    summary = values[key]["Summary"]
    acc = {(r[0], r[1]): r for r in fig.summary.accruals}
    rows = list(_summary_rows(summary))
    assert len(rows) == len(fig.rows) == 180
    for r in rows:
        fund, start = summary[f"A{r}"], summary[f"B{r}"].date()
        rec = acc[(fund, start)]
        assert summary[f"P{summary[f'G{r}']}"] == fund
        assert _money(summary[f"H{r}"]) == rec[4] == _money(summary[f"K{r}"]), (key, r)
        assert _money(summary[f"I{r}"]) == rec[5] == _money(summary[f"L{r}"]), (key, r)
        assert summary[f"M{r}"] == 0 and summary[f"N{r}"] == 0
    total = rows[-1] + 2
    want = sum(acc[(summary[f"A{r}"], summary[f"B{r}"].date())][5] for r in rows)
    assert _money(summary[f"I{total}"]) == want == _money(summary[f"L{total}"])
    assert summary[f"M{total + 1}"] == 0 and summary[f"N{total + 1}"] == 0
    assert _money(values[key]["Accruals"]["F2"]) == sum(res.accruals["plan_fee"], Decimal(0))
    assert _money(values[key]["Payouts"]["H2"]) == sum(res.payouts["service_fee"], Decimal(0))
    assert values[key]["Checks"]["B2"] == 0 and values[key]["Checks"]["D2"] == 29
    assert summary["D2"] == ("Daily" if key == "values_daily" else "Period")


def test_one_bad_cell_makes_every_total_over_it_an_error(books):
    """A '#rate: ...' text where one plan fee and one service fee would be: the Summary's
    add-in total, the difference total and count, and each spill sheet's total show an error;
    the native total (which does not cover it) still computes."""
    _, values, _, _ = books
    v = values["values_bad"]
    summary = v["Summary"]
    rows = list(_summary_rows(summary))
    bad = [r for r in rows if summary[f"I{r}"] == BAD_TEXT]
    assert len(bad) == 1
    assert _is_error(summary[f"N{bad[0]}"])
    total = rows[-1] + 2
    assert _is_error(summary[f"I{total}"]) and _is_error(summary[f"N{total}"])
    assert _is_error(summary[f"N{total + 1}"])
    assert isinstance(summary[f"L{total}"], float) and isinstance(summary[f"M{total}"], (int, float))
    assert _is_error(v["Accruals"]["F2"]) and _is_error(v["Payouts"]["H2"])
    good = values["values"]
    assert isinstance(good["Accruals"]["F2"], float) and isinstance(good["Payouts"]["H2"], float)


@pytest.mark.parametrize("key", ["values", "values_daily", "stored"])
def test_stored_results_are_what_the_spreadsheet_computes(books, key):
    """Read without computing (openpyxl data_only), every formula that stores a result holds
    the figure Calc computes; with the add-in call kept (``stored``) every formula stores one,
    and the add-in-dependent ones hold the engine's figures."""
    src, values, _, figures = books
    formulas = openpyxl.load_workbook(src[key])
    stored = openpyxl.load_workbook(src[key], data_only=True)
    n = 0
    for sheet in ("Summary", "Accruals", "Payouts", "Checks"):
        for row in formulas[sheet].iter_rows():
            for c in row:
                text = getattr(c.value, "text", c.value)
                if not (isinstance(text, str) and text.startswith("=")):
                    continue
                kept = stored[sheet][c.coordinate].value
                if key == "stored":
                    assert kept not in (None, ""), (sheet, c.coordinate)
                if kept in (None, ""):
                    continue
                n += 1
                computed = values[key][sheet].get(c.coordinate)
                if key == "stored" and ("FEE_" in text or re.search(r"\$[G-I]\d|INDEX\(\$[TU]:|"
                                                                     r"MATCH|\$[A-H]\$\d+(&\"\")?<>", text)
                                        or c.column_letter in "GHIMN" and sheet == "Summary"):
                    continue          # depends on the add-in: Calc here has none
                if isinstance(kept, (int, float)) and isinstance(computed, (int, float)):
                    assert abs(kept - computed) < 0.005, (sheet, c.coordinate, kept, computed)
                else:
                    assert kept == computed, (sheet, c.coordinate, kept, computed)
    # every Summary row's formulas were compared: ten a row with the add-in call kept; seven
    # without it (days, year days, the natives and the differences: the row in the table and
    # its figures are values there)
    assert n > (10 if key == "stored" else 7) * 180
    if key == "stored":
        res, fig = figures[key]
        summary = stored["Summary"]
        acc = {(r[0], r[1]): r for r in fig.summary.accruals}
        for r in range(SUMMARY_FIRST_ROW, SUMMARY_FIRST_ROW + len(fig.rows)):
            rec = acc[(summary[f"A{r}"].value, summary[f"B{r}"].value.date())]
            assert _money(summary[f"H{r}"].value) == rec[4]
            assert _money(summary[f"I{r}"].value) == rec[5]
            assert summary[f"N{r}"].value == 0
        assert stored["Accruals"]["A5"].value == "fund"
        assert _money(stored["Accruals"]["F2"].value) == sum(res.accruals["plan_fee"], Decimal(0))


# ----------------------------------------------------------------------------- the other books

@pytest.mark.parametrize("key", ["published", "computed"])
def test_native_totals_tie_to_the_engine(books, key):
    src, values, results, _ = books
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
    rows = list(_summary_rows(summary))
    assert len(rows) == 180
    for r in rows:
        assert summary[f"M{r}"] == 0 and summary[f"N{r}"] == 0


def test_libreoffice_startups_are_few(libreoffice, books):
    # the module fixture made one call for all ten workbooks
    assert any(files >= 10 for files, _ in libreoffice.calls)


# ----------------------------------------------------------------------------- in print

@pytest.fixture(scope="module")
def template_pdf(books, libreoffice, tmp_path_factory):
    from tests.libreoffice import pdf_info, pdf_text
    src = books[0]
    (pdf,) = libreoffice.to_pdf([src["sample"]], tmp_path_factory.mktemp("pdf"))
    pages = int(pdf_info(pdf)["Pages"])
    return pdf, pages, [pdf_text_page(pdf, i) for i in range(1, pages + 1)], pdf_text


def pdf_text_page(pdf, page: int) -> str:
    from tests.libreoffice import _run_tool
    return _run_tool(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"])


def test_template_prints_readably(template_pdf):
    """Read me: every line whole and on its own line (nothing printed over it); every page has
    the plan's header and "page x of y"; the Summary's pages each repeat its header row and
    hold all its columns; the Summary's totals print."""
    _, pages, texts, _ = template_pdf
    assert 20 <= pages <= 40
    for i, text in enumerate(texts, start=1):
        assert f"page {i} of {pages}" in text, i
        assert "plan year 2001" in text, i
    readme_text = "\n".join(texts[:2])
    printed = [" ".join(ln.split()) for ln in readme_text.splitlines()]
    import textwrap

    from templates.builder import README_WIDTH
    for style, paragraph in readme(2001, True, 12):
        for line in (textwrap.wrap(paragraph, README_WIDTH) if style == "text" else [paragraph]):
            assert " ".join(line.split()) in printed, line
    summary = [t for t in texts if "Month Start" in t and "Row in" in t]
    assert len(summary) >= 2
    for text in summary:
        for head in ("Fund", "Rate", "ADNA (add-in)", "NA × Days (native)", "Difference"):
            assert head in text
    assert "Rows that differ" in summary[-1]


# ----------------------------------------------------------------------------- stored = computed

def _formula_cells(path):
    """{sheet: {A1: formula}} of the workbook as written."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: {c.coordinate: (c.value.text if hasattr(c.value, "text") else c.value)
                       for row in ws.iter_rows() for c in row
                       if c.data_type == "f" or hasattr(c.value, "text")}
            for ws in wb.worksheets}


def _same(stored, computed) -> bool:
    if isinstance(stored, (int, float)) and isinstance(computed, (int, float)):
        return abs(stored - computed) <= max(0.005, abs(stored) * 1e-12)
    return stored == computed


@pytest.mark.parametrize("key", ["published", "computed"])
def test_stored_results_are_what_libreoffice_computes(books, key):
    """Every native formula's stored result (what Protected View, a mail preview or openpyxl
    data_only show) is the figure a real spreadsheet engine computes from the same cells."""
    src, values, _, _ = books
    stored = LibreOfficeValues.stored(src[key])
    n = 0
    for sheet, cells in _formula_cells(src[key]).items():
        if any("FEE_" in f for f in cells.values()):
            continue              # a live add-in sheet: Calc has no fee12b1 functions here
        for coord, formula in cells.items():
            got = values[key][sheet].get(coord)
            assert _same(stored[sheet][coord], got), (sheet, coord, formula[:60],
                                                      stored[sheet][coord], got)
            n += 1
    assert n > 1000


class LibreOfficeValues:
    @staticmethod
    def stored(path):
        wb = openpyxl.load_workbook(path, data_only=True)
        return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row}
                for ws in wb.worksheets}


# ----------------------------------------------------------------------------- printed

@pytest.fixture(scope="module")
def printed(books, libreoffice, tmp_path_factory):
    """The published copy, the computed workbook and a board report printed to PDF by
    LibreOffice (one start-up), as (path, pages' text, page sizes)."""
    from fee_core.board import make_report
    from fee_core.write.report import write_report
    src, _, results, _ = books
    d = tmp_path_factory.mktemp("printed")
    res = results["sample"]
    rep, _ = make_report(res.book, res.findings, 2001, 3)
    report = write_report(rep, d / "board-report-2001Q3.xlsx")
    pdfs = libreoffice.to_pdf([src["published"], src["computed"], report], d / "pdf")
    out = {}
    for key, pdf in zip(("published", "computed", "report"), pdfs):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        pages = text.split("\f")
        if pages and not pages[-1].strip():
            pages.pop()
        info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(len(pages)), str(pdf)],
                              capture_output=True, text=True, check=True).stdout
        sizes = [tuple(map(float, m)) for m in
                 re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
        out[key] = (pdf, pages, sizes)
    return out, {"published": src["published"], "computed": src["computed"], "report": report}


_FOOTER = re.compile(r"^\s*(\S.*?)\s{2,}page (\d+) of (\d+)\s*$")


def _sheet_pages(pages) -> dict[str, list[int]]:
    """{sheet: [page indexes]} from each page's footer (the sheet's name, page x of y)."""
    out: dict[str, list[int]] = {}
    for i, page in enumerate(pages):
        footer = [ln for ln in page.splitlines() if ln.strip()][-1]
        m = _FOOTER.match(footer)
        assert m, f"page {i + 1} has no 'sheet ... page x of y' footer: {footer!r}"
        assert (int(m.group(2)), int(m.group(3))) == (i + 1, len(pages))
        out.setdefault(m.group(1).strip(), []).append(i)
    return out


def _table_headers(path) -> dict[str, tuple[float, list[str]]]:
    """{sheet: (its columns' total width, headers)} of every sheet whose printed header row
    repeats."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        titles = ws.print_title_rows
        if not titles:
            continue
        row = int(titles.split(":")[0].strip("$"))
        last_col = ws.max_column
        if ws.print_area:                   # only the columns that print
            from openpyxl.utils.cell import range_boundaries
            area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
            last_col = range_boundaries(area.split("!")[-1])[2]
        cells = ws[row][:last_col]
        if any(hasattr(c.value, "text") for c in cells):
            continue        # a spilled add-in table: LibreOffice without the extension shows #NAME?
        heads = [c.value for c in cells if isinstance(c.value, str) and c.value]
        width = sum(d.width or 0 for d in ws.column_dimensions.values())
        if heads:
            out[ws.title] = (width, heads)
    return out


@pytest.mark.parametrize("key", ["published", "computed", "report"])
def test_every_sheet_prints_whole_and_readable(printed, key):
    """From the PDF: each page names its sheet and 'page x of y' and carries the plan and the
    period; each page of a sheet repeats its header row and shows its first and last columns
    (the sheet fits the page width); wide sheets print landscape; nothing prints as ###."""
    docs, paths = printed
    pdf, pages, sizes = docs[key]
    by_sheet = _sheet_pages(pages)
    names = openpyxl.load_workbook(paths[key], read_only=True).sheetnames
    assert set(by_sheet) == set(names), (set(names) - set(by_sheet))
    for page, sheet in zip(pages, (s for s, idx in sorted(
            ((s, i) for s, ix in by_sheet.items() for i in ix), key=lambda t: t[1]))):
        head = page.lstrip().splitlines()[0]
        if sheet == "xlwings.conf":
            continue                                        # the add-in's settings, not a page to read
        assert "Class K Master Distribution Plan" in head
        assert ("2001-01-01 to 2001-12-31" if key != "report" else "2001Q3") in head
    for sheet, (width, heads) in _table_headers(paths[key]).items():
        first, last = heads[0], heads[-1]
        for i in by_sheet[sheet]:
            words = pages[i].split()
            for h in (first, last):
                token = max(h.split(), key=len)
                assert token in words or any(token in w for w in words), \
                    (key, sheet, i + 1, h)
            if width > 100:
                w, h = sizes[i]
                assert w > h, (key, sheet, "a wide sheet prints landscape")
    text = "\n".join(pages)
    assert "###" not in text


def test_published_copy_reads_on_paper(printed):
    docs, _ = printed
    pdf, pages, sizes = docs["published"]
    by_sheet = _sheet_pages(pages)
    assert len(by_sheet["Cover"]) == 1                      # the cover fits one page
    assert len(pages) < 60                                  # 128 pages before
    cover = pages[by_sheet["Cover"][0]]
    lines = {ln.split("  ")[0].strip(): ln for ln in cover.splitlines() if ln.strip()}
    # each label and its value on one line
    assert "2001-05-30" in lines["Initial Term End"]
    assert "0.25%" in lines["Service Fee Cap"]
    assert "2001-01-01" in lines["Period Start"]
    assert re.search(r"[\d,]+\.\d\d", lines["Plan fee"])
    assert re.search(r"[0-9a-f]{64}", lines["Source SHA-256"])
    tie = "\n".join(pages[i] for i in by_sheet["Tie-out"])
    checks = [ln for ln in tie.splitlines() if ln.strip().startswith(("Σ", "Summary:"))]
    assert len(checks) >= 9
    for ln in checks:                                       # label, figures and status together
        assert ln.rstrip().endswith("ties") and re.search(r"\d|\s-\s", ln.split(")")[-1]), ln
    settings = pages[by_sheet["Settings"][0]]
    assert re.search(r"Initial Term End\s+2001-05-30", settings)
    text = "\n".join(pages)
    assert "3704100" not in text and "INVESCO BOND FUNDS, INC." in text
    assert "INVESCO COMBINATION STOCK & BOND FUNDS, INC." in text


def test_board_report_reads_on_paper(printed, books):
    """The Plan Status prints every sentence whole (none cut at the page's edge) on one page,
    with no internal code; the codes are in the Appendix."""
    from fee_core.board import data_entry_sentence, make_report, status_sentences
    docs, _ = printed
    res = books[2]["sample"]
    rep, _ = make_report(res.book, res.findings, 2001, 3)
    pdf, pages, sizes = docs["report"]
    by_sheet = _sheet_pages(pages)
    assert len(by_sheet["Chart"]) == 1 and len(by_sheet["Plan Status"]) == 1
    status = pages[by_sheet["Plan Status"][0]]
    flat = " ".join(status.split())
    sentences = [*status_sentences(rep), *rep.attention, data_entry_sentence(rep.warnings) or ""]
    assert "by May 30, 2002" in flat and len(sentences) >= 5
    for sentence in sentences:
        assert " ".join(sentence.split()) in flat, sentence
    assert not re.search(r"\b[a-z]+\.[a-z_]+\b", flat.replace("Inc.", "")), "a code on the status"
    appendix = " ".join(pages[i] for i in by_sheet["Appendix"])
    assert rep.warnings and all(w.code in appendix for w in rep.warnings)
