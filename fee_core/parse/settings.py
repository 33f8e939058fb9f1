"""The Settings table -> ``Settings`` (SPEC §3): a blank Value keeps the default."""
from __future__ import annotations

from ..contract import SETTINGS, Settings
from ..findings import error, warning
from .cells import CellProblem, convert_cell, to_decimal
from .plausible import percent_points
from .table import Table


def parse_settings(t: Table | None) -> Settings:
    """Each known setting's Value converted by the setting's kind; unknown, duplicate and
    out-of-range settings are findings."""
    if t is None:
        return Settings()
    sink = t.sink
    values: dict[str, object] = {}
    seen: set[str] = set()
    for i in t.rows():
        name = t.value(i, "Setting")
        if not name:
            continue
        spec = SETTINGS.get(name)
        if spec is None:
            near = [s for s in SETTINGS if s.lower() == name.lower()]
            sink.add(warning("setting.unknown", t.loc(i, "Setting"),
                             f"Unknown setting '{name}' is ignored."
                             + (f" Did you mean '{near[0]}'?" if near else "")))
            continue
        if spec.attr in seen:
            sink.add(error("setting.duplicate", t.loc(i, "Setting"),
                           f"Setting '{name}' is given twice; keep one row."))
            continue
        seen.add(spec.attr)
        raw_v = t.raw.columns["Value"][i]
        if raw_v is None or (isinstance(raw_v, str) and not raw_v.strip()):
            continue  # default
        kind = {"date": "date", "rate": "rate"}.get(spec.kind, "text")
        try:
            v = convert_cell(raw_v, kind, t.date1904)
        except CellProblem as p:
            sink.add(error(p.code, t.loc(i, "Value"), f"Value: {p.message}."))
            continue
        if kind == "rate":
            v = to_decimal(raw_v)
            if v is not None and (v < 0 or v > 1):
                sink.add(error("setting.bad_value", t.loc(i, "Value"),
                               f"{name} must be a fraction between 0% and 100%, got {v}."))
                continue
            if v is not None:
                found = percent_points(v, t.loc(i, "Value"), name)
                if found is not None:
                    sink.add(found)
        elif kind == "text" and v not in spec.choices:
            sink.add(error("setting.bad_value", t.loc(i, "Value"),
                           f"{name} must be one of {', '.join(spec.choices)}; got '{v}'."))
            continue
        values[spec.attr] = v
    return Settings(**values)  # type: ignore[arg-type]
