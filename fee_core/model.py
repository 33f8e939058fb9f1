"""Typed, immutable records of one plan workbook (the parser's output, the rules' input).

Money and rates are ``Decimal`` in records; large daily data (net assets, provider assets)
are numpy arrays of integer *units* (``AMOUNT_SCALE`` units per dollar) so sums are exact.
Dates are ``datetime.date`` in records and ``numpy.datetime64[D]`` in arrays.
Every record carries its ``Location`` so a finding far downstream can say where it came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from .columns import Columns  # noqa: F401  (annotation)
from .contract import GL_ENTRIES, Settings
from .findings import Location

AMOUNT_SCALE = 10_000          # net-asset units per dollar (hundredths of a cent)
RATE_SCALE = 100_000_000       # rate units per 1.0 (0.0045 -> 450,000)


@dataclass(frozen=True)
class Fund:
    """A Schedule A fund: canonical (current) name, its company, its effective date."""

    name: str
    company: str
    effective: date
    notes: str = ""
    loc: Location = field(default_factory=Location, compare=False)
    listed_as: str = ""          # the Schedule A text when it is a former name


@dataclass(frozen=True)
class RateRow:
    """One Schedule B row: a fund's annual rate from ``effective`` through ``end`` (None = open)."""

    fund: str
    rate: Decimal
    effective: date
    end: date | None
    notes: str = ""
    loc: Location = field(default_factory=Location, compare=False)
    written_as: str = ""


@dataclass(frozen=True)
class Rename:
    """A Fund Names row: ``former`` became ``fund`` on ``changed_on``, per ``source``."""

    former: str
    fund: str
    changed_on: date | None
    source: str = ""
    loc: Location = field(default_factory=Location, compare=False)


@dataclass(frozen=True)
class Provider:
    """A service provider (SEVENTH (A)-(D)) and its agreement."""

    id: str
    name: str
    kind: str
    rate: Decimal
    start: date | None
    end: date | None
    minimum: Decimal = Decimal(0)
    loc: Location = field(default_factory=Location, compare=False)


@dataclass(frozen=True)
class PlanEvent:
    """A Plan Events row; ``fund`` is a canonical fund name; None, the default, is the plan."""

    date: date
    event: str
    fund: str | None = None
    notes: str = ""
    loc: Location = field(default_factory=Location, compare=False)


@dataclass(frozen=True)
class Nav:
    """Daily Class K net assets: ``values[i, j]`` is fund ``funds[j]`` at the close of
    ``dates[i]`` in units (``AMOUNT_SCALE`` per dollar); ``present[i, j]`` is False where
    the cell holds no usable number, and ``invalid[i, j]`` is True where it holds something
    unusable (text, an error, a non-positive number: already reported by the parser).
    ``rows[i]`` is the Excel row; addresses are built from ``columns[j]`` on demand."""

    dates: np.ndarray
    funds: tuple[str, ...]
    values: np.ndarray
    present: np.ndarray
    rows: np.ndarray
    columns: tuple[tuple[str, str], ...]   # per fund: (column letter, header as written)
    invalid: np.ndarray
    sheet: str = "NAV"
    table: str = "NAV"

    def location(self, i: int | None, j: int | None) -> Location:
        if i is None or j is None:
            col = self.columns[j][1] if j is not None else None
            return Location(self.sheet, self.table, column=col)
        letter, header = self.columns[j]
        row = int(self.rows[i])
        return Location(self.sheet, self.table, row, header, f"{letter}{row}")

    @staticmethod
    def empty() -> Nav:
        return Nav(np.array([], dtype="datetime64[D]"), (), np.zeros((0, 0), np.int64),
                   np.zeros((0, 0), bool), np.array([], np.int64), (), np.zeros((0, 0), bool))


@dataclass(frozen=True)
class Book:
    """One plan workbook, typed.  ``provider_assets`` is ``Columns`` with start, end
    (datetime64), provider, fund (canonical), assets (int64 units), row (Excel row), pidx
    (index into ``providers``), fidx (index into ``funds``); ``expenses`` is ``Columns`` with
    date, fund (canonical or ''), category, amount (Decimal), row."""

    settings: Settings
    funds: tuple[Fund, ...]
    rates: tuple[RateRow, ...]
    renames: tuple[Rename, ...]
    events: tuple[PlanEvent, ...]
    nav: Nav
    providers: tuple[Provider, ...]
    provider_assets: Columns
    expenses: Columns
    source: str = ""
    sheets: dict = field(default_factory=dict, compare=False)   # table name -> sheet name
    letters: dict = field(default_factory=dict, compare=False)  # table -> header -> column letter
    # journal role -> account name (the optional GL Accounts table, else contract.GL_ENTRIES)
    gl_accounts: dict = field(default_factory=lambda: dict(GL_ENTRIES), compare=False)
    # tables that could not be read (missing, or a contract column missing): the root causes;
    # what depends on them is skipped (engine.skipped), not reported as follow-on errors
    unusable: tuple[str, ...] = field(default=(), compare=False)

    def loc(self, table: str, row: int | None = None, header: str | None = None) -> Location:
        """The location of a cell (or row, or table) of an input table, by Excel row."""
        from .contract import TABLES
        sheet = self.sheets.get(table) or (TABLES[table].sheet if table in TABLES else None)
        letter = self.letters.get(table, {}).get(header) if header else None
        cell = f"{letter}{row}" if letter and row is not None else None
        return Location(sheet, table, row, header, cell)

    def fund_names(self) -> list[str]:
        return [f.name for f in self.funds]

    def provider(self, pid: str) -> Provider | None:
        for p in self.providers:
            if p.id == pid:
                return p
        return None
