"""The payment run's measure (SPEC §7: ``fee12b1 pay`` for one period within 2x of
``fee12b1 compute`` on the same large workbook).

``measure(ctx)`` times both commands as processes on the 10-year, 300-provider workbook
(``data.workbook(first_year, last_year=2010, n_providers=300, assets_year=2010)``), runs
alternating so that a change in the shared machine's load hits both alike: ``compute --csv DIR
--force`` as the other measures run it, ``pay --period 2010-12 --out`` into a fresh folder each
time (a payment run writes a new folder; a ``--force`` re-run also deletes the previous run's
statements).  It reports wall-clock medians and the CPU time of the child processes (less
sensitive to other work on the machine), their ratios, and what the run wrote.

    python -m bench pay
"""
from __future__ import annotations

import json
import shutil
import statistics
import tempfile
from pathlib import Path

from . import data as D
from .context import Context
from .timing import fee12b1_process, met, ms

KEY = "pay"
PERIOD = "2010-12"
TARGET = 2.0


def _summary(xs: list[float]) -> dict:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": len(xs)}


def measure(ctx: Context) -> dict:
    """``fee12b1 pay`` for one period against ``fee12b1 compute`` (see the module docstring)."""
    res = compare(ctx.first_year, max(1, int(ctx.cfg.get("reps_e2e", 5))))
    ctx.log(f"pay {res['pay']['wall']['median']:.2f} s, compute {res['compute']['wall']['median']:.2f} s: "
            f"{res['ratio_wall']:.2f}x")
    return res


def compare(first_year: int, reps: int) -> dict:
    """Both commands as processes, ``reps`` alternating runs each."""
    book = D.workbook(first_year=first_year, last_year=2010, n_providers=300, assets_year=2010)
    tmp = Path(tempfile.mkdtemp(prefix="fee12b1-bench-pay-"))
    compute_args = ["compute", str(book), "--csv", str(tmp / "compute"), "--force"]
    walls: dict[str, list[float]] = {"compute": [], "pay": []}
    cpus: dict[str, list[float]] = {"compute": [], "pay": []}
    written: dict[str, int] = {}
    try:
        fee12b1_process(compute_args)                      # warm the file cache and the .pyc
        for k in range(reps):
            out = tmp / f"pay-{k}"
            for cmd, args in (("compute", compute_args),
                              ("pay", ["pay", str(book), "--period", PERIOD, "--out", str(out)])):
                run = fee12b1_process(args)
                walls[cmd].append(run["wall"])
                cpus[cmd].append(run["cpu"])
            if not written:
                rec = json.loads((out / "run.json").read_text("utf-8"))
                written = {"statements": sum(f["name"].startswith("statements/")
                                             for f in rec["files"]),
                           "journal_lines": (out / "journal.csv").read_text("utf-8").count("\n") - 1,
                           "remittance_rows": (out / "remittance.csv").read_text("utf-8")
                           .count("\n") - 1,
                           "bytes": sum(f["bytes"] for f in rec["files"])}
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    wall_ratio = statistics.median(walls["pay"]) / statistics.median(walls["compute"])
    cpu_ratio = statistics.median(cpus["pay"]) / statistics.median(cpus["compute"])
    return {
        "workbook": f"{first_year}-2010 daily NAV, 19 funds, 300 providers with 2010 Provider "
                    f"Assets ({book.stat().st_size / 2**20:.1f} MiB)",
        "period": PERIOD,
        "compute": {"wall": _summary(walls["compute"]), "cpu": _summary(cpus["compute"])},
        "pay": {"wall": _summary(walls["pay"]), "cpu": _summary(cpus["pay"])},
        "ratio_wall": wall_ratio,
        "ratio_cpu": cpu_ratio,
        "target": TARGET,
        "met": wall_ratio <= TARGET,
        "written": written,
    }


def rows(res: dict) -> list[tuple[str, str, str, str, str]]:
    r = res[KEY]
    pay, comp = r["pay"]["wall"]["median"], r["compute"]["wall"]["median"]
    w = r["written"]
    return [(f"6 `fee12b1 pay --period {r['period']}` (300 providers: {w.get('statements', 0)} statements)",
             ms(pay), f"compute {ms(comp)}", f"{r['ratio_wall']:.2f}x (CPU {r['ratio_cpu']:.2f}x)",
             f"<= {TARGET:g}x compute: {met(r['ratio_wall'] <= TARGET)}")]
