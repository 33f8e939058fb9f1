"""``python -m bench.calc [--reps N] [--venv DIR] [--out bench/results-calc.json]``

The template recalculated by LibreOffice Calc itself with the fee12b1 extension, beside the same
monthly accruals built from native formulas (``bench/lo.py``, the status-quo baseline), in one
headless soffice each (``tests/calc_office.py``; start-up not counted).

* The add-in workbook: the template (``templates.builder``: one FEE_ACCRUALS per Summary looked
  up natively, the spilled Accruals, Payouts and Checks sheets) with its tables filled with 10
  years of daily NAV for the 19 funds of the default plan (2001-2010, every NYSE session), as
  ``python -m bench recalc`` fills it; its text comparisons made Calc-proof
  (``tests.calc_office.calc_proof``: LibreOffice 7.4 misses an add-in array's texts otherwise).
* The native workbook: ``bench.lo.formula_workbook`` on the same NAV (a calendar-day sheet
  carrying NAV forward, ``ROUND(rate*SUMPRODUCT(...))`` per fund-month).

For each, in one soffice: *open* (load; for the add-in workbook this includes the extension's
document job, which enters every FEE_ formula again and sizes the table arrays), then *hard
recalculations* (``calculateAll``, Data > Calculate > Recalculate Hard) -- the first and the
median of the rest; the add-in answers those from its cache, the inputs being unchanged -- and
one more after a NAV value is changed, which the table functions compute afresh.  The
extension comes from a venv made with LibreOffice's Python (``--venv``, or one is made).  After
the recalculations Calc's figures are compared with the engine's (``fee_core.engine``) to the
cent, so the timing is of correct figures.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from . import data as D
from . import lo as L

ROOT = Path(__file__).resolve().parent.parent
FIRST, LAST = 2001, 2010


def template_10y(path: Path, tmp: Path) -> int:
    """The template filled with ten years of data (``bench.recalc.template_filled``: the same
    workbook ``python -m bench recalc`` times through xlwings), its text comparisons made
    Calc-proof (``tests.calc_office.calc_proof``); returns the number of FEE_ formulas."""
    from tests.calc_office import FEE_CALL, calc_proof

    from .recalc import template_filled
    wb, _ = template_filled(None, tmp, FIRST, LAST)
    raw = tmp / "template10y-raw.xlsx"
    wb.save(raw)
    calc_proof(raw, path)
    texts = (str(getattr(c.value, "text", c.value) or "")
             for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    return sum(1 for t in texts if t.startswith("=") and FEE_CALL.search(t))


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
    """Calc's figures vs the engine's: the spilled FEE_ACCRUALS of the Accruals sheet, and the
    Summary's looked-up ADNA and plan fee; stops the run on any difference."""
    from fee_core.engine import load, run
    book, findings = load(path)
    if book is None:
        raise SystemExit(f"{path}: {findings[0] if findings else 'not readable'}")
    res = run(book, findings)
    want = {(r.fund, r.period_start): (f"{r.average_daily_net_assets:.2f}", f"{r.plan_fee:.2f}")
            for r in res.accruals.itertuples()}
    null = date(1899, 12, 30)
    acc = cells["cells"]["Accruals"]
    got = bad = looked_up = 0
    for addr, (v, formula, _) in acc.items():
        if addr.startswith("A") and addr[1:].isdigit() and int(addr[1:]) > 5 and formula:
            r = int(addr[1:])
            start = null + timedelta(days=int(acc[f"B{r}"][0]))
            got += 1
            bad += want.get((v, start)) != (f"{acc[f'E{r}'][0]:.2f}", f"{acc[f'F{r}'][0]:.2f}")
    summary = cells["cells"]["Summary"]
    heads = {v[0]: addr.rstrip("0123456789") for addr, v in summary.items() if addr.endswith("4")}
    for addr, (v, _, err) in summary.items():
        col, row = addr.rstrip("0123456789"), int(addr.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        if row < 5 or col not in (heads["ADNA (add-in)"], heads["Plan Fee (add-in)"]):
            continue
        fund, start = summary.get(f"A{row}", [None])[0], summary.get(f"B{row}", [None])[0]
        if not isinstance(fund, str) or not isinstance(start, float):
            continue
        key = (fund, null + timedelta(days=int(start)))
        idx = 0 if col == heads["ADNA (add-in)"] else 1
        looked_up += 1
        bad += err != 0 or key not in want or f"{v:.2f}" != want[key][idx]
    out = {"accruals_rows": got, "engine_rows": len(want), "summary_lookups": looked_up,
           "mismatches": bad}
    if bad or got != len(want) or not looked_up:
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
    n_fee = template_10y(addin, tmp)
    native = tmp / "native10y.xlsx"
    tables = D.make_tables(FIRST, LAST)
    rows = L.formula_workbook(native, tables["NAV"], D.fund_starts(1), FIRST, LAST)
    log(f"workbooks ready: {n_fee} FEE_ formulas; {len(rows)} native fund-months")
    office = CalcOffice.create(tmp, tmp / "fee12b1.oxt")
    res: dict = {"reps": reps, "fee_formulas": n_fee, "native_fund_months": len(rows)}
    res["addin"], cells = timings(office, office.file(addin), reps)
    res["addin"]["check"] = check_figures(addin, cells)
    log(f"add-in template: {res['addin']}")
    res["native"], _ = timings(office, office.file(native), reps)
    log(f"native formulas: {res['native']}")
    res["ratio_recalc"] = res["addin"]["recalc"] / res["native"]["recalc"]
    res["ratio_after_edit"] = res["addin"]["recalc_after_edit"] / res["native"]["recalc_after_edit"]
    try:
        import subprocess
        res["libreoffice"] = subprocess.run(["soffice", "--version"], capture_output=True,
                                            text=True, check=False).stdout.strip()
    except OSError:
        pass
    office.remove()
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.calc", description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="hard recalculations per workbook")
    ap.add_argument("--venv", type=Path, help="a venv made with LibreOffice's Python, fee12b1 installed")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results-calc.json")
    args = ap.parse_args(argv)
    res = run(args.reps, args.venv)
    args.out.write_text(json.dumps(res, indent=1))
    for k, label in (("addin", "add-in template"), ("native", "native formulas")):
        a = res[k]
        print(f"{label}: open {a['open']:.2f} s, first recalc {a['first_recalc']:.2f} s, "
              f"recalc {a['recalc']:.2f} s (min {a['recalc_min']:.2f}, max {a['recalc_max']:.2f}), "
              f"after an edit {a['recalc_after_edit']:.2f} s" + (f"; {a['check']}" if "check" in a else ""))
    print(f"add-in/native: recalc {res['ratio_recalc']:.3f}, after an edit {res['ratio_after_edit']:.3f}; "
          f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
