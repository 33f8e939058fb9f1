"""Service fees (SPEC §4 rules 4-5): per provider, fund and output period, the capped rate times
the provider's attributable assets, on the daily grid."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import arrays
from ..model import AMOUNT_SCALE, Book
from ..money import cents_of_terms, div_half_up, div_half_up_array, rate_units
from ..rules import Grid
from .periods import period_index, year_index


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
    pid_of_day, pstarts = period_index(grid, pers)
    yr = year_index(grid)
    ystarts = np.nonzero(arrays.run_starts(yr))[0]
    B = np.unique(np.r_[pstarts, ystarts])
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
