"""Measure 4: a UDF call over the whole 10-year NAV range of one fund (SPEC §7: under 20 ms
after the first call), through the add-in's functions and through fee_core alone."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from fee_core import single_figures

from . import data as D
from .context import Context
from .timing import clean, met, ms, timed

KEY = "udf"


def measure(ctx: Context) -> dict:
    tables = D.make_tables(ctx.first_year, ctx.e10.year)
    return udf_measure(tables["NAV"], ctx.s10, ctx.e10, ctx.cfg["udf_reps"])


def udf_measure(nav_table, s10: date, e10: date, reps: int) -> dict:
    """FEE_PERIOD / FEE_ADNA over [s10, e10] of the first fund of ``nav_table``."""
    name = nav_table.headers[1]
    pairs = [(d, v) for d, v in zip(nav_table.columns["Date"], nav_table.columns[name]) if v is not None]
    xl_dates = tuple((datetime(d.year, d.month, d.day),) for d, _ in pairs)   # as Excel passes a range
    xl_vals = tuple((float(v),) for _, v in pairs)
    out: dict = {"rows": len(pairs), "fund": name}
    from addin import udfs
    out["source"] = "addin.udfs (FEE_PERIOD/FEE_ADNA called directly with tuples of tuples)"
    s, e = datetime(s10.year, s10.month, s10.day), datetime(e10.year, e10.month, e10.day)

    def clear():
        udfs.clear_caches()

    def period():
        return udfs.FEE_PERIOD(0.0045, xl_dates, xl_vals, s, e)

    def adna():
        return udfs.FEE_ADNA(xl_dates, xl_vals, s, e)
    out["period_cold"] = clean(timed(period, reps, setup=clear))
    period()
    out["period_warm"] = clean(timed(period, reps))
    # warm NAV series, a new period end each call (a sheet of cells over the same range)
    ends = iter([datetime(e10.year, 6, 1 + k % 28) for k in range(10 * reps)])
    out["period_series_warm_new_args"] = clean(
        timed(lambda: udfs.FEE_PERIOD(0.0045, xl_dates, xl_vals, s, next(ends)), reps))
    out["adna_cold"] = clean(timed(adna, reps, setup=clear))
    adna()
    out["adna_warm"] = clean(timed(adna, reps))
    out["value_period"], out["value_adna"] = period(), adna()
    if not isinstance(out["value_period"], float):
        raise RuntimeError(f"FEE_PERIOD returned {out['value_period']!r}, not a number")
    # the fee_core part alone
    dates = [d for d, _ in pairs]
    vals = [float(v) for _, v in pairs]
    out["cells_build_series"] = clean(timed(lambda: single_figures.NavSeries(dates, vals), reps))
    series = single_figures.NavSeries(dates, vals)
    rate = Decimal("0.0045")
    out["cells_period_fee"] = clean(timed(lambda: single_figures.period_fee(rate, series, s10, e10), reps))
    out["cells_adna"] = clean(timed(lambda: single_figures.adna(series, s10, e10), reps))
    out["cells_value_period"] = float(single_figures.period_fee(rate, series, s10, e10))
    return out


def rows(res: dict) -> list[tuple[str, str, str, str, str]]:
    u = res[KEY]
    w, new = u["period_warm"]["median"], u["period_series_warm_new_args"]["median"]
    return [
        (f"4 UDF FEE_PERIOD cold ({u['rows']} rows)", ms(u["period_cold"]["median"]), "", "", ""),
        ("4 UDF FEE_PERIOD warm (same args)", ms(w), "", "", f"< 20 ms: {met(w < 0.02)}"),
        ("4 UDF FEE_PERIOD warm series, new period", ms(new), "", "", f"< 20 ms: {met(new < 0.02)}"),
        ("4 UDF FEE_ADNA cold / warm", f"{ms(u['adna_cold']['median'])} / {ms(u['adna_warm']['median'])}",
         "", "", ""),
        ("4 fee_core: NavSeries build / period_fee / adna",
         f"{ms(u['cells_build_series']['median'])} / {ms(u['cells_period_fee']['median'])} / "
         f"{ms(u['cells_adna']['median'])}", "", "", ""),
    ]
