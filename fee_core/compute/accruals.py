"""Accruals (SPEC §4 rules 2-3): the period plan fee and the average daily net assets per fund
and period, on the daily grid."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import arrays
from ..model import AMOUNT_SCALE
from ..money import cents_of_terms, div_half_up, div_half_up_array
from ..rules import Grid
from .periods import period_index, year_index


@dataclass(frozen=True)
class PlanFees:
    """Per (fund, period) with at least one day in the plan: ``fund`` index, ``period`` index,
    days in the plan, ADNA cents, plan fee cents, and the asset-based sales charge limit in
    cents (cap × Σ NA/Y under the same rounding rule)."""

    fund: np.ndarray
    period: np.ndarray
    days: np.ndarray
    adna: np.ndarray
    fee: np.ndarray
    absc_limit: np.ndarray


def fee_cents(group: np.ndarray, na: np.ndarray, rate: np.ndarray, y: np.ndarray, year: np.ndarray,
              n_groups: int, rounding: str) -> np.ndarray:
    """SPEC §4 rule 2: per group, Σ rate·NA/Y over its days, in cents, under the rounding rule:
    the exact sum rounded once (Period), or each day's fee rounded and the cents added (Daily).

    One entry per day: ``group`` (sorted: a group's days together), net assets ``na`` (units),
    ``rate`` (rate units), ``y`` (days in the year), ``year`` (a key per calendar year).  Under
    Period rounding each run of days with the same (group, year, rate) is one term carrying the
    exact int64 sum of its net assets (a rate that comes back later starts another term: the sum
    is the same)."""
    if rounding == "Daily":
        day_cents = cents_of_terms(np.arange(len(group)), na, rate, y, len(group))
        out = np.zeros(n_groups, np.int64)
        np.add.at(out, group, day_cents)
        return out
    if not len(group):
        return np.zeros(n_groups, np.int64)
    b = np.nonzero(arrays.run_starts(group, year, rate))[0]
    return cents_of_terms(group[b], np.add.reduceat(na, b), rate[b], y[b], n_groups)


def plan_fees(grid: Grid, pers, rounding: str, absc_cap_units: int) -> PlanFees:
    """SPEC §4 rules 2-3: period plan fee Σ r·NA/Y rounded half up to cents (or each day
    rounded, Rounding=Daily), and ADNA over the days the fund is in the plan."""
    pid, _ = period_index(grid, pers)
    F, D = grid.rate.shape
    n_p = len(pers)
    fi, di = np.nonzero(grid.rate > 0)                    # in-plan (fund, day), fund-major
    fp = fi * n_p + pid[di]                               # (fund, period) key, sorted
    r = grid.rate[fi, di]
    na = grid.na[fi, di]
    y = grid.y[di]
    yr = year_index(grid)[di]
    keys = np.unique(fp)
    ngroups = len(keys)
    group = np.searchsorted(keys, fp)
    days = np.bincount(group, minlength=ngroups).astype(np.int64)

    fee = fee_cents(group, na, r, y, yr, ngroups, rounding)
    # the asset-based sales charge limit: cap × Σ NA/Y over the in-plan days, same rounding
    limit = fee_cents(group, na, np.full(len(r), absc_cap_units, np.int64), y, yr, ngroups, rounding)
    # ADNA: exact sum over the group, half up to cents; int64 while no sum can overflow it,
    # Python ints otherwise (a multi-year period of trillion-dollar assets)
    if not ngroups:
        adna = np.zeros(0, np.int64)
    elif int(na.max()) * int(days.max()) < 2 ** 62:
        starts = np.nonzero(arrays.run_starts(group))[0]   # group is sorted
        adna = div_half_up_array(np.add.reduceat(na, starts), days * (AMOUNT_SCALE // 100))
    else:
        tot = np.zeros(ngroups, object)
        np.add.at(tot, group, na.astype(object))
        adna = np.array([div_half_up(int(t), int(n) * (AMOUNT_SCALE // 100))
                         for t, n in zip(tot, days)], np.int64)
    return PlanFees(keys // n_p, keys % n_p, days, adna, fee, limit)
