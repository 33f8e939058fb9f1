"""Every table of a raw workbook -> a typed ``Book`` and the findings of its cells.

Each table is opened once (``table.open_table``: missing, a plain range, a column missing,
data beside it), then parsed by its own small function that holds only its domain rules.  A
table that cannot be read is a root cause: it is reported once, the Book lists it in
``unusable``, and what depends on it is not judged (names when Schedule A or Fund Names is
unusable, provider IDs when Providers is), so one problem gives one error, not dozens.
"""
from __future__ import annotations

from ..contract import TABLES
from ..findings import Finding, column_letter
from ..model import Book
from ..read.raw import RawBook
from .expenses import parse_expenses
from .funds import parse_funds
from .gl_accounts import parse_gl_accounts
from .nav import parse_nav
from .plan_tables import parse_events, parse_rates
from .providers import listed_ids, parse_provider_assets, parse_providers
from .settings import parse_settings
from .sink import Sink
from .table import ABSENT, UNUSABLE, Table, open_table


def _has_data(raw: RawBook, name: str) -> bool:
    t = raw.tables.get(name)
    return t is not None and any(v is not None and v != "" for col in t.columns.values() for v in col)


def parse_book(raw: RawBook) -> tuple[Book, list[Finding]]:
    """A typed Book and the findings of the tables and their cells."""
    sink = Sink()
    d1904 = raw.date1904
    opened = {}
    for name in TABLES:
        if name == "Providers" and "Providers" not in raw.tables and _has_data(raw, "ProviderAssets"):
            # Provider Assets names providers: without the Providers table nothing can be paid
            opened[name] = _required(raw, name, sink)
            continue
        opened[name] = open_table(raw, name, sink)
    unusable = tuple(n for n, (_, state) in opened.items() if state == UNUSABLE)

    def table(name: str, kinds: dict | None = None) -> Table | None:
        t = opened[name][0]
        return None if t is None else Table(t, d1904, sink, kinds)

    settings = parse_settings(table("Settings", {"Setting": "text"}))
    names_checked = "ScheduleA" not in unusable and "FundNames" not in unusable
    funds, renames, names = parse_funds(table("ScheduleA"), table("FundNames"), sink, names_checked)
    rates = parse_rates(table("ScheduleB"), names)
    events = parse_events(table("PlanEvents"), names)
    nav = parse_nav(opened["NAV"][0], d1904, names, sink)
    tp = table("Providers")
    providers = parse_providers(tp, settings)
    assets = parse_provider_assets(table("ProviderAssets"), names, providers,
                                   providers_known="Providers" not in unusable,
                                   listed=listed_ids(tp))
    expenses = parse_expenses(table("Expenses"), names)
    sheets = {name: (t.sheet if t is not None else TABLES[name].sheet) for name, (t, _) in opened.items()}
    letters = {name: {h: column_letter(t.column_index(h)) for h in t.headers}
               for name, (t, _) in opened.items() if t is not None}
    gl = parse_gl_accounts(raw, d1904, sink)          # the optional GL Accounts table (SPEC §3)
    book = Book(settings, funds, rates, renames, events, nav, providers, assets, expenses,
                raw.path, sheets, letters, gl, unusable)
    return book, sink.findings


def _required(raw: RawBook, name: str, sink: Sink):
    """``open_table`` for an optional table that the data makes necessary: missing is an
    error (the table is unusable), not a warning."""
    from dataclasses import replace

    from ..findings import ERROR
    probe = Sink()
    t, state = open_table(raw, name, probe)
    for f in probe.findings:
        if state == ABSENT and f.code == "table.missing":
            f = replace(f, severity=ERROR,
                        message=f.message.replace("Treated as empty.",
                                                  "Provider Assets has rows that name providers, "
                                                  "so it is needed: add it (Insert > Table)."))
            state = UNUSABLE
        sink.add(f)
    return t, state
