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

    def fee_cents(w: np.ndarray) -> np.ndarray:
        """Σ w·NA/Y per (fund, period) under the rounding rule, w a rate per in-plan day."""
        if rounding == "Daily":
            day_cents = cents_of_terms(np.arange(len(fi)), na, w, y, len(fi))
            out = np.zeros(ngroups, np.int64)
            np.add.at(out, group, day_cents)
            return out
        # one term per run of days with the same (fund, period, year, rate), carrying the
        # exact int64 sum of NA; the days are in (fund, day) order, so a run is contiguous (a
        # rate that comes back later in the period starts another term: the sum is the same)
        if not len(fp):
            return np.zeros(ngroups, np.int64)
        b = np.nonzero(arrays.run_starts(fp, yr, w))[0]
        s_na = np.add.reduceat(na, b)
        return cents_of_terms(group[b], s_na, w[b], y[b], ngroups)

    fee = fee_cents(r)
    # the asset-based sales charge limit: cap × Σ NA/Y over the in-plan days, same rounding
    limit = fee_cents(np.full(len(r), absc_cap_units, np.int64))
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
