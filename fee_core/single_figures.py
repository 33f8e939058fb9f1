"""Single-figure rules for spreadsheet cells (SPEC §9), on plain values.

These are the rules of SPEC §4 for one fund, one rate and one provider, written on the same
primitives as the engine (``money``, ``rules``) so a cell and the command line agree to the
cent.  Arguments are already typed (the add-in converts cells); bad arguments raise
``errors.ArgumentError`` naming the argument.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np

from .compute.accruals import fee_cents
from .contract import DAY_COUNTS, ROUNDINGS
from .errors import ArgumentError
from .model import AMOUNT_SCALE
from .money import cents_to_decimal, div_half_up, rate_units
from .parse import to_units
from .rules import d64, days_in_year


def _check_choice(name, value, choices):
    if value not in choices:
        raise ArgumentError(name, f"must be {' or '.join(choices)}")


def _check_rate(name: str, rate: Decimal) -> None:
    if rate < 0:
        raise ArgumentError(name, "negative rate")
    if rate >= 1:
        raise ArgumentError(name, "rate must be a fraction (0.45% = 0.0045)")


def year_days(d: date, day_count: str = "Actual/Actual") -> int:
    """Y(d) of SPEC §4."""
    _check_choice("day_count", day_count, DAY_COUNTS)
    return int(days_in_year(np.array([d64(d)]), day_count)[0])


def daily_fee(rate: Decimal, net_assets: Decimal, d: date, day_count: str = "Actual/Actual") -> Fraction:
    """fee(f,d) = r × NA / Y(d), exact (SPEC §4 rule 2), unrounded."""
    _check_rate("rate", rate)
    if net_assets < 0:
        raise ArgumentError("net_assets", "negative net assets")
    return Fraction(rate) * Fraction(net_assets) / year_days(d, day_count)


class NavSeries:
    """One fund's NAV history: sorted dates (datetime64[D]) and values in units, for
    carry-forward lookups.  Built once per distinct range (the add-in caches it)."""

    def __init__(self, dates, values):
        dates = np.asarray(dates, dtype="datetime64[D]")
        vals = np.asarray(values, dtype=float)
        if len(dates) != len(vals):
            raise ArgumentError("nav_values", "not the same length as nav_dates")
        if len(dates) == 0:
            raise ArgumentError("nav_dates", "empty")
        if np.isnat(dates).any():
            raise ArgumentError("nav_dates", "blank or not a date")
        if np.isnan(vals).any():
            raise ArgumentError("nav_values", "blank or not a number")
        if (vals < 0).any():
            raise ArgumentError("nav_values", "negative net assets")
        if (np.diff(dates.astype(np.int64)) <= 0).any():
            raise ArgumentError("nav_dates", "not in increasing date order (or duplicated)")
        self.dates = dates
        self.units, _ = to_units(vals)

    def daily(self, start: date, end: date) -> tuple[np.ndarray, np.ndarray]:
        """(days, NA units per calendar day of [start, end]) with carry-forward."""
        if end < start:
            raise ArgumentError("end_date", "before start")
        days = np.arange(d64(start), d64(end) + 1, dtype="datetime64[D]")
        idx = np.searchsorted(self.dates, days, side="right") - 1
        if idx[0] < 0:
            raise ArgumentError("start", f"no NAV on or before {start}")
        return days, self.units[idx]


def adna(series: NavSeries, start: date, end: date) -> Decimal:
    """ADNA over the calendar days of [start, end] (SPEC §4 rule 3), to the cent."""
    days, na = series.daily(start, end)
    return cents_to_decimal(div_half_up(int(na.astype(object).sum()), len(days) * (AMOUNT_SCALE // 100)))


def _fee_cents(r_units: int, days: np.ndarray, amounts: np.ndarray, day_count: str, rounding: str) -> int:
    """One fund's fee over ``days`` at one rate: the engine's kernel with one group."""
    n = len(days)
    year = days.astype("datetime64[Y]").astype(np.int64)
    return int(fee_cents(np.zeros(n, np.int64), amounts.astype(np.int64), np.full(n, r_units, np.int64),
                         days_in_year(days, day_count), year, 1, rounding)[0])


def period_fee(rate: Decimal, series: NavSeries, start: date, end: date,
               day_count: str = "Actual/Actual", rounding: str = "Period") -> Decimal:
    """Period plan fee for one constant rate (SPEC §4 rule 2), rounded per ``rounding``."""
    _check_rate("rate", rate)
    _check_choice("day_count", day_count, DAY_COUNTS)
    _check_choice("rounding", rounding, ROUNDINGS)
    days, na = series.daily(start, end)
    return cents_to_decimal(_fee_cents(rate_units(rate), days, na, day_count, rounding))


def service_rate(provider_rate: Decimal, fund_rate: Decimal, cap: Decimal = Decimal("0.0025")) -> Decimal:
    """min(provider rate, cap, fund rate) (SPEC §4 rule 4)."""
    _check_rate("provider_rate", provider_rate)
    _check_rate("fund_rate", fund_rate)
    _check_rate("cap", cap)
    return min(provider_rate, cap, fund_rate)


def service_fee(provider_rate: Decimal, fund_rate: Decimal, assets: Decimal, start: date, end: date,
                cap: Decimal = Decimal("0.0025"), day_count: str = "Actual/Actual",
                rounding: str = "Period") -> Decimal:
    """One provider's service fee for one fund over [start, end] with constant attributable
    average net assets (SPEC §4 rules 4-5)."""
    r = service_rate(provider_rate, fund_rate, cap)
    _check_choice("day_count", day_count, DAY_COUNTS)
    _check_choice("rounding", rounding, ROUNDINGS)
    if assets < 0:
        raise ArgumentError("attributable_assets", "negative assets")
    if end < start:
        raise ArgumentError("end_date", "before start")
    days = np.arange(d64(start), d64(end) + 1, dtype="datetime64[D]")
    units, _ = to_units(np.array([float(assets)]))
    amounts = np.full(len(days), units[0])
    return cents_to_decimal(_fee_cents(rate_units(r), days, amounts, day_count, rounding))
