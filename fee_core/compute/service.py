"""Service fees (SPEC §4 rules 4-5): per provider, fund and output period, the capped rate times
the provider's attributable assets, on the daily grid.

The steps, each a function below:

1. ``_asset_rows``: the Provider Assets rows of known providers and funds that touch the grid.
2. ``_segments``: each row cut at output-period and calendar-year boundaries, so that within a
   segment the amount, the period and the days-in-year divisor are constant.
3. ``_groups``: the segments sorted into (provider, fund, period) groups; the average
   attributable assets of a group over its covered days.
4. ``_fee_windows``: each segment cut to the provider's [Start Date, End Date].
5. ``_rate_tables``: per (fund, provider ceiling) the distinct daily rates min(ceiling, r(f,d))
   and, per rate, prefix counts of the days at that rate, so a window's days at each rate are
   two lookups.
6. ``_terms``: per segment and rate, one term ``amount x rate x days / Y``; then the fee of a
   group is its terms' exact sum rounded once (``money.cents_of_terms``), or each day rounded.
7. The ``capped`` flag and the rate applied on the last accruing day of each group.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import arrays
from ..model import AMOUNT_SCALE, Book
from ..money import cents_of_terms, div_half_up, div_half_up_array, rate_units
from ..rules import Grid
from .periods import period_index, year_index

FAR = 1 << 40            # a day offset beyond any grid: an open-ended provider agreement


@dataclass(frozen=True)
class ServiceFees:
    """Per (provider, fund, period) that some Provider Assets row covers: provider index,
    fund index, period index, covered days, ANA cents, rate units on the last accrued day,
    capped flag, service fee cents."""

    provider: np.ndarray
    fund: np.ndarray
    period: np.ndarray
    covered: np.ndarray
    ana: np.ndarray
    rate: np.ndarray
    capped: np.ndarray
    fee: np.ndarray


def _empty_service() -> ServiceFees:
    z = np.zeros(0, np.int64)
    return ServiceFees(z, z, z, z, z, z, np.zeros(0, bool), z)


@dataclass(frozen=True)
class _Segments:
    """Day ranges [first, last] (grid day indices) of one Provider Assets row inside one period
    and one calendar year: provider, fund, amount (units), period, days-in-year divisor."""

    first: np.ndarray
    last: np.ndarray
    provider: np.ndarray
    fund: np.ndarray
    amount: np.ndarray
    period: np.ndarray
    year_days: np.ndarray

    @property
    def days(self) -> np.ndarray:
        return self.last - self.first + 1

    def take(self, order: np.ndarray) -> _Segments:
        return _Segments(*(getattr(self, f)[order] for f in self.__dataclass_fields__))


@dataclass(frozen=True)
class _Groups:
    """The (provider, fund, period) groups of sorted segments: each segment's group index, the
    first segment of each group, and each group's key."""

    of_segment: np.ndarray
    starts: np.ndarray
    keys: np.ndarray


@dataclass(frozen=True)
class _RateTables:
    """Per segment its (fund, ceiling) combination ``combo``; per combination and slot ``j``
    the j-th distinct positive daily rate ``rate[c, j]`` and the row ``prefix_row[c, j]`` of
    ``prefix`` (-1: no such rate) counting, up to each day, the days at that rate; and per
    combination the last accruing day on or before each day (``last_accruing``, -1 if none)."""

    combo: np.ndarray
    rate: np.ndarray
    prefix_row: np.ndarray
    prefix: np.ndarray
    last_accruing: np.ndarray


def _day_offsets(days: list, day0: np.datetime64, missing: int) -> np.ndarray:
    """Dates (or None) -> int64 days after ``day0``; ``missing`` for None."""
    arr = np.array([missing if d is None else 0 for d in days], np.int64)
    have = np.array([d is not None for d in days], bool)
    if have.any():
        arr[have] = (np.array([d for d in days if d is not None], "datetime64[D]") - day0).astype(np.int64)
    return arr


def _asset_rows(grid: Grid, book: Book) -> tuple[np.ndarray, ...] | None:
    """Step 1: (provider, fund, first day, last day, amount) of every Provider Assets row of a
    known provider and fund that touches the grid, days clipped to it; None if there is none."""
    pa = book.provider_assets
    n_days = len(grid.days)
    prov, fund = pa["pidx"], pa["fidx"]
    first = (pa["start"].astype("datetime64[D]") - grid.days[0]).astype(np.int64)
    last = (pa["end"].astype("datetime64[D]") - grid.days[0]).astype(np.int64)
    sel = np.nonzero((prov >= 0) & (fund >= 0) & (last >= 0) & (first <= n_days - 1))[0]
    if len(sel) == 0:
        return None
    return (prov[sel].astype(np.int64), fund[sel].astype(np.int64),
            np.clip(first[sel], 0, n_days - 1), np.clip(last[sel], 0, n_days - 1),
            pa["assets"][sel].astype(np.int64))


def _segments(grid: Grid, pers, rows: tuple[np.ndarray, ...]) -> _Segments:
    """Step 2: the rows cut at the boundaries of the output periods and calendar years."""
    prov, fund, first, last, amount = rows
    period_of_day, period_starts = period_index(grid, pers)
    year_starts = np.nonzero(arrays.run_starts(year_index(grid)))[0]
    bounds = np.unique(np.r_[period_starts, year_starts])
    bound_end = np.r_[bounds[1:], len(grid.days)] - 1
    k0 = np.searchsorted(bounds, first, side="right") - 1
    k1 = np.searchsorted(bounds, last, side="right") - 1
    pieces = k1 - k0 + 1
    row = np.repeat(np.arange(len(first)), pieces)
    offset = np.r_[0, np.cumsum(pieces)[:-1]]
    k = k0[row] + (np.arange(len(row)) - offset[row])
    seg_first = np.maximum(first[row], bounds[k])
    seg_last = np.minimum(last[row], bound_end[k])
    return _Segments(seg_first, seg_last, prov[row], fund[row], amount[row],
                     period_of_day[seg_first], grid.y[seg_first])


def _groups(segs: _Segments, n_funds: int, n_periods: int) -> tuple[_Segments, _Groups]:
    """Step 3: the segments sorted by (provider, fund, period), and the groups."""
    key = (segs.provider * n_funds + segs.fund) * n_periods + segs.period
    order = np.argsort(key, kind="stable")
    segs, key = segs.take(order), key[order]
    first = arrays.run_starts(key)
    starts = np.nonzero(first)[0]
    return segs, _Groups(np.cumsum(first) - 1, starts, key[starts])


def _average_assets(segs: _Segments, groups: _Groups) -> tuple[np.ndarray, np.ndarray]:
    """Step 3: per group the covered days and the mean attributable assets over them, in cents
    (half up), exact."""
    days = segs.days
    covered = np.add.reduceat(days, groups.starts)
    if (np.abs(segs.amount).max(initial=0) * 400) < 2 ** 62:
        total = np.add.reduceat(segs.amount * days, groups.starts)
        return covered, div_half_up_array(total, covered * (AMOUNT_SCALE // 100))
    total = np.add.reduceat(segs.amount.astype(object) * days, groups.starts)   # absurd amounts
    return covered, np.array([div_half_up(int(t), int(c) * (AMOUNT_SCALE // 100))
                              for t, c in zip(total, covered)])


def _fee_windows(segs: _Segments, grid: Grid, book: Book) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 4: each segment's days inside its provider's [Start Date, End Date]: (first, last,
    valid); an empty window is (0, -1) and not valid."""
    provs = book.providers
    lo = _day_offsets([p.start for p in provs], grid.days[0], -FAR)[segs.provider]
    hi = _day_offsets([p.end for p in provs], grid.days[0], FAR)[segs.provider]
    first = np.maximum(segs.first, lo)
    last = np.minimum(segs.last, hi)
    valid = first <= last
    return np.where(valid, first, 0), np.where(valid, last, -1), valid


def _rate_tables(grid: Grid, segs: _Segments, ceiling_of_provider: np.ndarray) -> _RateTables:
    """Step 5: per (fund, ceiling) combination the distinct daily rates min(ceiling, r(f,d))
    and their prefix day counts.  The combinations are few (funds x distinct ceilings), the
    segments up to millions: combinations are found by dense codes and a bincount."""
    n_days = len(grid.days)
    n_funds = len(grid.funds)
    ceilings, ceiling_code = np.unique(ceiling_of_provider, return_inverse=True)
    dense = segs.fund * len(ceilings) + ceiling_code.reshape(-1)[segs.provider]
    present = np.bincount(dense, minlength=n_funds * len(ceilings)) > 0
    combo = (np.cumsum(present) - 1)[dense]
    used = np.nonzero(present)[0]
    rates_of_combo: list[list[int]] = []
    prefix_rows: list[np.ndarray] = []
    last_accruing = np.empty((len(used), n_days), np.int64)
    for c, code in enumerate(used.tolist()):
        fund, ceiling = divmod(code, len(ceilings))
        daily = np.minimum(grid.rate[fund], ceilings[ceiling])
        values = np.unique(daily[daily > 0]).tolist()
        rates_of_combo.append(values)
        prefix_rows += [np.r_[0, np.cumsum(daily == v)] for v in values]
        last_accruing[c] = np.maximum.accumulate(np.where(daily > 0, np.arange(n_days), -1))
    slots = max(1, max((len(v) for v in rates_of_combo), default=0))
    rate = np.zeros((len(used), slots), np.int64)
    prefix_row = np.full((len(used), slots), -1, np.int64)
    row = 0
    for c, values in enumerate(rates_of_combo):
        rate[c, :len(values)] = values
        prefix_row[c, :len(values)] = np.arange(row, row + len(values))
        row += len(values)
    prefix = np.array(prefix_rows, np.int64) if prefix_rows else np.zeros((0, n_days + 1), np.int64)
    return _RateTables(combo, rate, prefix_row, prefix, last_accruing)


def service_fees(grid: Grid, book: Book, pers, rounding: str) -> ServiceFees:
    """SPEC §4 rules 4-5: per provider, fund and period, Σ over days of
    min(provider rate, cap, r(f,d)) × A(p,f,d) / Y(d) inside the provider's dates, rounded
    once per period (or per day).  The steps are in the module docstring."""
    if len(book.provider_assets) == 0 or not book.providers:
        return _empty_service()
    rows = _asset_rows(grid, book)
    if rows is None:
        return _empty_service()
    n_funds, n_periods = len(grid.funds), len(pers)
    segs, groups = _groups(_segments(grid, pers, rows), n_funds, n_periods)
    covered, ana = _average_assets(segs, groups)
    win_first, win_last, valid = _fee_windows(segs, grid, book)

    cap = rate_units(book.settings.service_fee_cap)
    agreed = np.array([rate_units(p.rate) for p in book.providers], np.int64)
    ceiling = np.minimum(agreed, cap)                 # per provider
    tables = _rate_tables(grid, segs, ceiling)
    seg_ceiling = ceiling[segs.provider]

    # step 6: one term per (segment, daily rate) with at least one day at that rate
    accruing_days = np.zeros(len(segs.first), np.int64)
    days_below_ceiling = np.zeros(len(segs.first), np.int64)
    terms: list[tuple[np.ndarray, ...]] = []
    for j in range(tables.rate.shape[1]):
        prefix_row = tables.prefix_row[tables.combo, j]
        idx = np.nonzero((prefix_row >= 0) & valid)[0]
        if len(idx) == 0:
            continue
        pr = prefix_row[idx]
        n = tables.prefix[pr, win_last[idx] + 1] - tables.prefix[pr, win_first[idx]]
        rate = tables.rate[tables.combo[idx], j]
        accruing_days[idx] += n
        days_below_ceiling[idx] += np.where(rate < seg_ceiling[idx], n, 0)
        keep = n > 0
        terms.append((groups.of_segment[idx][keep], segs.amount[idx][keep], rate[keep],
                      segs.year_days[idx][keep], n[keep]))
    fee = np.zeros(len(groups.keys), np.int64)
    if terms:
        group, amount, rate, year_days, n = (np.concatenate(x) for x in zip(*terms))
        if rounding == "Daily":                      # each day's fee rounded, n equal days
            day_cents = cents_of_terms(np.arange(len(group)), amount, rate, year_days, len(group))
            np.add.at(fee, group, day_cents * n)
        else:
            fee = cents_of_terms(group, amount, rate * n, year_days, len(groups.keys))

    # step 7: capped = the provider's own rate cut on an accruing day (by the cap or the fund's
    # rate); the rate applied on the group's last accruing day
    cut = (accruing_days > 0) & ((seg_ceiling < agreed[segs.provider]) | (days_below_ceiling > 0))
    capped = np.maximum.reduceat(cut.astype(np.int8), groups.starts) > 0
    last = np.where(valid, tables.last_accruing[tables.combo, np.maximum(win_last, 0)], -1)
    last = np.where(last >= win_first, last, -1)
    group_last = np.maximum.reduceat(last, groups.starts)
    first_seg = groups.starts
    rate_last = np.where(group_last >= 0,
                         np.minimum(seg_ceiling[first_seg],
                                    grid.rate[segs.fund[first_seg], np.maximum(group_last, 0)]), 0)
    keys = groups.keys
    return ServiceFees(keys // (n_funds * n_periods), (keys // n_periods) % n_funds, keys % n_periods,
                       covered, ana, rate_last, capped, fee)
