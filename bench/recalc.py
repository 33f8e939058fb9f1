"""``python -m bench recalc``: a full recalculation of the template's add-in cells, twice.

SPEC §7: "A full recalculation of the template's add-in cells with 10 years of NAV (every cell
the template holds, through xlwings' own call path): under 0.5 s of Python time in all."

What it does:

1. Builds the template (``templates.builder.build_template``, plan year 2001) or takes
   ``--template BOOK.xlsx``, and fills its input tables, found by their Excel table names,
   with 10 years of data (``bench.data.make_tables(2001, 2010)``: 19 funds, every NYSE session,
   continuance approvals so the plan never lapses; the Settings period 2001-2010).
2. Finds every ``FEE_`` call by tokenizing every formula of every sheet (openpyxl's
   ``Tokenizer``), wherever it sits (``=FEE_PERIOD(...)``, ``=ROUND(FEE_ADNA(...),2)``, a spilled
   ``FEE_ACCRUALS``).  Each argument is resolved as Excel hands it to the VBA wrapper: a
   reference (``$B5``, ``'Sheet x'!A1:B9``, ``NAV[Date]``, ``ScheduleB[#All]``,
   ``NAV[[#All],[Date]]``, a defined name, a spill ``A5#``) becomes a COM-like ``Range``
   whose ``Value`` is what COM gives (floats, time-zone aware datetimes for date cells, text,
   TRUE/FALSE, ``None``, error SCODEs); a constant becomes its value; an omitted argument
   the "missing" marker.  A referenced cell holding a native formula takes the value
   LibreOffice computes for it (only if there is one); a referenced ``FEE_`` cell takes its
   own answer (cells are computed in dependency order).  Anything else is refused with the
   cell named, never guessed.
3. Recalculates every call through ``tests.xlwings_standin.call`` -- ``XLPython.CallUDF``
   and ``udfs.call_udf`` of the installed xlwings, unchanged -- with empty caches, then again
   with fresh but equal argument values (as Excel hands them over on every recalculation).
   Only the calls are timed; argument values are prepared before each pass.

Ends with ``recalc 10y: N cells, S s``: N = cells holding a ``FEE_`` call, S = the Python
seconds of the slower pass: the process's CPU time (``time.process_time``; the passes are pure
Python, so on a shared, busy machine CPU time is what a pass costs and wall-clock time is not;
both are printed per pass), the median over ``--runs`` repetitions of both passes, each from
empty caches.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import TokenizerError
from openpyxl.utils.cell import (
    get_column_letter,
    range_boundaries,
)
from openpyxl.worksheet.formula import ArrayFormula

FIRST_YEAR, LAST_YEAR = 2001, 2010
KEY = "recalc"
TARGET = 0.5
UTC = dt.UTC
_FEE = re.compile(r"^(?:_xludf\.|_xll\.)?(FEE_[A-Z0-9_]+)\($", re.IGNORECASE)
_SPILL = re.compile(r"(\$?[A-Za-z]{1,3}\$?\d+)#")
_SPILL_MARK = "_SPILL_"
# Excel error texts as openpyxl reads them -> the SCODE COM hands over
_ERRORS = {"#NULL!": 2000, "#DIV/0!": 2007, "#VALUE!": 2015, "#REF!": 2023, "#NAME?": 2029,
           "#NUM!": 2036, "#N/A": 2042}
_FACILITY = -2146828288


class Unsupported(Exception):
    """A formula the bench cannot hand to the add-in faithfully (named by its cell)."""


# --------------------------------------------------------------------------- the calls
@dataclass
class Call:
    """One ``FEE_`` call in a formula: its cell, function and arguments (as written)."""

    sheet: str
    row: int
    col: int
    name: str
    args: list  # ("ref", text) | ("value", v) | ("missing",)
    anchor: bool  # the call is the whole formula of the cell (its answer is the cell's value)

    @property
    def where(self) -> str:
        return f"{self.sheet}!{get_column_letter(self.col)}{self.row}"


def formula_text(value) -> str | None:
    if isinstance(value, ArrayFormula):
        return value.text
    if isinstance(value, str) and value.startswith("="):
        return value
    return None


def calls_in(sheet: str, row: int, col: int, formula: str) -> list[Call]:
    """Every FEE_ call in one formula."""
    text = _SPILL.sub(lambda m: m.group(1) + _SPILL_MARK, formula)
    try:
        items = [t for t in Tokenizer(text).items if t.type != "WHITE-SPACE"]
    except TokenizerError as exc:
        raise Unsupported(f"{sheet}!{get_column_letter(col)}{row}: formula not understood: "
                          f"{formula} ({exc})") from None
    out = []
    for i, tok in enumerate(items):
        m = _FEE.match(tok.value) if tok.type == "FUNC" and tok.subtype == "OPEN" else None
        if not m:
            continue
        args: list[list] = []
        cur: list = []
        depth, j = 0, i + 1
        while True:
            t = items[j]
            if t.type == "FUNC" and t.subtype == "CLOSE" and depth == 0:
                break
            if t.subtype == "OPEN":
                depth += 1
            elif t.subtype == "CLOSE":
                depth -= 1
            if t.type == "SEP" and t.subtype == "ARG" and depth == 0:
                args.append(cur)
                cur = []
            else:
                cur.append(t)
            j += 1
        if cur or args:
            args.append(cur)
        whole = i == 0 and j == len(items) - 1
        where = f"{sheet}!{get_column_letter(col)}{row}"
        out.append(Call(sheet, row, col, m.group(1).upper(),
                        [_argument(a, where, formula) for a in args], whole))
    return out


def _argument(tokens, where, formula):
    if not tokens:
        return ("missing",)
    kinds = [(t.type, t.subtype, t.value) for t in tokens]
    if len(tokens) == 1:
        typ, sub, v = kinds[0]
        if typ == "OPERAND":
            if sub == "RANGE":
                return ("ref", v)
            if sub == "NUMBER":
                return ("value", float(v))
            if sub == "TEXT":
                return ("value", v[1:-1].replace('""', '"'))
            if sub == "LOGICAL":
                return ("value", v.upper() == "TRUE")
            if sub == "ERROR":
                return ("value", _FACILITY + _ERRORS.get(v.upper(), 2015))
    sign, body, pct = 1.0, list(kinds), 1.0
    if body and body[0][:2] == ("OPERATOR-PREFIX", "") and body[0][2] in "+-":
        sign = -1.0 if body.pop(0)[2] == "-" else 1.0
    if body and body[-1][0] == "OPERATOR-POSTFIX" and body[-1][2] == "%":
        body.pop()
        pct = 0.01
    if len(body) == 1 and body[0][:2] == ("OPERAND", "NUMBER"):
        return ("value", sign * float(body[0][2]) * pct)
    raise Unsupported(f"{where}: the argument {''.join(t.value for t in tokens)!r} of {formula} "
                      "is an expression; the bench hands the add-in references and constants only")


def scan(wb) -> list[Call]:
    """Every FEE_ call of every sheet, in sheet and cell order."""
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                f = formula_text(c.value)
                if f and "FEE_" in f.upper():
                    out.extend(calls_in(ws.title, c.row, c.column, f))
    return out


# --------------------------------------------------------------------------- references
@dataclass
class Area:
    sheet: str
    r1: int
    c1: int
    r2: int
    c2: int


def _unquote(sheet: str) -> str:
    if sheet.startswith("'") and sheet.endswith("'"):
        return sheet[1:-1].replace("''", "'")
    return sheet


def _split_sheet(ref: str) -> tuple[str | None, str]:
    if "!" not in ref:
        return None, ref
    i = ref.rindex("!")
    return _unquote(ref[:i]), ref[i + 1:]


_STRUCT = re.compile(r"^([A-Za-z_\\][\w.\\]*)\[(.*)\]$", re.DOTALL)


def _struct_parts(spec: str) -> list[str]:
    """``[#All],[Date]`` -> ['#All', 'Date']; ``Date`` -> ['Date']; ``[A]:[B]`` -> ['A:B']."""
    spec = spec.strip()
    if not spec.startswith("["):
        return [spec] if spec else []
    parts, i = [], 0
    while i < len(spec):
        if spec[i] == "[":
            j, name = i + 1, []
            while spec[j] != "]":
                if spec[j] == "'":
                    j += 1
                name.append(spec[j])
                j += 1
            parts.append("".join(name))
            i = j + 1
        elif spec[i] == ":":
            parts[-1] = parts[-1] + ":" + _struct_parts(spec[i + 1:])[0]
            break
        else:
            i += 1
    return parts


def _unescape(name: str) -> str:
    return re.sub(r"'(.)", r"\1", name)


@dataclass
class Model:
    """The filled workbook as the bench reads it: openpyxl cells, tables, answers."""

    wb: Any
    answers: dict = field(default_factory=dict)  # (sheet, row, col) -> answer of an anchor call
    spills: dict = field(default_factory=dict)  # (sheet, row, col) -> spilled value
    native: dict | None = None  # (sheet, row, col) -> LibreOffice's value of a native formula
    lo_dir: Path | None = None

    def __post_init__(self):
        self.tables = {}
        for ws in self.wb.worksheets:
            for t in ws.tables.values():
                c1, r1, c2, r2 = range_boundaries(t.ref)
                self.tables[t.name.lower()] = (ws.title, r1, c1, r2, c2, t.headerRowCount != 0,
                                               bool(t.totalsRowCount))

    def area(self, ref: str, here: str) -> Area:
        sheet, body = _split_sheet(ref)
        m = _STRUCT.match(body)
        if sheet is None and m and m.group(1).lower() in self.tables:
            return self._table_area(m.group(1), m.group(2), ref)
        if sheet is None and body.lower() in self.tables:
            return self._table_area(body, "", ref)
        if body.endswith(_SPILL_MARK):
            a = self.area((f"'{sheet}'!" if sheet else "") + body[:-len(_SPILL_MARK)], here)
            shape = self._spill_shape(a.sheet, a.r1, a.c1, ref)
            return Area(a.sheet, a.r1, a.c1, a.r1 + shape[0] - 1, a.c1 + shape[1] - 1)
        if sheet is None and body in self.wb.defined_names:
            return self.area(self.wb.defined_names[body].attr_text, here)
        try:
            c1, r1, c2, r2 = range_boundaries(body.replace("$", ""))
        except ValueError:
            raise Unsupported(f"reference {ref!r} not understood") from None
        if None in (c1, r1, c2, r2):
            raise Unsupported(f"reference {ref!r}: whole rows/columns are not handed over")
        return Area(sheet or here, r1, c1, r2, c2)

    def _table_area(self, name, spec, ref) -> Area:
        sheet, r1, c1, r2, c2, has_header, has_totals = self.tables[name.lower()]
        ws = self.wb[sheet]
        headers = {str(ws.cell(r1, j).value).strip().lower(): j for j in range(c1, c2 + 1)}
        first_data = r1 + 1 if has_header else r1
        last_data = r2 - 1 if has_totals else r2
        rows, cols = (first_data, last_data), (c1, c2)
        for part in _struct_parts(spec):
            p = part.strip()
            if p.lower() == "#all":
                rows = (r1, r2)
            elif p.lower() == "#data":
                rows = (first_data, last_data)
            elif p.lower() == "#headers":
                rows = (r1, r1)
            elif p.lower() == "#totals":
                rows = (r2, r2)
            elif p.lower() == "#this row":
                raise Unsupported(f"{ref}: [#This Row] (implicit intersection) is not handed over")
            else:
                names = [_unescape(x).strip().lower() for x in p.split(":")]
                try:
                    idx = [headers[n] for n in names]
                except KeyError:
                    raise Unsupported(f"{ref}: no column {p!r} in table {name}") from None
                cols = (idx[0], idx[-1])
        return Area(sheet, rows[0], cols[0], rows[1], cols[1])

    def _spill_shape(self, sheet, row, col, ref):
        v = self.answers.get((sheet, row, col))
        if v is None:
            raise Unsupported(f"{ref}: the spill of a cell not computed yet")
        if isinstance(v, list) and v and isinstance(v[0], list):
            return len(v), len(v[0])
        if isinstance(v, list):
            return 1, len(v)
        return 1, 1

    # ---- values as COM hands them over
    def value(self, sheet, row, col, pending):
        key = (sheet, row, col)
        if key in self.answers:
            return _com(_first(self.answers[key]))
        if key in self.spills:
            return self.spills[key]
        c = self.wb[sheet].cell(row, col)
        f = formula_text(c.value)
        if f is None:
            if c.data_type == "e":
                return _FACILITY + _ERRORS.get(str(c.value).upper(), 2015)
            return _com(c.value)
        if key in pending:
            raise _Later(key)
        return self._native(key, f)

    def _native(self, key, formula):
        if self.native is None:
            self.native = native_values(self.wb, self.lo_dir)
        if key not in self.native:
            raise Unsupported(f"{key[0]}!{get_column_letter(key[2])}{key[1]}: the native formula "
                              f"{formula} has no value from LibreOffice")
        return _com(self.native[key])

    def com_range(self, area: Area, pending):
        rows = tuple(tuple(self.value(area.sheet, r, c, pending)
                           for c in range(area.c1, area.c2 + 1))
                     for r in range(area.r1, area.r2 + 1))
        return rows

    def place(self, call: Call, answer) -> None:
        self.answers[(call.sheet, call.row, call.col)] = answer
        if isinstance(answer, list):
            rows = answer if answer and isinstance(answer[0], list) else [answer]
            for i, r in enumerate(rows):
                for j, v in enumerate(r):
                    if i or j:
                        self.spills[(call.sheet, call.row + i, call.col + j)] = _com(v)


def clear_caches(udfs) -> None:
    """Empty the add-in's caches (``clear_caches``; the add-in before it had only these two)."""
    if hasattr(udfs, "clear_caches"):
        udfs.clear_caches()
    else:
        udfs.RESULTS.clear()
        udfs.SERIES.clear()


class _Later(Exception):
    """An argument reads a FEE_ cell not computed yet."""


def _first(v):
    if isinstance(v, list):
        v = v[0] if v else None
        if isinstance(v, list):
            v = v[0] if v else None
    return v


def _com(v):
    """A cell value as COM's ``Range.Value`` gives it to Python."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=UTC) if v.tzinfo is None else v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day, tzinfo=UTC)
    if isinstance(v, (int, float)):
        return float(v)
    if hasattr(v, "varianttype"):  # an error answer (pywin32 VARIANT VT_ERROR)
        return v.value
    if hasattr(v, "code"):  # fee_core.read.raw.CellError
        return _FACILITY + _ERRORS.get(v.code, 2015)
    return v


def native_values(wb, lo_dir: Path | None) -> dict:
    """LibreOffice's values of every native formula cell of ``wb`` (saved, recalculated, read
    back with openpyxl: error cells as their text)."""
    from . import lo as LO
    tmp = Path(lo_dir or tempfile.mkdtemp(prefix="fee12b1-recalc-"))
    path = tmp / "filled.xlsx"
    wb.save(path)
    office = LO.libreoffice(tmp / "profile")
    if office is None:
        raise Unsupported("a FEE_ argument reads a native formula, and LibreOffice is needed "
                          "to compute it; it was not found")
    (out,) = office.recalculate([path], tmp / "out")
    return formula_values(wb, out)


def formula_values(wb, recalculated: Path) -> dict:
    """(sheet, row, col) -> value in ``recalculated`` of every formula cell of ``wb``."""
    done = load_workbook(recalculated, data_only=True, read_only=True)
    values = {}
    for ws in wb.worksheets:
        cells = {(c.row, c.column) for row in ws.iter_rows() for c in row if formula_text(c.value)}
        if not cells:
            continue
        for r, row in enumerate(done[ws.title].iter_rows(min_row=1, min_col=1, values_only=True),
                                start=1):
            for c, v in enumerate(row, start=1):
                if (r, c) in cells:
                    values[(ws.title, r, c)] = v
    done.close()
    return values


def arguments(model: Model, call: Call, pending) -> tuple:
    from tests import xlwings_standin as standin
    out: list = []
    for a in call.args:
        if a[0] == "missing":
            out.append(standin.MISSING)
        elif a[0] == "value":
            out.append(a[1])
        else:
            area = model.area(a[1], call.sheet)
            values = model.com_range(area, pending)
            out.append(standin.ExcelRange(values, f"${get_column_letter(area.c1)}${area.r1}",
                                          sheet=area.sheet, book="fee12b1.xlsx"))
    return tuple(out)


def ordered_arguments(model: Model, calls: list[Call]) -> list[tuple[Call, tuple]]:
    """Each call with its arguments, in an order where a call reading another FEE_ cell comes
    after it; answers are computed here (untimed) to resolve such reads."""
    from addin import udfs
    from tests import xlwings_standin as standin
    pending = {(c.sheet, c.row, c.col) for c in calls if c.anchor}
    todo, out = list(calls), []
    while todo:
        progress, later = False, []
        for call in todo:
            try:
                args = arguments(model, call, pending)
            except _Later:
                later.append(call)
                continue
            out.append((call, args))
            if call.anchor:
                model.place(call, standin.call(udfs, call.name, *args))
                pending.discard((call.sheet, call.row, call.col))
            progress = True
        if not progress:
            raise Unsupported("FEE_ cells read each other in a cycle: " +
                              ", ".join(c.where for c in later))
        todo = later
    clear_caches(udfs)
    return out


# --------------------------------------------------------------------------- the workbook
def fill(wb, tables: dict) -> None:
    """Write ``tables`` (bench.data Tables) into the workbook's Excel tables of the same names:
    header row kept where the table is, columns in the template's order, rows below it, the
    table's range resized, the cells of the old extent cleared."""
    from .data import as_rows
    for ws in wb.worksheets:
        for t in list(ws.tables.values()):
            if t.name not in tables:
                continue
            table = tables[t.name]
            c1, r1, c2, r2 = range_boundaries(t.ref)
            # the template's column order first (its other formulas may point at columns by
            # letter), then any column it does not have
            have = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
            headers = [h for h in have if h in table.headers] + \
                [h for h in table.headers if h not in have]
            for r in range(r1, r2 + 1):
                for c in range(c1, max(c2, c1 + len(headers) - 1) + 1):
                    ws.cell(r, c).value = None
            for j, h in enumerate(headers):
                ws.cell(r1, c1 + j, h)
            rows = as_rows(table)
            for i, row in enumerate(rows, start=1):
                for j, h in enumerate(headers):
                    ws.cell(r1 + i, c1 + j, row.get(h))
            last = r1 + max(len(rows), 1)
            t.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c1 + len(headers) - 1)}{last}"
            if t.autoFilter is not None:
                t.autoFilter.ref = t.ref
            t.tableColumns = []
            t._initialise_columns()
            for col, h in zip(t.tableColumns, headers):
                col.name = h


def template_filled(template: Path | None, tmp: Path, first_year: int = FIRST_YEAR,
                    last_year: int = LAST_YEAR):
    """The template (built for ``first_year``, or the given file) with its tables filled with
    the years' data."""
    from . import data as D
    if template is None:
        from templates.builder import build_template
        template = tmp / "template.xlsx"
        build_template(template, first_year)
    wb = load_workbook(template)
    tables = D.make_tables(first_year, last_year)
    fill(wb, tables)
    return wb, tables


# --------------------------------------------------------------------------- the passes
def fresh(args: tuple) -> tuple:
    """Equal argument values in new objects, as each recalculation hands them over."""
    from tests import xlwings_standin as standin
    out = []
    for a in args:
        if isinstance(a, standin.ExcelRange):
            v = a._values
            out.append(standin.ExcelRange(tuple(tuple(r) for r in v), a.address,
                                          sheet=a.sheet.name, book=a.sheet.book.name))
        else:
            out.append(a)
    return tuple(out)


def recalc_pass(prepared) -> tuple[float, list]:
    """Call every prepared call: (CPU seconds, answers); the wall-clock seconds of the last
    pass are kept in ``LAST_WALL``."""
    global LAST_WALL
    from addin import udfs
    from tests import xlwings_standin as standin
    answers = []
    with standin.installed():
        t, w = time.process_time(), time.perf_counter()
        for call, args in prepared:
            answers.append(standin.call(udfs, call.name, *args))
        LAST_WALL = time.perf_counter() - w
        return time.process_time() - t, answers


LAST_WALL = 0.0


@dataclass
class Prepared:
    model: Model
    calls: list
    order: list  # (Call, arguments) in computing order
    tables: dict
    udfs: Any  # addin.udfs loaded with xlwings' real decorators


def prepare(wb, tables: dict, tmp: Path) -> Prepared:
    """Scan ``wb`` (filled with ``tables``) and resolve every call's arguments (untimed)."""
    from tests import xlwings_standin as standin
    calls = scan(wb)
    if not calls:
        raise Unsupported("the template holds no FEE_ call")
    model = Model(wb, lo_dir=tmp)
    udfs = standin.load_udf_module("addin.udfs")
    return Prepared(model, calls, ordered_arguments(model, calls), tables, udfs)


def run(template: Path | None = None, runs: int = 3, out=print, first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR, wb=None) -> dict:
    """Fill, scan, resolve (untimed); then ``runs`` times: empty caches, pass 1, pass 2.
    S is the median over the runs of the slower pass.  ``wb``: an already filled workbook."""
    import statistics

    with tempfile.TemporaryDirectory(prefix="fee12b1-recalc-") as tmp:
        if wb is None:
            wb, tables = template_filled(template, Path(tmp), first_year, last_year)
        else:
            from . import data as D
            tables = D.make_tables(first_year, last_year)
        p = prepare(wb, tables, Path(tmp))
    nav, calls, order, udfs = p.tables["NAV"], p.calls, p.order, p.udfs
    res = {"answers": {}, "cells": len({(c.sheet, c.row, c.col) for c in calls}), "calls": len(calls),
           "functions": {}, "nav_rows": nav.n_rows, "funds": len(nav.headers) - 1, "runs": []}
    for c in calls:
        res["functions"][c.name] = res["functions"].get(c.name, 0) + 1
    funcs = ", ".join(f"{k} {v}" for k, v in sorted(res["functions"].items()))
    out(f"template filled with {res['nav_rows']} NAV rows x {res['funds']} funds "
        f"({first_year}-{last_year}); {res['calls']} FEE_ calls in {res['cells']} cells: {funcs}")
    first_answers = None
    for k in range(runs):
        clear_caches(udfs)
        passes = []
        for _ in (1, 2):
            prepared = [(call, fresh(args)) for call, args in order]
            hits, misses = udfs.RESULTS.hits, udfs.RESULTS.misses
            seconds, answers = recalc_pass(prepared)
            passes.append({"seconds": seconds, "wall": LAST_WALL,
                           "hits": udfs.RESULTS.hits - hits,
                           "misses": udfs.RESULTS.misses - misses})
            if first_answers is None:
                first_answers = answers
            elif _plain(answers) != _plain(first_answers):
                raise RuntimeError("a pass gave other answers than the first")
        res["runs"].append(passes)
        out(f"run {k + 1}: pass 1 {passes[0]['seconds']:.3f} s CPU ({passes[0]['wall']:.3f} s "
            f"wall; cache hits {passes[0]['hits']}, misses {passes[0]['misses']}); pass 2 "
            f"{passes[1]['seconds']:.3f} s CPU ({passes[1]['wall']:.3f} s wall; hits "
            f"{passes[1]['hits']}, misses {passes[1]['misses']})")
    res["answers"] = {c.where: a for (c, _), a in zip(order, first_answers or []) if c.anchor}
    res["errors"] = sorted({c.where for (c, _), a in zip(order, first_answers or [])
                            if isinstance(a, str) or hasattr(a, "varianttype")})
    res["seconds"] = statistics.median(max(p["seconds"] for p in r) for r in res["runs"])
    if res["errors"]:
        out(f"cells answering with an error or a message: {len(res['errors'])} "
            f"(first: {res['errors'][0]})")
    years = last_year - first_year + 1
    out(f"recalc {years}y: {res['cells']} cells, {res['seconds']:.3f} s")
    return res


def measure(ctx) -> dict:
    """The registry's entry (``python -m bench``): the template recalculated, 10 years of NAV."""
    res = run(runs=3, out=ctx.log, first_year=ctx.first_year, last_year=ctx.e10.year)
    res.pop("answers", None)
    return res


def rows(res: dict) -> list[tuple[str, str, str, str, str]]:
    from .timing import met, ms
    r = res[KEY]
    passes = [max(p["seconds"] for p in run) for run in r["runs"]]
    second = [run[1] for run in r["runs"]]
    return [(f"5 template recalc through xlwings' call_udf ({r['cells']} FEE_ cells, "
             f"{r['nav_rows']} NAV rows)", ms(r["seconds"]), "slower of two passes (CPU)",
             f"pass 2 from cache: {second[0]['hits']} hits", f"< 0.5 s: {met(r['seconds'] < TARGET)}")] \
        if passes else []


def _plain(answers):
    return [repr(a) if hasattr(a, "varianttype") else a for a in answers]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench recalc", description=__doc__.splitlines()[0])
    ap.add_argument("--template", type=Path, help="a template workbook to fill and recalculate "
                                                   "(default: build it with templates.builder)")
    ap.add_argument("--runs", type=int, default=3, help="recalculations of both passes, each "
                    "from empty caches; S is the median of the slower pass (default 3)")
    args = ap.parse_args(argv)
    try:
        run(args.template, max(1, args.runs))
    except Unsupported as exc:
        print(f"recalc: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
