"""The whole template recalculated through xlwings' call path (bench/recalc.py's machinery):
answers served from the cache on the second recalculation, figures equal to the template's
native tie-outs computed by LibreOffice, and a bad input turning every total over it into an
error (docs/excel.md, "Totals over add-in cells")."""
import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl.formula import Tokenizer
from openpyxl.utils.cell import get_column_letter

from bench import recalc as R

pytestmark = pytest.mark.libreoffice
YEAR = 2001


def filled(tmp_path: Path):
    return R.template_filled(None, tmp_path, YEAR, YEAR)


def two_passes(p: R.Prepared):
    p.udfs.clear_caches()
    out = []
    for _ in range(2):
        hits, misses = p.udfs.RESULTS.hits, p.udfs.RESULTS.misses
        _, answers = R.recalc_pass([(c, R.fresh(a)) for c, a in p.order])
        out.append((p.udfs.RESULTS.hits - hits, p.udfs.RESULTS.misses - misses, answers))
    return out


def test_template_recalculated_twice_second_from_cache(tmp_path):
    wb, tables = filled(tmp_path)
    p = R.prepare(wb, tables, tmp_path)
    n = len(p.order)
    assert n > 300 and {c.name for c in p.calls} >= {"FEE_ADNA", "FEE_PERIOD", "FEE_ACCRUALS"}
    (h1, m1, first), (h2, m2, second) = two_passes(p)
    assert h1 + m1 == n and m1 >= 1
    assert (h2, m2) == (n, 0)  # the whole second recalculation is served from the cache
    assert second == first
    # every Summary figure equals the template's native tie-out, computed by LibreOffice from
    # the NAV table (SUMPRODUCT over calendar days), an independent route
    summary = [(c, a) for (c, _), a in zip(p.order, first) if c.sheet == "Summary"]
    assert len(summary) > 300
    native = p.model.native
    for c, answer in summary:
        tie_out = native[("Summary", c.row, c.col + 3)]  # G -> J (ADNA), H -> K (plan fee)
        assert isinstance(answer, float) and answer == pytest.approx(tie_out, abs=0.005), c.where


# --------------------------------------------------------------------------- totals
ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def _written(v):
    """An answer as a cell value openpyxl writes (errors as error cells)."""
    if hasattr(v, "varianttype"):
        from addin.xlerrors import error_text
        t = error_text(v.value)
        return t if t in ERRORS else "#N/A"
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None)
    return v


def with_answers(wb, p: R.Prepared):
    """The workbook with every FEE_ cell replaced by its answer (spills written out)."""
    for (sheet, row, col), answer in p.model.answers.items():
        ws = wb[sheet]
        rows = answer if isinstance(answer, list) else [[answer]]
        rows = rows if rows and isinstance(rows[0], list) else [rows]
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                ws.cell(row + i, col + j).value = _written(v)
    return wb


def refs_of(model: R.Model, sheet: str, formula: str) -> list[R.Area]:
    text = R._SPILL.sub(lambda m: m.group(1) + R._SPILL_MARK, formula)
    out = []
    for t in Tokenizer(text).items:
        if t.type == "OPERAND" and t.subtype == "RANGE":
            try:
                out.append(model.area(t.value, sheet))
            except R.Unsupported:
                pass  # not a reference the bench knows (none in the template)
    return out


def errors_hidden(wb, tables, tmp_path, bad_cell) -> tuple[list[str], int]:
    """Put text in ``bad_cell`` (sheet, row, col); compute the FEE_ cells; let LibreOffice
    compute the rest.  Returns (formulas that depend on the bad cell but show no error, how
    many such formulas there are).  A FEE_ cell answering with a table (FEE_CHECKS) does not
    carry the bad cell on: it reports it."""
    sheet, row, col = bad_cell
    wb[sheet].cell(row, col).value = "n/a"
    p = R.prepare(wb, tables, tmp_path)
    natives = {}
    for ws in wb.worksheets:
        for r in ws.iter_rows():
            for c in r:
                f = R.formula_text(c.value)
                if f and (ws.title, c.row, c.column) not in p.model.answers:
                    natives[(ws.title, c.row, c.column)] = refs_of(p.model, ws.title, f)
    bad = {bad_cell} | {k for k, a in p.model.answers.items()
                        if isinstance(a, str) or hasattr(a, "varianttype")}
    changed = True
    while changed:
        changed = False
        for key, areas in natives.items():
            if key not in bad and any(a.sheet == s and a.r1 <= r <= a.r2 and a.c1 <= c <= a.c2
                                      for a in areas for (s, r, c) in bad):
                bad.add(key)
                changed = True
    dependent = sorted(k for k in bad if k in natives)
    with_answers(wb, p)
    path = tmp_path / "answered.xlsx"
    wb.save(path)
    from tests.libreoffice import LibreOffice
    (out,) = LibreOffice(tmp_path / "lo-profile").recalculate([path], tmp_path / "lo")
    values = R.formula_values(wb, out)
    hidden = [f"{s}!{get_column_letter(c)}{r} = {values.get((s, r, c))!r}"
              for (s, r, c) in dependent if values.get((s, r, c)) not in ERRORS]
    return hidden, len(dependent)


def nav_cell(wb, fund: str, data_row: int):
    (sheet, r1, c1, _, c2, _, _) = R.Model(wb).tables["nav"]
    ws = wb[sheet]
    col = next(c for c in range(c1, c2 + 1) if ws.cell(r1, c).value == fund)
    return sheet, r1 + data_row, col


def follow_the_rule(wb) -> None:
    """Today's Summary rewritten to docs/excel.md's rule: tie-outs multiply ranges by 1 inside
    SUMPRODUCT, differences are plain arithmetic, totals are SUMPRODUCT(1*(range))."""
    ws = wb["Summary"]
    last = ws.max_row
    for r in range(5, last + 1):
        f = ws.cell(r, 9).value
        if isinstance(f, str) and f.startswith("=SUMPRODUCT("):
            ws.cell(r, 9).value = f.replace("=SUMPRODUCT(", "=SUMPRODUCT(1*", 1)
            ws.cell(r, 12).value = f"=ROUND($G{r}-$J{r},2)"
            ws.cell(r, 13).value = (f'=IF($D$2<>"Period","n/a: Daily rounding",'
                                    f"ROUND($H{r}-$K{r},2))")
    ws.cell(last + 1, 1).value = "Total"
    for col in "GHIJK":
        ws[f"{col}{last + 1}"] = f"=SUMPRODUCT(1*({col}5:{col}{last}))"


def test_rule_makes_every_total_over_a_bad_input_an_error(tmp_path):
    wb, tables = filled(tmp_path)
    follow_the_rule(wb)
    hidden, dependent = errors_hidden(wb, tables, tmp_path, nav_cell(wb, "Balanced Fund", 40))
    assert dependent > 20  # the fund's figures, tie-outs, differences and the totals
    assert hidden == []


@pytest.mark.xfail(strict=True, reason="the template's tie-outs hide errors (ISNUMBER guards, "
                   "SUMPRODUCT skipping text): docs/excel.md 'Totals over add-in cells' is for "
                   "the template engineer to apply; this test passes (and must lose this mark) "
                   "when the template follows it")
def test_template_totals_over_a_bad_input_show_errors(tmp_path):
    wb, tables = filled(tmp_path)
    hidden, dependent = errors_hidden(wb, tables, tmp_path, nav_cell(wb, "Balanced Fund", 40))
    assert dependent > 0
    assert hidden == []


# --------------------------------------------------------------------------- one call per sheet
SPILL = "P5"  # the Summary's FEE_ACCRUALS: header row 5, data from row 6, columns P:U
# the whole spill from its anchor row (what P5# is in Excel 365; LibreOffice 7 has no '#'), so
# a message in the anchor is inside every lookup's range
LOOKUP = ('=INDEX(${col}$5:${col}$6000,MATCH(1,($P$5:$P$6000=$A{r})*($Q$5:$Q$6000=$B{r}),0))')


def one_call_per_sheet(wb) -> None:
    """The Summary reshaped as SPEC §9 asks: one spilled FEE_ACCRUALS, each figure looked up in
    it (a one-cell array formula INDEX/MATCH on fund and month start, exact), tie-outs and
    totals to the rule."""
    from openpyxl.worksheet.formula import ArrayFormula
    ws = wb["Summary"]
    ws[SPILL] = ArrayFormula(SPILL, '=FEE_ACCRUALS(ScheduleA[#All],ScheduleB[#All],'
                                    'PlanEvents[#All],NAV[#All],Settings[#All],"month",'
                                    'FundNames[#All])')
    for r in range(5, ws.max_row + 1):
        for col, src in (("G", "T"), ("H", "U")):
            if "FEE_" in str(ws[f"{col}{r}"].value):
                ws[f"{col}{r}"] = ArrayFormula(f"{col}{r}", LOOKUP.format(col=src, r=r))
    follow_the_rule(wb)


def test_one_call_per_sheet_recalculates_from_cache(tmp_path):
    wb, tables = filled(tmp_path)
    one_call_per_sheet(wb)
    p = R.prepare(wb, tables, tmp_path)
    assert [c.where for c in p.calls] == ["Summary!P5", "Accruals!A5", "Payouts!A5", "Checks!A5"]
    (h1, m1, first), (h2, m2, second) = two_passes(p)
    # the Accruals sheet asks what the Summary asked (month, same tables): answered from the cache
    assert (h1, m1) == (1, 3) and (h2, m2) == (4, 0) and second == first
    assert second[1] == second[0] and second[0][0][0] == "fund" and len(second[0]) > 100


def test_one_call_per_sheet_lookups_and_totals(tmp_path):
    wb, tables = filled(tmp_path)
    one_call_per_sheet(wb)
    # good data: every looked-up figure equals the native tie-out beside it (LibreOffice)
    p = R.prepare(wb, tables, tmp_path)
    with_answers(wb, p)
    wb.save(tmp_path / "answered.xlsx")
    from tests.libreoffice import LibreOffice
    lo = LibreOffice(tmp_path / "lo-profile")
    (out,) = lo.recalculate([tmp_path / "answered.xlsx"], tmp_path / "lo")
    values = R.formula_values(wb, out)
    ws = wb["Summary"]
    rows = [r for r in range(6, ws.max_row) if ws[f"B{r}"].value is not None]
    assert len(rows) > 100
    for r in rows:
        for got, want in ((7, 10), (8, 11)):  # G = J (ADNA), H = K (plan fee)
            assert values[("Summary", r, got)] == pytest.approx(values[("Summary", r, want)],
                                                                  abs=0.005), (r, got)
    # a bad NAV cell: FEE_ACCRUALS answers with its message, every lookup finds nothing
    wb, tables = filled(tmp_path / "bad")
    one_call_per_sheet(wb)
    hidden, dependent = errors_hidden(wb, tables, tmp_path / "bad",
                                      nav_cell(wb, "Balanced Fund", 40))
    assert dependent > 2 * len(rows) and hidden == []


@pytest.mark.bench
def test_bench_recalc_ends_with_the_figure():
    import subprocess
    import sys
    root = Path(__file__).resolve().parent.parent
    p = subprocess.run([sys.executable, "-m", "bench", "recalc", "--runs", "1"], cwd=root,
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr[-2000:]
    lines = p.stdout.strip().splitlines()
    assert re.fullmatch(r"recalc 10y: \d+ cells, \d+\.\d{3} s", lines[-1]), lines[-1]
    assert "pass 2" in lines[-2] and "misses 0" in lines[-2]
