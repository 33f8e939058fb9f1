"""The payment run (SPEC §6 "The payment run", §8 ``fee12b1 pay``) as plain records.

``payment_period(book, text)`` reads ``--period`` (``2001-07`` when the Payment Frequency is
Monthly, ``2001Q3`` when Quarterly) and refuses, as bad usage, a period of the other kind,
outside the book's period or its NAV data, or before the plan.  ``make_payrun(book, findings,
period)`` computes what distributor finance needs for that period:

- the **remittance**: per provider with service fees or a carried amount in the period, the
  money columns of ``payments.csv`` for the period (the engine's rule 7 over the book's
  period up to the end of this one, so the carried-in amounts are the same) and a stable
  payment reference ``12B1-<P>-<provider_id>``;
- the **statements**: per remittance provider, one line per fund (the payouts figures for the
  payment period, the days accrued, what capped the rate), the amounts and the reason in
  plain words why anything is carried;
- the **journal**: the funds' daily accrual entries (``compute.journal``) and the
  distributor's entries for the period, every entry a balanced pair;
- the **totals** of ``run.json``.

Every figure comes from the engine; this module selects, adds and words them, in exact integer
cents, and cross-checks the figures it takes from two routes (the payments against the
statement lines, the journal against the plan fees), so a disagreement is an internal error
rather than a silently wrong payment.  No file I/O here: ``write.statements``,
``write.runrecord`` and ``commands.pay`` write the files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .board import parse_quarter, quarter_bounds
from .calendar import calendar_range, sessions
from .columns import Columns
from .compute.accruals import plan_fees
from .compute.fee_lines import fee_lines
from .compute.journal import accrual_entries
from .compute.payments import minimum_cents
from .compute.periods import periods
from .contract import AGREEMENT_TYPES, JOURNAL_COLUMNS, REMITTANCE_COLUMNS
from .engine import _guard, period_of, run
from .errors import UsageError
from .findings import Finding, has_errors, warning
from .model import Book, Provider
from .money import cents_column, cents_to_decimal, rate_units
from .rules import build_grid, to_date

FREQUENCY_KIND = {"Monthly": "month", "Quarterly": "quarter"}
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
ONE_DAY = timedelta(days=1)


# --------------------------------------------------------------------------- the period
@dataclass(frozen=True)
class PaymentPeriod:
    """One payment period: ``label`` (``2001-07`` or ``2001Q3``), its calendar ``start`` and
    ``end``, and its ``frequency`` (``Monthly`` or ``Quarterly``)."""

    label: str
    start: date
    end: date
    frequency: str


def parse_period(text: str) -> PaymentPeriod:
    """``'2001-07'`` (a month) or ``'2001Q3'`` (a quarter) -> PaymentPeriod; raises ValueError
    naming the two forms."""
    m = _MONTH.match(text or "")
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if not (1900 < year < 2200 and 1 <= month <= 12):
            raise ValueError(f"'{text}' is not a month: write it as YYYY-MM, e.g. 2001-07")
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1) - ONE_DAY
        return PaymentPeriod(f"{year}-{month:02d}", start, end, "Monthly")
    try:
        year, q = parse_quarter(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a payment period: write a month as YYYY-MM (e.g. "
                         f"2001-07) or a quarter as YYYYQn (e.g. 2001Q3)") from None
    start, end = quarter_bounds(year, q)
    return PaymentPeriod(f"{year}Q{q}", start, end, "Quarterly")


def period_of_day(d: date, frequency: str) -> PaymentPeriod:
    """The payment period of ``frequency`` that holds day ``d``."""
    if frequency == "Monthly":
        return parse_period(f"{d.year}-{d.month:02d}")
    return parse_period(f"{d.year}Q{(d.month - 1) // 3 + 1}")


def _data_end(book: Book) -> date | None:
    """The last day the NAV table covers: the day before the first NYSE session after its last
    row (the rows carry forward over closed days only; SPEC §4 rule 1)."""
    if not len(book.nav.dates):
        return None
    last = to_date(book.nav.dates[-1])
    lo, hi = calendar_range()
    if last >= hi:
        return last
    nxt = sessions(last + ONE_DAY, min(last + timedelta(days=15), hi))
    return to_date(nxt[0]) - ONE_DAY if len(nxt) else last


def _plan_effective(book: Book) -> date | None:
    return min((ev.date for ev in book.events if ev.event == "Plan Effective" and ev.fund is None),
               default=None)


def valid_periods(book: Book) -> tuple[PaymentPeriod | None, PaymentPeriod | None, str]:
    """The first and last payment period that can be paid from this book (None when none),
    and a sentence saying what bounds them."""
    st = book.settings
    freq = st.payment_frequency
    s, e = st.period_start, st.period_end
    if s is None or e is None:
        return None, None, "the book has no period (Settings Period Start and Period End)"
    bounds = [f"the book's period {s} to {e}"]
    effective = _plan_effective(book)
    first_day = s
    if effective is not None and effective > s:
        first_day = effective
        bounds.append(f"the plan's effective date {effective}")
    last_day = e
    data_end = _data_end(book)
    if data_end is None:
        return None, None, "the NAV table has no rows"
    if data_end < e:
        bounds.append(f"the NAV data through {data_end}")
        last = period_of_day(data_end, freq)
        last_day = data_end if min(last.end, e) == data_end else last.start - ONE_DAY
    lo, hi = calendar_range()
    first_day, last_day = max(first_day, lo), min(last_day, hi)
    if first_day > last_day:
        return None, None, ", ".join(bounds)
    first, last = period_of_day(first_day, freq), period_of_day(last_day, freq)
    return first, last, ", ".join(bounds)


def period_argument(text: str) -> PaymentPeriod:
    """``parse_period`` for a command-line argument: a bad form is a UsageError."""
    try:
        return parse_period(text)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None


def payment_period(book: Book, text: str) -> tuple[PaymentPeriod, date, date]:
    """``--period`` for this book: the PaymentPeriod and its days clipped to the book's period.
    Raises UsageError naming the valid periods (a period of the other kind, outside the
    book's period or its NAV data, before the plan)."""
    p = period_argument(text)
    freq = book.settings.payment_frequency
    first, last, why = valid_periods(book)
    valid = (f"valid: {first.label} to {last.label}" if first and last
             else f"no period can be paid ({why})")
    if p.frequency != freq:
        example = "2001-07" if freq == "Monthly" else "2001Q3"
        raise UsageError(f"--period {p.label}: this workbook pays {freq.lower()} (Settings Payment "
                         f"Frequency = {freq}); give a {FREQUENCY_KIND[freq]} such as {example} "
                         f"({valid})")
    if first is None or last is None:
        raise UsageError(f"--period {p.label}: {valid}")
    st = book.settings
    assert st.period_start is not None and st.period_end is not None
    if p.end < first.start:
        effective = _plan_effective(book)
        what = (f"before the plan (effective {effective})" if effective and p.end < effective
                else f"before the book's period (Settings Period Start {st.period_start})")
        raise UsageError(f"--period {p.label} is {what}; {valid}")
    if p.start > last.end:
        data_end = _data_end(book)
        what = (f"past the NAV data (it covers the days through {data_end})"
                if data_end is not None and p.start <= st.period_end
                else f"after the book's period (Settings Period End {st.period_end})")
        raise UsageError(f"--period {p.label} is {what}; {valid}")
    return p, max(p.start, st.period_start), min(p.end, st.period_end)


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class StatementLine:
    """One fund on a statement: average attributable assets, the rate applied (rate units on
    the last accrued day), whether and by what it was capped, the days accrued, the fee."""

    fund: str
    assets_cents: int
    rate_units: int
    by_cap: bool
    by_fund_rate: bool
    days: int
    fee_cents: int

    @property
    def capped(self) -> bool:
        return self.by_cap or self.by_fund_rate


@dataclass(frozen=True)
class Statement:
    """One provider's remittance statement for the period (money in cents)."""

    provider: Provider
    reference: str
    lines: tuple[StatementLine, ...]
    reasons: tuple[str, ...]
    service_fees: int
    carried_in: int
    payable: int
    carried_out: int
    minimum: int

    @property
    def due(self) -> int:
        return self.service_fees + self.carried_in

    @property
    def letter(self) -> str:
        return AGREEMENT_TYPES[self.provider.kind][0]

    @property
    def kind_text(self) -> str:
        return AGREEMENT_TYPES[self.provider.kind][1]


@dataclass
class PayRun:
    """The payment run of one period: the book and its findings (every finding of the checks
    and of the run), the period and its days (``start``/``end``, clipped to the book's
    period), the remittance and journal tables (``Columns`` with the SPEC §8 columns, money as
    Decimal), the statements (remittance order) and the totals in cents (``plan_fee``,
    ``service_fees``, ``asset_based_sales_charge``, ``carried_in``, ``payable``, ``carried``).
    Tables are empty when ``ok`` is False."""

    book: Book
    findings: list[Finding]
    period: PaymentPeriod
    start: date
    end: date
    remittance: Columns = field(default_factory=lambda: Columns({}, ()))
    journal: Columns = field(default_factory=lambda: Columns({}, ()))
    statements: list[Statement] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


def reference(label: str, provider_id: str) -> str:
    """The payment reference of a remittance row (SPEC §8): ``12B1-<P>-<provider_id>``."""
    return f"12B1-{label}-{provider_id}"


def _dollars(cents: int) -> str:
    return f"${cents_to_decimal(cents):,.2f}"


def reasons(p: Provider, st_in: int, fees: int, payable: int, out: int, minimum: int,
            end: date) -> tuple[str, ...]:
    """Plain words for a statement: why an amount is carried, or what the payment includes."""
    due = fees + st_in
    words = []
    if out:
        words.append(f"Nothing is paid for this period: the amount due, {_dollars(due)}, is below "
                     f"the minimum payment of {_dollars(minimum)}. It is carried to the next "
                     f"period and paid when the amount due reaches the minimum.")
    elif payable and st_in:
        words.append(f"The payment includes {_dollars(st_in)} carried in from earlier periods, when "
                     f"the amount due was below the minimum payment of {_dollars(minimum)}.")
    elif payable:
        words.append("Paid in full: " + (f"the amount due is at least the minimum payment of "
                                         f"{_dollars(minimum)}." if minimum else
                                         "no minimum payment applies."))
    if p.end is not None and p.end <= end:
        ended = f"The service agreement ended on {p.end}; no service fees accrue after that day."
        if out:
            ended += (" The balance carried will not reach the minimum from new fees: the "
                      "distributor settles it outside this payment run.")
        words.append(ended)
    return tuple(words)


# --------------------------------------------------------------------------- the run
def make_payrun(book: Book, findings: list[Finding], period: str) -> PayRun:
    """The payment run of ``period`` (``2001-07`` or ``2001Q3``; a period this book cannot pay
    raises UsageError, see ``payment_period``).  The book is computed over its period up to
    the payment period's end (so the carried amounts are the ones ``payments.csv`` shows); with
    errors in the data the run holds only the findings."""
    st = book.settings
    _, _, no_period = period_of(book, None, None)
    if no_period:             # the book's period is missing or reversed: errors in the data
        pp = period_argument(period)
        return PayRun(book, list(findings) + no_period, pp, pp.start, pp.end)
    pp, start, end = payment_period(book, period)
    res = run(book, findings, st.period_start, end, by="month")
    pr = PayRun(book, res.findings, pp, start, end)
    if not res.ok:
        return pr
    built = _guard("computing the payment run", _payrun_tables, book, res, pr,
                   findings=pr.findings)
    if built is None:
        pr.statements = []
    return pr


def _payrun_tables(book: Book, res, pr: PayRun) -> bool:
    """Fill ``pr`` from the book's run ``res``: the remittance, the statements, the journal and
    the totals.  Figures taken by two routes are compared; a difference raises (a bug, reported
    as ``internal.error`` by the caller), never a payment."""
    st = book.settings
    start, end, label = pr.start, pr.end, pr.period.label
    # the period's own grid: its months' plan fees, accrual entries and statement lines
    grid, _ = build_grid(book, start, end)
    months = periods(start, end, "month")
    fees = plan_fees(grid, months, st.rounding, rate_units(st.absc_cap))
    _tie_to_accruals(res, grid.funds, months, fees)
    entries = accrual_entries(grid, months, fees, st.rounding)
    lines = fee_lines(grid, book, st.rounding)
    F = len(grid.funds)
    provs = book.providers
    index = {p.id: i for i, p in enumerate(provs)}

    # remittance: the payments rows of this period with fees or a carried amount
    pmt = res.tables["payments"]
    here = (pmt["period_start"] == start) & ((pmt["service_fees"] != 0) | (pmt["carried_in"] != 0)
                                             | (pmt["carried_out"] != 0))
    rows = np.nonzero(here)[0].tolist()
    svc_of = np.zeros(len(provs), np.int64)
    np.add.at(svc_of, lines.provider, lines.fee)
    statements = []
    for k in rows:
        i = index[pmt["provider_id"][k]]
        p = provs[i]
        fees_c, in_c, pay_c, out_c = (_cents(pmt[c][k]) for c in
                                      ("service_fees", "carried_in", "payable", "carried_out"))
        if fees_c != int(svc_of[i]):
            raise AssertionError(f"provider {p.id}: payments {fees_c} != statement lines "
                                 f"{int(svc_of[i])}")
        sel = np.nonzero(lines.provider == i)[0]
        sl = tuple(StatementLine(grid.funds[int(lines.fund[j])], int(lines.ana[j]),
                                 int(lines.rate[j]), bool(lines.by_cap[j]),
                                 bool(lines.by_fund_rate[j]), int(lines.days[j]),
                                 int(lines.fee[j])) for j in sel)
        minimum = minimum_cents(p)
        statements.append(Statement(
            provider=p, reference=reference(label, p.id), lines=sl,
            reasons=reasons(p, in_c, fees_c, pay_c, out_c, minimum, end), service_fees=fees_c,
            carried_in=in_c, payable=pay_c, carried_out=out_c, minimum=minimum))
        if out_c and p.end is not None and p.end <= end:
            pr.findings.append(warning(
                "pay.carried_after_end", p.loc,
                f"{p.id} ({p.name}): the service agreement ended on {p.end} and "
                f"{_dollars(out_c)} stays carried, below the minimum payment of "
                f"{_dollars(minimum)} (SPEC §4 rule 7 has no exception at termination). "
                f"Settle it outside the payment run, or record the decision."))
    pr.statements = statements
    pr.remittance = Columns({
        "provider_id": [s.provider.id for s in statements],
        "provider_name": [s.provider.name for s in statements],
        "agreement_type": [s.provider.kind for s in statements],
        "period_start": [start] * len(statements),
        "period_end": [end] * len(statements),
        "service_fees": [cents_to_decimal(s.service_fees) for s in statements],
        "carried_in": [cents_to_decimal(s.carried_in) for s in statements],
        "payable": [cents_to_decimal(s.payable) for s in statements],
        "carried_out": [cents_to_decimal(s.carried_out) for s in statements],
        "reference": [s.reference for s in statements],
    }, REMITTANCE_COLUMNS)

    # the journal
    acct = book.gl_accounts
    j = _Journal()
    for k in range(len(entries.cents)):
        f = grid.funds[int(entries.fund[k])]
        a, b = to_date(entries.first[k]), to_date(entries.last[k])
        memo = f"12b-1 fee accrued {a}" + (f" to {b}" if b != a else "")
        adj = int(entries.adjustment[k])
        if adj:
            memo += f" (includes the month's rounding difference of {cents_to_decimal(adj)})"
        j.pair(to_date(entries.date[k]), "fund", f, "", acct["fund_expense"],
               acct["fund_payable"], int(entries.cents[k]), memo)
    svc_f = np.zeros(F, np.int64)
    np.add.at(svc_f, lines.fund, lines.fee)
    for s in statements:
        for ln in s.lines:
            j.pair(end, "distributor", ln.fund, s.provider.id, acct["service_expense"],
                   acct["service_payable"], ln.fee_cents,
                   f"Service fees {label}, {s.provider.name or s.provider.id}")
    plan_f = np.zeros(F, np.int64)
    np.add.at(plan_f, fees.fund, fees.fee)
    for fi, f in enumerate(grid.funds):
        j.pair(end, "distributor", f, "", acct["receivable"], acct["service_revenue"],
               int(svc_f[fi]), f"12b-1 fee {label}: the service-fee part, paid to providers")
        j.pair(end, "distributor", f, "", acct["receivable"], acct["absc_revenue"],
               int(plan_f[fi] - svc_f[fi]),
               f"12b-1 fee {label}: the asset-based sales charge kept (SIXTH)")
    pr.journal = j.columns()

    plan_total = int(fees.fee.sum())
    svc_total = sum(s.service_fees for s in statements)
    if svc_total != int(svc_f.sum()):
        raise AssertionError("service fees by fund and by provider disagree")
    pr.totals = {
        "plan_fee": plan_total,
        "service_fees": svc_total,
        "asset_based_sales_charge": plan_total - svc_total,
        "carried_in": sum(s.carried_in for s in statements),
        "payable": sum(s.payable for s in statements),
        "carried": sum(s.carried_out for s in statements),
    }
    return True


def _cents(d) -> int:
    return int(d.scaleb(2))


def _tie_to_accruals(res, funds, months, fees) -> None:
    """The period's fund-month plan fees equal the accruals of the book's run (the figures of
    ``accruals.csv``); anything else is a bug, never a payment."""
    acc = res.tables["accruals"]
    want = {}
    for k in range(len(acc)):
        if acc["period_start"][k] >= months[0][0]:
            want[(acc["fund"][k], acc["period_start"][k])] = _cents(acc["plan_fee"][k])
    got = {(funds[int(f)], months[int(m)][0]): int(c)
           for f, m, c in zip(fees.fund, fees.period, fees.fee)}
    if want != got:
        raise AssertionError("the period's plan fees differ from the accruals")


class _Journal:
    """Journal entries in the order written, each a balanced pair of lines (debit, then
    credit); a negative amount swaps the accounts, a zero amount writes nothing."""

    def __init__(self):
        self.entries: list[tuple] = []

    def pair(self, when: date, entity: str, fund: str, provider_id: str, dr: str, cr: str,
             cents: int, memo: str) -> None:
        if cents == 0:
            return
        if cents < 0:
            dr, cr, cents = cr, dr, -cents
            memo += " (reversal)"
        self.entries.append((when, entity, fund, provider_id, dr, cr, cents, memo))

    def columns(self) -> Columns:
        """The lines: every entry twice, its debit line then its credit line."""
        e = self.entries
        twice = [x for x in e for _ in (0, 1)]
        amounts = np.repeat(np.array([x[6] for x in e], np.int64), 2)
        side = np.tile(np.array([True, False]), len(e))
        return Columns({
            "date": [x[0] for x in twice],
            "entity": [x[1] for x in twice],
            "fund": [x[2] for x in twice],
            "provider_id": [x[3] for x in twice],
            "account": [x[4] if k % 2 == 0 else x[5] for k, x in enumerate(twice)],
            "debit": cents_column(np.where(side, amounts, 0)),
            "credit": cents_column(np.where(side, 0, amounts)),
            "memo": [x[7] for x in twice],
        }, JOURNAL_COLUMNS)
