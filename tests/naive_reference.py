"""A deliberately naive reference implementation of SPEC §4 (rules 1-7) and the CSV rows of §8.

Used by the test suite to check the engine (``fee_core``).  It is independent of the engine on
purpose: it imports nothing of fee_core's computation, reads the workbook itself with openpyxl,
and computes everything in ``decimal.Decimal``, one calendar day at a time, with plain loops and
dicts.  Clarity over speed.

    compute_naive(path, start=None, end=None, by="month")
        -> {"accruals": [row, ...], "payouts": [...], "payments": [...]}

Each row is a dict keyed exactly by the CSV columns of SPEC §8, every value a string formatted as
in the CSV (ISO dates, money with exactly 2 decimals, rates as normalised decimal fractions such
as ``0.0025`` / ``0.003`` / ``0``, ``capped`` as ``true``/``false``, ``days`` as integer text).
``csv_text(rows, columns)`` turns a list of rows into CSV text for byte comparisons.

Readings of points the SPEC leaves open (write them here, keep them here):

* Workbook: tables are found by name on any sheet (case-insensitive, like Excel).  The header row
  is the first row of the table's ref; data rows are the rest, minus any totals rows; wholly blank
  rows are skipped (an empty table is written with one blank row).  Header texts are stripped.
  Date cells: openpyxl gives datetimes for date-formatted cells (it knows the 1900/1904 epoch);
  a plain number in a date column is an Excel serial in the workbook's epoch; ISO text is also
  accepted.  Numbers from float cells become ``Decimal(repr(x))``; text like ``0.25%`` is read as
  0.0025.  Provider IDs are compared as text (a whole-number cell 1001 is ``"1001"``).
* Fund names: canonical = the Schedule A name (first row wins if a fund is listed twice).
  Resolution of any other name: (1) equal to a Schedule A name; (2) equal to a Fund Names
  "Former Name" (its "Fund" resolved in turn); (3) normalised equal to a Schedule A name;
  (4) normalised equal to a former name.  Normalising: lowercase, "&" -> "and", collapse spaces,
  drop one leading brand word ("invesco" or the first word of any Schedule A company name),
  drop a trailing " fund".  Names that do not resolve are ignored here (the engine reports them
  as errors; this reference does not check data).  Fund Names' "Changed On" is not used for the
  computation: data under a former name counts for the fund on every date.
* NAV: NA(f,d) comes from the latest NAV row dated on or before d *that has a value for f* (in
  any column resolving to f; if two columns of one row both resolve to f and are both filled,
  which is an error in the data, the first column in sheet order is used).  Rows are taken in
  date order; for duplicate dates (an error) the later row in the table wins.  If a day with
  r(f,d) > 0 has no NAV, ``NaiveInputError`` is raised.
* Plan term: the earliest ``Plan Effective`` event is the start; no such event -> the plan is
  never in force.  Days before it accrue nothing.  Initial term = [Plan Effective, Initial Term
  End]; yearly term k (k = 1, 2, ...) = [ITE shifted k-1 years + 1 day, ITE shifted k years]
  (a Feb 29 shifted to a non-leap year becomes Feb 28).  Only ``Continuance Approved`` events with
  a blank Fund count.  A term is approved if an approval is dated in [term start shifted back one
  year, term start); otherwise, if approvals are dated inside the term, the plan is in force from
  the earliest of them through the term's end; otherwise the term accrues nothing.
* ``Termination``: blank Fund -> whole plan, else that fund; zero from the event date on (the
  earliest such event applies).  ``Amendment`` events have no effect on the computation.
* Schedule B: the row of f whose [Effective Date, End Date] covers d; if several cover d (an
  error in the data) the first in table order is used.  A day before the Schedule A effective
  date has rate 0 (so accrual starts at the later of the two effective dates).
* Periods: "month" = calendar months, "quarter" = calendar quarters (Jan-Mar, ...), "period" =
  the whole [start, end]; each clipped to [start, end].  Payment periods likewise by the Settings
  Payment Frequency (Monthly default, Quarterly), independent of ``by``.
* Accruals: days = days of the period with r(f,d) > 0; ADNA = mean of NA over those days.
  service_fees = sum over providers (in the Providers table) of their (provider, fund, period)
  service fee, each already rounded (per period, or per day under Rounding=Daily).
* Payouts: providers are those of the Providers table (first row wins for a repeated ID);
  Provider Assets rows of unknown providers or funds are ignored.  Provider rate applied on d =
  min(own rate, Service Fee Cap, r(f,d)) if d is within [Start Date, End Date] (blank = open)
  and r(f,d) > 0, else 0.  A(p,f,d) = Average Net Assets of the first Provider Assets row of
  (p,f) covering d.  A payouts row exists for every (provider, fund, output period) with at least
  one covered day, even when it earns nothing.  "Accruing day" = covered and applied rate > 0;
  ``rate`` is the rate applied on the last accruing day (``0`` if none); ``capped`` is true if on
  some accruing day the applied rate is below the provider's own rate (cut by the cap *or* by a
  lower fund rate).  Rows ordered by provider_id (plain text sort), fund (Schedule A order),
  period_start.
* Payments: for each provider, the payment-period service fee per fund is rounded per payment
  period (per day under Daily) and summed over funds.  Minimum Payment blank -> 0.  Rows start at
  the provider's first payment period with service_fees > 0 and run through the last period; a
  provider with no fee at all has no rows.  Ordered by provider_id (text sort), period_start.
* Money: ROUND_HALF_UP to cents; ADNA / average_net_assets also half-up to 2 decimals.  A money
  value that rounds to zero is written ``0.00`` (never ``-0.00``).  Daily fees are summed as
  exact fractions (Decimal division at 50 digits once rounded an exact half cent down: a sum of
  30 days of 510,509 × 0.1% / 366 is exactly 41.845); other arithmetic runs with 50 digits.
* Settings: names matched case-insensitively; a blank value takes the contract default.
  ``start``/``end`` arguments accept date, datetime or ISO text and default to Period Start / End.
"""
from __future__ import annotations

import calendar
import csv
import io
import math
from bisect import bisect_right
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE_DAY = timedelta(days=1)

ACCRUALS_COLUMNS = ["fund", "period_start", "period_end", "days", "average_daily_net_assets",
                    "plan_fee", "service_fees", "asset_based_sales_charge"]
PAYOUTS_COLUMNS = ["provider_id", "fund", "period_start", "period_end", "average_net_assets",
                   "rate", "capped", "service_fee"]
PAYMENTS_COLUMNS = ["provider_id", "period_start", "period_end", "service_fees", "carried_in",
                    "payable", "carried_out"]

DEFAULT_SETTINGS = {
    "day count": "Actual/Actual",
    "rounding": "Period",
    "service fee cap": "0.0025",
    "payment frequency": "Monthly",
    "initial term end": "2001-05-30",
}


class NaiveInputError(ValueError):
    """The workbook lacks something the computation needs (this reference does no checking)."""


# --------------------------------------------------------------------------------------------
# cell values
# --------------------------------------------------------------------------------------------

def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value).strip()


def to_decimal(value):
    """A cell value as Decimal (None for a blank cell)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise NaiveInputError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            if text.endswith("%"):
                return Decimal(text[:-1].strip()) / 100
            return Decimal(text)
        except Exception:
            raise NaiveInputError(f"not a number: {value!r}") from None
    raise NaiveInputError(f"not a number: {value!r}")


def to_date(value, epoch=None):
    """A cell value as datetime.date (None for a blank cell).  A number is an Excel serial."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if epoch is None:
            return from_excel(value).date()
        return from_excel(value, epoch=epoch).date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise NaiveInputError(f"not a date: {value!r}") from None
    raise NaiveInputError(f"not a date: {value!r}")


def round_cents(x) -> Decimal:
    """Half up (away from zero) to cents; a Fraction (an exact sum of daily fees) is rounded
    exactly: Decimal division at any precision can land a hair below an exact half cent."""
    if isinstance(x, Fraction):
        n = math.floor(abs(x) * 100 + Fraction(1, 2))
        return (Decimal(n if x >= 0 else -n) / 100).quantize(CENT)
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_money(x: Decimal) -> str:
    q = round_cents(x)
    if q == 0:
        q = Decimal("0.00")
    return format(q, "f")


def fmt_rate(x: Decimal) -> str:
    if x == 0:
        return "0"
    return format(x.normalize(), "f")


def fmt_date(d: date) -> str:
    return d.isoformat()


# --------------------------------------------------------------------------------------------
# reading the workbook
# --------------------------------------------------------------------------------------------

def read_tables(path):
    """Return ({table name lower-case: (headers, [row dict, ...])}, epoch)."""
    wb = load_workbook(path, data_only=True)
    epoch = wb.epoch
    tables = {}
    for ws in wb.worksheets:
        for table in ws.tables.values():  # (.items() yields (name, ref) pairs)
            name = table.displayName or table.name
            cells = ws[table.ref]
            if not isinstance(cells[0], tuple):  # a one-row or one-column ref
                cells = (cells,)
            header_cells = cells[0]
            headers = [to_text(c.value) for c in header_cells]
            body = list(cells[1:])
            totals = table.totalsRowCount or 0
            if totals:
                body = body[:-totals]
            rows = []
            for row_cells in body:
                values = [c.value for c in row_cells]
                if all(is_blank(v) for v in values):
                    continue
                rows.append(dict(zip(headers, values)))
            tables[name.lower()] = (headers, rows)
    return tables, epoch


def _table_rows(tables, name):
    return tables.get(name.lower(), ([], []))


# --------------------------------------------------------------------------------------------
# fund names
# --------------------------------------------------------------------------------------------

def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # Feb 29 -> Feb 28
        return d.replace(year=d.year + years, day=28)


class NameResolver:
    def __init__(self, schedule_a_funds, companies, former_to_fund):
        self.funds = list(schedule_a_funds)
        self.brands = {"invesco"}
        for company in companies:
            words = company.strip().lower().split()
            if words:
                self.brands.add(words[0])
        self.former = dict(former_to_fund)

    def normalise(self, name: str) -> str:
        text = name.lower().replace("&", " and ")
        text = " ".join(text.split())
        first, _, rest = text.partition(" ")
        if rest and first in self.brands:
            text = rest
        if text.endswith(" fund"):
            text = text[: -len(" fund")]
        return text

    def resolve(self, name, _depth=0):
        """The canonical (Schedule A) name for ``name``, or None."""
        name = to_text(name)
        if not name or _depth > 10:
            return None
        if name in self.funds:
            return name
        if name in self.former:
            return self.resolve(self.former[name], _depth + 1)
        key = self.normalise(name)
        for fund in self.funds:
            if self.normalise(fund) == key:
                return fund
        for former, fund in self.former.items():
            if self.normalise(former) == key:
                return self.resolve(fund, _depth + 1)
        return None


# --------------------------------------------------------------------------------------------
# the book
# --------------------------------------------------------------------------------------------

class NaiveBook:
    """The workbook's inputs, parsed naively, and the day-by-day rules of SPEC §4."""

    def __init__(self, path):
        tables, epoch = read_tables(path)
        self.epoch = epoch

        # Settings
        self.settings = {}
        for row in _table_rows(tables, "Settings")[1]:
            key = to_text(row.get("Setting")).lower()
            if key and key not in self.settings:
                self.settings[key] = row.get("Value")

        self.day_count = self.setting_text("day count")
        self.rounding = self.setting_text("rounding")
        self.payment_frequency = self.setting_text("payment frequency")
        self.service_fee_cap = to_decimal(self.setting_value("service fee cap"))
        self.initial_term_end = to_date(self.setting_value("initial term end"), epoch)
        self.period_start = to_date(self.setting_value("period start"), epoch)
        self.period_end = to_date(self.setting_value("period end"), epoch)

        # Schedule A: canonical names, in order
        self.funds = []
        self.fund_effective = {}
        companies = []
        for row in _table_rows(tables, "ScheduleA")[1]:
            fund = to_text(row.get("Fund"))
            companies.append(to_text(row.get("Company")))
            if fund and fund not in self.fund_effective:
                self.funds.append(fund)
                self.fund_effective[fund] = to_date(row.get("Effective Date"), epoch)

        former = {}
        for row in _table_rows(tables, "FundNames")[1]:
            old = to_text(row.get("Former Name"))
            new = to_text(row.get("Fund"))
            if old and new and old not in former:
                former[old] = new
        self.names = NameResolver(self.funds, companies, former)

        # Schedule B: fund -> [(effective, end, rate)] in table order
        self.schedule_b = {f: [] for f in self.funds}
        for row in _table_rows(tables, "ScheduleB")[1]:
            fund = self.names.resolve(row.get("Fund"))
            if fund is None:
                continue
            rate = to_decimal(row.get("Annual Rate"))
            effective = to_date(row.get("Effective Date"), epoch)
            end = to_date(row.get("End Date"), epoch)
            if rate is None or effective is None:
                continue
            self.schedule_b[fund].append((effective, end, rate))

        # Plan events
        self.plan_effective = None
        self.approvals = []
        self.plan_termination = None
        self.fund_termination = {}
        for row in _table_rows(tables, "PlanEvents")[1]:
            when = to_date(row.get("Date"), epoch)
            event = to_text(row.get("Event")).lower()
            fund_text = to_text(row.get("Fund"))
            if when is None:
                continue
            if event == "plan effective":
                if self.plan_effective is None or when < self.plan_effective:
                    self.plan_effective = when
            elif event == "continuance approved":
                if not fund_text:
                    self.approvals.append(when)
            elif event == "termination":
                if not fund_text:
                    if self.plan_termination is None or when < self.plan_termination:
                        self.plan_termination = when
                else:
                    fund = self.names.resolve(fund_text)
                    if fund is not None:
                        old = self.fund_termination.get(fund)
                        if old is None or when < old:
                            self.fund_termination[fund] = when

        # NAV: fund -> sorted dates and values (rows with a value for that fund only)
        nav_headers, nav_rows = _table_rows(tables, "NAV")
        column_fund = {}
        for header in nav_headers:
            if header == "Date":
                continue
            fund = self.names.resolve(header)
            if fund is not None:
                column_fund[header] = fund
        dated = []
        for i, row in enumerate(nav_rows):
            when = to_date(row.get("Date"), epoch)
            if when is not None:
                dated.append((when, i, row))
        dated.sort(key=lambda t: (t[0], t[1]))
        self.nav_dates = {f: [] for f in self.funds}
        self.nav_values = {f: [] for f in self.funds}
        for when, _, row in dated:
            value_of_fund = {}
            for header in nav_headers:  # sheet order: first filled column wins
                fund = column_fund.get(header)
                if fund is None or fund in value_of_fund:
                    continue
                value = to_decimal(row.get(header))
                if value is not None:
                    value_of_fund[fund] = value
            for fund, value in value_of_fund.items():
                dates = self.nav_dates[fund]
                if dates and dates[-1] == when:  # duplicate date: later row wins
                    self.nav_values[fund][-1] = value
                else:
                    dates.append(when)
                    self.nav_values[fund].append(value)

        # Providers: id -> dict, in first-seen order
        self.providers = {}
        for row in _table_rows(tables, "Providers")[1]:
            pid = to_text(row.get("Provider ID"))
            if not pid or pid in self.providers:
                continue
            rate = to_decimal(row.get("Service Fee Rate"))
            if rate is None:
                raise NaiveInputError(f"provider {pid}: no Service Fee Rate")
            minimum = to_decimal(row.get("Minimum Payment"))
            self.providers[pid] = {
                "rate": rate,
                "start": to_date(row.get("Start Date"), epoch),
                "end": to_date(row.get("End Date"), epoch),
                "minimum": minimum if minimum is not None else ZERO,
            }

        # Provider Assets: (provider, fund) -> [(start, end, average net assets)] in table order
        self.provider_assets = {}
        for row in _table_rows(tables, "ProviderAssets")[1]:
            pid = to_text(row.get("Provider ID"))
            fund = self.names.resolve(row.get("Fund"))
            if pid not in self.providers or fund is None:
                continue
            start = to_date(row.get("Period Start"), epoch)
            end = to_date(row.get("Period End"), epoch)
            amount = to_decimal(row.get("Average Net Assets"))
            if start is None or end is None or amount is None:
                continue
            self.provider_assets.setdefault((pid, fund), []).append((start, end, amount))

        self._plan_cache = {}

    # settings ---------------------------------------------------------------------------
    def setting_value(self, key):
        value = self.settings.get(key)
        if is_blank(value):
            return DEFAULT_SETTINGS.get(key)
        return value

    def setting_text(self, key):
        return to_text(self.setting_value(key))

    # rule 1: rate in force ----------------------------------------------------------------
    def plan_in_force(self, d: date) -> bool:
        if d not in self._plan_cache:
            self._plan_cache[d] = self._plan_in_force(d)
        return self._plan_cache[d]

    def _plan_in_force(self, d: date) -> bool:
        if self.plan_effective is None or d < self.plan_effective:
            return False
        if self.plan_termination is not None and d >= self.plan_termination:
            return False
        ite = self.initial_term_end
        if d <= ite:
            return True
        k = 1
        while True:
            term_start = add_years(ite, k - 1) + ONE_DAY
            term_end = add_years(ite, k)
            if term_start <= d <= term_end:
                break
            k += 1
        year_before = add_years(term_start, -1)
        for approved in self.approvals:
            if year_before <= approved < term_start:
                return True
        inside = [a for a in self.approvals if term_start <= a <= term_end]
        if inside and d >= min(inside):
            return True
        return False

    def rate(self, fund: str, d: date) -> Decimal:
        """r(f,d) of rule 1."""
        if not self.plan_in_force(d):
            return ZERO
        effective = self.fund_effective.get(fund)
        if effective is None or d < effective:
            return ZERO
        terminated = self.fund_termination.get(fund)
        if terminated is not None and d >= terminated:
            return ZERO
        for start, end, rate in self.schedule_b.get(fund, []):
            if start <= d and (end is None or d <= end):
                return rate
        return ZERO

    # rule 2 / 3 -------------------------------------------------------------------------
    def year_days(self, d: date) -> int:
        return year_days(d, self.day_count)

    def net_assets(self, fund: str, d: date) -> Decimal:
        """NA(f,d): the latest NAV on or before d (carry forward)."""
        dates = self.nav_dates.get(fund, [])
        i = bisect_right(dates, d)
        if i == 0:
            raise NaiveInputError(f"no NAV for {fund} on or before {d}")
        return self.nav_values[fund][i - 1]

    def round_rule(self, daily_amounts) -> Decimal:
        """Sum of a period's daily amounts under the Rounding setting."""
        if self.rounding.lower() == "daily":
            total = ZERO
            for x in daily_amounts:
                total += round_cents(x)
            return total
        total = Fraction(0)
        for x in daily_amounts:
            total += x
        return round_cents(total)

    # rules 4 / 5 -------------------------------------------------------------------------
    def assets_row(self, pid: str, fund: str, d: date):
        """A(p,f,d), or None when no Provider Assets row of (p,f) covers d."""
        for start, end, amount in self.provider_assets.get((pid, fund), []):
            if start <= d <= end:
                return amount
        return None

    def provider_rate(self, pid: str, fund: str, d: date) -> Decimal:
        """The service fee rate applied for provider p, fund f on day d (rule 4)."""
        provider = self.providers[pid]
        if provider["start"] is not None and d < provider["start"]:
            return ZERO
        if provider["end"] is not None and d > provider["end"]:
            return ZERO
        r = self.rate(fund, d)
        if r <= 0:
            return ZERO
        return min(provider["rate"], self.service_fee_cap, r)

    def service_fee(self, pid: str, fund: str, start: date, end: date) -> Decimal:
        """Rule 5, rounded for the period [start, end] under the Rounding setting."""
        daily = []
        for d in days(start, end):
            amount = self.assets_row(pid, fund, d)
            if amount is None:
                continue
            rate = self.provider_rate(pid, fund, d)
            daily.append(Fraction(rate) * Fraction(amount) / self.year_days(d))
        return self.round_rule(daily)


# --------------------------------------------------------------------------------------------
# helpers without the book
# --------------------------------------------------------------------------------------------

def year_days(d: date, day_count: str = "Actual/Actual") -> int:
    """Y(d): 366 in a leap year under Actual/Actual, else 365."""
    if day_count.strip().lower() == "actual/actual" and calendar.isleap(d.year):
        return 366
    return 365


def day_fee(rate, net_assets, d: date, day_count: str = "Actual/Actual") -> Decimal:
    """fee(f,d) = r × NA / Y(d), unrounded (rule 2)."""
    with localcontext() as ctx:
        ctx.prec = 50
        return Decimal(rate) * Decimal(net_assets) / year_days(d, day_count)


def days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += ONE_DAY


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def quarter_end(d: date) -> date:
    last_month = ((d.month - 1) // 3) * 3 + 3
    return month_end(date(d.year, last_month, 1))


def periods(start: date, end: date, by: str):
    """Output periods (clipped to [start, end])."""
    by = by.strip().lower()
    if by == "period":
        return [(start, end)]
    if by in ("month", "monthly"):
        last_day = month_end
    elif by in ("quarter", "quarterly"):
        last_day = quarter_end
    else:
        raise ValueError(f"by must be month, quarter or period, not {by!r}")
    result = []
    s = start
    while s <= end:
        e = min(last_day(s), end)
        result.append((s, e))
        s = e + ONE_DAY
    return result


def _as_date(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# --------------------------------------------------------------------------------------------
# the three outputs
# --------------------------------------------------------------------------------------------

def compute_naive(path, start=None, end=None, by="month") -> dict:
    with localcontext() as ctx:
        ctx.prec = 50
        return _compute(NaiveBook(path), _as_date(start), _as_date(end), by)


def _compute(book: NaiveBook, start, end, by):
    start = start or book.period_start
    end = end or book.period_end
    if start is None or end is None:
        raise NaiveInputError("no period: give start/end or fill Settings Period Start/End")
    if end < start:
        raise ValueError("end before start")
    out_periods = periods(start, end, by)
    provider_ids = sorted(book.providers)

    # service fee of every (provider, fund, output period): used by accruals and payouts
    service = {}
    for pid in provider_ids:
        for fund in book.funds:
            if (pid, fund) not in book.provider_assets:
                continue
            for s, e in out_periods:
                service[(pid, fund, s)] = book.service_fee(pid, fund, s, e)

    # accruals (rules 1-3, 6)
    accruals = []
    for fund in book.funds:
        for s, e in out_periods:
            in_plan_days = 0
            total_na = ZERO
            daily_fees = []
            for d in days(s, e):
                r = book.rate(fund, d)
                if r <= 0:
                    continue
                na = book.net_assets(fund, d)
                in_plan_days += 1
                total_na += na
                daily_fees.append(Fraction(r) * Fraction(na) / book.year_days(d))
            if in_plan_days == 0:
                continue
            plan_fee = book.round_rule(daily_fees)
            service_fees = ZERO
            for pid in provider_ids:
                service_fees += service.get((pid, fund, s), ZERO)
            accruals.append({
                "fund": fund,
                "period_start": fmt_date(s),
                "period_end": fmt_date(e),
                "days": str(in_plan_days),
                "average_daily_net_assets": fmt_money(total_na / in_plan_days),
                "plan_fee": fmt_money(plan_fee),
                "service_fees": fmt_money(service_fees),
                "asset_based_sales_charge": fmt_money(plan_fee - service_fees),
            })

    # payouts (rules 4-5)
    payouts = []
    for pid in provider_ids:
        own_rate = book.providers[pid]["rate"]
        for fund in book.funds:
            if (pid, fund) not in book.provider_assets:
                continue
            for s, e in out_periods:
                covered_days = 0
                total_assets = ZERO
                last_rate = ZERO
                capped = False
                for d in days(s, e):
                    amount = book.assets_row(pid, fund, d)
                    if amount is None:
                        continue
                    covered_days += 1
                    total_assets += amount
                    rate = book.provider_rate(pid, fund, d)
                    if rate > 0:
                        last_rate = rate
                        if rate < own_rate:
                            capped = True
                if covered_days == 0:
                    continue
                payouts.append({
                    "provider_id": pid,
                    "fund": fund,
                    "period_start": fmt_date(s),
                    "period_end": fmt_date(e),
                    "average_net_assets": fmt_money(total_assets / covered_days),
                    "rate": fmt_rate(last_rate),
                    "capped": "true" if capped else "false",
                    "service_fee": fmt_money(service[(pid, fund, s)]),
                })

    # payments (rule 7)
    frequency = book.payment_frequency.strip().lower()
    pay_periods = periods(start, end, "quarter" if frequency == "quarterly" else "month")
    payments = []
    for pid in provider_ids:
        minimum = book.providers[pid]["minimum"]
        fees_by_period = []
        for s, e in pay_periods:
            fees = ZERO
            for fund in book.funds:
                if (pid, fund) in book.provider_assets:
                    fees += book.service_fee(pid, fund, s, e)
            fees_by_period.append((s, e, fees))
        started = False
        carried = ZERO
        for s, e, fees in fees_by_period:
            if not started and fees > 0:
                started = True
            if not started:
                continue
            carried_in = carried
            due = fees + carried_in
            if due >= minimum:
                payable, carried = due, ZERO
            else:
                payable, carried = ZERO, due
            payments.append({
                "provider_id": pid,
                "period_start": fmt_date(s),
                "period_end": fmt_date(e),
                "service_fees": fmt_money(fees),
                "carried_in": fmt_money(carried_in),
                "payable": fmt_money(payable),
                "carried_out": fmt_money(carried),
            })

    return {"accruals": accruals, "payouts": payouts, "payments": payments}


def csv_text(rows, columns) -> str:
    """Rows as CSV text (header row first, ``\\n`` line ends) for comparisons."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


if __name__ == "__main__":  # python tests/naive_reference.py BOOK.xlsx [start end by]
    import sys

    args = sys.argv[1:]
    result = compute_naive(args[0], *(args[1:3] or [None, None]),
                           **({"by": args[3]} if len(args) > 3 else {}))
    for key, cols in (("accruals", ACCRUALS_COLUMNS), ("payouts", PAYOUTS_COLUMNS),
                      ("payments", PAYMENTS_COLUMNS)):
        print(f"# {key}")
        print(csv_text(result[key], cols))


# --------------------------------------------------------------------------------------------
# the payment run (SPEC §6 "The payment run", §8 `fee12b1 pay`), as naively as the rest
# --------------------------------------------------------------------------------------------
#
# Readings (the engine's docs/payments.md says the same in words):
# * The payment period P is ``YYYY-MM`` or ``YYYYQn``; its days are clipped to the Settings
#   period.  Payments are computed from Period Start through the end of P, so carried amounts
#   are the ones payments.csv shows for P.
# * remittance: the payments rows of P with service fees, carried in or carried out not zero,
#   with the provider's name and Agreement Type from the Providers table and the reference
#   ``12B1-<P>-<provider_id>``.
# * journal, funds: for each fund (Schedule A order), each calendar month of P and each day in
#   the plan, fee = r·NA/Y; the day is booked on the latest NYSE session on or before it in the
#   same month, else on the month's first session; an entry (per fund and booking session) is
#   the sum of its days' fees rounded half up (Rounding=Period) or the sum of the days' rounded
#   fees (Daily); the month's last entry is replaced by plan fee − the other entries.  Pairs:
#   Dr 12b-1 Fee Expense / Cr 12b-1 Fees Payable, dated the booking session.
# * journal, distributor (dated P's last day): per provider of the remittance (ID order) and
#   fund (Schedule A order) the service fee of P (rounded once for P, or per day):
#   Dr Service Fee Expense / Cr Service Fees Payable; then per fund: Dr 12b-1 Fees Receivable /
#   Cr Service Fee Revenue (Σ service fees of the fund) and Dr 12b-1 Fees Receivable /
#   Cr Asset-Based Sales Charge Revenue (Σ of its months' plan fees − its service fees).
# * A zero amount writes no pair; a negative one swaps debit and credit.  Account names come
#   from the GL Accounts table (Entry = the default name, case-insensitive) where given.

GL_DEFAULTS = ("12b-1 Fee Expense", "12b-1 Fees Payable", "Service Fee Expense",
               "Service Fees Payable", "12b-1 Fees Receivable", "Service Fee Revenue",
               "Asset-Based Sales Charge Revenue")
REMITTANCE_COLUMNS = ["provider_id", "provider_name", "agreement_type", "period_start",
                      "period_end", "service_fees", "carried_in", "payable", "carried_out",
                      "reference"]
JOURNAL_COLUMNS = ["date", "entity", "fund", "provider_id", "account", "debit", "credit", "memo"]


def naive_period_bounds(label: str):
    """``2001-07`` -> (2001-07-01, 2001-07-31, "Monthly"); ``2001Q3`` -> quarter, "Quarterly"."""
    text = label.strip()
    if "Q" in text.upper():
        year, q = text.upper().split("Q")
        s = date(int(year), 3 * int(q) - 2, 1)
        return s, quarter_end(s), "Quarterly"
    year, month = text.split("-")
    s = date(int(year), int(month), 1)
    return s, month_end(s), "Monthly"


def naive_sessions(start: date, end: date):
    """NYSE sessions in [start, end] straight from exchange_calendars (not fee_core's cache)."""
    import warnings

    import exchange_calendars as xc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = xc.get_calendar("XNYS", start="1990-01-01")
        return [ts.date() for ts in cal.sessions_in_range(start.isoformat(), end.isoformat())]


def _accounts(tables):
    names = {k.lower(): k for k in GL_DEFAULTS}
    out = {k: k for k in GL_DEFAULTS}
    for row in _table_rows(tables, "GLAccounts")[1]:
        key = " ".join(to_text(row.get("Entry")).lower().split())
        if key in names and to_text(row.get("Account")):
            out[names[key]] = to_text(row.get("Account"))
    return out


def _pairs(out, when, entity, fund, pid, dr, cr, amount):
    if amount == 0:
        return
    if amount < 0:
        dr, cr, amount = cr, dr, -amount
    for account, debit, credit in ((dr, amount, ZERO), (cr, ZERO, amount)):
        out.append({"date": fmt_date(when), "entity": entity, "fund": fund, "provider_id": pid,
                    "account": account, "debit": fmt_money(debit), "credit": fmt_money(credit)})


def naive_payrun(path, label: str) -> dict:
    """The payment run of ``label`` for the workbook at ``path``:
    {"remittance": [row], "journal": [row without memo], "lines": {pid: [line dict]},
     "plan_fees": {(fund, month start): Decimal}}."""
    with localcontext() as ctx:
        ctx.prec = 50
        return _naive_payrun(NaiveBook(path), read_tables(path)[0], label)


def _naive_payrun(book: NaiveBook, tables, label: str) -> dict:
    ps, pe, _ = naive_period_bounds(label)
    start, end = max(ps, book.period_start), min(pe, book.period_end)
    computed = _compute(book, book.period_start, end, "month")
    info = {}
    for row in _table_rows(tables, "Providers")[1]:
        pid = to_text(row.get("Provider ID"))
        if pid and pid not in info:
            info[pid] = (to_text(row.get("Provider Name")), to_text(row.get("Agreement Type")))
    remittance = []
    for r in computed["payments"]:
        if r["period_start"] != fmt_date(start):
            continue
        if all(Decimal(r[k]) == 0 for k in ("service_fees", "carried_in", "carried_out")):
            continue
        name, kind = info[r["provider_id"]]
        remittance.append({"provider_id": r["provider_id"], "provider_name": name,
                           "agreement_type": kind, "period_start": r["period_start"],
                           "period_end": r["period_end"], "service_fees": r["service_fees"],
                           "carried_in": r["carried_in"], "payable": r["payable"],
                           "carried_out": r["carried_out"],
                           "reference": f"12B1-{label}-{r['provider_id']}"})
    acct = _accounts(tables)
    month_list = periods(start, end, "month")
    sess = naive_sessions(date(start.year, start.month, 1), month_end(end))
    journal: list[dict] = []
    plan_fees: dict = {}
    plan_of_fund = {f: ZERO for f in book.funds}
    for fund in book.funds:
        for ms, me in month_list:
            booked = {}               # session -> [daily fees]
            for d in days(ms, me):
                r = book.rate(fund, d)
                if r <= 0:
                    continue
                fee = Fraction(r) * Fraction(book.net_assets(fund, d)) / book.year_days(d)
                same_month = [s for s in sess if (s.year, s.month) == (d.year, d.month)]
                before = [s for s in same_month if s <= d]
                booked.setdefault(before[-1] if before else same_month[0], []).append(fee)
            if not booked:
                continue
            plan = book.round_rule([x for fees in booked.values() for x in fees])
            plan_fees[(fund, ms)] = plan
            plan_of_fund[fund] += plan
            when = sorted(booked)
            amounts = [book.round_rule(booked[s]) for s in when]
            amounts[-1] = plan - sum(amounts[:-1], ZERO)
            for s, amount in zip(when, amounts):
                _pairs(journal, s, "fund", fund, "", acct["12b-1 Fee Expense"],
                       acct["12b-1 Fees Payable"], amount)
    lines = {}
    service_of_fund = {f: ZERO for f in book.funds}
    for row in remittance:
        pid = row["provider_id"]
        lines[pid] = []
        for fund in book.funds:
            if (pid, fund) not in book.provider_assets:
                continue
            covered = [d for d in days(start, end) if book.assets_row(pid, fund, d) is not None]
            if not covered:
                continue
            fee = book.service_fee(pid, fund, start, end)
            service_of_fund[fund] += fee
            own = book.providers[pid]["rate"]
            accrued = [d for d in covered if book.provider_rate(pid, fund, d) > 0]
            ceiling = min(own, book.service_fee_cap)
            lines[pid].append({
                "fund": fund,
                "average_net_assets": fmt_money(sum(book.assets_row(pid, fund, d) for d in covered)
                                                / len(covered)),
                "rate": fmt_rate(book.provider_rate(pid, fund, accrued[-1]) if accrued else ZERO),
                "days": len(accrued),
                "by_cap": bool(accrued) and own > book.service_fee_cap,
                "by_fund_rate": any(book.rate(fund, d) < ceiling for d in accrued),
                "service_fee": fmt_money(fee)})
            _pairs(journal, end, "distributor", fund, pid, acct["Service Fee Expense"],
                   acct["Service Fees Payable"], fee)
    for fund in book.funds:
        _pairs(journal, end, "distributor", fund, "", acct["12b-1 Fees Receivable"],
               acct["Service Fee Revenue"], service_of_fund[fund])
        _pairs(journal, end, "distributor", fund, "", acct["12b-1 Fees Receivable"],
               acct["Asset-Based Sales Charge Revenue"], plan_of_fund[fund] - service_of_fund[fund])
    return {"remittance": remittance, "journal": journal, "lines": lines, "plan_fees": plan_fees}
