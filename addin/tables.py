"""Table functions through the engine: raw tables in, the engine's tables and findings out.

``fee_core.engine`` is the only thing that computes here: ``load_raw`` + ``run`` exactly as
``fee12b1 compute`` does, on the ``RawTable``s ``addin.convert`` made from the arguments, so a
spilled array and ``accruals.csv`` agree to the cent.  No fee rule lives here.
"""
from __future__ import annotations

from fee_core import engine
from fee_core.findings import Finding, sort_findings
from fee_core.read.raw import RawTable

from .convert import raw_book

# UDF argument naming each contract table (for '#argument: problem' texts)
ARGUMENT_OF_TABLE = {
    "ScheduleA": "schedule_a", "ScheduleB": "schedule_b", "FundNames": "fund_names",
    "PlanEvents": "plan_events", "NAV": "nav", "Providers": "providers",
    "ProviderAssets": "provider_assets", "Settings": "settings",
}

class DataErrors(Exception):
    """The data has errors: ``findings`` are the errors, sorted."""

    def __init__(self, findings: list[Finding]):
        super().__init__(findings[0].message if findings else "errors in the data")
        self.findings = findings


def run_tables(tables: dict[str, RawTable], by: str = "month") -> engine.Result:
    """``load_raw`` + ``run`` over the given tables (the others empty), for the Settings period."""
    book, findings = engine.load_raw(raw_book(tables))
    if book is None:
        return engine.Result(None, None, None, by, findings)
    return engine.run(book, findings, by=by)


def errors_of(res: engine.Result, excuse: tuple[str, ...] = ()) -> list[Finding]:
    return [f for f in sort_findings(res.findings)
            if f.is_error and not f.code.startswith(excuse)]


def accruals(tables: dict[str, RawTable], by: str):
    res = run_tables(tables, by)
    errs = errors_of(res)
    if errs or res.accruals is None:
        raise DataErrors(errs)
    return res.accruals


def payouts(tables: dict[str, RawTable], by: str):
    """payouts.csv rows: the engine's payouts-only path, which needs no NAV table."""
    book, findings = engine.load_raw(raw_book(tables))
    if book is None:
        raise DataErrors(errors_of(engine.Result(None, None, None, by, findings)))
    res = engine.run_payouts(book, findings, by=by)
    errs = errors_of(res)
    if errs or res.payouts is None:
        raise DataErrors(errs)
    return res.payouts


def checks(tables: dict[str, RawTable]):
    return run_tables(tables).checks_table()
