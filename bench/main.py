"""``python -m bench [MEASURE ...] [--quick] [--no-lo] [--profile] [--docs-only] [--out FILE]``

Runs the measures of SPEC §7 on seeded data, prints a table with the ratios against the
baselines measured in the same run, writes the results JSON (medians, min/max of the runs,
machine, versions, date) and, for a full run, ``docs/performance.md`` and its chart.  Timings are
wall-clock ``time.perf_counter`` medians; every run is a fresh call (no state carried over
except where the measure is the warm cache).

A measure is a module with ``KEY``, ``measure(ctx) -> dict`` and ``rows(res)`` (the lines of
the results table), listed once in ``MEASURES``; ``growth`` has its own table.
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import accruals, docs, growth, loading, pay, payouts, publish, recalc, udf
from .context import FULL, QUICK, Context
from .engine import engine_accruals, engine_payouts
from .timing import ROOT, fmt_table, machine

MEASURES = {m.KEY: m for m in (accruals, payouts, loading, udf, recalc, publish, pay, growth)}
MAIN_HEADERS = ("measure", "median", "baseline", "ratio", "target")


def run(cfg: dict, use_lo: bool = True, log=print, only: list[str] | None = None) -> dict:
    """Every measure (or those named in ``only``) -> the results dictionary."""
    ctx = Context.build(cfg, use_lo, log)
    # the commands are timed as an installed copy runs: `pip install` byte-compiles the package;
    # a source tree edited since its last import (or run with PYTHONDONTWRITEBYTECODE) would
    # otherwise compile every changed module on every timed start
    compileall.compile_dir(str(ROOT / "fee_core"), quiet=1)
    res: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
                 "config": dict(cfg), "notes": []}
    t = time.perf_counter()
    acc_path, big_path = ctx.accruals_book(1), ctx.providers_book()
    res["data_seconds"] = time.perf_counter() - t
    res["data"] = {"accruals": f"19 funds x {ctx.first_year}-{ctx.e10.year} daily NAV, monthly",
                   "payouts": f"{cfg['providers']} providers x 19 funds x 12 months of {ctx.e1.year} = "
                              f"{cfg['providers'] * 19 * 12:,} Provider Assets rows (in memory; "
                              f"the loading measures read {cfg['loading_providers']} providers' "
                              f"{cfg['loading_providers'] * 19 * 12:,} rows from a workbook)",
                   "files": {"acc": os.path.getsize(acc_path), "big": os.path.getsize(big_path)}}
    log(f"data ready in {res['data_seconds']:.1f} s")
    for key, module in MEASURES.items():
        if only is None or key in only:
            res[key] = module.measure(ctx)
    res["machine"]["loadavg_end"] = os.getloadavg()
    return res


def table_rows(res: dict) -> list[tuple]:
    """The results table: every measured module's rows, growth apart."""
    return [r for key, m in MEASURES.items() if key in res and key != growth.KEY for r in m.rows(res)]


def profile(ctx: Context, top: int = 18) -> str:
    """cProfile's top functions of the reader, parse + checks, payouts and accruals."""
    import cProfile
    import io
    import pstats

    from fee_core.engine import load_raw
    from fee_core.engine import run as engine_run
    from fee_core.read import read_workbook
    out = io.StringIO()

    def prof(label, fn):
        pr = cProfile.Profile()
        t = time.perf_counter()
        pr.enable()
        r = fn()
        pr.disable()
        out.write(f"\n=== {label}: {time.perf_counter() - t:.3f} s (under cProfile) ===\n")
        pstats.Stats(pr, stream=out).sort_stats("tottime").print_stats(top)
        return r
    big = ctx.providers_book()
    raw, f = prof("read_workbook(big)", lambda: read_workbook(big))
    book, _ = prof("load_raw(big) = parse + checks", lambda: load_raw(raw, f))
    grid, _ = engine_accruals(book, ctx.s1, ctx.e1)
    prof("service_fees + payments (2010, big)", lambda: engine_payouts(book, grid, ctx.s1, ctx.e1))
    prof("engine.run (10y accruals + 2010 payouts tables, big)",
         lambda: engine_run(book, [], ctx.s10, ctx.e10, "month"))
    acc_book = ctx.book(ctx.accruals_book(1))
    prof("build_grid + plan_fees (19 funds x 10y)",
         lambda: [engine_accruals(acc_book, ctx.s10, ctx.e10) for _ in range(20)])
    return out.getvalue()


def write_docs(res: dict) -> None:
    main_rows = table_rows(res)
    png = docs.chart(res, ROOT / "docs" / "performance.png")
    docs.write_docs(res, main_rows, MAIN_HEADERS, growth.rows(res), growth.HEADERS,
                    ROOT / "docs" / "performance.md", png,
                    publish.docs_section(res) + docs.calc_section(ROOT / "bench" / "results-calc.json"))


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["recalc"]:          # its own options: --template, --runs (bench/recalc.py)
        return recalc.main(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[2])
    ap.add_argument("measures", nargs="*", choices=[[]] + list(MEASURES), metavar="MEASURE",
                    help=f"only these measures ({', '.join(MEASURES)}); default all")
    ap.add_argument("--quick", action="store_true", help="fewer runs, 1/5 the providers, growth to 2x/4x")
    ap.add_argument("--no-lo", action="store_true", help="skip the LibreOffice baseline")
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    ap.add_argument("--profile", action="store_true",
                    help="only cProfile the slow parts and print the top functions")
    ap.add_argument("--docs-only", action="store_true",
                    help="rewrite docs/performance.md from the results JSON")
    ap.add_argument("--out", default=None, help="results JSON (default bench/results.json; "
                    "bench/results-quick.json with --quick or some measures only)")
    args = ap.parse_args(argv)
    partial = bool(args.measures) or args.quick
    out = Path(args.out or ROOT / "bench" / ("results-quick.json" if partial else "results.json"))
    cfg = QUICK if args.quick else FULL
    if args.docs_only:
        res = json.loads(out.read_text())
        write_docs(res)
        print(fmt_table(MAIN_HEADERS, table_rows(res)))
        return 0
    t0 = time.perf_counter()

    def log(s: str) -> None:
        print(f"[{time.perf_counter() - t0:6.1f}s] {s}", flush=True)
    if args.profile:
        print(profile(Context.build(cfg, False, log)))
        return 0
    res = run(dict(cfg), use_lo=not args.no_lo, log=log, only=args.measures or None)
    res["total_seconds"] = time.perf_counter() - t0
    main_rows = table_rows(res)
    print()
    print(fmt_table(MAIN_HEADERS, main_rows))
    res["table"] = [dict(zip(MAIN_HEADERS, r)) for r in main_rows]
    if growth.KEY in res:
        print()
        print(fmt_table(growth.HEADERS, growth.rows(res)))
        res["growth_table"] = [dict(zip(growth.HEADERS, r)) for r in growth.rows(res)]
    out.write_text(json.dumps(res, indent=1, default=str))
    if not args.no_docs and not partial:
        write_docs(res)
    print(f"\nwrote {out} in {res['total_seconds']:.0f} s")
    return 0
