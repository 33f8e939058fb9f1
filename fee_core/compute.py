"""Compute: accruals, payouts and payments on the daily grid (SPEC §4 rules 2-8).

Every function cites its rule.  Amounts are integer cents from ``money.cents_of_terms`` (the
one rounding rule); averages are exact integer divisions rounded half up to cents.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP

import numpy as np

from . import arrays
from .findings import Finding, Location, error
from .model import AMOUNT_SCALE, Book, Provider
from .money import cents_of_terms, div_half_up, div_half_up_array, rate_units
from .rules import Grid, d64

BY_CHOICES = ("month", "quarter", "year", "period")


# --------------------------------------------------------------------------- periods
def periods(start: date, end: date, by: str) -> list[tuple[date, date]]:
    """Output periods over [start, end], clipped to it: calendar months, quarters, years, or
    the whole range ('period')."""
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {', '.join(BY_CHOICES)}, got {by!r}")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if by == "period":
        return [(start, end)]
    step = {"month": 1, "quarter": 3, "year": 12}[by]
    out = []
    y, m = start.year, ((start.month - 1) // step) * step + 1
    while True:
        ps = date(y, m, 1)
        m2, y2 = m + step, y
        if m2 > 12:
            m2, y2 = m2 - 12, y + 1
        pe = date(y2, m2, 1) - timedelta(days=1)
        out.append((max(ps, start), min(pe, end)))
        if pe >= end:
            return out
        y, m = y2, m2


def _period_index(grid: Grid, pers: list[tuple[date, date]]) -> tuple[np.ndarray, np.ndarray]:
    """Day -> period index, and period start day indices."""
    starts = np.array([(d64(ps) - grid.days[0]).astype(int) for ps, _ in pers], np.int64)
    pid = np.searchsorted(starts, np.arange(len(grid.days)), side="right") - 1
    return pid, starts


def _year_index(grid: Grid) -> np.ndarray:
    return grid.days.astype("datetime64[Y]").astype(np.int64)


# --------------------------------------------------------------------------- accruals
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
    pid, _ = _period_index(grid, pers)
    F, D = grid.rate.shape
    n_p = len(pers)
    fi, di = np.nonzero(grid.rate > 0)                    # in-plan (fund, day), fund-major
    fp = fi * n_p + pid[di]                               # (fund, period) key, sorted
    r = grid.rate[fi, di]
    na = grid.na[fi, di]
    y = grid.y[di]
    yr = _year_index(grid)[di]
    keys = arrays.unique(fp)
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


# --------------------------------------------------------------------------- payouts
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


def _day_offsets(days: list, day0: np.datetime64, missing: int) -> np.ndarray:
    """Dates (or None) -> int64 days after ``day0``; ``missing`` for None."""
    arr = np.array([missing if d is None else 0 for d in days], np.int64)
    have = np.array([d is not None for d in days], bool)
    if have.any():
        arr[have] = (np.array([d for d in days if d is not None], "datetime64[D]") - day0).astype(np.int64)
    return arr


def service_fees(grid: Grid, book: Book, pers, rounding: str) -> ServiceFees:
    """SPEC §4 rules 4-5: per provider, fund and period, Σ over days of
    min(provider rate, cap, r(f,d)) × A(p,f,d) / Y(d) inside the provider's dates, rounded
    once per period (or per day)."""
    pa = book.provider_assets
    providers = book.providers
    if len(pa) == 0 or not providers:
        return _empty_service()
    D = len(grid.days)
    F = len(grid.funds)
    day0 = grid.days[0]
    cap = rate_units(book.settings.service_fee_cap)
    pr = np.array([rate_units(p.rate) for p in providers], np.int64)
    ceil_ = np.minimum(pr, cap)
    big = 1 << 40
    p_lo = _day_offsets([p.start for p in providers], day0, -big)
    p_hi = _day_offsets([p.end for p in providers], day0, big)

    prov = pa["pidx"]
    fund = pa["fidx"]
    ok = (prov >= 0) & (fund >= 0)
    s = (pa["start"].astype("datetime64[D]") - day0).astype(np.int64)
    e = (pa["end"].astype("datetime64[D]") - day0).astype(np.int64)
    ok &= (e >= 0) & (s <= D - 1)
    sel = np.nonzero(ok)[0]
    if len(sel) == 0:
        return _empty_service()
    prov = prov[sel].astype(np.int64)
    fund = fund[sel].astype(np.int64)
    s = np.clip(s[sel], 0, D - 1)
    e = np.clip(e[sel], 0, D - 1)
    amt = pa["assets"][sel].astype(np.int64)

    # coverage segments: row ∩ period ∩ calendar year
    pid_of_day, pstarts = _period_index(grid, pers)
    yr = _year_index(grid)
    ystarts = np.nonzero(arrays.run_starts(yr))[0]
    B = arrays.unique(np.r_[pstarts, ystarts])
    Bnext = np.r_[B[1:], D]
    k0 = np.searchsorted(B, s, side="right") - 1
    k1 = np.searchsorted(B, e, side="right") - 1
    nseg = k1 - k0 + 1
    row = np.repeat(np.arange(len(s)), nseg)
    offs = np.r_[0, np.cumsum(nseg)[:-1]]
    kk = k0[row] + (np.arange(len(row)) - offs[row])
    ss = np.maximum(s[row], B[kk])
    se = np.minimum(e[row], Bnext[kk] - 1)
    sp, sf, sa = prov[row], fund[row], amt[row]
    speriod = pid_of_day[ss]
    sy = grid.y[ss]
    ndays = se - ss + 1

    # groups (provider, fund, period): sort the segments by group once, reduce by runs
    n_p = len(pers)
    gkey = (sp * F + sf) * n_p + speriod
    order = np.argsort(gkey, kind="stable")
    gkey = gkey[order]
    ss, se, sp, sf, sa, sy, ndays = (x[order] for x in (ss, se, sp, sf, sa, sy, ndays))
    first = arrays.run_starts(gkey)
    starts = np.nonzero(first)[0]
    group = np.cumsum(first) - 1
    keys = gkey[starts]
    G = len(keys)
    covered = np.add.reduceat(ndays, starts)
    if (np.abs(sa).max(initial=0) * 400) < 2 ** 62:
        ana_num = np.add.reduceat(sa * ndays, starts)
        ana = div_half_up_array(ana_num, covered * (AMOUNT_SCALE // 100))
    else:   # pragma: no cover - only for absurd amounts
        tot = np.add.reduceat(sa.astype(object) * ndays, starts)
        ana = np.array([div_half_up(int(t), int(c) * (AMOUNT_SCALE // 100)) for t, c in zip(tot, covered)])

    # fee windows inside the provider's dates
    fs = np.maximum(ss, p_lo[sp])
    fe = np.minimum(se, p_hi[sp])
    valid = fs <= fe
    fs = np.where(valid, fs, 0)
    fe = np.where(valid, fe, -1)

    # per (fund, ceiling) combo: the distinct daily rates min(c, r) and their prefix counts
    # (dense codes and a bincount: the combos are few, the segments a million)
    ceil_vals, ceil_code = np.unique(ceil_, return_inverse=True)          # per provider
    dense = sf * len(ceil_vals) + ceil_code.reshape(-1)[sp]
    present = np.bincount(dense, minlength=F * len(ceil_vals)) > 0
    combo = (np.cumsum(present) - 1)[dense]
    ckeys = np.nonzero(present)[0]
    ckeys = (ckeys // len(ceil_vals)) * (cap + 1) + ceil_vals[ckeys % len(ceil_vals)]
    slot_vals: list[list[int]] = []
    prefix_rows: list[np.ndarray] = []
    slot_index: list[list[int]] = []
    last_acc = np.empty((len(ckeys), D), np.int64)
    for ci, ck in enumerate(ckeys.tolist()):
        f, c = divmod(ck, cap + 1)
        er = np.minimum(grid.rate[f], c)
        vals = np.unique(er[er > 0]).tolist()
        idxs = []
        for v in vals:
            idxs.append(len(prefix_rows))
            prefix_rows.append(np.r_[0, np.cumsum(er == v)])
        slot_vals.append(vals)
        slot_index.append(idxs)
        pos = np.where(er > 0, np.arange(D), -1)
        last_acc[ci] = np.maximum.accumulate(pos)
    J = max((len(v) for v in slot_vals), default=0)
    P = np.array(prefix_rows, np.int64) if prefix_rows else np.zeros((0, D + 1), np.int64)
    SI = np.full((len(ckeys), max(J, 1)), -1, np.int64)
    SV = np.zeros((len(ckeys), max(J, 1)), np.int64)
    for ci in range(len(ckeys)):
        SI[ci, : len(slot_index[ci])] = slot_index[ci]
        SV[ci, : len(slot_vals[ci])] = slot_vals[ci]

    fee = np.zeros(G, np.int64)
    acc_days = np.zeros(len(ss), np.int64)
    below_cap_days = np.zeros(len(ss), np.int64)
    term_g, term_a, term_w, term_y, term_n = [], [], [], [], []
    seg_c = ceil_[sp]
    for j in range(J):
        k = SI[combo, j]
        has = (k >= 0) & valid
        if not has.any():
            continue
        idx = np.nonzero(has)[0]
        kj = k[idx]
        cnt = P[kj, fe[idx] + 1] - P[kj, fs[idx]]
        v = SV[combo[idx], j]
        acc_days[idx] += cnt
        below_cap_days[idx] += np.where(v < seg_c[idx], cnt, 0)
        keep = cnt > 0
        term_g.append(group[idx][keep])
        term_a.append(sa[idx][keep])
        term_w.append(v[keep])
        term_y.append(sy[idx][keep])
        term_n.append(cnt[keep])
    if term_g:
        tg, ta, tw, ty, tn = (np.concatenate(x) for x in (term_g, term_a, term_w, term_y, term_n))
        if rounding == "Daily":
            day_cents = cents_of_terms(np.arange(len(tg)), ta, tw, ty, len(tg))
            np.add.at(fee, tg, day_cents * tn)
        else:
            fee = cents_of_terms(tg, ta, tw * tn, ty, G)
    # capped: the provider's own rate cut on an accruing day (by the cap or the fund's rate)
    cut = (acc_days > 0) & ((seg_c < pr[sp]) | (below_cap_days > 0))
    capped = np.maximum.reduceat(cut.astype(np.int8), starts) > 0
    # rate applied on the last day that accrued (one provider and fund per group)
    last = np.where(valid, last_acc[combo, np.maximum(fe, 0)], -1)
    last = np.where(last >= fs, last, -1)
    glast = np.maximum.reduceat(last, starts)
    rate_last = np.where(glast >= 0,
                         np.minimum(seg_c[starts], grid.rate[sf[starts], np.maximum(glast, 0)]), 0)
    gp = keys // (F * n_p)
    gf = (keys // n_p) % F
    gper = keys % n_p
    return ServiceFees(gp, gf, gper, covered, ana, rate_last, capped, fee)


# --------------------------------------------------------------------------- payments
def payments(book: Book, sf: ServiceFees, pers) -> list[tuple]:
    """SPEC §4 rule 7: per provider and payment period, service fees summed over funds,
    carried in, payable (when due ≥ the Minimum Payment) and carried out.  Rows from the
    provider's first fee on.  Returns (provider index, period index, fees, in, payable, out)
    with money in cents."""
    n_p = len(pers)
    P = len(book.providers)
    tot = np.zeros((P, n_p), np.int64)
    np.add.at(tot, (sf.provider, sf.period), sf.fee)
    if P == 0 or n_p == 0:
        return []
    minimum = np.array([minimum_cents(p) for p in book.providers], np.int64)
    # a provider's rows start at its first period with a fee; all providers step together
    # through the periods (the carry is sequential in time, independent across providers)
    nonzero = tot != 0
    first = np.where(nonzero.any(axis=1), nonzero.argmax(axis=1), n_p)
    active = np.arange(n_p)[None, :] >= first[:, None]
    carried_in = np.zeros((P, n_p), np.int64)
    payable = np.zeros((P, n_p), np.int64)
    carried_out = np.zeros((P, n_p), np.int64)
    carried = np.zeros(P, np.int64)
    for k in range(n_p):
        due = tot[:, k] + carried
        pay = due >= minimum
        carried_in[:, k] = carried
        payable[:, k] = np.where(pay, due, 0)
        carried = np.where(pay, 0, due)
        carried_out[:, k] = carried
        carried = np.where(active[:, k], carried, 0)   # nothing is due before the first fee
    i, k = np.nonzero(active)                            # provider-major, then period
    return list(zip(i.tolist(), k.tolist(), tot[i, k].tolist(), carried_in[i, k].tolist(),
                    payable[i, k].tolist(), carried_out[i, k].tolist()))


def minimum_cents(p: Provider) -> int:
    """The provider's Minimum Payment in cents (half up, as every amount)."""
    return int((p.minimum * 100).to_integral_value(ROUND_HALF_UP))


# --------------------------------------------------------------------------- split checks
def split_findings(book: Book, grid: Grid, pers, fees: PlanFees, service_by_fp: np.ndarray) -> list[Finding]:
    """SPEC §4 rule 6: service fees above the plan fee, or an asset-based sales charge above
    its cap × ADNA × days / Y, are errors."""
    out = []
    loc = Location(book.sheets.get("ScheduleB", "Schedule B"), "ScheduleB", column="Annual Rate")
    for k in range(len(fees.fund)):
        f = grid.funds[fees.fund[k]]
        ps, pe = pers[fees.period[k]]
        svc = int(service_by_fp[k])
        plan = int(fees.fee[k])
        if svc > plan:
            out.append(error("split.service_exceeds_plan", loc,
                             f"{f}, {ps} to {pe}: service fees {svc / 100:,.2f} exceed the plan fee "
                             f"{plan / 100:,.2f} (SIXTH); check the providers' rates and assets."))
        elif plan - svc > int(fees.absc_limit[k]):
            out.append(error("split.absc_cap", loc,
                             f"{f}, {ps} to {pe}: the asset-based sales charge "
                             f"{(plan - svc) / 100:,.2f} exceeds the cap of "
                             f"{book.settings.absc_cap:.2%} a year of ADNA "
                             f"({int(fees.absc_limit[k]) / 100:,.2f}); lower the Schedule B rate or "
                             f"pay more of it as service fees."))
    return out
