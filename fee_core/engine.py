"""The pipeline: read -> parse -> check -> compute.  ``load`` gives a Book and findings;
``run`` gives a Result with the output tables and every finding; ``run_payouts`` computes
payouts and payments only (they need the rate in force, never net assets).  A stage that
crashes is caught and becomes an ``internal.error`` finding, never a traceback for the user.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from .checks import BOOK_CHECKS, GRID_CHECKS, NEEDS, label
from .columns import Columns
from .compute.accruals import plan_fees
from .compute.payments import payments
from .compute.periods import periods
from .compute.service import ServiceFees, service_fees
from .compute.split import split_findings
from .contract import ACCRUAL_COLUMNS, CHECK_COLUMNS, PAYMENT_COLUMNS, PAYOUT_COLUMNS
from .findings import Finding, Location, error, has_errors, sort_findings, warning
from .model import Book
from .money import cents_column, cents_to_decimal, fmt_rate, rate_units
from .parse import parse_book
from .read import RawBook, read_workbook
from .rules import Grid, build_grid, period_before_plan


def _log():
    """The "fee12b1" logger, silent unless the application configures logging (the command
    line shows tracebacks with FEE12B1_DEBUG=1); imported only when something fails."""
    import logging
    log = logging.getLogger("fee12b1")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
    return log


def _guard(stage: str, fn: Callable[..., Any], *args, findings: list[Finding], default=None):
    """``fn(*args)``; a crash becomes an ``internal.error`` finding and ``default``."""
    try:
        return fn(*args)
    except Exception as exc:  # a crashing stage becomes a finding (beancount style)
        _log().exception("%s failed", stage)
        findings.append(error("internal.error", Location(),
                              f"{stage} failed unexpectedly ({type(exc).__name__}: {exc}); the "
                              f"figures cannot be trusted. Please report this with the workbook."))
        return default


def load(path) -> tuple[Book | None, list[Finding]]:
    """Read, parse and check a workbook: (Book or None if unreadable, findings)."""
    return load_raw(*read_workbook(path))


def load_raw(raw: RawBook, findings: list[Finding] | None = None) -> tuple[Book | None, list[Finding]]:
    """Parse and check tables already read, with the reader's ``findings``: (Book or None,
    findings).  None as well when the read itself failed (no table and an error)."""
    findings = list(findings or [])
    if not raw.tables and has_errors(findings):
        return None, findings
    parsed = _guard("parsing the workbook", parse_book, raw, findings=findings)
    if parsed is None:
        return None, findings
    book, f2 = parsed
    findings += f2
    skipped = []
    for check in BOOK_CHECKS:
        if set(NEEDS.get(check, ())) & set(book.unusable):
            skipped.append(label(check))
            continue
        findings += _guard(check.__name__, check, book, findings=findings, default=[]) or []
    if book.unusable:
        findings.append(skipped_line(book, skipped))
    return book, findings


def skipped_line(book: Book, checks: list[str]) -> Finding:
    """Root cause first (SPEC §5): the one line that says what was not checked because a table
    cannot be read (its own error says why), instead of the dozens of follow-on errors."""
    tables = list(book.unusable)
    items = []
    if {"ScheduleA", "FundNames"} & set(tables):
        items.append("the fund names in the other tables")
    if "Providers" in tables:
        items.append("the provider IDs in Provider Assets")
    if checks:
        items.append("the checks of " + ", ".join(checks))
    items.append("the computation of the period (accruals, payouts, payments and the checks on "
                 "them)")
    return warning("check.skipped", book.loc(tables[0]),
                   f"Skipped until table {' and '.join(tables)} can be read (see the error "
                   f"above): {'; '.join(items)}.")


@dataclass
class Result:
    """What ``run`` (or ``run_payouts``) computed over [start, end] by ``by``.

    book: the Book (None when the workbook could not be read); findings: every finding;
    grid: the daily grid (None when none was built); tables: the output tables as ``Columns``
    by name (``accruals``, ``payouts``, ``payments``, ``provider_kind_fees``; money as Decimal,
    dates as datetime.date), empty when the data has errors.  The properties of the same names
    give them as pandas DataFrames (made on first use), or None."""

    book: Book | None
    start: date | None
    end: date | None
    by: str
    findings: list[Finding]
    grid: Grid | None = None
    tables: dict[str, Columns] = field(default_factory=dict)
    _frames: dict[str, Any] = field(default_factory=dict, repr=False)

    def _frame(self, name: str):
        if name not in self.tables:
            return None
        if name not in self._frames:
            self._frames[name] = self.tables[name].to_frame()
        return self._frames[name]

    accruals = property(lambda self: self._frame("accruals"), doc="accruals.csv as a DataFrame")
    payouts = property(lambda self: self._frame("payouts"), doc="payouts.csv as a DataFrame")
    payments = property(lambda self: self._frame("payments"), doc="payments.csv as a DataFrame")
    provider_kind_fees = property(lambda self: self._frame("provider_kind_fees"),
                                  doc="service fees by provider kind, fund and period")

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def checks(self) -> Columns:
        """The findings as the rows of checks.csv, errors first."""
        rows = [f.as_row() for f in sort_findings(self.findings)]
        return Columns({c: [r[k] for r in rows] for k, c in enumerate(CHECK_COLUMNS)})

    def checks_table(self):
        """The findings as a DataFrame with the checks.csv columns."""
        return self.checks().to_frame()


def period_of(book: Book, start: date | None, end: date | None
              ) -> tuple[date | None, date | None, list[Finding]]:
    """The period to compute: ``start``/``end``, else the Settings period."""
    s = start or book.settings.period_start
    e = end or book.settings.period_end
    out = []
    loc = Location(book.sheets.get("Settings", "Settings"), "Settings", column="Value")
    if s is None or e is None:
        out.append(error("setting.no_period", loc,
                         "No period to compute: set Period Start and Period End in Settings (or "
                         "give --start and --end)."))
        return None, None, out
    if e < s:
        out.append(error("setting.bad_period", loc,
                         f"Period End {e} is before Period Start {s}; fix the period."))
        return None, None, out
    if s < FIRST_DAY or e > LAST_DAY or (e - s).days >= MAX_PERIOD_DAYS:
        out.append(error("setting.bad_period", loc,
                         f"The period {s} to {e} is {(e - s).days + 1:,} days long or reaches outside "
                         f"{FIRST_DAY.year}-{LAST_DAY.year}; compute at most {MAX_PERIOD_YEARS} years "
                         f"at once, within the workbook's data."))
        return None, None, out
    return s, e, out


# a period is bounded before any day-by-day array is made: a typo such as 9999-12-31 would
# otherwise cost gigabytes (SPEC §5 "bound sizes")
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
MAX_PERIOD_YEARS = 50
MAX_PERIOD_DAYS = MAX_PERIOD_YEARS * 366


def _grid(book: Book, findings: list[Finding], start, end, by: str, need_nav: bool
          ) -> tuple[Result, Grid | None]:
    """The Result shell and the daily grid over the period (None when there is none)."""
    findings = list(findings)
    if book.unusable:              # an unusable table: already said what is skipped
        return Result(book, start, end, by, findings), None
    s, e, f0 = period_of(book, start, end)
    findings += f0
    res = Result(book, s, e, by, findings)
    if s is None or e is None:
        return res, None
    res.findings += period_before_plan(book, s, e)
    built = _guard("building the daily grid", build_grid, book, s, e, need_nav,
                   findings=res.findings)
    if built is None:
        return res, None
    grid, f1 = built
    res.findings += f1
    res.grid = grid
    return res, grid


def _finish(res: Result, tables: dict[str, Columns] | None) -> Result:
    """Keep the tables only when no finding is an error."""
    res.tables = {} if tables is None or has_errors(res.findings) else tables
    return res


def run(book: Book, findings: list[Finding], start: date | None = None, end: date | None = None,
        by: str = "month") -> Result:
    """Accruals, payouts and payments over [start, end] (default: the Settings period) by
    ``by`` (month, quarter, year, period); payments by the Settings Payment Frequency.  The
    findings of the grid, of the grid checks and of the split are added."""
    res, grid = _grid(book, findings, start, end, by, need_nav=True)
    if grid is None or res.start is None or res.end is None:
        return _finish(res, None)
    for check in GRID_CHECKS:
        res.findings += _guard(check.__name__, check, book, grid, findings=res.findings,
                               default=[]) or []
    built = _guard("computing fees", _all_tables, book, grid, res.start, res.end, by,
                   findings=res.findings)
    if built is None:
        return _finish(res, None)
    tables, split = built
    res.findings += split
    return _finish(res, tables)


def run_payouts(book: Book, findings: list[Finding], start: date | None = None,
                end: date | None = None, by: str = "month") -> Result:
    """Payouts and payments only (SPEC §4 rules 4, 5, 7 need the rate in force, never net
    assets): no NAV finding is made and there is no ``accruals`` table."""
    res, grid = _grid(book, findings, start, end, by, need_nav=False)
    if grid is None or res.start is None or res.end is None:
        return _finish(res, None)
    built = _guard("computing payouts", _payout_tables, book, grid, res.start, res.end, by,
                   findings=res.findings)
    if built is None:
        return _finish(res, None)
    tables, _ = built
    return _finish(res, tables)


def _period_bounds(pers) -> tuple[np.ndarray, np.ndarray]:
    """The periods' first and last days as object arrays (indexed by period index)."""
    return np.array([a for a, _ in pers], object), np.array([b for _, b in pers], object)


def _payout_tables(book: Book, grid: Grid, s: date, e: date, by: str
                   ) -> tuple[dict[str, Columns], ServiceFees]:
    """payouts, payments and service fees by provider kind for periods ``by``, and the
    ServiceFees they came from."""
    st = book.settings
    pers = periods(s, e, by)
    svc = service_fees(grid, book, pers, st.rounding)
    provs = book.providers
    ids = np.array([p.id for p in provs], object)
    funds = np.array(grid.funds, object)
    p_start, p_end = _period_bounds(pers)
    # rows in order: provider ID (text), fund (Schedule A order), period
    id_rank = np.argsort(np.argsort(ids.astype(str), kind="stable"), kind="stable")
    order = np.lexsort((svc.period, svc.fund, id_rank[svc.provider])) if len(svc.fee) else \
        np.zeros(0, np.int64)
    rates = {int(r): Decimal(fmt_rate(int(r))) for r in np.unique(svc.rate)}
    pay = Columns({
        "provider_id": ids[svc.provider[order]],
        "fund": funds[svc.fund[order]],
        "period_start": p_start[svc.period[order]],
        "period_end": p_end[svc.period[order]],
        "average_net_assets": cents_column(svc.ana[order]),
        "rate": [rates[r] for r in svc.rate[order].tolist()],
        "capped": svc.capped[order].astype(bool),
        "service_fee": cents_column(svc.fee[order]),
    }, PAYOUT_COLUMNS)
    # service fees by provider kind per (fund, period), for the board report
    kinds = Columns({
        "fund": funds[svc.fund],
        "period_start": p_start[svc.period],
        "kind": np.array([p.kind for p in provs], object)[svc.provider],
        "cents": svc.fee.astype(np.int64),
    })
    # payments by the payment frequency
    pay_by = "month" if st.payment_frequency == "Monthly" else "quarter"
    ppers = periods(s, e, pay_by)
    psvc = svc if ppers == pers else service_fees(grid, book, ppers, st.rounding)
    prow = payments(book, psvc, ppers)
    # rows in order: provider ID (text), then period (payments() gives them by provider)
    prow.sort(key=lambda r: (int(id_rank[r[0]]), r[1]))
    pmt = Columns({
        "provider_id": [provs[i].id for i, *_ in prow],
        "period_start": [ppers[k][0] for _, k, *_ in prow],
        "period_end": [ppers[k][1] for _, k, *_ in prow],
        "service_fees": [cents_to_decimal(r[2]) for r in prow],
        "carried_in": [cents_to_decimal(r[3]) for r in prow],
        "payable": [cents_to_decimal(r[4]) for r in prow],
        "carried_out": [cents_to_decimal(r[5]) for r in prow],
    }, PAYMENT_COLUMNS)
    return {"payouts": pay, "payments": pmt, "provider_kind_fees": kinds}, svc


def _all_tables(book: Book, grid: Grid, s: date, e: date, by: str
                ) -> tuple[dict[str, Columns], list[Finding]]:
    """Every output table, and the split findings (SPEC §4 rule 6)."""
    st = book.settings
    pers = periods(s, e, by)
    fees = plan_fees(grid, pers, st.rounding, rate_units(st.absc_cap))
    tables, svc = _payout_tables(book, grid, s, e, by)
    n_funds, n_p = len(grid.funds), len(pers)
    svc_fp = np.zeros(n_funds * n_p, np.int64)
    np.add.at(svc_fp, svc.fund * n_p + svc.period, svc.fee)
    svc_rows = svc_fp[fees.fund * n_p + fees.period]
    findings = split_findings(book, grid, pers, fees, svc_rows)
    p_start, p_end = _period_bounds(pers)
    tables["accruals"] = Columns({
        "fund": np.array(grid.funds, object)[fees.fund],
        "period_start": p_start[fees.period],
        "period_end": p_end[fees.period],
        "days": fees.days.astype(int),
        "average_daily_net_assets": cents_column(fees.adna),
        "plan_fee": cents_column(fees.fee),
        "service_fees": cents_column(svc_rows),
        "asset_based_sales_charge": cents_column(fees.fee - svc_rows),
    }, ACCRUAL_COLUMNS)
    return tables, findings


def compute_file(path, start: date | None = None, end: date | None = None,
                 by: str = "month") -> Result:
    """Read, check and compute a workbook file in one call."""
    book, findings = load(path)
    if book is None:
        return Result(None, start, end, by, findings)
    return run(book, findings, start, end, by)
