"""``python -m bench.calc [--reps N] [--venv DIR] [--out bench/results-calc.json]``

The template recalculated by LibreOffice Calc itself with the fee12b1 extension, beside the same
monthly accruals built from native formulas (``bench/lo.py``, the status-quo baseline), in one
headless soffice each (``tests/calc_office.py``; start-up not counted).

* The add-in workbook: the template (``templates.builder``'s input tables, output sheets and
  Summary) holding 10 years of daily NAV for the 19 funds of the default plan (2001-2010, every
  NYSE session) and 12 providers with 2010 Provider Assets, Settings period 2001-2010; and the
  same without the Summary's single-figure cells (*tables only*: one FEE_ table function per
  sheet, the shape issue 15 gives the template).
* The native workbook: ``bench.lo.formula_workbook`` on the same NAV (a calendar-day sheet
  carrying NAV forward, ``ROUND(rate*SUMPRODUCT(...))`` per fund-month).

For each, in one soffice: *open* (load; for the add-in workbook this includes the extension's
document job, which enters every FEE_ formula again and sizes the table arrays), then *hard
recalculations* (``calculateAll``, Data > Calculate > Recalculate Hard) -- the first and the
median of the rest; the add-in answers those from its cache, the inputs being unchanged -- and
one more after a NAV value is changed, which the table functions compute afresh.  The extension comes from a venv made with LibreOffice's Python
(``--venv``, or one is made).  After the recalculation every FEE_ cell is compared with the
engine (``fee_core.engine``) to the cent, so the timing is of correct figures.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

from . import data as D
from . import lo as L

ROOT = Path(__file__).resolve().parent.parent
FIRST, LAST = 2001, 2010


def template_10y(path: Path, summary: bool = True) -> int:
    """The add-in template with ten years of data; returns the number of FEE_ formulas.
    ``summary=False`` leaves out the Summary sheet of single-figure cells: only the sheets
    spilled by one table function each (Accruals, Payouts, Checks)."""
    from openpyxl import Workbook

    from templates.book import write_input_workbook
    from templates.builder import (
        SPILL_SHEETS,
        add_input_polish,
        add_output_sheets,
        add_spill_sheet,
        add_xlwings_conf,
        save_reproducible,
        summary_rows,
    )
    tables = {name: D.as_rows(t) for name, t in
              D.make_tables(FIRST, LAST, n_providers=12, assets_year=LAST).items()}
    wb = Workbook()
    wb.active.title = "Read me"
    wb.active["A1"] = "fee12b1 benchmark: the template with 10 years of NAV"
    write_input_workbook(None, tables, workbook=wb)
    add_input_polish(wb, tables)
    if summary:
        add_output_sheets(wb, [r for y in range(FIRST, LAST + 1) for r in summary_rows(y)])
    else:
        for sheet in SPILL_SHEETS:
            add_spill_sheet(wb, sheet)
    add_xlwings_conf(wb)
    save_reproducible(wb, path)
    return sum(1 for ws in wb.worksheets for row in ws.iter_rows() for c in row
               if "FEE_" in str(getattr(c.value, "text", c.value) or ""))


EDIT = {"do": "set", "sheet": "NAV", "cell": "B2000", "formula": "123456789.12"}


def timings(office, path: Path, reps: int) -> tuple[dict, dict]:
    """Open, ``reps`` hard recalculations, the cells; then one NAV value changed and one more
    hard recalculation (the add-in's cache cannot answer it: the table functions compute)."""
    steps = ([{"do": "open", "path": str(path)}] + [{"do": "calculate"}] * reps
             + [{"do": "cells"}, EDIT, {"do": "calculate"}])
    out = office.run(steps, timeout=3600)
    calc = [s["seconds"] for s in out[1:1 + reps]]
    return ({"open": out[0]["seconds"], "first_recalc": calc[0],
             "recalc": statistics.median(calc[1:]) if len(calc) > 1 else calc[0],
             "recalc_min": min(calc), "recalc_max": max(calc), "runs": len(calc),
             "recalc_after_edit": out[-1]["seconds"]},
            out[1 + reps]["result"])


def check_figures(path: Path, cells: dict) -> dict:
    """FEE_ cells vs the engine: Accruals rows and Summary cells, mismatches counted."""
    from fee_core.engine import load, run
    book, findings = load(path)
    if book is None:
        raise SystemExit(f"{path}: {findings[0] if findings else 'not readable'}")
    res = run(book, findings)
    want = {(r.fund, r.period_start): (f"{r.average_daily_net_assets:.2f}", f"{r.plan_fee:.2f}")
            for r in res.accruals.itertuples()}
    null = date(1899, 12, 30)
    from datetime import timedelta
    acc = cells["cells"]["Accruals"]
    got, bad, fee_cells = 0, 0, 0
    for addr, (v, formula, err) in acc.items():
        if addr.startswith("A") and addr[1:].isdigit() and int(addr[1:]) > 5 and formula:
            r = int(addr[1:])
            start = null + timedelta(days=int(acc[f"B{r}"][0]))
            adna, fee = f"{acc[f'E{r}'][0]:.2f}", f"{acc[f'F{r}'][0]:.2f}"
            got += 1
            bad += want.get((v, start)) != (adna, fee)
    summary = cells["cells"].get("Summary", {})
    for addr, (v, formula, err) in summary.items():
        if "FEE_" in formula:
            fee_cells += 1
            r = addr.lstrip("GH")
            key = (summary[f"A{r}"][0], null + timedelta(days=int(summary[f"B{r}"][0])))
            idx = 0 if addr.startswith("G") else 1
            bad += err != 0 or key not in want or f"{v:.2f}" != want[key][idx]
    out = {"accruals_rows": got, "engine_rows": len(want), "summary_cells": fee_cells,
           "mismatches": bad}
    if bad or got != len(want):
        raise SystemExit(f"{path.name}: Calc's figures are not the engine's: {out}")
    return out


def run(reps: int, venv: Path | None, log=print) -> dict:
    from tests.calc_office import CalcOffice, build_oxt, user_venv
    tmp = Path(tempfile.mkdtemp(prefix="fee12b1-bench-calc-"))
    tmp.chmod(0o755)  # LibreOffice runs as an unprivileged user when we are root
    venv = venv or user_venv(tmp)
    proc = build_oxt(venv, tmp / "fee12b1.oxt")
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    addin = tmp / "template10y.xlsx"
    n_fee = template_10y(addin)
    native = tmp / "native10y.xlsx"
    tables = D.make_tables(FIRST, LAST)
    rows = L.formula_workbook(native, tables["NAV"], D.fund_starts(1), FIRST, LAST)
    log(f"workbooks ready: {n_fee} FEE_ formulas; {len(rows)} native fund-months")
    office = CalcOffice.create(tmp, tmp / "fee12b1.oxt")
    res: dict = {"reps": reps, "fee_formulas": n_fee, "native_fund_months": len(rows)}
    res["addin"], cells = timings(office, office.file(addin), reps)
    res["addin"]["check"] = check_figures(addin, cells)
    log(f"add-in template: {res['addin']}")
    tables_only = tmp / "tables10y.xlsx"
    res["tables_only_fee_formulas"] = template_10y(tables_only, summary=False)
    res["tables_only"], cells = timings(office, office.file(tables_only), reps)
    res["tables_only"]["check"] = check_figures(tables_only, cells)
    log(f"add-in tables only: {res['tables_only']}")
    res["native"], _ = timings(office, office.file(native), reps)
    log(f"native formulas: {res['native']}")
    for k in ("addin", "tables_only"):
        res[f"ratio_recalc_{k}"] = res[k]["recalc"] / res["native"]["recalc"]
    try:
        import subprocess
        res["libreoffice"] = subprocess.run(["soffice", "--version"], capture_output=True,
                                            text=True, check=False).stdout.strip()
    except OSError:
        pass
    office.remove()
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.calc", description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="hard recalculations per workbook")
    ap.add_argument("--venv", type=Path, help="a venv made with LibreOffice's Python, fee12b1 installed")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results-calc.json")
    args = ap.parse_args(argv)
    res = run(args.reps, args.venv)
    args.out.write_text(json.dumps(res, indent=1))
    for k, label in (("addin", "add-in template"), ("tables_only", "add-in tables only"),
                     ("native", "native formulas")):
        a = res[k]
        print(f"{label}: open {a['open']:.2f} s, first recalc {a['first_recalc']:.2f} s, "
              f"recalc {a['recalc']:.2f} s (min {a['recalc_min']:.2f}, max {a['recalc_max']:.2f}), "
              f"after an edit {a['recalc_after_edit']:.2f} s"
              + (f"; {a['check']}" if "check" in a else ""))
    print(f"recalc ratio to native: template {res['ratio_recalc_addin']:.2f}, tables only "
          f"{res['ratio_recalc_tables_only']:.3f}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
