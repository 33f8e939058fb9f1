"""The FEE_* functions computed by LibreOffice Calc itself, with the extension installed as a user
installs it (tests/calc_office.py): a venv made from LibreOffice's Python with this project
pip-installed, ``fee12b1 calc-addin`` run from it, ``unopkg add`` into a fresh profile, the
workbook opened in headless Calc and read back through UNO.

The tests find the ``FEE_*`` cells by scanning the formulas (not by the template's layout) and
compare each with an independent figure: single-figure cells with the naive day-by-day Decimal
route (tests/naive_reference.py) on the cells' own arguments and with the engine's monthly
accruals; table functions with the engine's tables, the naive reference and the Excel add-in's
answer.  Native tie-out cells ("Difference" columns) must read 0.

Set FEE12B1_CALC_VENV to an existing venv (made from LibreOffice's Python, fee12b1 installed) to
skip building one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from addin.calc.functions import function_specs
from fee_core.engine import ACCRUAL_COLUMNS, CHECK_COLUMNS, PAYOUT_COLUMNS, load, run
from tests import naive_reference as N
from tests import xlwings_standin as standin
from tests.calc_office import (
    ODS,
    XLSX,
    CalcOffice,
    build_oxt,
    calc_proof,
    lo_python,
    user_venv,
)

pytestmark = pytest.mark.libreoffice

NAME_ERROR = 525  # Calc's #NAME?
CALL = re.compile(r"(?:ORG\.FEE12B1\.CALC\.FUNCTIONS\.)?\b(FEE_[A-Z_]+)\(", re.IGNORECASE)
TABLE_FUNCTIONS = ("FEE_ACCRUALS", "FEE_PAYOUTS", "FEE_CHECKS")


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def user_env():
    """(venv, oxt): the user's venv and the extension its ``fee12b1 calc-addin`` wrote."""
    if lo_python() is None or shutil.which("soffice") is None:
        pytest.fail("LibreOffice with Python is needed: apt-get install libreoffice-calc-nogui "
                    "libreoffice-script-provider-python python3-uno")
    given = os.environ.get("FEE12B1_CALC_VENV")
    venv = Path(given) if given else user_venv(None)
    out_dir = Path(tempfile.mkdtemp(prefix="fee12b1-oxt-"))
    proc = build_oxt(venv, out_dir / "fee12b1.oxt")
    assert proc.returncode == 0, proc.stderr
    yield venv, out_dir / "fee12b1.oxt"
    shutil.rmtree(out_dir, ignore_errors=True)
    if not given:
        shutil.rmtree(venv, ignore_errors=True)


@pytest.fixture(scope="session")
def office(user_env):
    """A fresh profile with the extension installed."""
    o = CalcOffice.create(None, user_env[1])
    yield o
    o.remove()


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The sample template, written by ``fee12b1 template X.xlsx --sample``."""
    from fee_core.cli import main
    path = tmp_path_factory.mktemp("calc-sample") / "sample.xlsx"
    assert main(["template", str(path), "--sample"]) == 0
    return path


@pytest.fixture(scope="session")
def calc_sample(sample):
    """The sample template with Calc-proof text comparisons (``tests.calc_office.calc_proof``:
    LibreOffice 7.4 misses the texts of an add-in's array result in MATCH, COUNTIF, =)."""
    dst = sample.with_name("sample-calc.xlsx")
    assert calc_proof(sample, dst) >= 180  # the Summary's lookup rows, the totals, the counts
    return dst


@pytest.fixture(scope="session")
def loaded(office, sample):
    """The sample opened in Calc (cells as loaded), then after a hard recalculation."""
    book = office.file(sample)
    res = office.results([{"do": "open", "path": str(book)}, {"do": "cells"}, {"do": "modified"},
                          {"do": "undo"}, {"do": "calculate"}, {"do": "cells"}])
    return {"load": res[1], "modified": res[2], "undo": res[3], "recalc": res[5]}


# --------------------------------------------------------------------------- reading cells
def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def split_address(a: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", a)
    assert m, a
    return col_index(m.group(1)), int(m.group(2)) - 1


def name_of(col: int, row: int) -> str:
    s, col = "", col + 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return f"{s}{row + 1}"


def fee_cells(cells: dict) -> dict:
    """{(sheet, address): (function, value, formula, error)} of every cell calling a FEE_."""
    out = {}
    for sheet, cs in cells.items():
        for addr, (value, formula, err) in cs.items():
            m = CALL.search(formula)
            if m:
                out[(sheet, addr)] = (m.group(1).upper(), value, formula, err)
    return out


def file_fee_formulas(path) -> dict:
    """{(sheet, address): function} of every formula naming a FEE_ function in the file itself."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                text = getattr(c.value, "text", c.value)
                if isinstance(text, str) and text.startswith("=") and (m := CALL.search(text)):
                    out[(ws.title, c.coordinate)] = m.group(1).upper()
    return out


def args_of(formula: str) -> list[str]:
    """The top-level arguments of the (outermost) FEE_ call in a formula."""
    m = CALL.search(formula)
    i, depth, quote, cur, out = m.end(), 0, False, "", []
    while i < len(formula):
        ch = formula[i]
        if ch == '"':
            quote = not quote
        elif not quote and ch in "([":
            depth += 1
        elif not quote and ch in ")]":
            if depth == 0:
                out.append(cur)
                return [a.strip() for a in out]
            depth -= 1
        elif not quote and depth == 0 and ch == ";":
            out.append(cur)
            cur = ""
            i += 1
            continue
        cur += ch
        i += 1
    raise AssertionError(f"unbalanced formula {formula}")


class Book:
    """The workbook's own tables (openpyxl) and Calc's cells, to resolve a FEE_ cell's arguments."""

    def __init__(self, path, cells: dict, null: dt.date):
        self.cells, self.null = cells, null
        wb = openpyxl.load_workbook(path, data_only=True)
        self.tables = {}
        for ws in wb.worksheets:
            for t in ws.tables.values():
                rows = [[c.value for c in r] for r in ws[t.ref]]
                self.tables[t.name] = rows

    def column(self, table: str, header: str) -> list:
        rows = self.tables[table]
        j = [str(h).strip() for h in rows[0]].index(header)
        return [r[j] for r in rows[1:]]

    def value(self, sheet: str, arg: str):
        if m := re.fullmatch(r"(\w+)\[(.+)\]", arg):
            return self.column(m.group(1), m.group(2).replace("'", ""))
        if m := re.fullmatch(r"\$?'?([^.']+)'?\.(\$?[A-Z]+\$?\d+):\.?(\$?[A-Z]+\$?\d+)", arg):
            # a fixed range (an .ods keeps no table references): its cells as Calc holds them
            rows = block(self.cells[m.group(1)], f"{m.group(2)}:{m.group(3)}".replace("$", ""))
            return [None if r[0] == "" else r[0] for r in rows]
        if m := re.fullmatch(r"\$?'?([^.']+)'?\.(\$?[A-Z]+\$?\d+)", arg):
            sheet, arg = m.group(1), m.group(2)
        if re.fullmatch(r"\$?[A-Z]+\$?\d+", arg):
            v = self.cells[sheet].get(name_of(*split_address(arg)))
            return None if v is None else v[0]
        if m := re.fullmatch(r'"(.*)"', arg):
            return m.group(1)
        if m := re.fullmatch(r"DATE\((\d+);(\d+);(\d+)\)", arg):
            return dt.date(*map(int, m.groups()))
        return float(arg)

    def header_of(self, arg: str) -> str:
        """The column header a NAV column argument names (NAV[Fund] or $NAV.$F$2:$F$250)."""
        if m := re.fullmatch(r"(\w+)\[(.+)\]", arg):
            return m.group(2).replace("'", "")
        m = re.fullmatch(r"\$?'?([^.']+)'?\.\$?([A-Z]+)\$?\d+:.*", arg)
        return self.cells[m.group(1)][f"{m.group(2)}1"][0]

    def date(self, v) -> dt.date:
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        return self.null + dt.timedelta(days=int(v))


# --------------------------------------------------------------------------- expected figures
def na_by_day(dates: list, values: list, start: dt.date, end: dt.date, as_date) -> list[tuple]:
    """(day, NA) for every calendar day of [start, end], NAV carried forward (naive loop)."""
    rows = sorted((as_date(d), v) for d, v in zip(dates, values) if d is not None and v is not None)
    out = []
    for day in N.days(start, end):
        prior = [v for d, v in rows if d <= day]
        assert prior, f"no NAV on or before {day}"
        out.append((day, Decimal(repr(float(prior[-1])))))
    return out


def rounded(fees: list[Decimal], rounding: str) -> Decimal:
    if str(rounding or "Period").lower() == "daily":
        return sum((N.round_cents(f) for f in fees), Decimal(0))
    return N.round_cents(sum(fees, Decimal(0)))


def expected_single(book: Book, sheet: str, function: str, formula: str) -> Decimal:
    """The naive figure for a single-figure FEE_ cell, from its own arguments."""
    a = [book.value(sheet, x) for x in args_of(formula)]
    a += [None] * (8 - len(a))
    def dec(v):
        return Decimal(repr(float(v)))

    def dc(v):
        return v or "Actual/Actual"
    if function == "FEE_DAILY":
        return N.day_fee(dec(a[0]), dec(a[1]), book.date(a[2]), dc(a[3]))
    if function == "FEE_ADNA":
        na = na_by_day(a[0], a[1], book.date(a[2]), book.date(a[3]), book.date)
        return N.round_cents(sum(v for _, v in na) / len(na))
    if function == "FEE_PERIOD":
        na = na_by_day(a[1], a[2], book.date(a[3]), book.date(a[4]), book.date)
        return rounded([N.day_fee(dec(a[0]), v, d, dc(a[5])) for d, v in na], a[6])
    if function == "FEE_SERVICE_RATE":
        return min(dec(a[0]), dec(a[1]), dec(a[2]) if a[2] is not None else Decimal("0.0025"))
    if function == "FEE_SERVICE":
        cap = dec(a[5]) if a[5] is not None else Decimal("0.0025")
        rate = min(dec(a[0]), dec(a[1]), cap)
        fees = [N.day_fee(rate, dec(a[2]), d, dc(a[6]))
                for d in N.days(book.date(a[3]), book.date(a[4]))]
        return rounded(fees, a[7])
    raise AssertionError(f"no expected figure for {function}")


def money(v) -> str:
    return f"{Decimal(repr(float(v))).quantize(Decimal('0.01'))}"


def block(cells: dict, rng: str) -> list[list]:
    first, last = rng.split(":")
    (c0, r0), (c1, r1) = split_address(first), split_address(last)
    return [[(cells.get(name_of(c, r)) or ["", "", 0])[0] for c in range(c0, c1 + 1)]
            for r in range(r0, r1 + 1)]


def table_rows(book: Book, function: str, rows: list[list]) -> list[tuple]:
    """A spilled table's rows in the CSV's terms (ISO dates, money to cents)."""
    out = []
    for r in rows:
        if function == "FEE_ACCRUALS":
            out.append((r[0], book.date(r[1]).isoformat(), book.date(r[2]).isoformat(),
                        str(int(r[3])), money(r[4]), money(r[5])))
        elif function == "FEE_PAYOUTS":
            out.append((r[0], r[1], book.date(r[2]).isoformat(), book.date(r[3]).isoformat(),
                        money(r[4]), N.fmt_rate(Decimal(repr(float(r[5])))),
                        "true" if r[6] == 1.0 else "false", money(r[7])))
        else:
            out.append(tuple(r))
    return out


def engine_rows(res, function: str) -> list[tuple]:
    if function == "FEE_ACCRUALS":
        cols = ACCRUAL_COLUMNS[:ACCRUAL_COLUMNS.index("plan_fee") + 1]
        return [(r.fund, r.period_start.isoformat(), r.period_end.isoformat(), str(int(r.days)),
                 money(r.average_daily_net_assets), money(r.plan_fee))
                for r in res.accruals[list(cols)].itertuples(index=False)]
    return [(r.provider_id, r.fund, r.period_start.isoformat(), r.period_end.isoformat(),
             money(r.average_net_assets), N.fmt_rate(Decimal(str(r.rate))),
             "true" if r.capped else "false", money(r.service_fee))
            for r in res.payouts.itertuples(index=False)]


def excel_table(book: Book, name: str) -> tuple:
    """A table as xlwings hands it to the Excel function (datetimes, None for empty)."""
    return tuple(tuple(v for v in row) for row in book.tables[name])


def check_sheet_figures(path, dumped: dict, null: dt.date, natives: bool = True) -> dict:
    """Assert every FEE_ cell of the workbook at ``path`` as Calc computed it (``dumped``: the
    driver's ``cells`` result) against independent figures, and (``natives``) that the native
    formulas around them -- lookups into the spilled tables, guarded totals, tie-outs -- show
    no error and agree; returns counts for the caller."""
    cells, arrays = dumped["cells"], dumped["arrays"]
    book = Book(path, cells, null)
    found = fee_cells(cells)
    in_file = file_fee_formulas(path)
    anchors = {(s, a) for s, arr in arrays.items() for a in arr}
    # every FEE_ formula of the file is in Calc, resolved, and computed without an error
    table_cells = {k for k in found if found[k][0] in TABLE_FUNCTIONS and k not in anchors}
    assert set(in_file) == set(found) - table_cells, "FEE_ formulas lost or added"
    for key, (_, value, formula, err) in found.items():
        assert "ORG.FEE12B1.CALC.FUNCTIONS." in formula.upper(), (key, formula)
        assert err == 0 and not (isinstance(value, str) and value.startswith("#")), (key, value)
    # the engine's monthly accruals, for the single-figure cells of whole months
    book_obj, findings = load(path)
    res = {by: run(book_obj, findings, by=by) for by in ("month",)}
    engine_month = {(r.fund, r.period_start): r for r in res["month"].accruals.itertuples()}
    counts = {"single": 0, "engine": 0, "table_rows": 0, "lookups": 0, "tie_outs": 0}
    for (sheet, addr), (function, value, formula, _) in sorted(found.items()):
        if function in TABLE_FUNCTIONS:
            continue
        want = expected_single(book, sheet, function, formula)
        if function == "FEE_DAILY":
            assert value == pytest.approx(float(want), rel=1e-12), (sheet, addr)
        elif function == "FEE_SERVICE_RATE":
            assert Decimal(repr(value)) == want, (sheet, addr)
        else:
            assert money(value) == f"{want}" and round(value, 2) == value, (sheet, addr, value, want)
        counts["single"] += 1
        if function in ("FEE_ADNA", "FEE_PERIOD"):
            a = args_of(formula)
            k = 1 if function == "FEE_PERIOD" else 0
            fund = book.header_of(a[k + 1])
            s, e = book.date(book.value(sheet, a[k + 2])), book.date(book.value(sheet, a[k + 3]))
            r = engine_month.get((fund, s))
            if r is not None and r.period_end == e and int(r.days) == (e - s).days + 1:
                engine = r.average_daily_net_assets if function == "FEE_ADNA" else r.plan_fee
                assert money(value) == money(engine), (sheet, addr)
                counts["engine"] += 1
    # the table functions: whole arrays
    for sheet, arr in arrays.items():
        for anchor, rng in arr.items():
            function = found.get((sheet, anchor), ("",))[0]
            if function not in TABLE_FUNCTIONS:
                continue
            rows = block(cells[sheet], rng)
            a = args_of(found[(sheet, anchor)][2])
            if function == "FEE_CHECKS":
                udfs = standin.load_udf_module("addin.udfs")
                names = ["ScheduleA", "ScheduleB", "PlanEvents", "NAV", "Settings", "Providers",
                         "ProviderAssets", "FundNames"]
                excel = standin.call(udfs, function, *[excel_table(book, n) for n in names])
                assert rows == [list(r) for r in excel], sheet
                assert rows[0] == list(CHECK_COLUMNS)
                continue
            by = book.value(sheet, a[5 if function == "FEE_ACCRUALS" else 6]) or "month"
            r = run(book_obj, findings, by=by)
            got = table_rows(book, function, rows[1:])
            assert got == engine_rows(r, function), (sheet, function)
            naive = N.compute_naive(path, by=by)
            if function == "FEE_ACCRUALS":
                assert rows[0] == list(ACCRUAL_COLUMNS[:6])
                assert got == [(n["fund"], n["period_start"], n["period_end"], n["days"],
                                n["average_daily_net_assets"], n["plan_fee"])
                               for n in naive["accruals"]]
            else:
                assert rows[0] == list(PAYOUT_COLUMNS)
                assert got == [tuple(n[c] for c in PAYOUT_COLUMNS) for n in naive["payouts"]]
            counts["table_rows"] += len(got)
    if not natives:
        return counts
    fee_sheets = {s for s, _ in found}
    # no formula of a sheet with FEE_ cells shows an error (lookups found their rows, guarded
    # totals summed numbers)
    for sheet in fee_sheets:
        bad = {a: v for a, v in cells[sheet].items() if v[1] and v[2] != 0}
        assert not bad, (sheet, dict(list(bad.items())[:5]))
    # figures looked up from a spilled table ("... (add-in)" columns beside Fund and Month
    # Start): the engine's monthly figure
    for sheet in fee_sheets:
        cs = cells[sheet]
        for addr, v in cs.items():
            head = v[0]
            if not (isinstance(head, str) and head.endswith("(add-in)") and not v[1]):
                continue
            c, r = split_address(addr)
            heads = {cs.get(name_of(j, r), [None])[0]: j for j in range(0, 30)}
            if "Fund" not in heads or "Month Start" not in heads:
                continue
            for rr in range(r + 1, r + 100000):
                fund = cs.get(name_of(heads["Fund"], rr))
                if fund is None or not isinstance(fund[0], str) or fund[1]:
                    break
                start = book.date(cs[name_of(heads["Month Start"], rr)][0])
                e = engine_month[(fund[0], start)]
                want = e.average_daily_net_assets if head.startswith("ADNA") else e.plan_fee
                assert money(cs[name_of(c, rr)][0]) == money(want), (sheet, name_of(c, rr))
                counts["lookups"] += 1
    # native tie-outs: every cell under a "Difference" header reads 0 (or says why not)
    for sheet in fee_sheets:
        cs = cells[sheet]
        heads = [(a, v[0]) for a, v in cs.items()
                 if isinstance(v[0], str) and len(v[0]) <= 40 and not v[1]
                 and re.search(r"\bdifference\b", v[0], re.IGNORECASE)]
        for addr, _ in heads:
            c, r = split_address(addr)
            for rr in range(r + 1, r + 100000):
                v = cs.get(name_of(c, rr))
                if v is None:
                    break
                assert v[2] == 0 and (v[0] == 0 or str(v[0]).startswith("n/a")), \
                    (sheet, name_of(c, rr), v)
                counts["tie_outs"] += 1
    return counts


# --------------------------------------------------------------------------- the template
@pytest.mark.parametrize("when", ["load", "recalc"])
def test_sample_template_computes_every_fee_cell_to_the_cent(loaded, sample, when):
    counts = check_sheet_figures(sample, loaded[when], dt.date(1899, 12, 30), natives=False)
    assert counts["engine"] == counts["single"]
    assert counts["table_rows"] > 300


@pytest.mark.xfail(strict=True, reason="LibreOffice 7.4 compares an add-in array's texts by "
                   "string-pool identity; the template's lookups and guards need A5&\"\" (see "
                   "calc_proof): reported for fee_core/write/addin_sheets.py")
def test_sample_template_tie_outs_agree(loaded, sample):
    check_sheet_figures(sample, loaded["recalc"], dt.date(1899, 12, 30))


@pytest.mark.parametrize("recalc", [False, True], ids=["load", "recalc"])
def test_calc_proof_template_lookups_and_tie_outs_agree(office, calc_sample, recalc):
    book = office.file(calc_sample)
    steps = [{"do": "open", "path": str(book)}] + [{"do": "calculate"}] * recalc + [{"do": "cells"}]
    counts = check_sheet_figures(calc_sample, office.results(steps)[-1], dt.date(1899, 12, 30))
    assert counts["table_rows"] > 300 and counts["lookups"] >= 360
    assert counts["tie_outs"] >= counts["lookups"]


def test_loading_leaves_the_document_unmodified(loaded):
    assert loaded["modified"] is False
    assert loaded["undo"] == []


def test_tables_are_sized_to_their_results(loaded, sample):
    arrays = loaded["load"]["arrays"]
    book, findings = load(sample)
    res = run(book, findings)
    n_acc, n_pay = len(res.accruals) + 1, len(res.payouts) + 1
    assert arrays["Accruals"]["A5"] == f"A5:F{4 + n_acc}"
    assert arrays["Summary"]["P4"] == f"P4:U{3 + n_acc}"
    assert arrays["Payouts"]["A5"] == f"A5:H{4 + n_pay}"
    assert arrays["Checks"]["A5"].startswith("A5:D")


def test_bad_arguments_show_the_excel_text(office, sample):
    book = office.file(sample, "bad.xlsx")
    cases = [
        ("=FEE_DAILY(0.0045;-1;DATE(2001;1;1))", ("FEE_DAILY", 0.0045, -1.0, dt.datetime(2001, 1, 1))),
        ('=FEE_DAILY(0.0045;10000000;"2001-01-01")', ("FEE_DAILY", 0.0045, 1e7, "2001-01-01")),
        ('=FEE_DAILY("0.45%";10000000;DATE(2001;1;1))', ("FEE_DAILY", "0.45%", 1e7, dt.datetime(2001, 1, 1))),
        ('=FEE_DAILY(0.0045;1;DATE(2001;1;1);"30/360")',
         ("FEE_DAILY", 0.0045, 1.0, dt.datetime(2001, 1, 1), "30/360")),
        ("=FEE_SERVICE(0.003;0.0045;2000000;DATE(2001;1;31);DATE(2001;1;1))",
         ("FEE_SERVICE", 0.003, 0.0045, 2e6, dt.datetime(2001, 1, 31), dt.datetime(2001, 1, 1))),
        ("=FEE_SERVICE_RATE(0.003;2)", ("FEE_SERVICE_RATE", 0.003, 2.0)),
        ("=FEE_DAILY(0.0045;10000000;Z999)", ("FEE_DAILY", 0.0045, 1e7, None)),
    ]
    steps = [{"do": "open", "path": str(book)}]
    for i, (formula, _) in enumerate(cases):
        steps += [{"do": "set", "sheet": "Summary", "cell": f"Z{i + 1}", "formula": formula},
                  {"do": "value", "sheet": "Summary", "cell": f"Z{i + 1}"}]
    # bad data in a table: one negative net asset value, and a bad 'by' for a table function
    steps += [{"do": "set", "sheet": "NAV", "cell": "B10", "formula": "-1"},
              {"do": "value", "sheet": "Accruals", "cell": "A5"},
              {"do": "set", "sheet": "Payouts", "cell": "B2", "formula": "weekly"},
              {"do": "value", "sheet": "Payouts", "cell": "A5"},
              {"do": "value", "sheet": "Payouts", "cell": "A6"}]
    got = [r for r in office.results(steps) if r is not None][1:]
    udfs = standin.load_udf_module("addin.udfs")
    for (formula, (name, *args)), (value, _, err, shown) in zip(cases, got):
        excel = standin.call(udfs, name, *args)
        assert isinstance(excel, str) and excel.startswith("#"), excel
        assert (value, shown, err) == (excel, excel, 0), formula
    wb = openpyxl.load_workbook(sample, data_only=True)
    tables = {t.name: tuple(tuple(c.value for c in r) for r in ws[t.ref])
              for ws in wb.worksheets for t in ws.tables.values()}
    nav = [list(r) for r in tables["NAV"]]
    nav[9][1] = -1.0  # NAV!B10 (the header is sheet row 1)
    excel = standin.call(udfs, "FEE_ACCRUALS", tables["ScheduleA"], tables["ScheduleB"],
                         tables["PlanEvents"], tuple(map(tuple, nav)), tables["Settings"], "month",
                         tables["FundNames"])
    assert excel.startswith("#nav: ")
    assert got[len(cases)][0] == excel
    assert got[len(cases) + 1][0] == "#by: must be month or quarter or period"
    # the table keeps its size: the one-cell answer fills it (Calc repeats a 1x1 array result)
    assert got[len(cases) + 2][0] == got[len(cases) + 1][0]


# --------------------------------------------------------------------------- other documents
def to_1904(src: Path, dst: Path) -> None:
    """The same workbook in the 1904 date system (openpyxl rewrites every date's serial)."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    wb = openpyxl.load_workbook(src)
    wb.epoch = CALENDAR_MAC_1904
    wb.save(dst)


def test_1904_date_system(office, sample, calc_sample, tmp_path):
    path = tmp_path / "sample1904.xlsx"
    to_1904(calc_sample, path)
    assert openpyxl.load_workbook(path).epoch.year == 1904
    book = office.file(path)
    res = office.results([{"do": "open", "path": str(book)}, {"do": "null_date"}, {"do": "cells"}])
    assert res[1] == [1904, 1, 1]
    counts = check_sheet_figures(path, res[2], dt.date(1904, 1, 1))
    assert counts["lookups"] >= 360 and counts["table_rows"] > 300
    # and the figures are the 1900 workbook's: same dates, same cents
    b1900, f1900 = load(sample)
    b1904, f1904 = load(path)
    assert engine_rows(run(b1900, f1900), "FEE_ACCRUALS") == engine_rows(run(b1904, f1904), "FEE_ACCRUALS")


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_without_the_extension_cells_show_calcs_error_and_the_file_is_intact(calc_sample, user_env):
    sample = calc_sample
    office = CalcOffice.create(None)  # a fresh profile, no extension
    try:
        book = office.file(sample)
        before = sha256(book)
        res = office.results([{"do": "open", "path": str(book)}, {"do": "cells"},
                              {"do": "store", "path": str(office.path("saved.xlsx")), "filter": XLSX},
                              {"do": "close"}])
        cells = res[1]["cells"]
        found = fee_cells(cells)
        assert set(found) >= set(file_fee_formulas(sample))
        assert all(err == NAME_ERROR and value == "#NAME?" for _, value, _, err in found.values())
        # the native tie-out cells compute as usual
        cs = cells["Summary"]
        native_cols = [split_address(a)[0] for a, v in cs.items()
                       if isinstance(v[0], str) and v[0].endswith("(native)") and not v[1]]
        native = [v for a, v in cs.items() if v[1] and split_address(a)[0] in native_cols]
        assert len(native_cols) == 3 and len(native) >= 3 * 180
        assert all(v[2] == 0 and isinstance(v[0], float) for v in native)
        assert sha256(book) == before  # opening changed nothing
        # a copy saved by Calc without the extension still holds the Excel names and computes
        # once the extension is there
        saved = office.path("saved.xlsx")
        assert set(file_fee_formulas(saved)) >= set(file_fee_formulas(sample))
        office.add_extension(user_env[1])
        res = office.results([{"do": "open", "path": str(saved)}, {"do": "cells"}])
        counts = check_sheet_figures(saved, res[1], dt.date(1899, 12, 30))
        assert counts["lookups"] >= 360
    finally:
        office.remove()


def test_ods_keeps_working(office, calc_sample):
    sample = calc_sample
    book = office.file(sample, "keep.xlsx")
    ods = office.path("keep.ods")
    res = office.results([{"do": "open", "path": str(book)},
                          {"do": "store", "path": str(ods), "filter": ODS}, {"do": "close"},
                          {"do": "open", "path": str(ods)}, {"do": "cells"}])
    dumped = res[4]
    found = fee_cells(dumped["cells"])
    assert all(err == 0 for _, _, _, err in found.values())
    xlsx_view = check_sheet_figures(sample, dumped, dt.date(1899, 12, 30))
    assert xlsx_view["lookups"] >= 360 and xlsx_view["table_rows"] > 300


def test_function_list_shows_names_arguments_and_help(office):
    specs = {f.name: f for f in function_specs()}
    listed = office.results([{"do": "functions", "names": sorted(specs)}])[0]
    assert sorted(d["name"] for d in listed) == sorted(specs)
    for d in listed:
        f = specs[d["name"]]
        assert d["description"] == f.doc
        assert [a["name"] for a in d["arguments"]] == \
            [a.name + (" (optional)" if a.optional else "") for a in f.args]
        assert [a["description"] for a in d["arguments"]] == [a.doc for a in f.args]


def test_no_room_for_a_table_keeps_the_cells_below(office, sample, tmp_path):
    wb = openpyxl.load_workbook(sample)
    wb["Accruals"]["B9"] = "keep me"
    path = tmp_path / "crowded.xlsx"
    wb.save(path)
    book = office.file(path)
    res = office.results([{"do": "open", "path": str(book)}, {"do": "cells", "sheets": ["Accruals"]}])
    cells, arrays = res[1]["cells"]["Accruals"], res[1]["arrays"]["Accruals"]
    assert cells["B9"][0] == "keep me"
    assert arrays["A5"] == "A5:A5"  # entered in its one cell; shows the table's first cell
    assert cells["A5"][0] == "fund"


def test_a_mismatched_python_is_refused_in_every_cell(user_env, sample):
    src = user_env[1]
    bad = Path(tempfile.mkdtemp(prefix="fee12b1-oxt-")) / "fee12b1.oxt"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "environment.json":
                env = json.loads(data)
                env["python"]["version"] = [3, 12, 1]
                env["python"]["soabi"] = "cpython-312-x86_64-linux-gnu"
                data = json.dumps(env).encode()
            zout.writestr(info, data)
    office = CalcOffice.create(None, bad)
    try:
        book = office.file(sample)
        res = office.results([{"do": "open", "path": str(book)},
                              {"do": "value", "sheet": "Summary", "cell": "P4"},
                              {"do": "value", "sheet": "Accruals", "cell": "A5"}])
        for value, _, err, _ in res[1:]:
            assert err == 0 and value.startswith("#fee12b1: LibreOffice runs Python 3.11"), value
            assert "is for Python 3.12.1" in value and "/usr/bin/python3 -m venv" in value
            assert "docs/calc.md" in value and len(value) <= 255
    finally:
        office.remove()
        shutil.rmtree(bad.parent, ignore_errors=True)


def fee_formula_texts(path) -> dict:
    """{(sheet, address): formula text} of the FEE_ cells of a file, and all formula texts."""
    wb = openpyxl.load_workbook(path)
    fee, every = {}, []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                text = getattr(c.value, "text", c.value)
                if isinstance(text, str) and text.startswith("="):
                    every.append(text)
                    if CALL.search(text):
                        fee[(ws.title, c.coordinate)] = text
    return fee, every


def test_saving_as_xlsx_writes_the_excel_names(office, calc_sample):
    sample = calc_sample
    book = office.file(sample, "saved.xlsx")
    as_path, copy = office.path("saved-as.xlsx"), office.path("copy.xlsx")
    res = office.results([{"do": "open", "path": str(book)}, {"do": "save"},
                          {"do": "store", "path": str(copy), "filter": XLSX},
                          {"do": "save_as", "path": str(as_path), "filter": XLSX}, {"do": "close"},
                          {"do": "open", "path": str(as_path)}, {"do": "cells"}])
    original, _ = fee_formula_texts(sample)
    for path in (book, as_path):  # File > Save and File > Save As
        fee, every = fee_formula_texts(path)
        assert fee == original, path.name  # the very formulas of the template, FEE_ names and all
        assert not any("ORG.FEE12B1" in f for f in every)
    # File > Save a Copy (and soffice --convert-to) keep LibreOffice's internal names
    fee, _ = fee_formula_texts(copy)
    assert fee and all("ORG.FEE12B1.CALC.FUNCTIONS.FEE_" in f for f in fee.values())
    # the saved file computes again when opened
    assert check_sheet_figures(as_path, res[-1], dt.date(1899, 12, 30))["lookups"] >= 360


def test_a_read_only_file_computes_too(office, calc_sample):
    book = office.file(calc_sample, "readonly.xlsx")
    os.chmod(book, 0o444)
    res = office.results([{"do": "open", "path": str(book)}, {"do": "cells"}])
    assert check_sheet_figures(calc_sample, res[1], dt.date(1899, 12, 30))["lookups"] >= 360


def test_upgrade_then_remove(user_env, calc_sample):
    sample = calc_sample
    office = CalcOffice.create(None, user_env[1])
    try:
        office.add_extension(user_env[1])  # installing again replaces it (an upgrade)
        assert office.extensions().count("Identifier: org.fee12b1.calc") == 1
        book = office.file(sample)
        res = office.results([{"do": "open", "path": str(book)},
                              {"do": "value", "sheet": "Summary", "cell": "P4"},
                              {"do": "value", "sheet": "Summary", "cell": "I5"}])
        assert res[1][:3:2] == ["fund", 0] and res[2][2] == 0 and isinstance(res[2][0], float)
        office.remove_extension()
        assert "org.fee12b1.calc" not in office.extensions()
        res = office.results([{"do": "open", "path": str(book)},
                              {"do": "value", "sheet": "Summary", "cell": "P4"}])
        assert res[1][2] == NAME_ERROR
    finally:
        office.remove()


def test_where_calc_differs_from_excel(office, sample):
    """What docs/calc.md says differs, as Calc shows it."""
    book = office.file(sample, "differs.xlsx")
    cases = [
        # the check after installing (docs/calc.md, README)
        ("=FEE_DAILY(0.45%;10000000;DATE(2004;3;1))", (None, 0, "122.950819672131")),
        # an error in an argument: Calc does not call the function and shows its own error
        ("=FEE_DAILY(NA();1;DATE(2001;1;1))", (None, 32767, "#N/A")),
        ("=FEE_ADNA(Z1:Z3;Z1:Z3;DATE(2001;1;1);DATE(2001;1;2))", (None, 504, "Err:504")),
        # an empty cell referenced alone is 0: a blank date, a refused optional argument ...
        ("=FEE_DAILY(0.0045;10000000;Z9)", ("#fee_date: blank, not a date", 0, None)),
        ("=FEE_SERVICE(0.003;0.0045;2000000;DATE(2001;1;1);DATE(2001;1;31);Z9)",
         ("#cap: 0, as Calc passes an empty cell; leave cap out for its default", 0, None)),
        ("=FEE_SERVICE(0.003;0.0045;2000000;DATE(2001;1;1);DATE(2001;1;31))", (424.66, 0, None)),
        # ... and a required number 0 (Excel: '#rate: blank, not a number')
        ("=FEE_DAILY(Z9;10000000;DATE(2001;1;1))", (0.0, 0, None)),
        # TRUE is the number 1 in Calc (Excel: '#net_assets: not a number')
        ("=FEE_DAILY(0.0045;TRUE();DATE(2001;1;1))", (0.0045 / 365, 0, None)),
    ]
    steps = [{"do": "open", "path": str(book)},
             {"do": "set", "sheet": "Summary", "cell": "Z2", "formula": "=1/0"}]
    for i, (formula, _) in enumerate(cases):
        steps += [{"do": "set", "sheet": "Summary", "cell": f"Y{i + 1}", "formula": formula},
                  {"do": "value", "sheet": "Summary", "cell": f"Y{i + 1}"}]
    got = [r for r in office.results(steps) if r is not None][1:]
    for (formula, (value, err, shown)), (v, _, e, s) in zip(cases, got):
        assert e == err, formula
        if shown is not None:
            assert s == shown, formula
        elif isinstance(value, str):
            assert v == value, formula
        else:
            assert v == pytest.approx(value, rel=1e-12), formula
