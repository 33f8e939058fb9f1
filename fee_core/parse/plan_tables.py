"""Schedule B (the rate history, SECOND) and Plan Events (ELEVENTH-THIRTEENTH) -> records."""
from __future__ import annotations

from .. import contract
from ..findings import error
from ..model import PlanEvent, RateRow
from .funds import Names
from .plausible import percent_points
from .table import Table


def parse_rates(t: Table | None, names: Names) -> tuple[RateRow, ...]:
    """Schedule B rows: fund, rate, [Effective Date, End Date]; a negative rate, a rate typed
    as a whole percentage and an end before the start are errors, a rate of 1 % or more a
    ``rate.percent_points`` warning (it is an error against the NASD limits as well)."""
    if t is None:
        return ()
    for h in ("Fund", "Annual Rate", "Effective Date"):
        t.required(h)
    out = []
    for i in t.rows():
        written, rate = t.value(i, "Fund"), t.value(i, "Annual Rate")
        eff, end = t.value(i, "Effective Date"), t.value(i, "End Date")
        notes = t.value(i, "Notes") or ""
        if not written or rate is None or eff is None:
            continue
        fund = names.resolve(written, t.loc(i, "Fund"), "Schedule B fund")
        if rate < 0:
            t.sink.add(error("cell.negative", t.loc(i, "Annual Rate"),
                             f"Annual Rate {rate} is negative; enter the rate as a positive "
                             f"fraction (0.45% = 0.0045)."))
            continue
        if rate >= 1:
            t.sink.add(error("schedule.rate_limit", t.loc(i, "Annual Rate"),
                             f"Annual Rate {rate:%} looks like a percentage typed as a whole "
                             f"number; enter 0.45% as 0.0045 (format the cell as percent)."))
            continue
        found = percent_points(rate, t.loc(i, "Annual Rate"), "Annual Rate")
        if found is not None:
            t.sink.add(found)
        if end is not None and end < eff:
            t.sink.add(error("schedule.end_before_start", t.loc(i, "End Date"),
                             f"End Date {end} is before Effective Date {eff}; fix one of them."))
            continue
        if fund:
            out.append(RateRow(fund, rate, eff, end, notes, t.loc(i), written))
    return tuple(out)


def parse_events(t: Table | None, names: Names) -> tuple[PlanEvent, ...]:
    """Plan Events rows; an Event outside ``contract.EVENTS`` is an error."""
    if t is None:
        return ()
    t.required("Date")
    t.required("Event")
    out = []
    for i in t.rows():
        d, ev = t.value(i, "Date"), t.value(i, "Event")
        written = t.value(i, "Fund") or ""
        notes = t.value(i, "Notes") or ""
        if d is None or not ev:
            continue
        if ev not in contract.EVENTS:
            near = [e for e in contract.EVENTS if e.lower() == ev.lower()]
            t.sink.add(error("event.unknown", t.loc(i, "Event"),
                             f"Event '{ev}' is not one of {', '.join(contract.EVENTS)}."
                             + (f" Did you mean '{near[0]}'?" if near else "")))
            continue
        fund = None
        if written:
            fund = names.resolve(written, t.loc(i, "Fund"), "Plan Events fund")
            if fund is None:
                continue
        out.append(PlanEvent(d, ev, fund, notes, t.loc(i)))
    return tuple(out)
