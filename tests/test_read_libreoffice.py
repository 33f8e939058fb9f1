"""A workbook re-saved by LibreOffice, and one whose inputs are formulas carrying cached values,
give exactly the same figures as the original (issue 12): the reader reads values, not the
program that wrote them.  Figures are compared as the bytes of the CSVs ``compute`` writes."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from fee_core.cli import main as cli
from fee_core.read import read_workbook
from fee_core.write.inputs import write_input_workbook

pytestmark = pytest.mark.libreoffice

FIGURES = ("accruals.csv", "payouts.csv", "payments.csv", "checks.csv")


def sample(path: Path) -> Path:
    from templates.sample import sample_tables
    write_input_workbook(path, sample_tables(2001))
    return path


def figures(book: Path, out: Path) -> dict[str, bytes]:
    assert cli(["compute", str(book), "--csv", str(out), "--force"]) == 0
    return {name: (out / name).read_bytes() for name in FIGURES}


def test_a_workbook_resaved_by_libreoffice_gives_the_same_figures(libreoffice, tmp_path):
    src = sample(tmp_path / "sample.xlsx")
    resaved = libreoffice.recalculate([src], tmp_path / "lo")[0]
    book, findings = read_workbook(resaved)
    assert [f for f in findings if f.is_error] == []
    assert len(book.tables) == 9
    assert figures(resaved, tmp_path / "out-lo") == figures(src, tmp_path / "out")


def _as_formula(v):
    """The formula a user might type for the value ``v`` (None for an empty cell)."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return f"={float(v)!r}"
    if isinstance(v, (date, datetime)):
        return f"=DATE({v.year},{v.month},{v.day})"
    return '="' + str(v).replace('"', '""') + '"'


def test_inputs_that_are_formulas_carrying_cached_values_give_the_same_figures(libreoffice,
                                                                                tmp_path):
    """Every NAV, Provider Assets and Providers cell made a formula (=1234.5, =DATE(...),
    ="P001"); LibreOffice computes and saves their cached values, which are what is read."""
    from templates.sample import sample_tables
    tables = sample_tables(2001)
    src = tmp_path / "values.xlsx"
    write_input_workbook(src, tables)
    wb = write_input_workbook(None, tables)
    for sheet in ("NAV", "Provider Assets", "Providers"):
        ws = wb[sheet]
        for row in ws.iter_rows(min_row=2):
            for c in row:
                f = _as_formula(c.value)
                if f != c.value:
                    c.value = f
    with_formulas = tmp_path / "formulas.xlsx"
    wb.save(with_formulas)
    cached = libreoffice.recalculate([with_formulas], tmp_path / "lo")[0]
    book, _ = read_workbook(cached)
    nav = book.tables["NAV"]
    first_fund = nav.headers[1]
    assert nav.columns["Date"][0] == tables["NAV"][0]["Date"]
    assert nav.columns[first_fund][:3] == [r[first_fund] for r in tables["NAV"][:3]]
    assert figures(cached, tmp_path / "out-f") == figures(src, tmp_path / "out")
