"""The fee12b1 Excel functions (SPEC §9): classic xlwings UDFs over ``fee_core``.

List this module (``addin.udfs``) under ``UDF Modules`` in the add-in's configuration; the
functions appear in Excel under the category ``fee12b1``.  Each function converts its arguments
(``addin.convert``), computes through ``fee_core`` (``fee_core.single_figures`` for single figures,
``fee_core.engine`` for tables), and converts the answer back.  No fee rule lives here.

Argument names are VBA identifiers (the generated VBA wrapper declares them): SPEC's ``end``
and ``date`` are VBA keywords, so they are ``end_date`` and ``fee_date`` here, same meaning.

Every argument is taken with ``convert='raw'``: xlwings passes COM's values untouched, so a
recalculation that finds its answer in the cache does no per-cell work at all.

Answers:
* bad input gives a short text ``#argument: problem`` (SPEC §9; never a number, never a
  traceback); anything unexpected is logged with its traceback (logger ``fee12b1.addin``)
  and gives ``#error: ...``;
* an argument holding an Excel error (``#N/A``, ``#SPILL!``, ``#CALC!`` ...) gives that same
  error as a real Excel error value, as Excel's own functions do (``addin.xlerrors``);
* answers are cached on the argument values (``addin.cache``), so a workbook of cells over the
  same NAV range recalculates fast and a repeated recalculation is served from the cache.
"""
from __future__ import annotations

import logging

import xlwings as xw

from fee_core import single_figures as cells
from fee_core.contract import (
    ACCRUAL_COLUMNS,
    CHECK_COLUMNS,
    DAY_COUNTS,
    OUTPUT_PERIODS,
    PAYOUT_COLUMNS,
    ROUNDINGS,
    Settings,
)
from fee_core.errors import ArgumentError

from . import tables as T
from .cache import Cache, Fingerprints, cells_in, memo
from .convert import (
    ErrorValue,
    cell_value,
    frame_rows,
    nav_columns,
    raw_table,
    rows_of,
    to_choice,
    to_date,
    to_decimal,
)
from .xlerrors import excel_error

log = logging.getLogger("fee12b1.addin")

# (function, argument fingerprints) -> answer: up to 50,000 answers / 4 M answer cells
RESULTS = Cache(max_entries=50_000, max_cells=4_000_000)
# each distinct range value held once (up to 4 M cells), named by a number in the keys
FINGERPRINTS = Fingerprints(max_cells=4_000_000)
# (nav_dates, nav_values) fingerprints -> NavSeries
SERIES = Cache(max_entries=64, max_cells=64)

DAY_COUNT, ROUNDING, SERVICE_CAP = (Settings().day_count, Settings().rounding,
                                    Settings().service_fee_cap)
# The periods of the table functions: exactly the command line's ``--by`` choices (SPEC §8), so a
# spilled table and ``fee12b1 compute --by`` give the same rows.
BY_CHOICES = OUTPUT_PERIODS
# accruals.csv without service fees (FEE_ACCRUALS has no provider tables)
ACCRUAL_CELL_COLUMNS = ACCRUAL_COLUMNS[:ACCRUAL_COLUMNS.index("plan_fee") + 1]
# fee_core argument names that are spelled differently here (VBA keywords)
ARG_NAMES = {"end": "end_date", "date": "fee_date"}
MAX_TEXT = 255

_MISS = object()

RAW = {"convert": "raw"}  # every argument: COM's value as is, converted in addin.convert


def clear_caches() -> None:
    """Forget every cached answer, range and NAV series (and the hit counts)."""
    RESULTS.clear()
    FINGERPRINTS.clear()
    SERIES.clear()


def _table_answer(name: str, args: tuple, compute):
    """``_answer`` for a table function (``@xw.ret('raw')``): always a list of rows, a message
    or an error as a 1x1 table."""
    value = _answer(name, args, compute)
    return value if isinstance(value, list) else [[value]]


def _answer(name: str, args: tuple, compute):
    """The cell's answer, cached by argument values (``compute(key)`` on a miss; ``key`` holds
    the arguments' fingerprints).  Bad input -> '#argument: problem'; an argument holding an
    Excel error -> that error."""
    try:
        key = FINGERPRINTS.key(name, args)
        value = RESULTS.get(key, _MISS)
        if value is _MISS:
            try:
                value = compute(key)
            except ArgumentError as e:
                value = _clip(f"#{ARG_NAMES.get(e.name, e.name)}: {e.problem}")
            except ErrorValue as e:
                value = excel_error(e.code)
            except T.DataErrors as e:
                value = _data_text(e.findings)
            RESULTS.put(key, value, cells_in(value))
        return [list(r) for r in value] if isinstance(value, list) else value
    except Exception as e:  # never a traceback in a cell
        log.exception("%s failed", name)
        return _clip(f"#error: {type(e).__name__}: {e}")


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _data_text(findings) -> str:
    if not findings:
        return "#data: errors in the data; see FEE_CHECKS"
    f = findings[0]
    arg = T.ARGUMENT_OF_TABLE.get(f.location.table, "data")
    more = f" (+{len(findings) - 1} more errors; see FEE_CHECKS)" if len(findings) > 1 else ""
    head = f"#{arg}: "
    return head + _clip(f.message)[:MAX_TEXT - len(head) - len(more)] + more


def _series(nav_dates, nav_values, fingerprints) -> cells.NavSeries:
    """The NAV series of two ranges, built once per distinct pair of range values
    (``fingerprints``: theirs, from the answer's key)."""
    def build():
        dates, values = nav_columns(nav_dates, nav_values)
        return cells.NavSeries(dates, values)
    return memo(SERIES, tuple(fingerprints), build, weight=lambda _: 1)


def _period(start, end_date):
    return to_date("start", start), to_date("end_date", end_date)


# --------------------------------------------------------------------------- single figures
@xw.func(category="fee12b1")
@xw.arg("rate", doc="Annual plan rate as a fraction (0.45% = 0.0045).", **RAW)
@xw.arg("net_assets", doc="Class K net assets of the day, in dollars.", **RAW)
@xw.arg("fee_date", doc="The calendar day (a date).", **RAW)
@xw.arg("day_count", doc="Actual/Actual (default) or Actual/365.", **RAW)
def FEE_DAILY(rate, net_assets, fee_date, day_count=None):
    """One day's plan fee, unrounded: rate x net assets / days in the year."""
    def compute(key):
        fee = cells.daily_fee(to_decimal("rate", rate), to_decimal("net_assets", net_assets),
                              to_date("fee_date", fee_date),
                              to_choice("day_count", day_count, DAY_COUNTS, DAY_COUNT))
        return float(fee)
    return _answer("FEE_DAILY", (rate, net_assets, fee_date, day_count), compute)


@xw.func(category="fee12b1")
@xw.arg("nav_dates", doc="NAV dates, one column, oldest first.", **RAW)
@xw.arg("nav_values", doc="Net assets beside nav_dates, one column.", **RAW)
@xw.arg("start", doc="First day of the period.", **RAW)
@xw.arg("end_date", doc="Last day of the period.", **RAW)
def FEE_ADNA(nav_dates, nav_values, start, end_date):
    """Average daily net assets over the calendar days of [start, end_date], NAV carried forward."""
    def compute(key):
        series = _series(nav_dates, nav_values, key[1:3])
        return float(cells.adna(series, *_period(start, end_date)))
    return _answer("FEE_ADNA", (nav_dates, nav_values, start, end_date), compute)


@xw.func(category="fee12b1")
@xw.arg("rate", doc="Annual plan rate as a fraction (0.45% = 0.0045).", **RAW)
@xw.arg("nav_dates", doc="NAV dates, one column, oldest first.", **RAW)
@xw.arg("nav_values", doc="Net assets beside nav_dates, one column.", **RAW)
@xw.arg("start", doc="First day of the period.", **RAW)
@xw.arg("end_date", doc="Last day of the period.", **RAW)
@xw.arg("day_count", doc="Actual/Actual (default) or Actual/365.", **RAW)
@xw.arg("rounding", doc="Period (default: round the sum) or Daily (round each day).", **RAW)
def FEE_PERIOD(rate, nav_dates, nav_values, start, end_date, day_count=None, rounding=None):
    """Plan fee in dollars for [start, end_date] at one constant rate, rounded to cents."""
    def compute(key):
        r = to_decimal("rate", rate)
        series = _series(nav_dates, nav_values, key[2:4])
        s, e = _period(start, end_date)
        fee = cells.period_fee(r, series, s, e,
                               to_choice("day_count", day_count, DAY_COUNTS, DAY_COUNT),
                               to_choice("rounding", rounding, ROUNDINGS, ROUNDING))
        return float(fee)
    return _answer("FEE_PERIOD", (rate, nav_dates, nav_values, start, end_date, day_count,
                                  rounding), compute)


@xw.func(category="fee12b1")
@xw.arg("provider_rate", doc="The provider's agreed service fee rate (fraction).", **RAW)
@xw.arg("fund_rate", doc="The fund's Schedule B rate (fraction).", **RAW)
@xw.arg("cap", doc="Service fee cap, default 0.25%.", **RAW)
def FEE_SERVICE_RATE(provider_rate, fund_rate, cap=None):
    """Service fee rate applied: the least of provider rate, cap and fund rate."""
    def compute(key):
        return float(cells.service_rate(to_decimal("provider_rate", provider_rate),
                                        to_decimal("fund_rate", fund_rate),
                                        to_decimal("cap", cap, SERVICE_CAP)))
    return _answer("FEE_SERVICE_RATE", (provider_rate, fund_rate, cap), compute)


@xw.func(category="fee12b1")
@xw.arg("provider_rate", doc="The provider's agreed service fee rate (fraction).", **RAW)
@xw.arg("fund_rate", doc="The fund's Schedule B rate (fraction).", **RAW)
@xw.arg("attributable_assets", doc="Average net assets of the provider's customers.", **RAW)
@xw.arg("start", doc="First day of the period.", **RAW)
@xw.arg("end_date", doc="Last day of the period.", **RAW)
@xw.arg("cap", doc="Service fee cap, default 0.25%.", **RAW)
@xw.arg("day_count", doc="Actual/Actual (default) or Actual/365.", **RAW)
@xw.arg("rounding", doc="Period (default) or Daily.", **RAW)
def FEE_SERVICE(provider_rate, fund_rate, attributable_assets, start, end_date, cap=None,
                day_count=None, rounding=None):
    """One provider's service fee in dollars for one fund and period."""
    def compute(key):
        pr, fr = to_decimal("provider_rate", provider_rate), to_decimal("fund_rate", fund_rate)
        assets = to_decimal("attributable_assets", attributable_assets)
        s, e = _period(start, end_date)
        fee = cells.service_fee(pr, fr, assets, s, e, to_decimal("cap", cap, SERVICE_CAP),
                                to_choice("day_count", day_count, DAY_COUNTS, DAY_COUNT),
                                to_choice("rounding", rounding, ROUNDINGS, ROUNDING))
        return float(fee)
    return _answer("FEE_SERVICE", (provider_rate, fund_rate, attributable_assets, start, end_date,
                                   cap, day_count, rounding), compute)


# --------------------------------------------------------------------------- tables
def _tables(**given) -> dict:
    """Table arguments -> RawTables by contract name (an omitted optional table is empty)."""
    return {table: raw_table(arg, table, v)
            for table, arg in T.ARGUMENT_OF_TABLE.items()
            if not _blank(v := given.get(arg))}


def _blank(v) -> bool:
    """An omitted optional table (or an empty cell given for it)."""
    return all(cell_value(x) is None for row in rows_of(v) for x in row)


def _by(by) -> str:
    return to_choice("by", by, BY_CHOICES, "month")


@xw.func(category="fee12b1")
@xw.ret("raw")  # rows made ready by addin.convert.excel_value
@xw.arg("schedule_a", doc="ScheduleA[#All]: the table with its header row.", **RAW)
@xw.arg("schedule_b", doc="ScheduleB[#All].", **RAW)
@xw.arg("plan_events", doc="PlanEvents[#All].", **RAW)
@xw.arg("nav", doc="NAV[#All]: Date, then one column per fund.", **RAW)
@xw.arg("settings", doc="Settings[#All]: the period and rules.", **RAW)
@xw.arg("by", doc="month (default), quarter or period (the Settings period).", **RAW)
@xw.arg("fund_names", doc="FundNames[#All] (former names), optional.", **RAW)
def FEE_ACCRUALS(schedule_a, schedule_b, plan_events, nav, settings, by=None, fund_names=None):
    """Spills accruals.csv without service fees: fund, period, days, ADNA, plan fee."""
    args = (schedule_a, schedule_b, plan_events, nav, settings, by, fund_names)

    def compute(key):
        tables = _tables(schedule_a=schedule_a, schedule_b=schedule_b, plan_events=plan_events,
                         nav=nav, settings=settings, fund_names=fund_names)
        return frame_rows(T.accruals(tables, _by(by)), ACCRUAL_CELL_COLUMNS)
    return _table_answer("FEE_ACCRUALS", args, compute)


@xw.func(category="fee12b1")
@xw.ret("raw")  # rows made ready by addin.convert.excel_value
@xw.arg("providers", doc="Providers[#All].", **RAW)
@xw.arg("provider_assets", doc="ProviderAssets[#All].", **RAW)
@xw.arg("schedule_a", doc="ScheduleA[#All].", **RAW)
@xw.arg("schedule_b", doc="ScheduleB[#All].", **RAW)
@xw.arg("plan_events", doc="PlanEvents[#All].", **RAW)
@xw.arg("settings", doc="Settings[#All].", **RAW)
@xw.arg("by", doc="month (default), quarter or period (the Settings period).", **RAW)
@xw.arg("fund_names", doc="FundNames[#All], optional.", **RAW)
def FEE_PAYOUTS(providers, provider_assets, schedule_a, schedule_b, plan_events, settings,
                by=None, fund_names=None):
    """Spills payouts.csv: provider, fund, period, attributable assets, rate, capped, service fee."""
    args = (providers, provider_assets, schedule_a, schedule_b, plan_events, settings, by,
            fund_names)

    def compute(key):
        tables = _tables(providers=providers, provider_assets=provider_assets,
                         schedule_a=schedule_a, schedule_b=schedule_b, plan_events=plan_events,
                         settings=settings, fund_names=fund_names)
        return frame_rows(T.payouts(tables, _by(by)), PAYOUT_COLUMNS)
    return _table_answer("FEE_PAYOUTS", args, compute)


@xw.func(category="fee12b1")
@xw.ret("raw")  # rows made ready by addin.convert.excel_value
@xw.arg("schedule_a", doc="ScheduleA[#All].", **RAW)
@xw.arg("schedule_b", doc="ScheduleB[#All].", **RAW)
@xw.arg("plan_events", doc="PlanEvents[#All].", **RAW)
@xw.arg("nav", doc="NAV[#All].", **RAW)
@xw.arg("settings", doc="Settings[#All].", **RAW)
@xw.arg("providers", doc="Providers[#All], optional.", **RAW)
@xw.arg("provider_assets", doc="ProviderAssets[#All], optional.", **RAW)
@xw.arg("fund_names", doc="FundNames[#All], optional.", **RAW)
def FEE_CHECKS(schedule_a, schedule_b, plan_events, nav, settings, providers=None,
               provider_assets=None, fund_names=None):
    """Spills the findings on the tables: severity, code, location, message."""
    args = (schedule_a, schedule_b, plan_events, nav, settings, providers, provider_assets,
            fund_names)

    def compute(key):
        tables = _tables(schedule_a=schedule_a, schedule_b=schedule_b, plan_events=plan_events,
                         nav=nav, settings=settings, providers=providers,
                         provider_assets=provider_assets, fund_names=fund_names)
        return frame_rows(T.checks(tables), CHECK_COLUMNS)
    return _table_answer("FEE_CHECKS", args, compute)
