"""Schedule A and Fund Names -> the canonical funds, the renames and the name resolver
(SPEC §5 "Fund names"); ``Names`` resolves a name written in any other table."""
from __future__ import annotations

from ..findings import Location, error, warning
from ..model import Fund, Rename
from .names import NORMALISED, NameResolver, brand_words, did_you_mean
from .sink import Sink
from .table import Table


class Names:
    """Resolves names written in the other tables, with findings.  When Schedule A or Fund
    Names cannot be read (``checked`` False) names are not judged: an unknown name is left
    out without a finding, since the root cause is already reported.  ``funds`` are the
    canonical names of usable Schedule A rows; ``resolver.canonical`` may also hold the names
    of rows with a bad cell (so their data is not called unknown)."""

    def __init__(self, resolver: NameResolver, funds: tuple[str, ...], sink: Sink, checked: bool):
        self.resolver = resolver
        self.funds = funds
        self.sink = sink
        self.checked = checked
        self.index = {f: i for i, f in enumerate(funds)}

    def resolve(self, written: str, loc: Location, what: str, warn_normalised: bool = True
                ) -> str | None:
        """The canonical name of ``written`` (None if unknown, or the fund's Schedule A row is
        unusable); ``name.unknown`` / ``name.variant`` findings at ``loc``."""
        res = self.resolver.resolve(written)
        if res.fund is None:
            if self.checked:
                self.sink.add(error("name.unknown", loc,
                                    f"{what} '{written}' is not a Schedule A fund or a former name "
                                    f"in Fund Names.{did_you_mean(res.suggestions)} Correct the "
                                    f"name, or add the fund to Schedule A or the old name to Fund "
                                    f"Names."))
            return None
        if res.how == NORMALISED and warn_normalised:
            self.sink.add(warning("name.variant", loc,
                                  f"{what} '{written}' is read as the Schedule A fund '{res.fund}' "
                                  f"(the names differ only in brand word, case, spacing, "
                                  f"'&'/'and' or a trailing 'Fund'); write '{res.fund}' to "
                                  f"silence this."))
        return res.fund if res.fund in self.index else None


def parse_funds(ta: Table | None, tn: Table | None, sink: Sink, checked: bool = True
                ) -> tuple[tuple[Fund, ...], tuple[Rename, ...], Names]:
    """Schedule A and Fund Names -> canonical funds, renames and the ``Names`` resolver."""
    renames_raw = []
    if tn is not None:
        tn.required("Former Name")
        tn.required("Fund")
        for i in tn.rows():
            former, new = tn.value(i, "Former Name"), tn.value(i, "Fund")
            if former and new:
                renames_raw.append((former, new, tn.value(i, "Changed On"),
                                    tn.value(i, "Source") or "", tn.loc(i)))
    listed = []
    broken: list[str] = []
    companies = []
    if ta is not None:
        for h in ("Company", "Fund", "Effective Date"):
            ta.required(h)
        for i in ta.rows():
            company, name = ta.value(i, "Company"), ta.value(i, "Fund")
            eff = ta.value(i, "Effective Date")
            if company:
                companies.append(company)
            if name and eff and company:
                listed.append((company, name, eff, ta.value(i, "Notes") or "", ta.loc(i, "Fund")))
            elif name:
                broken.append(name)           # a row with a bad cell: its name is still known
    brands = brand_words(companies)
    # follow renames: a Schedule A name that is itself a former name resolves to its new name
    chain: dict[str, str] = {}
    for former, new, *_ in renames_raw:
        chain.setdefault(former, new)

    def current(name: str) -> str:
        seen = set()
        while name in chain and name not in seen:
            seen.add(name)
            name = chain[name]
        return name

    funds: list[Fund] = []
    seen_names: dict[str, Location] = {}
    for company, name, eff, notes, loc in listed:
        canon = current(name)
        if canon in seen_names:
            sink.add(error("schedule.duplicate_fund", loc,
                           f"Fund '{canon}' is listed twice in Schedule A (first at "
                           f"{seen_names[canon]}); keep one row per fund."))
            continue
        seen_names[canon] = loc
        if canon != name:
            sink.add(warning("name.former_in_schedule_a", loc,
                             f"Schedule A lists '{name}', renamed '{canon}' per Fund Names; "
                             f"figures are reported under '{canon}'."))
        funds.append(Fund(canon, company, eff, notes, loc, name if canon != name else ""))
    canonical = [f.name for f in funds]
    known = canonical + [n for n in dict.fromkeys(map(current, broken)) if n not in seen_names]
    base = NameResolver(known, {}, brands)
    former_map: dict[str, str] = {}
    renames: list[Rename] = []
    for former, new, changed, source, loc in renames_raw:
        target = base.resolve(current(new))
        if target.fund is None:
            if checked:
                sink.add(error("name.unknown", Location(loc.sheet, loc.table, loc.row, "Fund"),
                               f"Fund Names maps '{former}' to '{new}', which is not a Schedule A "
                               f"fund.{did_you_mean(target.suggestions)} Correct the name."))
            continue
        if former in former_map and former_map[former] != target.fund:
            sink.add(error("name.conflict", loc,
                           f"Fund Names maps '{former}' to both '{former_map[former]}' and "
                           f"'{target.fund}'; keep the right one."))
            continue
        former_map[former] = target.fund
        if target.fund in canonical:
            renames.append(Rename(former, target.fund, changed, source, loc))
    names = Names(NameResolver(known, former_map, brands), tuple(canonical), sink, checked)
    return tuple(funds), tuple(renames), names
