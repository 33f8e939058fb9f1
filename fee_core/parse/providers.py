"""Providers (SEVENTH (A)-(D) agreements) and Provider Assets (the assets attributable to
each provider's customers) -> records; Provider Assets is vectorised, since it can hold a
million rows: each distinct ID or fund name is resolved once."""
from __future__ import annotations

from decimal import Decimal

import numpy as np

from .. import contract
from ..columns import Columns
from ..contract import Settings
from ..findings import error, warning
from ..model import Provider
from .funds import Names
from .names import did_you_mean
from .nav import MAX_AMOUNT, to_units, too_large
from .plausible import percent_points
from .table import Table

HEADERS = ("Period Start", "Period End", "Provider ID", "Fund", "Average Net Assets")


def listed_ids(t: Table | None) -> frozenset[str]:
    """Every Provider ID written in the Providers table, usable row or not."""
    if t is None:
        return frozenset()
    c = t.col("Provider ID")
    return frozenset(str(v) for v in c.values[~c.blank & ~c.bad])


def parse_providers(t: Table | None, settings: Settings) -> tuple[Provider, ...]:
    """Providers by ID; a bad Agreement Type, a negative rate or minimum, an end before the
    start and a repeated ID are errors; a rate above the Service Fee Cap is a warning (it is
    capped), a rate of 1 % or more a ``rate.percent_points`` warning."""
    if t is None:
        return ()
    for h in ("Provider ID", "Agreement Type", "Service Fee Rate"):
        t.required(h)
    sink = t.sink
    out: dict[str, Provider] = {}
    for i in t.rows():
        pid, name = t.value(i, "Provider ID"), t.value(i, "Provider Name") or ""
        kind, rate = t.value(i, "Agreement Type"), t.value(i, "Service Fee Rate")
        start, end = t.value(i, "Start Date"), t.value(i, "End Date")
        minimum = t.value(i, "Minimum Payment")
        if not pid or not kind or rate is None:
            continue
        if kind not in contract.AGREEMENT_TYPES:
            near = [k for k in contract.AGREEMENT_TYPES if k.lower() == kind.lower()]
            sink.add(error("provider.bad_type", t.loc(i, "Agreement Type"),
                           f"Agreement Type '{kind}' is not one of "
                           f"{', '.join(contract.AGREEMENT_TYPES)}."
                           + (f" Did you mean '{near[0]}'?" if near else "")))
            continue
        if rate < 0:
            sink.add(error("cell.negative", t.loc(i, "Service Fee Rate"),
                           f"Service Fee Rate {rate} is negative; enter a fraction such as "
                           f"0.25% (0.0025)."))
            continue
        if rate >= 1:
            sink.add(error("provider.rate_limit", t.loc(i, "Service Fee Rate"),
                           f"{pid}'s Service Fee Rate {rate} is 100 % or more, surely a percentage "
                           f"typed as a number; enter 0.25% as 0.0025 (format the cell as "
                           f"percent)."))
            continue
        if minimum is not None and minimum < 0:
            sink.add(error("cell.negative", t.loc(i, "Minimum Payment"),
                           f"Minimum Payment {minimum} is negative; enter 0 or more."))
            continue
        if minimum is not None and minimum >= MAX_AMOUNT:
            sink.add(too_large(t.loc(i, "Minimum Payment"), "Minimum Payment", minimum))
            continue
        if start and end and end < start:
            sink.add(error("provider.end_before_start", t.loc(i, "End Date"),
                           f"End Date {end} is before Start Date {start}; fix one of them."))
            continue
        if pid in out:
            sink.add(error("provider.duplicate_id", t.loc(i, "Provider ID"),
                           f"Provider ID '{pid}' is used twice (first at {out[pid].loc}); give "
                           f"each provider its own ID."))
            continue
        points = percent_points(rate, t.loc(i, "Service Fee Rate"), f"{pid}'s Service Fee Rate")
        if points is not None:
            sink.add(points)          # the cause; the cap below follows from it
        elif rate > settings.service_fee_cap:
            sink.add(warning("provider.rate_above_cap", t.loc(i, "Service Fee Rate"),
                             f"{pid} ({name}) has an agreed service fee rate of {rate:.4%}, "
                             f"above the Service Fee Cap of {settings.service_fee_cap:.4%} "
                             f"(plan SEVENTH, FINRA Rule 2341); it is paid at most the cap."))
        out[pid] = Provider(pid, name, kind, rate, start, end, minimum or Decimal(0), t.loc(i))
    return tuple(out.values())


def parse_provider_assets(t: Table | None, names: Names, providers: tuple[Provider, ...],
                          providers_known: bool = True, listed: frozenset[str] = frozenset()
                          ) -> Columns:
    """Provider Assets -> Columns (start, end, provider, fund, assets units, row, pidx, fidx).
    ``providers_known`` False (the Providers table cannot be read) leaves IDs unjudged;
    ``listed``: IDs of Providers rows with a bad cell (their rows are left out, not unknown)."""
    if t is None or t.n == 0:
        return empty_provider_assets()
    sink = t.sink
    cols = {h: t.col(h) for h in HEADERS}
    live = t.live
    good = live.copy()
    for h, c in cols.items():
        good &= ~c.bad
        good &= ~t.required(h)
    starts, ends = cols["Period Start"].values, cols["Period End"].values
    pids, written = cols["Provider ID"].values, cols["Fund"].values
    amounts = cols["Average Net Assets"].values
    whole = t.loc(None, "Average Net Assets")

    def at(k):
        return t.loc(k, "Average Net Assets")

    sink.rows("cell.negative", np.nonzero(good & (amounts < 0))[0], at,
              lambda k: f"Average Net Assets {amounts[k]:,.2f} is negative; enter 0 or more.",
              whole, "negative assets")
    sink.rows("nav.too_large", np.nonzero(good & (amounts >= MAX_AMOUNT))[0], at,
              lambda k: f"Average Net Assets {amounts[k]:,.2f} exceed $1 trillion; check the cell.",
              whole, "assets over $1 trillion")
    good &= (amounts >= 0) & (amounts < MAX_AMOUNT)
    # provider IDs: each distinct unknown ID once, at its first row
    from .column import factorize
    known = {p.id: i for i, p in enumerate(providers)}
    codes, uniq = factorize(pids)
    pidx = np.array([known.get(u, -1) for u in uniq] + [-1], np.int64)[codes]
    unknown: list[tuple[str, np.ndarray]] = []
    for k, pid in enumerate(uniq):
        if pid == "" or pid in known:
            continue
        rows = np.nonzero((codes == k) & good)[0]
        if len(rows) == 0:
            continue
        good[codes == k] = False
        if providers_known and pid not in listed:    # a listed provider's bad row: reported
            unknown.append((pid, rows))

    def unknown_message(k: int) -> str:
        from difflib import get_close_matches  # only when an ID is unknown
        pid, rows = unknown[k]
        near = get_close_matches(pid, sorted(known), n=3, cutoff=0.5)
        return (f"Provider ID '{pid}' is not in the Providers table ({len(rows)} row(s))."
                f"{did_you_mean(near)} Add the provider or correct the ID.")

    sink.rows("provider.unknown", range(len(unknown)),
              lambda k: t.loc(int(unknown[k][1][0]), "Provider ID"), unknown_message,
              t.loc(None, "Provider ID"), "a Provider ID not in the Providers table")
    # funds: each distinct name resolved once (warnings and errors at its first row)
    codes, uniq = factorize(written)
    fidx_u = np.full(len(uniq) + 1, -1, np.int64)
    for k, w in enumerate(uniq):
        if w == "":
            continue
        rows = np.nonzero((codes == k) & good)[0]
        if len(rows) == 0:
            continue
        res = names.resolve(w, t.loc(int(rows[0]), "Fund"), "Provider Assets fund")
        if res is not None:
            fidx_u[k] = names.index[res]
    fidx = fidx_u[codes]
    good &= fidx >= 0
    sink.rows("provider_assets.end_before_start", np.nonzero(good & (ends < starts))[0],
              lambda k: t.loc(k, "Period End"),
              lambda k: f"Period End {ends[k]} is before Period Start {starts[k]}; fix the row.",
              t.loc(None, "Period End"), "an end before the start")
    good &= ~(ends < starts)
    units, _ = to_units(np.where(good, amounts, 0.0))
    sel = np.nonzero(good)[0]
    fund_names = np.array(list(names.funds) + [""], object)
    return Columns({
        "start": starts[sel], "end": ends[sel], "provider": pids[sel], "fund": fund_names[fidx[sel]],
        "assets": units[sel], "row": t.raw.excel_row(sel.astype(np.int64)),
        "pidx": pidx[sel], "fidx": fidx[sel],
    })


def empty_provider_assets() -> Columns:
    z = np.zeros(0, np.int64)
    nat = np.zeros(0, "datetime64[D]")
    return Columns({"start": nat, "end": nat, "provider": np.zeros(0, object),
                    "fund": np.zeros(0, object), "assets": z, "row": z, "pidx": z, "fidx": z})
