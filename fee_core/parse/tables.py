"""Parse: raw tables (as read) -> typed records of a ``Book``, plus findings.

Every cell problem becomes a finding located at its cell; nothing is guessed.  Conversions
of one cell live in small functions (``as_date``, ``as_decimal``, ``as_text``) used by every
table; the two large tables (NAV, Provider Assets) take a vectorised path.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np

from .. import contract
from ..columns import Columns
from ..contract import SETTINGS, TABLES, Settings
from ..findings import Finding, Location, column_letter, error, warning
from ..model import AMOUNT_SCALE, Book, Fund, Nav, PlanEvent, Provider, RateRow, Rename
from ..read.raw import CellError, RawBook, RawTable
from .names import NORMALISED, NameResolver, brand_words, did_you_mean

EPOCH_1900 = date(1899, 12, 30)
EPOCH_1904 = date(1904, 1, 1)
MAX_SERIAL = 2958465  # 9999-12-31


# --------------------------------------------------------------------------- cells
class CellProblem(Exception):
    """A cell that cannot be converted: ``code`` and a message saying what to do."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _error_problem(v: CellError) -> CellProblem:
    if v.code == "#NO-VALUE":
        return CellProblem("cell.no_value", "the cell holds a formula with no computed value; "
                           "open the workbook in Excel, let it calculate, save, and try again")
    return CellProblem("cell.error", f"the cell holds the Excel error {v.code}; "
                       "fix the formula or type the value")


def serial_to_date(serial: float, date1904: bool) -> date:
    """An Excel date serial in the workbook's date system -> date."""
    if not (0 < serial < MAX_SERIAL) or serial != math.floor(serial):
        raise CellProblem("cell.not_a_date", f"the number {serial:g} is not an Excel date; "
                          "enter a real date")
    base = EPOCH_1904 if date1904 else EPOCH_1900
    if not date1904 and serial < 61:
        base = date(1899, 12, 31)   # Excel's fictitious 1900-02-29
    return base + timedelta(days=int(serial))


def as_date(v, date1904: bool) -> date | None:
    """A date cell -> date (None if empty).  Text is refused: dates must be real dates."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, CellError):
        raise _error_problem(v)
    if isinstance(v, bool):
        raise CellProblem("cell.not_a_date", "TRUE/FALSE is not a date; enter a real date")
    if isinstance(v, (int, float)):
        return serial_to_date(float(v), date1904)
    text = str(v).strip()
    if not text:
        return None
    raise CellProblem("cell.not_a_date", f"the text '{_clip(text)}' is not a date; enter a real "
                      "Excel date (a number formatted as a date), not text")


def as_decimal(v) -> Decimal | None:
    """A number cell -> Decimal of the number as Excel shows it (None if empty)."""
    if v is None:
        return None
    if isinstance(v, CellError):
        raise _error_problem(v)
    if isinstance(v, bool):
        raise CellProblem("cell.not_a_number", "TRUE/FALSE is not a number; enter a number")
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise CellProblem("cell.not_a_number", "the value is not a finite number")
        return Decimal(repr(v))
    text = str(v).strip()
    if not text:
        return None
    raise CellProblem("cell.not_a_number", f"the text '{_clip(text)}' is not a number; enter a "
                      "number (rates as fractions formatted as percent, e.g. 0.45%)")


def as_text(v) -> str:
    """A text cell -> stripped text ('' if empty); whole numbers lose their '.0'."""
    if v is None:
        return ""
    if isinstance(v, CellError):
        raise _error_problem(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return str(v).strip()


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- tables
class TableReader:
    """Reads the rows of one raw table, cell by cell, collecting findings."""

    def __init__(self, table: RawTable, date1904: bool, findings: list[Finding]):
        self.t = table
        self.date1904 = date1904
        self.findings = findings

    def loc(self, i: int | None = None, header: str | None = None) -> Location:
        t = self.t
        if i is None:
            return Location(t.sheet, t.name, column=header)
        row = t.excel_row(i)
        cell = f"{column_letter(t.column_index(header))}{row}" if header else None
        return Location(t.sheet, t.name, row, header, cell)

    def value(self, i: int, header: str):
        col = self.t.columns.get(header)
        return None if col is None else col[i]

    def blank_row(self, i: int) -> bool:
        return all(self.t.columns[h][i] in (None, "") for h in self.t.headers)

    def get(self, i: int, header: str, kind: str, required: bool = False):
        """The converted value of a cell, or None (with a finding) when it is bad or blank."""
        v = self.value(i, header)
        try:
            if kind == "date":
                out = as_date(v, self.date1904)
            elif kind in ("rate", "money", "number"):
                out = as_decimal(v)
            else:
                out = as_text(v)
        except CellProblem as p:
            self.findings.append(error(p.code, self.loc(i, header), f"{header}: {p.message}."))
            return None
        if required and (out is None or out == ""):
            self.findings.append(error("cell.blank", self.loc(i, header),
                                       f"{header} is empty; fill it in or delete the row."))
            return None
        return out

    def rows(self):
        """Indices of the data rows that are not entirely blank."""
        return [i for i in range(self.t.n_rows) if not self.blank_row(i)]


def check_table(raw: RawBook, name: str, findings: list[Finding]) -> RawTable | None:
    """The raw table ``name`` if present with every contract column; else None + findings."""
    spec = TABLES[name]
    t = raw.tables.get(name)
    if t is None:
        # a table of the right name may have been given another case
        near = [k for k in raw.tables if k.lower() == name.lower()]
        hint = f" A table named '{near[0]}' exists: rename it to '{name}'." if near else ""
        sev = error if spec.must_exist else warning
        findings.append(sev("table.missing", Location(spec.sheet, name),
                            f"No Excel table named '{name}' (expected on sheet '{spec.sheet}' with "
                            f"columns {', '.join(spec.headers)}).{hint} "
                            + ("Add it (Insert > Table) and name it in Table Design."
                               if spec.must_exist else "Treated as empty.")))
        return None
    missing = [h for h in spec.headers if h not in t.headers]
    if missing:
        for h in missing:
            near = [x for x in t.headers if x.strip().lower() == h.lower()]
            hint = f" The column '{near[0]}' looks like it: rename it exactly '{h}'." if near else ""
            findings.append(error("table.missing_column", Location(t.sheet, name, column=h),
                                  f"Table {name} has no column '{h}'.{hint} Add the column "
                                  f"with that exact header."))
        return None
    return t


# --------------------------------------------------------------------------- settings
def parse_settings(t: RawTable | None, date1904: bool, findings: list[Finding]) -> Settings:
    """The Settings table -> ``Settings``; a blank Value keeps the default (SPEC §3)."""
    if t is None:
        return Settings()
    r = TableReader(t, date1904, findings)
    values: dict[str, object] = {}
    for i in r.rows():
        name = r.get(i, "Setting", "text")
        if not name:
            continue
        spec = SETTINGS.get(name)
        if spec is None:
            near = [s for s in SETTINGS if s.lower() == name.lower()]
            findings.append(warning("setting.unknown", r.loc(i, "Setting"),
                                    f"Unknown setting '{name}' is ignored."
                                    + (f" Did you mean '{near[0]}'?" if near else "")))
            continue
        if spec.attr in values:
            findings.append(error("setting.duplicate", r.loc(i, "Setting"),
                                  f"Setting '{name}' is given twice; keep one row."))
            continue
        raw_v = r.value(i, "Value")
        if raw_v is None or raw_v == "":
            continue  # default
        v: object
        if spec.kind == "date":
            v = r.get(i, "Value", "date")
        elif spec.kind == "rate":
            v = r.get(i, "Value", "rate")
            if v is not None and (v < 0 or v > 1):
                findings.append(error("setting.bad_value", r.loc(i, "Value"),
                                      f"{name} must be a fraction between 0% and 100%, got {v}."))
                v = None
        else:
            v = r.get(i, "Value", "text")
            if v is not None and v not in spec.choices:
                findings.append(error("setting.bad_value", r.loc(i, "Value"),
                                      f"{name} must be one of {', '.join(spec.choices)}; got '{v}'."))
                v = None
        if v is not None:
            values[spec.attr] = v
    return Settings(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- schedules
def _resolve(resolver: NameResolver, written: str, loc: Location, what: str,
             findings: list[Finding], warn_normalised: bool = True) -> str | None:
    res = resolver.resolve(written)
    if res.fund is None:
        findings.append(error("name.unknown", loc,
                              f"{what} '{written}' is not a Schedule A fund or a former name in "
                              f"Fund Names.{did_you_mean(res.suggestions)} Correct the name, or add "
                              f"the fund to Schedule A or the old name to Fund Names."))
    elif res.how == NORMALISED and warn_normalised:
        findings.append(warning("name.variant", loc,
                                f"{what} '{written}' is read as the Schedule A fund '{res.fund}' "
                                f"(the names differ only in brand word, case, spacing, '&'/'and' or "
                                f"a trailing 'Fund'); write '{res.fund}' to silence this."))
    return res.fund


def parse_funds(ta: RawTable | None, tn: RawTable | None, date1904: bool,
                findings: list[Finding]) -> tuple[tuple[Fund, ...], tuple[Rename, ...], NameResolver]:
    """Schedule A and Fund Names -> canonical funds, renames and the name resolver."""
    renames_raw = []
    if tn is not None:
        r = TableReader(tn, date1904, findings)
        for i in r.rows():
            former = r.get(i, "Former Name", "text", required=True)
            new = r.get(i, "Fund", "text", required=True)
            changed = r.get(i, "Changed On", "date")
            source = r.get(i, "Source", "text") or ""
            if former and new:
                renames_raw.append((former, new, changed, source, r.loc(i)))
    listed = []
    companies = []
    if ta is not None:
        r = TableReader(ta, date1904, findings)
        for i in r.rows():
            company = r.get(i, "Company", "text", required=True)
            name = r.get(i, "Fund", "text", required=True)
            eff = r.get(i, "Effective Date", "date", required=True)
            notes = r.get(i, "Notes", "text") or ""
            if company:
                companies.append(company)
            if name and eff and company:
                listed.append((company, name, eff, notes, r.loc(i, "Fund")))
    brands = brand_words(companies)
    # follow renames: a Schedule A name that is itself a former name resolves to its new name
    chain = {}
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
            findings.append(error("schedule.duplicate_fund", loc,
                                  f"Fund '{canon}' is listed twice in Schedule A (first at "
                                  f"{seen_names[canon]}); keep one row per fund."))
            continue
        seen_names[canon] = loc
        if canon != name:
            findings.append(warning("name.former_in_schedule_a", loc,
                                    f"Schedule A lists '{name}', renamed '{canon}' per Fund Names; "
                                    f"figures are reported under '{canon}'."))
        funds.append(Fund(canon, company, eff, notes, loc, name if canon != name else ""))
    canonical = [f.name for f in funds]
    base = NameResolver(canonical, {}, brands)
    former_map: dict[str, str] = {}
    renames: list[Rename] = []
    for former, new, changed, source, loc in renames_raw:
        target = base.resolve(current(new))
        if target.fund is None:
            findings.append(error("name.unknown", Location(loc.sheet, loc.table, loc.row, "Fund"),
                                  f"Fund Names maps '{former}' to '{new}', which is not a Schedule A "
                                  f"fund.{did_you_mean(target.suggestions)} Correct the name."))
            continue
        if former in former_map and former_map[former] != target.fund:
            findings.append(error("name.conflict", loc,
                                  f"Fund Names maps '{former}' to both '{former_map[former]}' and "
                                  f"'{target.fund}'; keep the right one."))
            continue
        former_map[former] = target.fund
        renames.append(Rename(former, target.fund, changed, source, loc))
    return tuple(funds), tuple(renames), NameResolver(canonical, former_map, brands)


def parse_rates(t: RawTable | None, date1904: bool, resolver: NameResolver,
                findings: list[Finding]) -> tuple[RateRow, ...]:
    if t is None:
        return ()
    r = TableReader(t, date1904, findings)
    out = []
    for i in r.rows():
        written = r.get(i, "Fund", "text", required=True)
        rate = r.get(i, "Annual Rate", "rate", required=True)
        eff = r.get(i, "Effective Date", "date", required=True)
        end = r.get(i, "End Date", "date")
        notes = r.get(i, "Notes", "text") or ""
        if not written or rate is None or eff is None:
            continue
        fund = _resolve(resolver, written, r.loc(i, "Fund"), "Schedule B fund", findings)
        if rate < 0:
            findings.append(error("cell.negative", r.loc(i, "Annual Rate"),
                                  f"Annual Rate {rate} is negative; enter the rate as a positive "
                                  f"fraction (0.45% = 0.0045)."))
            continue
        if rate >= 1:
            findings.append(error("schedule.rate_limit", r.loc(i, "Annual Rate"),
                                  f"Annual Rate {rate:%} looks like a percentage typed as a whole "
                                  f"number; enter 0.45% as 0.0045 (format the cell as percent)."))
            continue
        if end is not None and end < eff:
            findings.append(error("schedule.end_before_start", r.loc(i, "End Date"),
                                  f"End Date {end} is before Effective Date {eff}; fix one of them."))
            continue
        if fund:
            out.append(RateRow(fund, rate, eff, end, notes, r.loc(i), written))
    return tuple(out)


def parse_events(t: RawTable | None, date1904: bool, resolver: NameResolver,
                 findings: list[Finding]) -> tuple[PlanEvent, ...]:
    if t is None:
        return ()
    r = TableReader(t, date1904, findings)
    out = []
    for i in r.rows():
        d = r.get(i, "Date", "date", required=True)
        ev = r.get(i, "Event", "text", required=True)
        written = r.get(i, "Fund", "text") or ""
        notes = r.get(i, "Notes", "text") or ""
        if d is None or not ev:
            continue
        if ev not in contract.EVENTS:
            near = [e for e in contract.EVENTS if e.lower() == ev.lower()]
            findings.append(error("event.unknown", r.loc(i, "Event"),
                                  f"Event '{ev}' is not one of {', '.join(contract.EVENTS)}."
                                  + (f" Did you mean '{near[0]}'?" if near else "")))
            continue
        fund = None
        if written:
            fund = _resolve(resolver, written, r.loc(i, "Fund"), "Plan Events fund", findings)
            if fund is None:
                continue
        out.append(PlanEvent(d, ev, fund, notes, r.loc(i)))
    return tuple(out)


# --------------------------------------------------------------------------- NAV
def _column_numbers(col: list) -> tuple[np.ndarray, np.ndarray]:
    """A column of raw values -> (float values with NaN where not a number, is-number mask)."""
    try:
        arr = np.array(col, dtype=float)          # fast path: every cell a number or None
        ok = ~np.isnan(arr)
        return arr, ok
    except (TypeError, ValueError):
        pass
    vals = np.full(len(col), np.nan)
    for k, v in enumerate(col):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            vals[k] = v
    return vals, ~np.isnan(vals)


BIG_COLUMN = 50_000   # from this size pandas' hash factorize pays for its import


def factorize(col) -> tuple[np.ndarray, list]:
    """Codes (-1 for an empty cell) and the distinct values of a raw column: large columns
    hold few distinct values (dates, IDs, names), so each is converted once."""
    if len(col) >= BIG_COLUMN:
        import pandas as pd
        codes, uniques = pd.factorize(np.array(col, dtype=object), use_na_sentinel=True)
        return codes, list(uniques)
    index: dict = {}
    codes = np.empty(len(col), np.int64)
    for i, v in enumerate(col):
        codes[i] = -1 if v is None else index.setdefault(v, len(index))
    return codes, list(index)


def _column_dates(col: list, date1904: bool) -> tuple[np.ndarray, list[tuple[int, CellProblem]]]:
    """A date column -> datetime64[D] array (NaT where bad or blank) and the problems."""
    codes, uniques = factorize(col)
    conv = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    bad: dict[int, CellProblem] = {}
    for k, v in enumerate(uniques):
        try:
            d = as_date(v, date1904)
        except CellProblem as p:
            bad[k] = p
            continue
        if d is not None:
            conv[k] = np.datetime64(d, "D")
    out = conv[codes]          # code -1 picks the trailing NaT
    problems = []
    if bad:
        rows = np.nonzero(np.isin(codes, list(bad)))[0]
        problems = [(int(i), bad[int(codes[i])]) for i in rows]
    return out, problems


def _column_text(col: list) -> tuple[np.ndarray, list[tuple[int, CellProblem]]]:
    """A text column -> object array of stripped texts ('' for blank or bad) and problems."""
    codes, uniques = factorize(col)
    conv = np.empty(len(uniques) + 1, object)
    conv[-1] = ""
    bad: dict[int, CellProblem] = {}
    for k, v in enumerate(uniques):
        try:
            conv[k] = as_text(v)
        except CellProblem as p:
            bad[k] = p
            conv[k] = ""
    problems = []
    if bad:
        rows = np.nonzero(np.isin(codes, list(bad)))[0]
        problems = [(int(i), bad[int(codes[i])]) for i in rows]
    return conv[codes], problems


def to_units(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dollar floats -> int64 units (AMOUNT_SCALE per dollar) and a mask of values that had
    more precision than a unit (rounded half away from zero, reported by the caller)."""
    scaled = values * AMOUNT_SCALE
    units = np.round(scaled)
    # a value typed with at most 4 decimals lands within float noise of a whole unit
    lossy = np.abs(scaled - units) > np.maximum(1e-3, np.abs(scaled) * 4e-16)
    return units.astype(np.int64), lossy


MAX_AMOUNT = 1e12  # a trillion dollars: beyond it a value is surely a typo


def parse_nav(t: RawTable | None, date1904: bool, resolver: NameResolver,
              findings: list[Finding]) -> Nav:
    if t is None:
        return Nav.empty()
    r = TableReader(t, date1904, findings)
    n = t.n_rows
    dates, problems = _column_dates(t.columns["Date"], date1904)
    for k, p in problems:
        findings.append(error(p.code, r.loc(k, "Date"), f"Date: {p.message}."))
    # which columns are funds
    fund_cols: dict[str, list[tuple[str, str]]] = {}
    for h in t.headers:
        if h == "Date" or not str(h).strip():
            continue
        fund = _resolve(resolver, h, r.loc(None, h), "NAV column", findings)
        if fund:
            fund_cols.setdefault(fund, []).append(h)
    # rows: drop entirely blank rows; a row with a blank date but values is an error
    row_has_value = np.zeros(n, bool)
    per_header = {}
    for headers in fund_cols.values():
        for h in headers:
            vals, ok = _column_numbers(t.columns[h])
            per_header[h] = (vals, ok)
            row_has_value |= ok
    blank_date = np.isnat(dates)
    bad_rows = set(k for k, _ in problems)
    for k in np.nonzero(blank_date & row_has_value)[0]:
        if k not in bad_rows:
            findings.append(error("cell.blank", r.loc(int(k), "Date"),
                                  "Date is empty on a row with net assets; enter the date."))
    keep = ~blank_date
    idx = np.nonzero(keep)[0]
    kept_dates = dates[idx]
    # order and duplicates
    if len(kept_dates) > 1:
        back = np.nonzero(kept_dates[1:] < kept_dates[:-1])[0]
        for k in back[:20]:
            i = int(idx[k + 1])
            findings.append(error("nav.out_of_order", r.loc(i, "Date"),
                                  f"Date {kept_dates[k + 1]} comes after {kept_dates[k]}; sort the "
                                  f"NAV table by Date, oldest first."))
        order = np.argsort(kept_dates, kind="stable")
        sd = kept_dates[order]
        dup = np.nonzero(sd[1:] == sd[:-1])[0]
        for k in dup[:20]:
            i1, i2 = int(idx[order[k]]), int(idx[order[k + 1]])
            findings.append(error("nav.duplicate_date", r.loc(i2, "Date"),
                                  f"Date {sd[k]} appears twice (also row {t.excel_row(i1)}); keep "
                                  f"one row per business day."))
        idx = idx[order]
        kept_dates = sd
    funds = tuple(fund_cols)
    values = np.zeros((len(idx), len(funds)), np.int64)
    present = np.zeros((len(idx), len(funds)), bool)
    invalid = np.zeros((len(idx), len(funds)), bool)
    columns = []
    for j, fund in enumerate(funds):
        headers = fund_cols[fund]
        h0 = headers[0]
        columns.append((column_letter(t.column_index(h0)), h0))
        for h in headers:
            vals, ok = per_header[h]
            col = t.columns[h]
            # cells that hold something that is not a number
            not_number = np.zeros(n, bool)
            for k in np.nonzero(~ok)[0]:
                v = col[k]
                if v is None or v == "":
                    continue
                not_number[k] = True
                try:
                    as_decimal(v)
                    p = CellProblem("cell.not_a_number", f"'{v}' is not a number")
                except CellProblem as e:
                    p = e
                findings.append(error(p.code, r.loc(int(k), h), f"{h}: {p.message}."))
            v_idx, ok_idx = vals[idx], ok[idx]
            invalid[:, j] |= not_number[idx]
            neg = ok_idx & (v_idx <= 0)
            for k in np.nonzero(neg)[0][:50]:
                i = int(idx[k])
                what = "negative" if v_idx[k] < 0 else "zero"
                findings.append(error("nav.not_positive", r.loc(i, h),
                                      f"Net assets of {fund} on {kept_dates[k]} are {what} "
                                      f"({v_idx[k]:,.2f}); Class K net assets must be positive. "
                                      f"Leave the cell empty before the fund's Class K shares "
                                      f"existed."))
            huge = ok_idx & (np.abs(v_idx) >= MAX_AMOUNT)
            for k in np.nonzero(huge)[0][:20]:
                findings.append(error("nav.too_large", r.loc(int(idx[k]), h),
                                      f"Net assets {v_idx[k]:,.2f} exceed $1 trillion; check the "
                                      f"cell (units are dollars)."))
            use = ok_idx & (v_idx > 0) & ~huge
            invalid[:, j] |= ok_idx & ~use
            units, lossy = to_units(np.where(use, v_idx, 0.0))
            for k in np.nonzero(lossy & use)[0][:20]:
                findings.append(warning("nav.precision", r.loc(int(idx[k]), h),
                                        f"Net assets {v_idx[k]!r} have digits below a hundredth "
                                        f"of a cent; they are rounded to 4 decimals."))
            both = present[:, j] & use
            for k in np.nonzero(both)[0][:20]:
                findings.append(error("name.both_names", r.loc(int(idx[k]), h),
                                      f"{kept_dates[k]} has net assets for {fund} under two names "
                                      f"({', '.join(headers)}); keep one column."))
            values[:, j] = np.where(use & ~present[:, j], units, values[:, j])
            present[:, j] |= use
    rows = t.excel_row(idx.astype(np.int64))
    return Nav(kept_dates, funds, values, present, rows, tuple(columns), invalid, t.sheet, t.name)


# --------------------------------------------------------------------------- providers
def parse_providers(t: RawTable | None, date1904: bool, settings: Settings,
                    findings: list[Finding]) -> tuple[Provider, ...]:
    if t is None:
        return ()
    r = TableReader(t, date1904, findings)
    out: dict[str, Provider] = {}
    for i in r.rows():
        pid = r.get(i, "Provider ID", "text", required=True)
        name = r.get(i, "Provider Name", "text") or ""
        kind = r.get(i, "Agreement Type", "text", required=True)
        rate = r.get(i, "Service Fee Rate", "rate", required=True)
        start = r.get(i, "Start Date", "date")
        end = r.get(i, "End Date", "date")
        minimum = r.get(i, "Minimum Payment", "money")
        if not pid or not kind or rate is None:
            continue
        if kind not in contract.AGREEMENT_TYPES:
            near = [k for k in contract.AGREEMENT_TYPES if k.lower() == kind.lower()]
            findings.append(error("provider.bad_type", r.loc(i, "Agreement Type"),
                                  f"Agreement Type '{kind}' is not one of "
                                  f"{', '.join(contract.AGREEMENT_TYPES)}."
                                  + (f" Did you mean '{near[0]}'?" if near else "")))
            continue
        if rate < 0:
            findings.append(error("cell.negative", r.loc(i, "Service Fee Rate"),
                                  f"Service Fee Rate {rate} is negative; enter a fraction such as "
                                  f"0.25% (0.0025)."))
            continue
        if minimum is not None and minimum < 0:
            findings.append(error("cell.negative", r.loc(i, "Minimum Payment"),
                                  f"Minimum Payment {minimum} is negative; enter 0 or more."))
            continue
        if start and end and end < start:
            findings.append(error("provider.end_before_start", r.loc(i, "End Date"),
                                  f"End Date {end} is before Start Date {start}; fix one of them."))
            continue
        if pid in out:
            findings.append(error("provider.duplicate_id", r.loc(i, "Provider ID"),
                                  f"Provider ID '{pid}' is used twice (first at "
                                  f"{out[pid].loc}); give each provider its own ID."))
            continue
        if rate > settings.service_fee_cap:
            findings.append(warning("provider.rate_above_cap", r.loc(i, "Service Fee Rate"),
                                    f"{pid} ({name}) has an agreed service fee rate of {rate:.4%}, "
                                    f"above the Service Fee Cap of {settings.service_fee_cap:.4%} "
                                    f"(plan SEVENTH, FINRA Rule 2341); it is paid at most the cap."))
        out[pid] = Provider(pid, name, kind, rate, start, end, minimum or Decimal(0), r.loc(i))
    return tuple(out.values())


def parse_provider_assets(t: RawTable | None, date1904: bool, resolver: NameResolver,
                          providers: tuple[Provider, ...], findings: list[Finding]) -> Columns:
    """Provider Assets -> Columns (start, end, provider, fund, assets units, row, pidx, fidx);
    vectorised,
    since the table can hold a million rows: each distinct ID or name is resolved once."""
    if t is None or t.n_rows == 0:
        return empty_provider_assets()
    r = TableReader(t, date1904, findings)
    n = t.n_rows
    limit = 200                      # findings of one kind per column, then a count

    def report(code, rows, header, message):
        rows = np.asarray(rows)
        for k in rows[:limit]:
            findings.append(error(code, r.loc(int(k), header), message(int(k))))
        if len(rows) > limit:
            findings.append(error(code, r.loc(None, header),
                                  f"... and {len(rows) - limit} more rows with the same problem."))

    starts, p1 = _column_dates(t.columns["Period Start"], date1904)
    ends, p2 = _column_dates(t.columns["Period End"], date1904)
    pids, p3 = _column_text(t.columns["Provider ID"])
    written, p4 = _column_text(t.columns["Fund"])
    raw_amt = t.columns["Average Net Assets"]
    amounts, ok = _column_numbers(raw_amt)
    bad_cells = np.zeros(n, bool)
    for header, probs in (("Period Start", p1), ("Period End", p2), ("Provider ID", p3), ("Fund", p4)):
        by_code: dict[str, list[int]] = {}
        for k, p in probs:
            by_code.setdefault(p.code, []).append(k)
            bad_cells[k] = True
        for code, rows in by_code.items():
            msg = {k: p.message for k, p in probs}
            report(code, rows, header, lambda k, h=header, m=msg: f"{h}: {m[k]}.")
    blank_amt = np.array([v is None for v in raw_amt], bool) if not ok.all() else np.zeros(n, bool)
    blank_row = np.isnat(starts) & np.isnat(ends) & (pids == "") & (written == "") & blank_amt
    blank_row &= ~bad_cells
    live = ~blank_row
    good = live & ~bad_cells
    for header, miss in (("Period Start", np.isnat(starts)), ("Period End", np.isnat(ends)),
                         ("Provider ID", pids == ""), ("Fund", written == ""),
                         ("Average Net Assets", blank_amt)):
        rows = np.nonzero(miss & live & ~bad_cells)[0]
        report("cell.blank", rows, header, lambda k, h=header: f"{h} is empty; fill it in or delete the row.")
        good &= ~(miss & live)
    not_num = np.nonzero(live & ~ok & ~blank_amt)[0]
    for k in not_num[:limit]:
        try:
            as_decimal(raw_amt[k])
            p = CellProblem("cell.not_a_number", f"'{raw_amt[k]}' is not a number")
        except CellProblem as e:
            p = e
        findings.append(error(p.code, r.loc(int(k), "Average Net Assets"),
                              f"Average Net Assets: {p.message}."))
    good &= ok
    report("cell.negative", np.nonzero(good & (amounts < 0))[0], "Average Net Assets",
           lambda k: f"Average Net Assets {amounts[k]:,.2f} is negative; enter 0 or more.")
    report("nav.too_large", np.nonzero(good & (amounts >= MAX_AMOUNT))[0], "Average Net Assets",
           lambda k: f"Average Net Assets {amounts[k]:,.2f} exceed $1 trillion; check the cell.")
    good &= (amounts >= 0) & (amounts < MAX_AMOUNT)
    # provider IDs: each distinct unknown ID once, at its first row
    known = {p.id: i for i, p in enumerate(providers)}
    codes, uniq = factorize(pids)
    pidx = np.array([known.get(u, -1) for u in uniq] + [-1], np.int64)[codes]
    for k, pid in enumerate(uniq):
        if pid == "" or pid in known:
            continue
        rows = np.nonzero((codes == k) & good)[0]
        if len(rows) == 0:
            continue
        from difflib import get_close_matches  # only when a name is unknown
        near = get_close_matches(pid, sorted(known), n=3, cutoff=0.5)
        findings.append(error("provider.unknown", r.loc(int(rows[0]), "Provider ID"),
                              f"Provider ID '{pid}' is not in the Providers table ({len(rows)} "
                              f"row(s)).{did_you_mean(near)} Add the provider or correct the ID."))
        good[codes == k] = False
    # funds: each distinct name resolved once (warnings and errors at its first row)
    codes, uniq = factorize(written)
    canon = {f: i for i, f in enumerate(resolver.canonical)}
    fidx_u = np.full(len(uniq) + 1, -1, np.int64)
    for k, w in enumerate(uniq):
        if w == "":
            continue
        rows = np.nonzero((codes == k) & good)[0]
        if len(rows) == 0:
            continue
        res = _resolve(resolver, w, r.loc(int(rows[0]), "Fund"), "Provider Assets fund", findings)
        if res is not None:
            fidx_u[k] = canon[res]
    fidx = fidx_u[codes]
    good &= fidx >= 0
    report("provider_assets.end_before_start", np.nonzero(good & (ends < starts))[0], "Period End",
           lambda k: f"Period End {ends[k]} is before Period Start {starts[k]}; fix the row.")
    good &= ~(ends < starts)
    units, _ = to_units(np.where(good, amounts, 0.0))
    sel = np.nonzero(good)[0]
    names = np.array(resolver.canonical + [""], object)
    return Columns({
        "start": starts[sel], "end": ends[sel], "provider": pids[sel], "fund": names[fidx[sel]],
        "assets": units[sel], "row": sel.astype(np.int64) + t.header_row + 1,
        "pidx": pidx[sel], "fidx": fidx[sel],
    })


def empty_provider_assets() -> Columns:
    z = np.zeros(0, np.int64)
    nat = np.zeros(0, "datetime64[D]")
    return Columns({"start": nat, "end": nat, "provider": np.zeros(0, object),
                    "fund": np.zeros(0, object), "assets": z, "row": z, "pidx": z, "fidx": z})


def parse_expenses(t: RawTable | None, date1904: bool, resolver: NameResolver,
                   findings: list[Finding]) -> Columns:
    cols = {"date": [], "fund": [], "category": [], "amount": [], "row": []}
    if t is not None:
        r = TableReader(t, date1904, findings)
        for i in r.rows():
            d = r.get(i, "Date", "date", required=True)
            written = r.get(i, "Fund", "text") or ""
            cat = r.get(i, "Category", "text", required=True)
            amt = r.get(i, "Amount", "money", required=True)
            if d is None or not cat or amt is None:
                continue
            if cat not in contract.EXPENSE_CATEGORIES:
                from difflib import get_close_matches  # only when a name is unknown
                near = get_close_matches(cat, contract.EXPENSE_CATEGORIES, n=2, cutoff=0.5)
                findings.append(error("expense.bad_category", r.loc(i, "Category"),
                                      f"Category '{cat}' is not a purpose listed in plan FIFTH "
                                      f"({'; '.join(contract.EXPENSE_CATEGORIES)}).{did_you_mean(near)}"))
                continue
            fund = ""
            if written:
                fund = _resolve(resolver, written, r.loc(i, "Fund"), "Expenses fund", findings)
                if fund is None:
                    continue
            cols["date"].append(d)
            cols["fund"].append(fund)
            cols["category"].append(cat)
            cols["amount"].append(amt)
            cols["row"].append(t.excel_row(i))
    return Columns(cols)


# --------------------------------------------------------------------------- book
def parse_book(raw: RawBook) -> tuple[Book, list[Finding]]:
    """Every table of a raw workbook -> a typed Book and the findings of the cells."""
    findings: list[Finding] = []
    tables = {name: check_table(raw, name, findings) for name in TABLES}
    d1904 = raw.date1904
    settings = parse_settings(tables["Settings"], d1904, findings)
    funds, renames, resolver = parse_funds(tables["ScheduleA"], tables["FundNames"], d1904, findings)
    rates = parse_rates(tables["ScheduleB"], d1904, resolver, findings)
    events = parse_events(tables["PlanEvents"], d1904, resolver, findings)
    nav = parse_nav(tables["NAV"], d1904, resolver, findings)
    providers = parse_providers(tables["Providers"], d1904, settings, findings)
    assets = parse_provider_assets(tables["ProviderAssets"], d1904, resolver, providers, findings)
    expenses = parse_expenses(tables["Expenses"], d1904, resolver, findings)
    sheets = {name: (t.sheet if t is not None else TABLES[name].sheet) for name, t in tables.items()}
    letters = {name: {h: column_letter(t.column_index(h)) for h in t.headers}
               for name, t in tables.items() if t is not None}
    from .gl_accounts import parse_gl_accounts  # the optional GL Accounts table (SPEC §3)
    gl = parse_gl_accounts(raw, d1904, findings)
    book = Book(settings, funds, rates, renames, events, nav, providers, assets, expenses,
                raw.path, sheets, letters, gl)
    return book, findings
