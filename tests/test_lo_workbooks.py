"""The template, the published copy and the computed workbook in a real spreadsheet engine
(LibreOffice Calc, headless; tests/libreoffice.py).  These FAIL when LibreOffice is missing.

One soffice start-up recalculates every workbook of the module (a batch), so the suite pays
LibreOffice's start-up once here.  Expected figures come from the engine, which is itself
checked against hand-worked figures and a naive day-by-day reference elsewhere; here the
question is whether the native formulas a spreadsheet computes agree with it to the cent.
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
    src, values, _ = books
    stored = LibreOfficeValues.stored(src[key])
    n = 0
    for sheet, cells in _formula_cells(src[key]).items():
        for coord, formula in cells.items():
            if "FEE_" in formula or (key == "computed" and sheet in ("Summary", "Accruals",
                                                                     "Payouts", "Checks")
                                     and coord[0] in "GHLM"):
                continue          # add-in cells (and what depends on them): need the add-in
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
    src, _, results = books
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
        if any(hasattr(c.value, "text") for c in ws[row]):
            continue        # a spilled add-in table: LibreOffice without the extension shows #NAME?
        heads = [c.value for c in ws[row] if isinstance(c.value, str) and c.value]
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


def test_board_report_reads_on_paper(printed):
    docs, _ = printed
    pdf, pages, sizes = docs["report"]
    by_sheet = _sheet_pages(pages)
    assert len(by_sheet["Chart"]) == 1 and len(by_sheet["Plan Status"]) == 1
    status = pages[by_sheet["Plan Status"][0]]
    flat = " ".join(status.split())
    assert "by May 30, 2002" in flat and "Lakeshore Brokerage Inc. (P002) at 0.30%" in flat
    assert "never more." in flat                              # the sentence's end: not clipped
    assert not re.search(r"\b[a-z]+\.[a-z_]+\b", flat.replace("Inc.", "")), "a code on the status"
    appendix = " ".join(pages[i] for i in by_sheet["Appendix"])
    assert "provider.rate_above_cap" in appendix
