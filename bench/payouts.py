"""Measure 2: payouts for 5,000 providers x 19 funds x 12 monthly Provider Assets rows (1.14 M
rows, SPEC §7): the engine's service fees and payments, their peak memory, the naive route.
1.14 M rows do not fit one Excel sheet, so the Book is parsed from the tables in memory."""
from __future__ import annotations

from fee_core.engine import run

from .context import Context
from .engine import engine_accruals, engine_payouts, naive_times, payouts_memory
from .timing import clean, met, ms, timed

KEY = "payouts"


def measure(ctx: Context) -> dict:
    cfg = ctx.cfg
    book = ctx.providers_in_memory()
    grid, _ = engine_accruals(book, ctx.s1, ctx.e1)
    m = timed(lambda: engine_payouts(book, grid, ctx.s1, ctx.e1), cfg["reps"])
    sf, pm = m.pop("_result")
    pay: dict = {"engine": m, "rows": int(len(book.provider_assets)), "payout_rows": int(len(sf.fee)),
                 "payment_rows": len(pm)}
    pay["tables_2010"] = clean(timed(lambda: run(book, [], ctx.s1, ctx.e1, "month"), cfg["reps_slow"]))
    pay["memory"] = payouts_memory(book, ctx.tmp, ctx.s1, ctx.e1)
    ctx.log(f"payouts engine {pay['engine']['median']:.3f} s; memory {pay['memory']}")
    ns = cfg["naive_sample"]
    none = naive_times(ctx.one_year_book(0), 1)
    some = naive_times(ctx.one_year_book(ns), max(1, cfg["reps_slow"]))
    per = max(some["compute"] - none["compute"], 0.0)
    pay["naive_sample"] = {"providers": ns, "compute": some["compute"], "accruals_only": none["compute"],
                           "payouts": per, "extrapolated": per * cfg["providers"] / ns}
    ctx.log(f"naive payouts {ns} providers {per:.2f} s -> {cfg['providers']}: "
            f"{per * cfg['providers'] / ns:.0f} s (extrapolated)")
    return pay


def rows(res: dict) -> list[tuple[str, str, str, str, str]]:
    p = res[KEY]
    pe = p["engine"]["median"]
    out = [(f"2 payouts: service_fees+payments ({p['rows']:,} rows)", ms(pe), "", "",
            f"< 0.5 s: {met(pe < 0.5)}"),
           ("2 payouts: engine.run 2010 (grid, checks, tables)", ms(p["tables_2010"]["median"]), "", "", "")]
    mem = p["memory"]
    if "peak_delta" in mem:
        pk = mem["peak_delta"] if mem.get("peak_delta") is not None else mem.get("tracemalloc_peak")
        out.append(("2 payouts: peak RSS growth of the step", f"{pk / 2**20:,.0f} MiB",
                    f"tracemalloc {mem['tracemalloc_peak'] / 2**20:,.0f} MiB; process peak "
                    f"{mem['peak_rss'] / 2**20:,.0f} MiB", "",
                    f"< 1 GB: {met(max(pk, mem['tracemalloc_peak']) < 2**30)}"))
    ns = p["naive_sample"]
    out += [(f"2 naive payouts ({ns['providers']} providers, measured)", ms(ns["payouts"]), "", "", ""),
            (f"2 naive payouts extrapolated to {res['config']['providers']}", ms(ns["extrapolated"]),
             "engine", f"{ns['extrapolated'] / pe:,.0f}x slower", "")]
    return out
