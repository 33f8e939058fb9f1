"""What every measure is given: the configuration, the spans of days, the data files, a
scratch folder and a log.  Built once per run (``Context.build``); no module-level state."""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fee_core.contract import TABLES

from . import data as D

# providers: the payouts measure (SPEC §7: 5,000 providers x 19 funds x 12 months = 1.14 M
# Provider Assets rows, more than one Excel sheet holds, so that Book is built in memory);
# loading_providers: the largest workbook of the same kind a sheet holds (4,500 x 228 =
# 1,026,000 rows), for the loading and end-to-end measures; provider_growth: providers at 1x,
# 2x, 4x, 8x (workbooks, so at most 4,598)
FULL = dict(reps=7, reps_e2e=9, reps_slow=3, reps_lo=5, reps_openpyxl=1, providers=5000,
            loading_providers=4500, fund_copies=(1, 2, 4, 8), provider_growth=(550, 1100, 2200, 4400),
            naive_sample=50, udf_reps=30)
QUICK = dict(reps=5, reps_e2e=3, reps_slow=1, reps_lo=1, reps_openpyxl=1, providers=1000,
             loading_providers=1000, fund_copies=(1, 2), provider_growth=(250, 500, 1000),
             naive_sample=20, udf_reps=15)
TINY = dict(reps=2, reps_e2e=1, reps_slow=1, reps_lo=1, reps_openpyxl=1, providers=100,
            loading_providers=100, fund_copies=(1, 2), provider_growth=(50, 100), naive_sample=4,
            udf_reps=3, first_year=2009)
LAST_YEAR = 2010


@dataclass
class Context:
    """cfg: the configuration (FULL, QUICK, TINY); s10/e10: the whole NAV span (first year to
    2010); s1/e1: the payouts year (2010); tmp: a scratch folder; use_lo: measure LibreOffice;
    log: progress lines; books: parsed Books by path (loaded once, shared by measures)."""

    cfg: dict
    s10: date
    e10: date
    s1: date
    e1: date
    tmp: Path
    use_lo: bool
    log: Callable[[str], Any]
    books: dict = field(default_factory=dict)

    @staticmethod
    def build(cfg: dict, use_lo: bool = True, log: Callable[[str], Any] = print) -> Context:
        first = cfg.get("first_year", 2001)
        return Context(dict(cfg), date(first, 1, 1), date(LAST_YEAR, 12, 31),
                       date(LAST_YEAR, 1, 1), date(LAST_YEAR, 12, 31),
                       Path(tempfile.mkdtemp(prefix="fee12b1-bench-")), use_lo, log)

    @property
    def first_year(self) -> int:
        return self.s10.year

    # -- the data files (built once, cached on disk by bench.data)
    def accruals_book(self, fund_copies: int = 1) -> Path:
        """19 x ``fund_copies`` funds, daily NAV from the first year to 2010, no providers."""
        return D.workbook(first_year=self.first_year, last_year=LAST_YEAR, fund_copies=fund_copies)

    def providers_book(self, n: int | None = None) -> Path:
        """The NAV span with ``n`` providers (default the loading count) x 19 funds x 12
        monthly Provider Assets rows of 2010, as a workbook."""
        return D.workbook(first_year=self.first_year, last_year=LAST_YEAR,
                          n_providers=n or self.cfg["loading_providers"], assets_year=LAST_YEAR)

    def providers_in_memory(self, n: int | None = None):
        """The Book of the NAV span with ``n`` providers (default the payouts count), parsed
        from the tables in memory: no workbook, so it may hold more Provider Assets rows than an
        Excel sheet (1,048,576)."""
        n = n or self.cfg["providers"]
        if n not in self.books:
            from fee_core.engine import load_raw
            from fee_core.findings import has_errors
            from fee_core.read.raw import RawBook, RawTable
            tables = D.make_tables(self.first_year, LAST_YEAR, n_providers=n, assets_year=LAST_YEAR)
            raw = RawBook(f"memory:{n}-providers", {
                name: RawTable(name, TABLES[name].sheet, "", tuple(t.headers), 1, 1, dict(t.columns))
                for name, t in tables.items()})
            book, findings = load_raw(raw)
            if book is None or has_errors(findings):
                raise RuntimeError(f"the {n}-provider tables have errors: "
                                   f"{[f for f in findings if f.is_error][:5]}")
            self.books[n] = book
        return self.books[n]

    def one_year_book(self, n: int) -> Path:
        """2010 only, with ``n`` providers (the naive payouts sample)."""
        return D.workbook(first_year=LAST_YEAR, last_year=LAST_YEAR, n_providers=n,
                          assets_year=LAST_YEAR)

    def book(self, path: Path):
        """The parsed Book of ``path`` (errors refuse the benchmark), loaded once."""
        if path not in self.books:
            from .engine import load_book
            self.books[path] = load_book(path)[0]
        return self.books[path]
