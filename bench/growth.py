"""Measure 5: cost grows linearly (SPEC §7): accruals by fund columns (19 to 152 funds), payouts
and loading by providers, with a plain numpy gather beside the payouts as a reference."""
from __future__ import annotations

from fee_core.read import read_workbook

from .context import Context
from .engine import (
    calamine_raw,
    compute_argv,
    engine_accruals,
    engine_payouts,
    gather_reference,
    load_book,
    subset_book,
)
from .timing import ms, subprocess_seconds, timed

KEY = "growth"
HEADERS = ("growth measure", "scale", "engine median", "x of 1x", "end to end", "x of 1x")


def measure(ctx: Context) -> dict:
    cfg = ctx.cfg
    gr: dict = {"accruals": [], "payouts": [], "loading": []}
    for k in cfg["fund_copies"]:
        path = ctx.accruals_book(k)
        book = load_book(path)[0]
        e1 = timed(lambda b=book: engine_accruals(b, ctx.s10, ctx.e10), cfg["reps"] * 3)
        cli = subprocess_seconds(compute_argv(path, ctx.tmp / f"acc{k}"), max(1, cfg["reps_e2e"] - 2))
        gr["accruals"].append({"scale": k, "funds": 19 * k, "engine": e1["median"],
                               "engine_spread": e1["spread"], "cli_e2e": cli["median"]})
    big = ctx.providers_in_memory()
    base = min(cfg["provider_growth"])
    for n in cfg["provider_growth"]:
        sub = subset_book(big, n)
        grid, _ = engine_accruals(sub, ctx.s1, ctx.e1)
        e2 = timed(lambda b=sub, g=grid: engine_payouts(b, g, ctx.s1, ctx.e1), cfg["reps"])
        path = ctx.providers_book(n)
        r1 = timed(lambda p=path: read_workbook(p), max(1, cfg["reps"] - 4))
        c1 = timed(lambda p=path: calamine_raw(p), max(1, cfg["reps"] - 4))
        l1 = timed(lambda p=path: load_book(p), 1)
        gr["payouts"].append({"scale": n / base, "providers": n, "rows": n * 19 * 12,
                              "engine": e2["median"], "engine_spread": e2["spread"],
                              "numpy_gather": gather_reference(n * 19 * 12, cfg["reps"])})
        gr["loading"].append({"scale": n / base, "providers": n, "read_workbook": r1["median"],
                              "calamine_raw": c1["median"], "load": l1["median"]})
    ctx.log("growth done")
    return gr


def rows(res: dict) -> list[list[str]]:
    out = []
    g = res[KEY]
    a0 = g["accruals"][0]
    for r in g["accruals"]:
        out.append([f"accruals {r['funds']} funds", f"{r['scale']}x", ms(r["engine"]),
                    f"{r['engine'] / a0['engine']:.2f}", ms(r["cli_e2e"]),
                    f"{r['cli_e2e'] / a0['cli_e2e']:.2f}"])
    p0 = g["payouts"][0]
    for r in g["payouts"]:
        out.append([f"payouts {r['providers']} providers ({r['rows']:,} rows)", f"{r['scale']:g}x",
                    ms(r["engine"]), f"{r['engine'] / p0['engine']:.2f}",
                    f"numpy gather {ms(r['numpy_gather'])}", f"{r['numpy_gather'] / p0['numpy_gather']:.2f}"])
    l0 = g["loading"][0]
    for r in g["loading"]:
        out.append([f"read_workbook / calamine, {r['providers']} providers", f"{r['scale']:g}x",
                    f"{ms(r['read_workbook'])} / {ms(r['calamine_raw'])}",
                    f"{r['read_workbook'] / l0['read_workbook']:.2f}",
                    f"load {ms(r['load'])}", f"{r['load'] / l0['load']:.2f}"])
    return out
