"""Checks on a parsed Book (SPEC §5): each a plain function ``check_x(book) -> findings``,
listed once in ``BOOK_CHECKS``.  Checks that need the daily grid take it as well and are in
``GRID_CHECKS``.  Cell-level problems were already reported by the parser."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

import numpy as np

from . import calendar
from .findings import Finding, Location, capped, error, warning
from .model import AMOUNT_SCALE, Book, RateRow
from .rules import Grid, d64, to_date

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def _grouped(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    """``items`` in lists by ``key``, in first-seen order of the keys."""
    out: dict[K, list[T]] = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return out


def check_schedule_overlap(book: Book) -> list[Finding]:
    """Two Schedule B rows of one fund whose [Effective Date, End Date] overlap: error."""
    out = []
    for fund, rows in _grouped(book.rates, lambda r: r.fund).items():
        rows = sorted(rows, key=lambda r: r.effective)
        out += [error("schedule.overlap", b.loc,
                      f"Schedule B rows for {fund} overlap: {a.effective} to "
                      f"{a.end or 'open'} ({a.loc}) and {b.effective} to "
                      f"{b.end or 'open'}. Give the earlier row an End Date the day "
                      f"before {b.effective}.")
                for a, b in zip(rows, rows[1:]) if a.end is None or a.end >= b.effective]
    return out


def check_rate_limits(book: Book) -> list[Finding]:
    """A Schedule B rate above the NASD/FINRA limits (asset-based sales charge cap + service
    fee cap, SECOND): error."""
    s = book.settings
    limit = s.absc_cap + s.service_fee_cap
    return [error("schedule.rate_limit", Location(r.loc.sheet, r.loc.table, r.loc.row, "Annual Rate"),
                  f"{r.fund}: Annual Rate {r.rate:.4%} exceeds the NASD limits (plan SECOND; FINRA "
                  f"Rule 2341): asset-based sales charge {s.absc_cap:.2%} + service fee "
                  f"{s.service_fee_cap:.2%} = {limit:.2%} a year. Correct the rate.")
            for r in book.rates if r.rate > limit]


def check_effective_dates(book: Book) -> list[Finding]:
    """Schedule A and Schedule B effective dates that differ (accrual starts at the later),
    funds without a Schedule B rate, and funds effective before the plan itself."""
    out = []
    first_b: dict[str, RateRow] = {}
    for r in book.rates:
        if r.fund not in first_b or r.effective < first_b[r.fund].effective:
            first_b[r.fund] = r
    effective = [e.date for e in book.events if e.event == "Plan Effective" and e.fund is None]
    plan_eff = min(effective) if effective else None
    for f in book.funds:
        b = first_b.get(f.name)
        if b is None:
            out.append(warning("schedule.no_rate", f.loc,
                               f"{f.name} is in Schedule A but has no Schedule B rate, so nothing "
                               f"accrues for it. Add its Schedule B row."))
            continue
        if b.effective != f.effective:
            later = max(b.effective, f.effective)
            out.append(warning("schedule.disagreement", b.loc,
                               f"{f.name}: Schedule A says effective {f.effective}, Schedule B says "
                               f"{b.effective}; accrual starts at the later date, {later}. Make "
                               f"the schedules agree."))
        if plan_eff is not None and min(f.effective, b.effective) < plan_eff:
            out.append(warning("plan.fund_before_plan", f.loc,
                               f"{f.name} is effective {min(f.effective, b.effective)} in the "
                               f"schedules, before the plan itself ({plan_eff}, the date of the "
                               f"agreement: ELEVENTH 'effective as of the date hereof'); nothing "
                               f"accrues before {plan_eff}."))
    return out


def check_renames(book: Book) -> list[Finding]:
    """Fund Names rows that give one rename different dates (e.g. the seed's footnote (4):
    Schedule A says 2002-03-29, Schedule B 2002-03-19): warning, naming both sources."""
    out = []
    for (former, fund), rows in _grouped(book.renames, lambda r: (r.former, r.fund)).items():
        dates = sorted({r.changed_on for r in rows if r.changed_on})
        if len(dates) > 1:
            told = "; ".join(f"{r.changed_on} per {r.source or r.loc}" for r in rows)
            out.append(warning("schedule.disagreement", rows[-1].loc,
                               f"The rename of {former} to {fund} is dated differently: {told}. "
                               f"Both names resolve to {fund}; confirm the date and keep one row."))
    return out


def check_nav_sessions(book: Book) -> list[Finding]:
    """NAV dates against the real NYSE calendar: a session missing inside the covered range
    is an error (``nav.missing_session``); a NAV date that is no session is a warning."""
    nav = book.nav
    if len(nav.dates) == 0:
        return []
    first, last = to_date(nav.dates.min()), to_date(nav.dates.max())
    lo, hi = calendar.calendar_range()
    if first < lo or last > hi:
        return [warning("nav.calendar_range", Location(nav.sheet, nav.table, column="Date"),
                        f"NAV dates {first} to {last} reach outside the NYSE calendar known to "
                        f"this tool ({lo} to {hi}); sessions there are not checked.")]
    sess = calendar.sessions(first, last)
    have = np.unique(nav.dates)
    missing = np.setdiff1d(sess, have)
    extra = np.setdiff1d(have, sess)
    out = []
    for d in missing[:50]:
        out.append(error("nav.missing_session", Location(nav.sheet, nav.table, column="Date"),
                         f"No NAV row for {d}, an NYSE session inside the table's range "
                         f"({first} to {last}); add the day's net assets."))
    if len(missing) > 50:
        out.append(error("nav.missing_session", Location(nav.sheet, nav.table, column="Date"),
                         f"... and {len(missing) - 50} more NYSE sessions without a NAV row."))
    pos = {d: i for i, d in enumerate(nav.dates.tolist())}
    for d in extra[:50]:
        i = pos.get(d.astype(object))
        loc = Location(nav.sheet, nav.table, int(nav.rows[i]) if i is not None else None, "Date")
        out.append(warning("nav.not_session", loc,
                           f"{d} is not an NYSE session (weekend or exchange holiday); its net "
                           f"assets are used from that day on. Check the date."))
    return out


def check_provider_assets_overlap(book: Book) -> list[Finding]:
    """Two Provider Assets rows of one (provider, fund) that overlap: error."""
    pa = book.provider_assets
    if len(pa) < 2:
        return []
    start = pa["start"].astype("datetime64[D]")
    end = pa["end"].astype("datetime64[D]")
    o = np.lexsort((pa["row"], start, pa["fidx"], pa["pidx"]))
    p, f, s, e = pa["pidx"][o], pa["fidx"][o], start[o], end[o]
    overl = (p[1:] == p[:-1]) & (f[1:] == f[:-1]) & (s[1:] <= e[:-1])
    pairs = [(o[k], o[k + 1]) for k in np.nonzero(overl)[0][:50]]
    return [error("provider_assets.overlap",
                  book.loc("ProviderAssets", int(pa["row"][b]), "Period Start"),
                  f"Provider Assets rows {int(pa['row'][a])} and {int(pa['row'][b])} for "
                  f"{pa['provider'][b]} / {pa['fund'][b]} overlap ({to_date(start[a])} to "
                  f"{to_date(end[a])} and {to_date(start[b])} to {to_date(end[b])}); "
                  f"each day may be covered by one row only.")
            for a, b in pairs]


def check_provider_windows(book: Book) -> list[Finding]:
    """Provider Assets on days outside the provider's Start/End Date earn nothing: a warning
    per provider (normal when a provider joins or leaves mid-year)."""
    pa = book.provider_assets
    if len(pa) == 0 or not book.providers:
        return []
    never, ever = np.datetime64("0001-01-01", "D"), np.datetime64("9999-12-31", "D")
    lo = np.array([d64(p.start) if p.start else never for p in book.providers])
    hi = np.array([d64(p.end) if p.end else ever for p in book.providers])
    idx = pa["pidx"]
    known = idx >= 0
    pi = np.where(known, idx, 0)
    outside = known & ((pa["start"].astype("datetime64[D]") < lo[pi]) |
                       (pa["end"].astype("datetime64[D]") > hi[pi]))
    out = []
    rows = pa["row"][outside]
    which, first, count = np.unique(pi[outside], return_index=True, return_counts=True)
    for i, k, n in zip(which, first, count):
        p = book.providers[int(i)]
        out.append(warning("provider_assets.outside_agreement",
                           book.loc("ProviderAssets", int(rows[k]), "Period Start"),
                           f"{int(n)} Provider Assets row(s) of {p.id} reach outside its "
                           f"agreement ({p.start or 'open'} to {p.end or 'open'}); those days earn "
                           f"no service fee."))
    return out


def check_nav_jumps(book: Book) -> list[Finding]:
    """SPEC §5 plausibility: a fund's net assets changing by more than half from one NAV row
    to the next (up more than 50 % or down more than 50 %, e.g. a digit typed twice or
    dropped): a warning at the later cell (``nav.jump``)."""
    nav = book.nav
    out: list[Finding] = []
    for j, fund in enumerate(nav.funds):
        out += _jumps(nav, j, fund)
    return out


def _jumps(nav, j: int, fund: str) -> list[Finding]:
    idx = np.nonzero(nav.present[:, j])[0]
    if len(idx) < 2:
        return []
    v = nav.values[idx, j]
    prev, cur = v[:-1], v[1:]
    jump = np.nonzero((2 * cur > 3 * prev) | (2 * cur < prev))[0]

    def message(k: int) -> str:
        a, b = int(v[k]), int(v[k + 1])
        return (f"{fund}: net assets go from {a / AMOUNT_SCALE:,.2f} on "
                f"{to_date(nav.dates[idx[k]])} to {b / AMOUNT_SCALE:,.2f} on "
                f"{to_date(nav.dates[idx[k + 1]])} ({(b / a - 1) if a else float('inf'):+.0%}), "
                f"a change of more than half in one session. Check the cell (a digit typed twice "
                f"or dropped?).")

    return capped("nav.jump", jump, lambda k: nav.location(int(idx[k + 1]), j), message,
                  nav.location(None, j), f"a jump in {fund}'s net assets", make=warning)


BOOK_CHECKS = (
    check_schedule_overlap,
    check_rate_limits,
    check_effective_dates,
    check_renames,
    check_nav_sessions,
    check_nav_jumps,
    check_provider_assets_overlap,
    check_provider_windows,
)

# the tables each check reads: a check whose table cannot be read is skipped (root cause first)
NEEDS = {
    check_schedule_overlap: ("ScheduleB",),
    check_rate_limits: ("ScheduleB", "Settings"),
    check_effective_dates: ("ScheduleA", "ScheduleB", "PlanEvents"),
    check_renames: ("FundNames",),
    check_nav_sessions: ("NAV",),
    check_nav_jumps: ("NAV",),
    check_provider_assets_overlap: ("ProviderAssets", "Providers"),
    check_provider_windows: ("ProviderAssets", "Providers"),
}


def label(check) -> str:
    """A check's name as a line of text says it (``check_nav_sessions`` -> "nav sessions")."""
    return check.__name__.removeprefix("check_").replace("_", " ")


def check_provider_exceeds_fund(book: Book, grid: Grid) -> list[Finding]:
    """A provider's attributable average net assets above the fund's ADNA over the same
    period (SPEC §4 rule 6): error naming provider, fund and period."""
    pa = book.provider_assets
    if len(pa) == 0:
        return []
    D = len(grid.days)
    F = len(grid.funds)
    # exact prefix sums of NA per fund (int64 while it cannot overflow, else Python ints)
    kind = np.int64 if int(grid.na.max(initial=0)) * (D + 1) < 2 ** 62 else object
    cum = np.zeros((F, D + 1), kind)
    cum[:, 1:] = np.cumsum(grid.na.astype(kind), axis=1)
    cnt = np.zeros((F, D + 1), np.int64)
    cnt[:, 1:] = np.cumsum(grid.known, axis=1)
    fi = pa["fidx"]
    s = (pa["start"].astype("datetime64[D]") - grid.days[0]).astype(np.int64)
    e = (pa["end"].astype("datetime64[D]") - grid.days[0]).astype(np.int64)
    idx = np.nonzero((fi >= 0) & (e >= 0) & (s < D))[0]
    if len(idx) == 0:
        return []
    f = fi[idx].astype(np.int64)
    s = np.clip(s[idx], 0, D - 1)
    e = np.clip(e[idx], 0, D - 1)
    n = cnt[f, e + 1] - cnt[f, s]
    tot = cum[f, e + 1] - cum[f, s]
    amt = pa["assets"][idx]
    full = n == (e - s + 1)
    if kind is np.int64 and int(np.abs(amt).max(initial=0)) * (D + 1) < 2 ** 62:
        bad = full & (amt * n > tot)
    else:
        bad = full & (amt.astype(object) * n > tot)
    out = []
    for k in np.nonzero(bad)[0][:100]:
        r = int(idx[k])
        out.append(error("provider.exceeds_fund",
                         book.loc("ProviderAssets", int(pa["row"][r]), "Average Net Assets"),
                         f"{pa['provider'][r]} / {pa['fund'][r]}, {to_date(pa['start'][r])} to "
                         f"{to_date(pa['end'][r])}: attributable average net assets "
                         f"{amt[k] / 10000:,.2f} exceed the fund's average daily net assets over "
                         f"the same days ({int(tot[k]) / int(n[k]) / 10000:,.2f}); correct the "
                         f"amount."))
    return out


GRID_CHECKS = (check_provider_exceeds_fund,)
