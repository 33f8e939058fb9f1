"""The lines of a remittance statement (SPEC §6 "The payment run"): per provider and fund, for
one payment period, the payouts figures of SPEC §4 rules 4-5 (``service.service_fees`` on that
period) and what the statement adds for the reader: the days that accrued, and what cut the
provider's own rate -- the Service Fee Cap, the fund's own (lower) Schedule B rate, or both.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Book
from ..money import rate_units
from ..rules import Grid, to_date
from .service import _day_offsets, service_fees


@dataclass(frozen=True)
class FeeLines:
    """Per (provider, fund) that a Provider Assets row covers in the period, ordered by
    (provider index, fund index): ``ana`` cents, ``rate`` units on the last accrued day,
    ``capped``, ``fee`` cents (as in payouts.csv for the period); ``days`` on which the fee
    accrued (covered, inside the agreement, the fund in the plan); ``by_cap``: the provider's
    own rate is above the Service Fee Cap; ``by_fund_rate``: on some accrued day the fund's
    Schedule B rate was below both the provider's rate and the cap."""

    provider: np.ndarray
    fund: np.ndarray
    ana: np.ndarray
    rate: np.ndarray
    capped: np.ndarray
    fee: np.ndarray
    days: np.ndarray
    by_cap: np.ndarray
    by_fund_rate: np.ndarray


def fee_lines(grid: Grid, book: Book, rounding: str) -> FeeLines:
    """The statement lines of the one payment period the grid spans (SPEC §4 rules 4-5)."""
    D, F = len(grid.days), len(grid.funds)
    period = (to_date(grid.days[0]), to_date(grid.days[-1]))
    sf = service_fees(grid, book, [period], rounding)
    G = len(sf.fee)
    days = np.zeros(G, np.int64)
    below = np.zeros(G, np.int64)
    providers = book.providers
    cap = rate_units(book.settings.service_fee_cap)
    own = np.array([rate_units(p.rate) for p in providers], np.int64)
    pa = book.provider_assets
    if G and len(pa):
        day0 = grid.days[0]
        big = 1 << 40
        p_lo = _day_offsets([p.start for p in providers], day0, -big)
        p_hi = _day_offsets([p.end for p in providers], day0, big)
        prov, fund = pa["pidx"].astype(np.int64), pa["fidx"].astype(np.int64)
        s = (pa["start"].astype("datetime64[D]") - day0).astype(np.int64)
        e = (pa["end"].astype("datetime64[D]") - day0).astype(np.int64)
        ok = (prov >= 0) & (fund >= 0) & (e >= 0) & (s <= D - 1)
        prov, fund, s, e = prov[ok], fund[ok], s[ok], e[ok]
        lo = np.maximum(np.maximum(s, 0), p_lo[prov])
        hi = np.minimum(np.minimum(e, D - 1), p_hi[prov])
        live = lo <= hi
        lo, hi = np.where(live, lo, 0), np.where(live, hi, -1)
        in_plan = grid.rate > 0
        cum = np.zeros((F, D + 1), np.int64)
        cum[:, 1:] = np.cumsum(in_plan, axis=1)
        ceilings, code = np.unique(np.minimum(own, cap), return_inverse=True)
        cum_below = np.zeros((len(ceilings), F, D + 1), np.int64)
        for k, c in enumerate(ceilings.tolist()):
            cum_below[k, :, 1:] = np.cumsum(in_plan & (grid.rate < c), axis=1)
        row_days = np.where(live, cum[fund, hi + 1] - cum[fund, lo], 0)
        ck = code.reshape(-1)[prov]
        row_below = np.where(live, cum_below[ck, fund, hi + 1] - cum_below[ck, fund, lo], 0)
        g = np.searchsorted(sf.provider * F + sf.fund, prov * F + fund)
        np.add.at(days, g, row_days)
        np.add.at(below, g, row_below)
    by_cap = (days > 0) & (own[sf.provider] > cap) if G else np.zeros(0, bool)
    by_fund_rate = below > 0
    if not np.array_equal(by_cap | by_fund_rate, sf.capped.astype(bool)):
        raise AssertionError("statement lines disagree with the payouts' capped flags")
    return FeeLines(sf.provider, sf.fund, sf.ana, sf.rate, sf.capped.astype(bool), sf.fee, days,
                    by_cap, by_fund_rate)
