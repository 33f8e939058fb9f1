"""The rules of SPEC §4 that say, day by day, what accrues: plan term (rule 1, ELEVENTH to
THIRTEENTH), rate in force (rule 1, SECOND / Schedule B), net assets carried forward and the
days-in-year divisor (rule 2).  The result is a ``Grid``: fund × calendar day arrays on
which every fee is a vectorised sum.
"""
from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from . import calendar as nyse
from .findings import Finding, Location, error, warning
from .model import Book, Settings
from .money import rate_units

ONE_DAY = timedelta(days=1)


def d64(d: date) -> np.datetime64:
    return np.datetime64(d, "D")


def to_date(x) -> date:
    return np.datetime64(x, "D").astype(object)


def add_years(d: date, n: int) -> date:
    """The same calendar date n years on (Feb 29 -> Feb 28 in a common year)."""
    y = d.year + n
    return date(y, d.month, min(d.day, _cal.monthrange(y, d.month)[1]))


def days_in_year(days: np.ndarray, day_count: str) -> np.ndarray:
    """Y(d) per day (SPEC §4): 366 in a leap year under Actual/Actual, else 365."""
    if day_count == "Actual/365":
        return np.full(days.shape, 365, np.int64)
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    return np.where(leap, 366, 365).astype(np.int64)


# --------------------------------------------------------------------------- plan term
@dataclass(frozen=True)
class Term:
    """One term of the plan: the initial term, or a yearly continuance term (May 31 - May 30).

    in_force_from: the first day the plan is in force in the term (None: lapsed throughout);
    approval: the date of the approval that covers it (None for the initial term)."""

    start: date
    end: date
    initial: bool
    in_force_from: date | None
    approval: date | None

    @property
    def lapsed_days(self) -> tuple[date, date] | None:
        if self.in_force_from is None:
            return (self.start, self.end)
        if self.in_force_from > self.start:
            return (self.start, self.in_force_from - ONE_DAY)
        return None


def plan_terms(book: Book, through: date) -> tuple[date | None, date | None, list[Term], list[Finding]]:
    """The plan's effective date, its whole-plan termination date and its terms through
    ``through`` (SPEC §4 rule 1 "Plan term")."""
    findings: list[Finding] = []
    s: Settings = book.settings
    eff_events = [e for e in book.events if e.event == "Plan Effective" and e.fund is None]
    for e in book.events:
        if e.event == "Plan Effective" and e.fund is not None:
            findings.append(warning("plan.effective_with_fund", e.loc,
                                    f"A 'Plan Effective' event names a fund ({e.fund}); a fund "
                                    f"joins the plan by its Schedule A effective date. Ignored."))
    if not eff_events:
        findings.append(error("plan.no_effective", Location(book.sheets.get("PlanEvents", "Plan Events"),
                                                            "PlanEvents"),
                              "No 'Plan Effective' event: nothing can accrue. Add a row with Event "
                              "'Plan Effective' and the plan's date (the agreement's date, e.g. "
                              "2000-11-30), Fund empty."))
        return None, None, [], findings
    effective = min(e.date for e in eff_events)
    if len(eff_events) > 1:
        findings.append(warning("plan.effective_twice", eff_events[1].loc,
                                f"More than one 'Plan Effective' event; the earliest ({effective}) "
                                f"is used."))
    terminations = [e.date for e in book.events if e.event == "Termination" and e.fund is None]
    terminated = min(terminations) if terminations else None
    approvals = sorted(e.date for e in book.events
                       if e.event == "Continuance Approved" and e.fund is None)
    for e in book.events:
        if e.event == "Continuance Approved" and e.fund is not None:
            findings.append(warning("plan.approval_with_fund", e.loc,
                                    f"A 'Continuance Approved' event names a fund ({e.fund}); "
                                    f"continuance is approved for the whole plan. Leave Fund empty "
                                    f"for it to count."))
    ite = s.initial_term_end
    terms = [Term(effective, ite, True, effective, None)]
    if ite < effective:
        findings.append(error("plan.initial_term", Location(book.sheets.get("Settings", "Settings"),
                                                            "Settings", column="Value"),
                              f"Initial Term End {ite} is before the plan's effective date "
                              f"{effective}; fix the setting."))
        return effective, terminated, [], findings
    k = 1
    while True:
        start = add_years(ite, k - 1) + ONE_DAY
        if start > through:
            break
        end = add_years(ite, k)
        window_start = add_years(start, -1)
        before = [a for a in approvals if window_start <= a < start]
        inside = [a for a in approvals if start <= a <= end]
        if before:
            terms.append(Term(start, end, False, start, before[-1]))
        elif inside:
            terms.append(Term(start, end, False, inside[0], inside[0]))
        else:
            terms.append(Term(start, end, False, None, None))
        k += 1
    return effective, terminated, terms, findings


def period_before_plan(book: Book, start: date, end: date) -> list[Finding]:
    """SPEC §5: a requested period that ends before the plan's effective date is an error
    (``period.before_plan``), not an all-zero result."""
    effective = [e.date for e in book.events if e.event == "Plan Effective" and e.fund is None]
    if not effective or end >= min(effective):
        return []
    eff = min(effective)
    return [error("period.before_plan",
                  Location(book.sheets.get("PlanEvents", "Plan Events"), "PlanEvents", column="Date"),
                  f"The period {start} to {end} ends before the plan's effective date {eff}: "
                  f"nothing accrues in it. Ask for a period on or after {eff}.")]


def plan_in_force(book: Book, days: np.ndarray) -> tuple[np.ndarray, list[Term], list[Finding]]:
    """Mask of the calendar ``days`` on which the plan is in force, the terms, and the
    findings: a lapse (error ``plan.lapse``) for each term whose days in range lack approval."""
    if len(days) == 0:
        return np.zeros(0, bool), [], []
    first, last = to_date(days[0]), to_date(days[-1])
    effective, terminated, terms, findings = plan_terms(book, last)
    mask = np.zeros(len(days), bool)
    if effective is None:
        return mask, terms, findings
    for t in terms:
        if t.in_force_from is not None:
            mask |= (days >= d64(t.in_force_from)) & (days <= d64(t.end))
    if terminated is not None:
        mask &= days < d64(terminated)
    loc = Location(book.sheets.get("PlanEvents", "Plan Events"), "PlanEvents", column="Event")
    lapses = []
    for t in terms:
        lapse = t.lapsed_days
        if lapse is None:
            continue
        a, b = lapse
        if terminated is not None:
            b = min(b, terminated - ONE_DAY)
        a, b = max(a, first), min(b, last)
        if a <= b:
            lapses.append((t, a, b))
    # a run of terms with no approval at all after the first is one root cause: one finding
    runs: list[list] = []
    for t, a, b in lapses:
        prev = runs[-1][-1] if runs else None
        if (prev is not None and t.in_force_from is None and prev[0].in_force_from is None
                and prev[2] + ONE_DAY == a):
            runs[-1].append((t, a, b))
        else:
            runs.append([(t, a, b)])
    for run in runs:
        t, a, b = run[0]
        due = add_years(t.start, -1)
        if len(run) > 1:
            end_t, end_b = run[-1][0], run[-1][2]
            what = (f"no continuance approval for the {len(run)} plan terms from {t.start} to "
                    f"{end_t.end}: the plan lapsed on {a} and nothing accrues from {a} through "
                    f"{end_b}")
        elif t.in_force_from is None:
            what = (f"no continuance approval for the plan term {t.start} to {t.end}: the plan "
                    f"lapsed on {a} and nothing accrues from {a} through {b}")
        else:
            what = (f"the plan term {t.start} to {t.end} was approved only on {t.in_force_from}: "
                    f"the plan lapsed on {a} and nothing accrues from {a} through {b}")
        findings.append(error("plan.lapse", loc,
                              f"Plan lapse: {what} (ELEVENTH: continuance must be approved at "
                              f"least annually). If the board approved it, add a 'Continuance "
                              f"Approved' event (Fund empty) dated between {due} and "
                              f"{t.start - ONE_DAY}."))
    return mask, terms, findings


# --------------------------------------------------------------------------- the grid
@dataclass(frozen=True)
class Grid:
    """Fund × calendar-day arrays over [start, end].

    days: datetime64[D] (D,); funds: canonical names (F,); rate: int64 (F, D) rate units in
    force r(f,d) (0 when not in the plan); na: int64 (F, D) net assets NA(f,d) in units,
    carried forward (0 where unknown); known: bool (F, D) where NA is known;
    y: int64 (D,) days in the year; in_force: bool (D,) plan in force; terms."""

    start: date
    end: date
    days: np.ndarray
    funds: tuple[str, ...]
    rate: np.ndarray
    na: np.ndarray
    known: np.ndarray
    y: np.ndarray
    in_force: np.ndarray
    terms: tuple[Term, ...]


def rate_in_force(book: Book, days: np.ndarray, in_force: np.ndarray) -> np.ndarray:
    """r(f,d) in rate units for every Schedule A fund and day (SPEC §4 rule 1)."""
    funds = book.fund_names()
    rate = np.zeros((len(funds), len(days)), np.int64)
    pos = {f: i for i, f in enumerate(funds)}
    # Schedule B rows in sheet order; a later overlapping row would win, but overlaps are errors
    for row in book.rates:
        i = pos.get(row.fund)
        if i is None:
            continue
        m = days >= d64(row.effective)
        if row.end is not None:
            m &= days <= d64(row.end)
        rate[i, m] = rate_units(row.rate)
    for f in book.funds:
        rate[pos[f.name], days < d64(f.effective)] = 0
    for e in book.events:
        if e.event == "Termination" and e.fund is not None and e.fund in pos:
            rate[pos[e.fund], days >= d64(e.date)] = 0
    rate[:, ~in_force] = 0
    return rate


def nav_coverage(book: Book, days: np.ndarray, rate: np.ndarray) -> list[Finding]:
    """SPEC §4 rule 1 "NAV coverage": every NYSE session from the one whose net assets the
    first day in the plan carries (the last session on or before it) through the last day
    computed has its own NAV row.  A session missing after the table's last row or before its
    first is an error naming the first such date (``nav.missing_session``; before the first
    row also ``nav.no_prior``, once); sessions missing between the table's own rows are
    reported by ``checks.check_nav_sessions``.  Never filled from an older row."""
    need = (rate > 0).any(axis=0)
    if not need.any():
        return []
    nav = book.nav
    first_need, last = to_date(days[np.argmax(need)]), to_date(days[-1])
    lo, hi = nyse.calendar_range()
    a, b = max(first_need - timedelta(days=14), lo), min(last, hi)
    if a > b:
        return []
    sess = nyse.sessions(a, b)
    before = sess[sess <= d64(first_need)]
    if len(before):
        sess = sess[sess >= before[-1]]
    missing = np.setdiff1d(sess, nav.dates)
    if len(missing) == 0:
        return []
    loc = Location(nav.sheet, nav.table, column="Date")
    out: list[Finding] = []
    if len(nav.dates) == 0:
        d = to_date(missing[0])
        return [error("nav.missing_session", loc,
                      f"The NAV table has no rows, but net assets are needed from {first_need} "
                      f"through {last}: add a row for every NYSE session from {d} on."),
                error("nav.no_prior", loc,
                      f"No NAV row on or before {first_need}, the first day in the plan in the "
                      f"period; add rows from {d}.")]
    t_first, t_last = nav.dates.min(), nav.dates.max()
    early = missing[missing < t_first]
    late = missing[missing > t_last]
    if len(early):
        d = to_date(early[0])
        row = int(nav.rows.min())
        out.append(error("nav.missing_session", Location(nav.sheet, nav.table, row, "Date"),
                         f"No NAV row for {d}, an NYSE session before the table's first row "
                         f"({to_date(t_first)}); {first_need} is in the plan and carries the net "
                         f"assets of {d}. Add the rows from {d} on ({len(early)} session(s) "
                         f"missing); a figure is never taken from another day."))
        out.append(error("nav.no_prior", loc,
                         f"No NAV row on or before {first_need}, the first day in the plan in "
                         f"the period; add rows from {d}."))
    if len(late):
        d = to_date(late[0])
        row = int(nav.rows.max()) + 1
        out.append(error("nav.missing_session", Location(nav.sheet, nav.table, row, "Date"),
                         f"No NAV row for {d}, an NYSE session after the table's last row "
                         f"({to_date(t_last)}), but the period runs to {last}: {len(late)} "
                         f"session(s) from {d} have no net assets. Add their rows, or end the "
                         f"period on {to_date(t_last)}; net assets are never carried past the "
                         f"data."))
    return out


def build_grid(book: Book, start: date, end: date, need_nav: bool = True) -> tuple[Grid, list[Finding]]:
    """The daily grid over [start, end] and the findings of days that need net assets
    they do not have (``nav.no_prior``, ``nav.blank``, ``nav.no_column``); with
    ``need_nav=False`` (payouts only need the rate in force) those are not reported."""
    findings: list[Finding] = []
    days = np.arange(d64(start), d64(end) + 1, dtype="datetime64[D]")
    in_force, terms, f1 = plan_in_force(book, days)
    findings += f1
    rate = rate_in_force(book, days, in_force)
    funds = tuple(book.fund_names())
    nav = book.nav
    na = np.zeros(rate.shape, np.int64)
    row_idx = np.searchsorted(nav.dates, days, side="right") - 1 if len(nav.dates) else \
        np.full(len(days), -1)
    nav_pos = {f: j for j, f in enumerate(nav.funds)}
    known = np.zeros(rate.shape, bool)
    uncovered_before = False
    if need_nav:
        f_cov = nav_coverage(book, days, rate)
        findings += f_cov
        uncovered_before = any(f.code == "nav.no_prior" for f in f_cov)
    for i, fund in enumerate(funds):
        need = rate[i] > 0
        j = nav_pos.get(fund)
        if j is not None:
            has_row = row_idx >= 0
            rows = row_idx[has_row]
            known[i, has_row] = nav.present[rows, j]
            na[i, has_row] = np.where(nav.present[rows, j], nav.values[rows, j], 0)
        if not need.any() or not need_nav:
            continue
        if j is None:
            first = to_date(days[np.argmax(need)])
            findings.append(error("nav.no_column", Location(nav.sheet, nav.table),
                                  f"The NAV table has no column for {fund}, which is in the plan "
                                  f"from {first}; add a column headed '{fund}' with its daily "
                                  f"Class K net assets."))
            continue
        if len(nav.dates) and not (nav.present[:, j] | nav.invalid[:, j]).any():
            first = to_date(days[np.argmax(need)])
            findings.append(error("nav.blank", nav.location(None, j),
                                  f"The NAV column for {fund} is empty, but the fund is in the plan "
                                  f"from {first}; enter its daily Class K net assets."))
            continue
        ri = row_idx
        no_prior = need & (ri < 0)
        if no_prior.any() and not uncovered_before:
            d0 = to_date(days[np.argmax(no_prior)])
            findings.append(error("nav.no_prior", nav.location(None, j),
                                  f"{fund} needs net assets for {d0} (in the plan from then) but "
                                  f"the NAV table has no row on or before that day; add rows from "
                                  f"the last business day on or before {d0}."))
        ok_rows = need & (ri >= 0)
        used = ri[ok_rows]
        have = nav.present[used, j] | nav.invalid[used, j]   # invalid cells are reported already
        if not have.all():
            bad_days = days[ok_rows][~have]
            bad_rows = np.unique(used[~have])
            for r in bad_rows[:20]:
                first_day = to_date(bad_days[np.argmax(used[~have] == r)])
                findings.append(error("nav.blank", nav.location(int(r), j),
                                      f"{fund} has no usable net assets on {to_date(nav.dates[r])}, "
                                      f"needed for {first_day} (the fund is in the plan); enter "
                                      f"the day's Class K net assets."))
    y = days_in_year(days, book.settings.day_count)
    return Grid(start, end, days, funds, rate, na, known, y, in_force, tuple(terms)), findings
