"""The quarterly board report (plan FOURTH, FIFTH, SIXTH, SEVENTH) as plain records.

``make_report(book, findings, year, quarter)`` computes what the board reads for one calendar
quarter: per fund the average daily net assets, the plan fee, the service fees by provider
kind (A)-(D), the asset-based sales charge and the distributor's expenses by FIFTH purpose;
totals; the quarter-over-quarter trend of the calendar year to date; and the plan's status
(term, continuance approvals, terminations, open warnings).  Every figure comes from the
engine's accruals (``engine.run``); this module only selects, groups and adds them, in exact
``Decimal`` cents, so the report's totals tie to ``fee12b1 compute`` to the cent.

The Plan Status is written for a board, in plain sentences (``status_sentences``): the terms,
the approvals, the next continuance due, terminations, and the few warnings that matter to a
board (``board_attention``: agreed rates above the cap, funds dated before the plan, schedules
that disagree, funds without a rate); the other warnings concern data entry and are counted in
one sentence (``data_entry_sentence``), listed with their codes only in the report's appendix.

No file I/O and no workbook library here: ``fee_core.write.report`` writes the workbook.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .contract import AGREEMENT_TYPES, EXPENSE_CATEGORIES
from .findings import Finding, has_errors, sort_findings
from .model import Book

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
KINDS = tuple(AGREEMENT_TYPES)            # Service, Third Party, Variable Contract, Bank Trust
UNALLOCATED = "All funds (not allocated)"

_QUARTER = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")


def parse_quarter(text: str) -> tuple[int, int]:
    """``'2001Q3'`` -> ``(2001, 3)``; raises ValueError naming the expected form."""
    m = _QUARTER.match(text or "")
    if not m:
        raise ValueError(f"'{text}' is not a quarter; write it as YYYYQn, e.g. 2001Q3")
    year, q = int(m.group(1)), int(m.group(2))
    if not 1900 < year < 2200:
        raise ValueError(f"'{text}': the year must be between 1901 and 2199")
    return year, q


def quarter_bounds(year: int, q: int) -> tuple[date, date]:
    """First and last calendar day of quarter ``q`` of ``year``."""
    start = date(year, 3 * q - 2, 1)
    nxt = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, nxt - timedelta(days=1)


def quarter_label(year: int, q: int) -> str:
    return f"{year}Q{q}"


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class FundLine:
    """One fund's quarter: days in plan, ADNA (None when never in the plan), plan fee,
    service fees per provider kind (in ``KINDS`` order), their total, the asset-based sales
    charge, and the distributor's expenses per FIFTH purpose (``EXPENSE_CATEGORIES`` order)."""

    fund: str
    company: str
    days: int
    adna: Decimal | None
    plan_fee: Decimal
    service_by_kind: tuple[Decimal, ...]
    service_fees: Decimal
    absc: Decimal
    expenses: tuple[Decimal, ...]

    @property
    def in_plan(self) -> bool:
        return self.days > 0

    @property
    def expenses_total(self) -> Decimal:
        return sum(self.expenses, ZERO)


@dataclass(frozen=True)
class TrendLine:
    """One quarter of the year to date: plan fee, service fees, asset-based sales charge."""

    label: str
    start: date
    end: date
    plan_fee: Decimal
    service_fees: Decimal
    absc: Decimal


@dataclass(frozen=True)
class TermLine:
    """A plan term overlapping the quarter (rules.Term, in words)."""

    start: date
    end: date
    initial: bool
    in_force_from: date | None
    approval: date | None


@dataclass(frozen=True)
class PlanStatus:
    """Plan effective date; the terms overlapping the quarter; the last continuance approval
    on or before the quarter end; the next term after the one in force at the quarter end,
    the window in which its approval must be dated, and the approval if one is recorded;
    terminations (date, fund or None for the whole plan, notes)."""

    effective: date | None
    terms: tuple[TermLine, ...]
    last_approval: date | None
    next_term_start: date | None
    next_term_end: date | None
    approve_from: date | None
    approve_by: date | None
    next_approval: date | None
    terminations: tuple[tuple[date, str | None, str], ...]


@dataclass(frozen=True)
class BoardReport:
    """Everything on the board report of one quarter."""

    year: int
    quarter: int
    start: date
    end: date
    source: str
    funds: tuple[FundLine, ...]            # funds in the plan or with expenses this quarter
    not_in_plan: tuple[str, ...]           # Schedule A funds with no day in the plan
    unallocated: tuple[Decimal, ...]       # plan-wide expenses (empty Fund) per purpose
    total: FundLine                        # sum of ``funds`` (expenses incl. unallocated)
    trend: tuple[TrendLine, ...]           # Q1 .. this quarter of the calendar year
    status: PlanStatus
    warnings: tuple[Finding, ...]
    attention: tuple[str, ...] = ()        # the warnings that matter to a board, in sentences

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def unallocated_total(self) -> Decimal:
        return sum(self.unallocated, ZERO)


# --------------------------------------------------------------------------- building
def _cents(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(CENT)


def expenses_by_fund(book: Book, start: date, end: date) -> dict[str, tuple[Decimal, ...]]:
    """Expenses dated in [start, end] summed per fund ('' = plan-wide, not allocated) and
    FIFTH purpose (``EXPENSE_CATEGORIES`` order).  SPEC §6 Board Report, plan FIFTH."""
    ex = book.expenses
    out: dict[str, list[Decimal]] = {}
    if ex is None or len(ex) == 0:
        return {}
    col = {c: i for i, c in enumerate(EXPENSE_CATEGORIES)}
    for d, fund, cat, amount in zip(ex["date"], ex["fund"], ex["category"], ex["amount"]):
        if d is None or not (start <= d <= end) or cat not in col or amount is None:
            continue
        row = out.setdefault(fund or "", [ZERO] * len(EXPENSE_CATEGORIES))
        row[col[cat]] += Decimal(amount)
    return {f: tuple(v) for f, v in out.items()}


def _service_by_kind(kind_fees, fund: str, start: date) -> tuple[Decimal, ...]:
    if kind_fees is None or len(kind_fees) == 0:
        return tuple(ZERO for _ in KINDS)
    sel = kind_fees[(kind_fees["fund"] == fund) & (kind_fees["period_start"] == start)]
    sums = sel.groupby("kind")["cents"].sum()
    return tuple(_cents(sums.get(k, 0)) for k in KINDS)


def plan_status(book: Book, start: date, end: date) -> PlanStatus:
    """The plan's status for the quarter [start, end] (ELEVENTH-THIRTEENTH, SPEC §4 rule 1
    "Plan term"): terms overlapping it, approvals, the next continuance due, terminations."""
    from .rules import add_years, plan_terms
    effective, _terminated, terms, _f = plan_terms(book, add_years(end, 2))
    overlapping = tuple(TermLine(t.start, t.end, t.initial, t.in_force_from, t.approval)
                        for t in terms if t.start <= end and t.end >= start)
    approvals = sorted(e.date for e in book.events
                       if e.event == "Continuance Approved" and e.fund is None)
    last = max((a for a in approvals if a <= end), default=None)
    nxt = next((t for t in terms if t.start > end), None)
    next_start = next_end = approve_from = approve_by = next_approval = None
    if nxt is not None:
        next_start, next_end = nxt.start, nxt.end
        approve_from, approve_by = add_years(nxt.start, -1), nxt.start - timedelta(days=1)
        next_approval = nxt.approval if nxt.in_force_from == nxt.start else None
    terminations = tuple(sorted(((e.date, e.fund, e.notes) for e in book.events
                                 if e.event == "Termination"),
                                key=lambda t: (t[0], t[1] or "")))
    return PlanStatus(effective, overlapping, last, next_start, next_end, approve_from,
                      approve_by, next_approval, terminations)


# --------------------------------------------------------------------------- plain sentences
def long_date(d: date | None) -> str:
    """``November 30, 2000``; "none" for no date."""
    return f"{d:%B} {d.day}, {d.year}" if d else "none"


def _names(items: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _rate(r: Decimal) -> str:
    return f"{float(r) * 100:.2f}%".replace(".00%", "%") if r * 10000 == int(r * 10000) \
        else f"{float(r) * 100:.4f}%"


def status_sentences(rep: BoardReport) -> list[str]:
    """The plan's status for the quarter in plain sentences: when the plan took effect, each
    term overlapping the quarter and its approval, the next continuance due (or already
    approved), terminations."""
    st, end = rep.status, rep.end
    out = [f"The plan took effect on {long_date(st.effective)}." if st.effective
           else "The workbook records no date on which the plan took effect."]
    for t in st.terms:
        span = f"{long_date(t.start)} to {long_date(t.end)}"
        if t.initial:
            verb = "ran" if t.end <= end else "runs"
            out.append(f"The initial term {verb} from {span}; it needed no continuance approval.")
        elif t.in_force_from is None:
            out.append(f"No continuance was approved for the term {span}: the plan was not in "
                       f"force during that term and no fee accrued.")
        elif t.in_force_from == t.start:
            out.append(f"The board approved the continuance of the plan for the term {span} on "
                       f"{long_date(t.approval)}.")
        else:
            out.append(f"The board approved the continuance for the term {span} late, on "
                       f"{long_date(t.approval)}: the plan was in force only from "
                       f"{long_date(t.in_force_from)}, and no fee accrued before.")
    if st.next_term_start is not None:
        nxt = f"the next term ({long_date(st.next_term_start)} to {long_date(st.next_term_end)})"
        if st.next_approval:
            out.append(f"The board has already approved the continuance for {nxt}, on "
                       f"{long_date(st.next_approval)}.")
        else:
            out.append(f"The board must approve the continuance of the plan for {nxt} by "
                       f"{long_date(st.approve_by)}, in a vote dated no earlier than "
                       f"{long_date(st.approve_from)} (plan ELEVENTH); without it the plan lapses "
                       f"on {long_date(st.next_term_start)}.")
    if not st.terminations:
        out.append("No fund's participation in the plan has been terminated.")
    for d, fund, notes in st.terminations:
        who = f"{fund}'s participation in the plan" if fund else "The plan itself"
        why = f" ({notes})" if notes else ""
        if d <= end:
            out.append(f"{who} was terminated effective {long_date(d)}{why}.")
        else:
            out.append(f"{who} is to be terminated effective {long_date(d)}{why}.")
    return out


# Warnings a board needs to know of (the plan's documents and agreements); the others concern
# data entry and go to the appendix.
BOARD_CODES = ("provider.rate_above_cap", "plan.fund_before_plan", "schedule.disagreement",
               "schedule.no_rate", "name.former_in_schedule_a", "plan.effective_twice",
               "plan.effective_with_fund", "plan.approval_with_fund")
# What a kind of data-entry warning is about, for the one sentence that counts them.
DATA_ENTRY = {
    "name.variant": "fund names spelled differently from Schedule A",
    "nav.jump": "net asset values that change by more than half in a day",
    "nav.not_session": "net asset values dated on days the NYSE was closed",
    "nav.precision": "net asset values with digits below 1/100 cent",
    "nav.calendar_range": "net asset values outside the calendar the tool knows",
    "provider_assets.outside_agreement": "provider assets outside the provider's agreement dates",
    "setting.unknown": "unknown settings",
    "rate.percent_points": "rates that look like percentage points",
}


def _first_sentence(text: str) -> str:
    cut = text.find(". ")
    return text if cut < 0 else text[:cut + 1]


def board_attention(book: Book, warnings: list[Finding] | tuple[Finding, ...]) -> list[str]:
    """The warnings that matter to a board, as plain sentences (one per kind)."""
    codes = {f.code for f in warnings}
    out: list[str] = []
    if "provider.rate_above_cap" in codes:
        cap = book.settings.service_fee_cap
        above = [p for p in book.providers if p.rate > cap]
        if above:
            who = _names([f"{p.name} ({p.id}) at {_rate(p.rate)}" for p in above])
            out.append(f"{_plural(len(above), 'service provider has', 'service providers have')} "
                       f"an agreed service fee rate above the {_rate(cap)} cap of plan SEVENTH: "
                       f"{who}. {'It is' if len(above) == 1 else 'They are'} paid at the cap, "
                       f"never more.")
    if "plan.fund_before_plan" in codes:
        effective = next((e.date for e in book.events if e.event == "Plan Effective"), None)
        early = [f for f in book.funds if effective is not None and f.effective < effective]
        if early:
            dates = sorted({f.effective for f in early})
            when = _names([long_date(d) for d in dates])
            out.append(f"{_plural(len(early), 'fund is', 'funds are')} dated {when} in the "
                       f"schedules, before the plan took effect on {long_date(effective)}: "
                       f"{_names([f.name for f in early])}. No fee accrues for them before "
                       f"{long_date(effective)}.")
    for code in BOARD_CODES[2:]:
        found = [f for f in warnings if f.code == code]
        if not found:
            continue
        lead = {"schedule.disagreement": "The plan's schedules disagree: ",
                "schedule.no_rate": "", "name.former_in_schedule_a": ""}.get(code, "")
        for f in found[:3]:
            text = _first_sentence(f.message)
            out.append(lead + (text[:1].lower() + text[1:] if lead else text))
        if len(found) > 3:
            out.append(f"… and {len(found) - 3} more of the same kind (see the Appendix).")
    return out


def data_entry_sentence(warnings: list[Finding] | tuple[Finding, ...]) -> str | None:
    """One sentence counting the warnings that concern data entry only (by what they are
    about), or None when there are none."""
    rest = [f for f in warnings if f.code not in BOARD_CODES]
    if not rest:
        return None
    counts: dict[str, int] = {}
    for f in rest:
        what = DATA_ENTRY.get(f.code, "other data-entry matters")
        counts[what] = counts.get(what, 0) + 1
    parts = _names([f"{n} on {what}" for what, n in counts.items()])
    return (f"{_plural(len(rest), 'further warning concerns', 'further warnings concern')} data "
            f"entry in the workbook ({parts}); the fund accountant follows them up. They are "
            f"listed, with the tool's codes, on the Appendix sheet.")


def board_report(quarter_result, ytd_result, year: int, q: int) -> BoardReport:
    """The report from two engine results: ``quarter_result`` = ``run(start=q_start,
    end=q_end, by='period')`` and ``ytd_result`` = ``run(start=Jan 1 (or the Settings
    Period Start when later), end=q_end, by='quarter')``.  Both must be free of errors
    (ValueError otherwise)."""
    for r in (quarter_result, ytd_result):
        if r is None or not r.ok or r.accruals is None:
            raise ValueError("the board report needs results without errors")
    book: Book = quarter_result.book
    start, end = quarter_bounds(year, q)
    acc = quarter_result.accruals
    acc = acc[acc["period_start"] == start] if len(acc) else acc
    by_fund = {row.fund: row for row in acc.itertuples(index=False)}
    expenses = expenses_by_fund(book, start, end)
    none_spent = tuple(ZERO for _ in EXPENSE_CATEGORIES)
    lines, not_in_plan = [], []
    for f in book.funds:
        row = by_fund.get(f.name)
        spent = expenses.get(f.name)
        if row is None:
            not_in_plan.append(f.name)
            if spent is None:
                continue
            lines.append(FundLine(f.name, f.company, 0, None, ZERO, tuple(ZERO for _ in KINDS),
                                  ZERO, ZERO, spent))
            continue
        kinds = _service_by_kind(quarter_result.provider_kind_fees, f.name, start)
        if sum(kinds, ZERO) != row.service_fees:   # the engine's own split must add up
            raise RuntimeError(f"service fees by provider kind of {f.name} ({sum(kinds, ZERO)}) "
                               f"do not add up to its service fees ({row.service_fees})")
        lines.append(FundLine(f.name, f.company, int(row.days), row.average_daily_net_assets,
                              row.plan_fee, kinds, row.service_fees,
                              row.asset_based_sales_charge, spent or none_spent))
    unallocated = expenses.get("", none_spent)
    total = FundLine(
        "Total", "", max((ln.days for ln in lines), default=0), None,
        sum((ln.plan_fee for ln in lines), ZERO),
        tuple(sum((ln.service_by_kind[k] for ln in lines), ZERO) for k in range(len(KINDS))),
        sum((ln.service_fees for ln in lines), ZERO),
        sum((ln.absc for ln in lines), ZERO),
        tuple(sum((ln.expenses[c] for ln in lines), ZERO) + unallocated[c]
              for c in range(len(EXPENSE_CATEGORIES))))
    trend = []
    ytd = ytd_result.accruals
    for k in range(1, q + 1):
        qs, qe = quarter_bounds(year, k)
        if qe < ytd_result.start:                  # before the workbook's period
            continue
        qs = max(qs, ytd_result.start)
        sel = ytd[ytd["period_start"] == qs] if len(ytd) else ytd
        trend.append(TrendLine(quarter_label(year, k), qs, qe,
                               sum(sel["plan_fee"], ZERO) if len(sel) else ZERO,
                               sum(sel["service_fees"], ZERO) if len(sel) else ZERO,
                               sum(sel["asset_based_sales_charge"], ZERO) if len(sel) else ZERO))
    warnings = tuple(f for f in sort_findings(list(quarter_result.findings)
                                              + list(ytd_result.findings)) if not f.is_error)
    return BoardReport(year, q, start, end, book.source or "", tuple(lines), tuple(not_in_plan),
                       unallocated, total, tuple(trend), plan_status(book, start, end), warnings,
                       tuple(board_attention(book, warnings)))


def make_report(book: Book, findings: list[Finding], year: int, q: int
                ) -> tuple[BoardReport | None, list[Finding]]:
    """Compute the board report of quarter ``q`` of ``year``: (report, findings), the report
    None when the data (for the quarter or the year to date) has errors."""
    from .engine import run
    start, end = quarter_bounds(year, q)
    qres = run(book, findings, start, end, by="period")
    # the year to date starts on Jan 1, or later when the workbook's period starts later
    ytd_start = date(year, 1, 1)
    ps = book.settings.period_start
    if ps is not None and ytd_start < ps <= start:
        ytd_start = ps
    yres = run(book, findings, ytd_start, end, by="quarter")
    every = list(qres.findings) + [f for f in yres.findings if f not in set(qres.findings)]
    if has_errors(every):
        return None, sort_findings(every)
    return board_report(qres, yres, year, q), sort_findings(every)
