"""The pipeline: read -> parse -> check -> compute.  ``load`` gives a Book and findings;
``run`` gives a Result with the output tables and every finding.  A stage that crashes is
caught and becomes an ``internal.error`` finding, never a traceback for the user."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

from . import arrays, compute as C
from .columns import Columns
from .checks import BOOK_CHECKS, GRID_CHECKS
from .findings import Finding, Location, error, has_errors, sort_findings
from .model import Book
from .money import cents_column, cents_to_decimal, fmt_rate, rate_units
from .parse import parse_book
from .raw import RawBook
from .rules import Grid, build_grid

ACCRUAL_COLUMNS = ("fund", "period_start", "period_end", "days", "average_daily_net_assets",
                   "plan_fee", "service_fees", "asset_based_sales_charge")
PAYOUT_COLUMNS = ("provider_id", "fund", "period_start", "period_end", "average_net_assets",
                  "rate", "capped", "service_fee")
PAYMENT_COLUMNS = ("provider_id", "period_start", "period_end", "service_fees", "carried_in",
                   "payable", "carried_out")
CHECK_COLUMNS = ("severity", "code", "location", "message")


def _log():
    """The "fee12b1" logger, silent unless the application configures logging (the command
    line shows tracebacks with FEE12B1_DEBUG=1); imported only when something fails."""
    import logging
    log = logging.getLogger("fee12b1")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
    return log


def _guard(stage: str, fn, *args, findings: list[Finding], default=None):
    try:
        return fn(*args)
    except Exception as exc:  # a crashing stage becomes a finding (beancount style)
        _log().exception("%s failed", stage)
        findings.append(error("internal.error", Location(),
                              f"{stage} failed unexpectedly ({type(exc).__name__}: {exc}); the "
                              f"figures cannot be trusted. Please report this with the workbook."))
        return default


def read(path) -> tuple[RawBook, list[Finding]]:
    from .xlsx_read import read_workbook
    return read_workbook(path)


def load(path) -> tuple[Book | None, list[Finding]]:
    """Read, parse and check a workbook: (Book or None if unreadable, findings)."""
    raw, findings = read(path)
    if not raw.tables and has_errors(findings):
        return None, findings
    return load_raw(raw, findings)


def load_raw(raw: RawBook, findings: list[Finding] | None = None) -> tuple[Book | None, list[Finding]]:
    findings = list(findings or [])
    parsed = _guard("parsing the workbook", parse_book, raw, findings=findings)
    if parsed is None:
        return None, findings
    book, f2 = parsed
    findings += f2
    for check in BOOK_CHECKS:
        findings += _guard(check.__name__, check, book, findings=findings, default=[]) or []
    return book, findings


TABLE_NAMES = ("accruals", "payouts", "payments", "provider_kind_fees")


class Result:
    """What ``run`` computed.  ``tables`` holds the output tables as ``Columns`` (the CSV
    columns; money as Decimal, dates as datetime.date), empty when the data has errors.
    ``accruals``, ``payouts``, ``payments`` and ``provider_kind_fees`` give them as pandas
    DataFrames (made on first use), or None when the data has errors."""

    def __init__(self, book: Book, start: date | None, end: date | None, by: str,
                 findings: list[Finding]):
        self.book = book
        self.start = start
        self.end = end
        self.by = by
        self.findings = findings
        self.grid: Grid | None = None
        self.tables: dict[str, Columns] = {}
        self._frames: dict = {}

    def _frame(self, name: str):
        if name not in self.tables:
            return None
        if name not in self._frames:
            self._frames[name] = self.tables[name].to_frame()
        return self._frames[name]

    accruals = property(lambda self: self._frame("accruals"))
    payouts = property(lambda self: self._frame("payouts"))
    payments = property(lambda self: self._frame("payments"))
    provider_kind_fees = property(lambda self: self._frame("provider_kind_fees"))

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

    def __repr__(self) -> str:
        return (f"Result({self.start} to {self.end} by {self.by}, {len(self.findings)} findings, "
                f"tables: {', '.join(self.tables) or 'none'})")


def period_of(book: Book, start: date | None, end: date | None) -> tuple[date | None, date | None, list[Finding]]:
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
    return s, e, out


def run(book: Book, findings: list[Finding], start: date | None = None, end: date | None = None,
        by: str = "month", need_nav: bool = True) -> Result:
    """Compute accruals, payouts and payments over [start, end] (default: the Settings
    period) by ``by`` (month, quarter, year, period); payments by the Settings Payment
    Frequency.  Findings of the grid and of the split are added.  With ``need_nav=False``
    only payouts and payments are computed (SPEC §4 rules 4, 5, 7 need the rate in force,
    never net assets), no NAV finding is made and ``accruals`` stays None."""
    findings = list(findings)
    s, e, f0 = period_of(book, start, end)
    findings += f0
    res = Result(book, s, e, by, findings)
    if s is None:
        return res
    built = _guard("building the daily grid", build_grid, book, s, e, need_nav, findings=findings)
    if built is None:
        return res
    grid, f1 = built
    findings += f1
    res.grid = grid
    if need_nav:
        for check in GRID_CHECKS:
            findings += _guard(check.__name__, check, book, grid, findings=findings, default=[]) or []
        tables = _guard("computing fees", _tables, book, grid, s, e, by, findings=findings)
    else:
        tables = _guard("computing payouts", lambda *a: (None, *_payout_tables(*a)[:3], []),
                        book, grid, s, e, by, findings=findings)
    if tables is not None:
        *out, f2 = tables
        findings += f2
        res.tables = {name: t for name, t in zip(TABLE_NAMES, out) if t is not None}
    res.findings = findings
    if has_errors(findings):
        res.tables = {}
    return res


def run_payouts(book: Book, findings: list[Finding], start: date | None = None,
                end: date | None = None, by: str = "month") -> Result:
    """Payouts and payments only: ``run(..., need_nav=False)``."""
    return run(book, findings, start, end, by, need_nav=False)


def _period_bounds(pers) -> tuple[np.ndarray, np.ndarray]:
    """The periods' first and last days as object arrays (indexed by period index)."""
    return np.array([a for a, _ in pers], object), np.array([b for _, b in pers], object)


def _payout_tables(book: Book, grid: Grid, s: date, e: date, by: str):
    """(payouts, payments, service fees by provider kind, ServiceFees) for periods ``by``."""
    st = book.settings
    pers = C.periods(s, e, by)
    svc = C.service_fees(grid, book, pers, st.rounding)
    provs = book.providers
    ids = np.array([p.id for p in provs], object)
    funds = np.array(grid.funds, object)
    p_start, p_end = _period_bounds(pers)
    # rows in order: provider ID (text), fund (Schedule A order), period
    id_rank = np.argsort(np.argsort(ids.astype(str), kind="stable"), kind="stable")
    order = np.lexsort((svc.period, svc.fund, id_rank[svc.provider])) if len(svc.fee) else \
        np.zeros(0, np.int64)
    rates = {int(r): Decimal(fmt_rate(int(r))) for r in arrays.unique(svc.rate)}
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
    ppers = C.periods(s, e, pay_by)
    psvc = svc if ppers == pers else C.service_fees(grid, book, ppers, st.rounding)
    prow = C.payments(book, psvc, ppers)
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
    return pay, pmt, kinds, svc


def _tables(book: Book, grid: Grid, s: date, e: date, by: str):
    st = book.settings
    pers = C.periods(s, e, by)
    fees = C.plan_fees(grid, pers, st.rounding, rate_units(st.absc_cap))
    pay, pmt, kinds, svc = _payout_tables(book, grid, s, e, by)
    F, n_p = len(grid.funds), len(pers)
    svc_fp = np.zeros(F * n_p, np.int64)
    np.add.at(svc_fp, svc.fund * n_p + svc.period, svc.fee)
    svc_rows = svc_fp[fees.fund * n_p + fees.period]
    findings = C.split_findings(book, grid, pers, fees, svc_rows)
    p_start, p_end = _period_bounds(pers)
    # service fees on funds/periods where the fund is not in the plan cannot happen (rate 0)
    acc = Columns({
        "fund": np.array(grid.funds, object)[fees.fund],
        "period_start": p_start[fees.period],
        "period_end": p_end[fees.period],
        "days": fees.days.astype(int),
        "average_daily_net_assets": cents_column(fees.adna),
        "plan_fee": cents_column(fees.fee),
        "service_fees": cents_column(svc_rows),
        "asset_based_sales_charge": cents_column(fees.fee - svc_rows),
    }, ACCRUAL_COLUMNS)
    return acc, pay, pmt, kinds, findings


def compute_file(path, start=None, end=None, by="month") -> Result:
    """Read, check and compute a workbook file in one call."""
    book, findings = load(path)
    if book is None:
        from .model import Book as _B  # noqa: F401
        return Result(None, start, end, by, findings)  # type: ignore[arg-type]
    return run(book, findings, start, end, by)
