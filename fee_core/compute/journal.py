"""The funds' daily accrual entries of the payment run's journal (SPEC §6 "The payment run").

Each fund accrues its plan fee every calendar day it is in the plan (SPEC §4 rule 2).  The
journal books a day's fee on the NYSE session whose NAV includes it: a session's entry covers
that day and the following closed days of the same month; closed days that open a month are
booked on the month's first session.  Each entry is rounded half up to cents (under
Rounding=Daily, the sum of its days' rounded fees), and the fund's last entry of the month
absorbs the rounding difference, so that the entries of a fund-month add up exactly to that
month's plan fee (the ``accruals.csv`` figure).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import arrays
from ..calendar import sessions
from ..money import cents_of_terms
from ..rules import Grid, to_date
from .accruals import PlanFees
from .periods import period_index


@dataclass(frozen=True)
class AccrualEntries:
    """One entry per (fund, booking session) with a day in the plan, in (fund, date) order.

    fund: fund index; month: month index (into the months given); date: the booking session
    (datetime64[D]); first, last: the first and last calendar day the entry covers; cents: the
    amount (int64, may be 0; negative only when a month's last entry absorbs more than it
    holds); adjustment: the rounding difference the entry absorbed (0 except on a fund-month's
    last entry)."""

    fund: np.ndarray
    month: np.ndarray
    date: np.ndarray
    first: np.ndarray
    last: np.ndarray
    cents: np.ndarray
    adjustment: np.ndarray


def booking_dates(days: np.ndarray) -> np.ndarray:
    """Per calendar day (datetime64[D], ascending): the NYSE session on which its accrual is
    booked -- the latest session on or before the day in the same month, else (closed days
    opening a month) the month's first session.  Raises ValueError outside the NYSE calendar."""
    if len(days) == 0:
        return days.copy()
    month = days.astype("datetime64[M]")
    first = month[0].astype("datetime64[D]")
    last = (month[-1] + 1).astype("datetime64[D]") - 1
    ses = sessions(to_date(first), to_date(last))
    i = np.searchsorted(ses, days, side="right") - 1
    same = i >= 0
    same[same] = ses[i[same]].astype("datetime64[M]") == month[same]
    j = np.searchsorted(ses, month.astype("datetime64[D]"), side="left")
    if bool((j >= len(ses)).any()) or bool((ses[np.minimum(j, len(ses) - 1)].astype("datetime64[M]")
                                           != month).any()):
        raise ValueError("a month without an NYSE session")
    return np.where(same, ses[np.maximum(i, 0)], ses[j])


def accrual_entries(grid: Grid, months: list, fees: PlanFees, rounding: str) -> AccrualEntries:
    """The funds' accrual entries over the grid's days (SPEC §6): ``months`` are the calendar
    months of the grid (clipped to it), ``fees`` their plan fees from ``plan_fees(grid,
    months, ...)``; the fund-month's last entry absorbs ``plan fee − Σ rounded entries``."""
    pid, _ = period_index(grid, months)
    booked = booking_dates(grid.days)
    base = grid.days[0] - np.timedelta64(40, "D")          # booking dates may precede the grid
    span = int((booked[-1] - base).astype(np.int64)) + 1 if len(booked) else 1
    fi, di = np.nonzero(grid.rate > 0)                      # fund-major, days ascending
    if len(fi) == 0:
        z = np.zeros(0, np.int64)
        d = np.zeros(0, "datetime64[D]")
        return AccrualEntries(z, z, d, d, d, z, z)
    key = fi * span + (booked[di] - base).astype(np.int64)   # sorted: booking dates are monotone
    new = arrays.run_starts(key)
    starts = np.nonzero(new)[0]
    group = np.cumsum(new) - 1
    n = len(starts)
    na, w, y = grid.na[fi, di], grid.rate[fi, di], grid.y[di]
    if rounding == "Daily":
        cents = np.zeros(n, np.int64)
        np.add.at(cents, group, cents_of_terms(np.arange(len(fi)), na, w, y, len(fi)))
    else:
        cents = cents_of_terms(group, na, w, y, n)
    ends = np.r_[starts[1:], len(fi)] - 1
    e_fund, e_month = fi[starts], pid[di[starts]]
    # the fund-month's plan fee, and its last entry (entries are in (fund, date) order)
    n_m = len(months)
    plan = np.zeros(len(grid.funds) * n_m, np.int64)
    plan[fees.fund * n_m + fees.period] = fees.fee
    fm = e_fund * n_m + e_month
    last_of_fm = np.r_[fm[1:] != fm[:-1], True]
    total = np.zeros(len(plan), np.int64)
    np.add.at(total, fm, cents)
    adjustment = np.where(last_of_fm, plan[fm] - total[fm], 0)
    return AccrualEntries(e_fund, e_month, booked[di[starts]], grid.days[di[starts]],
                          grid.days[di[ends]], cents + adjustment, adjustment)
