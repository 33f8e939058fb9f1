"""Measure 3: loading a filled workbook (SPEC §7): ``read_workbook`` against python-calamine's raw
read, openpyxl's time beside it, and the big workbook computed end to end."""
from __future__ import annotations

from fee_core.read import read_workbook

from .context import Context
from .engine import calamine_raw, compute_argv, load_book, openpyxl_read
from .timing import clean, met, ms, subprocess_seconds, timed

KEY = "loading"


def measure(ctx: Context) -> dict:
    cfg = ctx.cfg
    path = ctx.providers_book()
    ld = {"read_workbook": clean(timed(lambda: read_workbook(path), cfg["reps"] - 2)),
          "calamine_raw": clean(timed(lambda: calamine_raw(path), cfg["reps"] - 2)),
          "load": clean(timed(lambda: load_book(path), cfg["reps_slow"])),
          "cli_e2e": clean(subprocess_seconds(compute_argv(path, ctx.tmp / "big"), cfg["reps_slow"])),
          "openpyxl_read_only": clean(timed(lambda: openpyxl_read(path), cfg["reps_openpyxl"]))}
    ctx.log(f"read_workbook {ld['read_workbook']['median']:.2f} s, calamine "
            f"{ld['calamine_raw']['median']:.2f} s, openpyxl {ld['openpyxl_read_only']['median']:.1f} s, "
            f"load {ld['load']['median']:.2f} s, cli {ld['cli_e2e']['median']:.2f} s")
    return ld


def rows(res: dict) -> list[tuple[str, str, str, str, str]]:
    L = res[KEY]
    rw, cr, op = L["read_workbook"]["median"], L["calamine_raw"]["median"], L["openpyxl_read_only"]["median"]
    load, cli = L["load"]["median"], L["cli_e2e"]["median"]
    return [
        ("3 load: fee_core.read.read_workbook", ms(rw), f"calamine {ms(cr)}", f"{rw / cr:.2f}x calamine",
         f"<= 1.2x: {met(rw / cr <= 1.2)}"),
        ("3 load: python-calamine raw to_python", ms(cr), "", "", ""),
        ("3 load: openpyxl read_only iteration", ms(op), "", f"{op / cr:.1f}x calamine", ""),
        ("3 load: engine.load (read+parse+checks)", ms(load), "openpyxl", f"{load / op:.2f}x openpyxl", ""),
        ("3 load: `fee12b1 compute` CLI e2e (big)", ms(cli), "openpyxl", f"{cli / op:.2f}x openpyxl",
         f"well under openpyxl: {met(cli < 0.5 * op)}"),
    ]
