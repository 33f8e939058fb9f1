"""Plausibility of a rate typed in percentage points (SPEC §5 "Plausibility warnings").

Rates are fractions (0.45 % is 0.0045, shown as 0.45% by the cell format).  A rate of 1 % or
more where the plan's rates are fractions of a percent is most likely a percentage typed as a
number: ``rate.percent_points`` says what the cell means and what to type instead.
"""
from __future__ import annotations

from decimal import Decimal

from ..findings import Finding, Location, warning

PERCENT_POINTS = Decimal("0.01")


def _plain(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text


def percent_points(rate: Decimal, loc: Location, label: str) -> Finding | None:
    """A warning when ``rate`` (a fraction) is 1 % or more, else None."""
    if rate < PERCENT_POINTS:
        return None
    x = _plain(rate)
    return warning("rate.percent_points", loc,
                   f"{label} {x} is {_plain(rate * 100)} %; for {x} % enter {_plain(rate / 100)} "
                   f"or {x}% (rates are fractions: 0.45% is 0.0045).")
