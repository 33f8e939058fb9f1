"""The built-in default plan: the seed's Schedules A and B, footnotes and plan term.

The data lives in one file, ``fee_core/data/default_plan.json``; this module only loads it
and turns ISO dates into ``datetime.date`` and rates into ``Decimal``.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@lru_cache(maxsize=1)
def _raw() -> str:
    return resources.files("fee_core").joinpath("data/default_plan.json").read_text("utf-8")


def default_plan() -> dict:
    """The default plan as plain data (a fresh copy each call).

    Keys: title, source, distributor, agreement_date (date), schedule_a (company, fund,
    effective, notes), schedule_b (fund, rate Decimal, effective, end, notes), fund_names
    (former, fund, changed_on, source), plan_events (date, event, fund, notes).  The plan's
    settings are the ``contract.Settings`` defaults.
    """
    plan = json.loads(_raw())
    plan["agreement_date"] = _d(plan["agreement_date"])
    for row in plan["schedule_a"]:
        row["effective"] = _d(row["effective"])
    for row in plan["schedule_b"]:
        row["rate"] = Decimal(row["rate"])
        row["effective"] = _d(row["effective"])
        row["end"] = _d(row["end"])
    for row in plan["fund_names"]:
        row["changed_on"] = _d(row["changed_on"])
    for row in plan["plan_events"]:
        row["date"] = _d(row["date"])
    return plan
