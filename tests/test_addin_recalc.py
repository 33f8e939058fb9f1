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
    """The template holds one table function per sheet (SPEC §9: one call, not hundreds); the
    Accruals sheet asks what the Summary asks, so even the first pass answers it from the cache,
    and the whole second pass is served from it."""
    wb, tables = filled(tmp_path)
    p = R.prepare(wb, tables, tmp_path)
    assert [c.where for c in p.calls] == ["Summary!P4", "Accruals!A5", "Payouts!A5", "Checks!A5"]
    (h1, m1, first), (h2, m2, second) = two_passes(p)
    assert (h1, m1) == (1, 3) and (h2, m2) == (4, 0) and second == first
    assert first[0][0][0] == "fund" and len(first[0]) > 100


def test_template_lookups_equal_the_native_tie_outs(tmp_path):
    """Every Summary figure looked up in the spilled FEE_ACCRUALS equals the template's native
    tie-out beside it, computed by LibreOffice from the NAV table (SUMPRODUCT over calendar
    days): an independent route."""
    wb, tables = filled(tmp_path)
    p = R.prepare(wb, tables, tmp_path)
    with_answers(wb, p)
    wb.save(tmp_path / "answered.xlsx")
    from tests.libreoffice import LibreOffice
    (out,) = LibreOffice(tmp_path / "lo-profile").recalculate([tmp_path / "answered.xlsx"],
                                                              tmp_path / "lo")
    values = R.formula_values(wb, out)
    ws = wb["Summary"]
    rows = [r for r in range(5, ws.max_row + 1)
            if ws[f"B{r}"].value is not None and ws[f"A{r}"].value not in ("Fund", "Total")]
    assert len(rows) > 150
    for r in rows:
        for got, want in ((8, 11), (9, 12)):   # H = K (ADNA), I = L (plan fee)
            assert isinstance(values[("Summary", r, got)], (int, float)), (r, got)
            assert values[("Summary", r, got)] == pytest.approx(values[("Summary", r, want)],
                                                                  abs=0.005), (r, got)


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
            name = model.wb.defined_names.get(t.value)
            if name is not None:        # a defined name: the references it is made of
                out.extend(refs_of(model, sheet, "=" + name.attr_text))
                continue
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


def test_template_totals_over_a_bad_input_show_errors(tmp_path):
    """A text in one NAV cell: every formula that depends on it -- the looked-up figures, the
    native tie-outs, the differences and every total -- shows an error, none a number."""
    wb, tables = filled(tmp_path)
    hidden, dependent = errors_hidden(wb, tables, tmp_path, nav_cell(wb, "Balanced Fund", 40))
    assert dependent > 20
    assert hidden == []


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
