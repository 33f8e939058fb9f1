"""The SIXTH split checks (SPEC §4 rule 6): service fees above the plan fee, or an asset-based
sales charge above its cap, are errors."""
from __future__ import annotations

import numpy as np

from ..findings import Finding, Location, error
from ..model import Book
from ..rules import Grid
from .accruals import PlanFees


def split_findings(book: Book, grid: Grid, pers, fees: PlanFees, service_by_fp: np.ndarray) -> list[Finding]:
    """SPEC §4 rule 6: service fees above the plan fee, or an asset-based sales charge above
    its cap × ADNA × days / Y, are errors."""
    out = []
    loc = Location(book.sheets.get("ScheduleB", "Schedule B"), "ScheduleB", column="Annual Rate")
    for k in range(len(fees.fund)):
        f = grid.funds[fees.fund[k]]
        ps, pe = pers[fees.period[k]]
        svc = int(service_by_fp[k])
        plan = int(fees.fee[k])
        if svc > plan:
            out.append(error("split.service_exceeds_plan", loc,
                             f"{f}, {ps} to {pe}: service fees {svc / 100:,.2f} exceed the plan fee "
                             f"{plan / 100:,.2f} (SIXTH); check the providers' rates and assets."))
        elif plan - svc > int(fees.absc_limit[k]):
            out.append(error("split.absc_cap", loc,
                             f"{f}, {ps} to {pe}: the asset-based sales charge "
                             f"{(plan - svc) / 100:,.2f} exceeds the cap of "
                             f"{book.settings.absc_cap:.2%} a year of ADNA "
                             f"({int(fees.absc_limit[k]) / 100:,.2f}); lower the Schedule B rate or "
                             f"pay more of it as service fees."))
    return out
