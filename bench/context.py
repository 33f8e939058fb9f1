"""What every measure is given: the configuration, the spans of days, the data files, a
scratch folder and a log.  Built once per run (``Context.build``); no module-level state."""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import data as D

FULL = dict(reps=7, reps_e2e=9, reps_slow=3, reps_lo=5, reps_openpyxl=1, providers=5000,
            fund_copies=(1, 2, 4, 8), provider_growth=(625, 1250, 2500, 5000), naive_sample=50,
            udf_reps=30)
QUICK = dict(reps=5, reps_e2e=3, reps_slow=1, reps_lo=1, reps_openpyxl=1, providers=1000,
             fund_copies=(1, 2), provider_growth=(250, 500, 1000), naive_sample=20, udf_reps=15)
TINY = dict(reps=2, reps_e2e=1, reps_slow=1, reps_lo=1, reps_openpyxl=1, providers=100,
            fund_copies=(1, 2), provider_growth=(50, 100), naive_sample=4, udf_reps=3,
            first_year=2009)
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
        """The NAV span with ``n`` providers (default the configured count) x 19 funds x 12
        monthly Provider Assets rows of 2010."""
        return D.workbook(first_year=self.first_year, last_year=LAST_YEAR,
                          n_providers=n or self.cfg["providers"], assets_year=LAST_YEAR)

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
