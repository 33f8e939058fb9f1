"""Table functions through the engine: raw tables in, the engine's tables and findings out.

``fee_core.engine`` is the only thing that computes here: ``load_raw`` + ``run`` exactly as
``fee12b1 compute`` does, on the ``RawTable``s ``addin.convert`` made from the arguments, so a
spilled array and ``accruals.csv`` agree to the cent.  No fee rule lives here.
"""
from __future__ import annotations

import dataclasses

from fee_core import engine
from fee_core.findings import Finding, sort_findings
from fee_core.raw import RawTable
from fee_core.rules import rate_in_force

from .convert import raw_book

# UDF argument naming each contract table (for '#argument: problem' texts)
ARGUMENT_OF_TABLE = {
    "ScheduleA": "schedule_a", "ScheduleB": "schedule_b", "FundNames": "fund_names",
    "PlanEvents": "plan_events", "NAV": "nav", "Providers": "providers",
    "ProviderAssets": "provider_assets", "Settings": "settings",
}

# Errors that only say the NAV is missing or what needs it (plan fees and the SIXTH split):
# payouts need the rate in force, never net assets, so FEE_PAYOUTS (no nav argument) looks past
# them.  FEE_CHECKS with the nav table reports them.
NEEDS_NAV = ("nav.", "split.", "provider.exceeds_fund")


class DataErrors(Exception):
    """The data has errors: ``findings`` are the errors, sorted."""

    def __init__(self, findings: list[Finding]):
        super().__init__(findings[0].message if findings else "errors in the data")
        self.findings = findings


def run_tables(tables: dict[str, RawTable], by: str = "month") -> engine.Result:
    """``load_raw`` + ``run`` over the given tables (the others empty), for the Settings period."""
    book, findings = engine.load_raw(raw_book(tables))
    if book is None:
        return engine.Result(None, None, None, by, findings)  # type: ignore[arg-type]
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
    """payouts.csv rows with no NAV table: errors that only concern NAV are looked past."""
    res = run_tables(tables, by)
    if res.payouts is not None:
        return res.payouts
    errs = errors_of(res, NEEDS_NAV)
    if errs or res.grid is None:
        raise DataErrors(errs)
    # The engine drops every table when any error exists, and its grid zeroes the rate of a
    # fund without a NAV column (it cannot accrue).  Payouts need only the rate in force (SPEC
    # §4 rules 1, 4, 5): restore it from the engine's own rule-1 function, then take the payout
    # table from the engine's own table step.
    grid = dataclasses.replace(
        res.grid, rate=rate_in_force(res.book, res.grid.days, res.grid.in_force))
    _acc, pay, *_ = engine._tables(res.book, grid, res.start, res.end, by)
    return pay


def checks(tables: dict[str, RawTable]):
    return run_tables(tables).checks_table()
