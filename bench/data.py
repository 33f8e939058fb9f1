"""Benchmark data: seeded, realistic input tables for the default plan, and a fast .xlsx writer.

Tables are column-oriented here (``Table``: headers, one list per column, column kinds) so that
a 1.14 M-row Provider Assets table does not need a dict per row.  ``as_rows`` turns a table into
the row dicts ``fee_core.write.inputs.write_input_workbook`` takes; the smoke test checks that the fast
writer and that writer give the same parsed Book.

Data:
* NAV: one row per real NYSE (XNYS) session (``fee_core.nyse.sessions``) from the last session of
  the year before ``first_year`` through Dec 31 of ``last_year``; per fund a random walk of daily
  log returns N(0.03 %, 1.2 %) from a start drawn log-uniform in [$5 M, $400 M], in cents; blank
  before the last session on or before the fund's effective date (as ``templates.sample``).
* Plan: the default plan's Schedules A/B, fund names, plan events and settings
  (``templates.sample._plan_tables``) plus a board continuance approval for every plan term
  (``templates.sample._continuance_dates``), so the plan never lapses.  ``fund_copies=k`` adds
  k-1 derived copies of every fund (``"<fund> 2"`` ...) to Schedules A and B and to the NAV, to
  scale the data by fund columns.
* Providers: ``n_providers`` providers of the four agreement types, most at 0.25 %, some at
  0.30 % (capped, a warning) or 0.20 %, minimum payments 0/25/100/500; every provider holds
  every fund, one Provider Assets row per (provider, fund, month) of ``assets_year``: its share
  (about 0.8 / n_providers of the fund's calendar-day average net assets that month, so the
  service fees stay below the plan fee) times a noise factor.
"""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from fee_core.calendar import sessions
from fee_core.contract import TABLES, Settings, headers_of
from fee_core.plan import default_plan
from templates.sample import _first_index  # the template's rule: last row on or before

EPOCH_1900 = date(1899, 12, 30)
KINDS = ("Service", "Third Party", "Variable Contract", "Bank Trust")
CACHE_VERSION = 3


@dataclass
class Table:
    name: str
    headers: list
    columns: dict            # header -> list of values (date, float, str, None)
    kinds: dict = field(default_factory=dict)   # header -> 'date' | 'rate' | 'money' | 'text'

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


def as_rows(t: Table) -> list[dict]:
    cols = [t.columns[h] for h in t.headers]
    return [dict(zip(t.headers, vals)) for vals in zip(*cols)]


def _from_rows(name: str, rows: list[dict]) -> Table:
    spec = TABLES[name]
    headers = headers_of(name, rows)
    return Table(name, headers, {h: [r.get(h) for r in rows] for h in headers}, dict(spec.columns))


# --------------------------------------------------------------------------- generation
def nav_dates(first_year: int, last_year: int) -> list[date]:
    s = sessions(date(first_year - 1, 12, 1), date(last_year, 12, 31))
    d = [x.astype(object) for x in s]
    prior = [x for x in d if x.year < first_year]
    return prior[-1:] + [x for x in d if x.year >= first_year]


def _copy_name(fund: str, k: int) -> str:
    return fund if k == 0 else f"{fund} {k + 1}"


def plan_tables(first_year: int, last_year: int, fund_copies: int = 1) -> tuple[dict, list[dict]]:
    """(row tables of Settings, ScheduleA, ScheduleB, FundNames, PlanEvents; Schedule A funds
    with their accrual start) for the default plan with approvals for every term."""
    from templates.sample import SAMPLE_NOTE, _continuance_dates, _plan_tables
    plan = default_plan()
    t = _plan_tables(first_year, plan)
    for row in t["Settings"]:
        if row["Setting"] == "Period End":
            row["Value"] = date(last_year, 12, 31)
    approvals = set()
    for y in range(first_year, last_year + 1):
        approvals.update(_continuance_dates(y, Settings().initial_term_end, plan["agreement_date"]))
    for d in sorted(approvals):
        t["PlanEvents"].append({"Date": d, "Event": "Continuance Approved", "Fund": None,
                                "Notes": SAMPLE_NOTE})
    t["PlanEvents"].sort(key=lambda r: r["Date"])
    # Schedule B effective date per canonical fund (for the accrual start of each fund)
    from fee_core.parse.names import NameResolver  # noqa: F401  (only to be sure the module exists)
    b_eff = {}
    for r in plan["schedule_b"]:
        key = r["fund"].replace("INVESCO ", "")
        b_eff[key] = r["effective"]
    funds = []
    for r in plan["schedule_a"]:
        name = r["fund"]
        be = b_eff.get(name) or b_eff.get(name.replace(" Fund", "").replace("&", "and")) or r["effective"]
        start = max(r["effective"], be, plan["agreement_date"])
        funds.append({"fund": name, "effective": r["effective"], "accrual_start": start,
                      "company": r["company"]})
    all_funds = []
    if fund_copies > 1:
        extra_a, extra_b = [], []
        for k in range(1, fund_copies):
            for f in funds:
                n = _copy_name(f["fund"], k)
                extra_a.append({"Company": f["company"], "Fund": n, "Effective Date": f["effective"],
                                "Notes": "bench: derived copy"})
                extra_b.append({"Fund": n, "Annual Rate": 0.0045, "Effective Date": f["accrual_start"]
                                if f["accrual_start"] > f["effective"] else f["effective"],
                                "End Date": None, "Notes": "bench: derived copy"})
        t["ScheduleA"] += extra_a
        t["ScheduleB"] += extra_b
    for k in range(fund_copies):
        for f in funds:
            all_funds.append(dict(f, fund=_copy_name(f["fund"], k)))
    return t, all_funds


def fund_nav(rng, dates: list[date], funds: list[dict]) -> dict[str, list]:
    n = len(dates)
    out = {}
    for f in funds:
        start = float(np.exp(rng.uniform(np.log(5e6), np.log(4e8))))
        steps = rng.normal(0.0003, 0.012, n)
        steps[0] = 0.0
        vals = np.round(start * np.exp(np.cumsum(steps)), 2)
        first = _first_index(dates, f["effective"])
        col = vals.tolist()
        for i in range(first):
            col[i] = None
        out[f["fund"]] = col
    return out


def monthly_calendar_average(dates: list[date], values: list, year: int) -> dict[int, float]:
    """Month -> mean over the calendar days of that month of the carried-forward value
    (months with a missing value are left out)."""
    d64 = np.array(dates, dtype="datetime64[D]")
    v = np.array([np.nan if x is None else x for x in values], float)
    out = {}
    for m in range(1, 13):
        last = date(year, m, monthrange(year, m)[1])
        days = np.arange(np.datetime64(date(year, m, 1)), np.datetime64(last) + 1)
        idx = np.searchsorted(d64, days, side="right") - 1
        if idx[0] < 0:
            continue
        x = v[idx]
        if np.isnan(x).any():
            continue
        out[m] = float(x.mean())
    return out


def make_tables(first_year: int = 2001, last_year: int = 2010, fund_copies: int = 1,
                n_providers: int = 0, assets_year: int | None = None, seed: int = 12) -> dict[str, Table]:
    """Every input table (column-oriented) for the benchmark workbook."""
    rng = np.random.default_rng(seed)
    rows, funds = plan_tables(first_year, last_year, fund_copies)
    tables = {name: _from_rows(name, r) for name, r in rows.items()}
    dates = nav_dates(first_year, last_year)
    nav = fund_nav(rng, dates, funds)
    headers = ["Date"] + [f["fund"] for f in funds]
    tables["NAV"] = Table("NAV", headers, {"Date": dates, **nav},
                          {"Date": "date", **{f["fund"]: "money" for f in funds}})
    # providers
    ids = [f"P{i:05d}" for i in range(1, n_providers + 1)]
    kinds = [KINDS[i % 4] for i in range(n_providers)]
    u = rng.random(n_providers)
    rates = np.where(u < 0.1, 0.003, np.where(u < 0.2, 0.002, 0.0025)).tolist()
    mins = rng.choice([0.0, 25.0, 100.0, 500.0], n_providers, p=[0.55, 0.2, 0.2, 0.05]).tolist()
    tables["Providers"] = Table("Providers", list(TABLES["Providers"].headers), {
        "Provider ID": ids,
        "Provider Name": [f"Bench {k} Provider {i}" for i, k in zip(range(1, n_providers + 1), kinds)],
        "Agreement Type": kinds,
        "Service Fee Rate": rates,
        "Start Date": [date(first_year, 1, 1)] * n_providers,
        "End Date": [None] * n_providers,
        "Minimum Payment": mins,
    }, dict(TABLES["Providers"].columns))
    # provider assets: every provider x every fund x month of assets_year
    pa: dict[str, list] = {h: [] for h in TABLES["ProviderAssets"].headers}
    if n_providers and assets_year:
        shares = rng.uniform(0.5, 1.5, n_providers) * (0.8 / n_providers)
        months = [(date(assets_year, m, 1), date(assets_year, m, monthrange(assets_year, m)[1]))
                  for m in range(1, 13)]
        per_fund = []
        for f in funds:
            avg = monthly_calendar_average(dates, nav[f["fund"]], assets_year)
            per_fund.append((f["fund"], avg))
        # row order: period, provider, fund (as templates.sample sorts)
        for m, (s, e) in enumerate(months, start=1):
            for i in range(n_providers):
                noise = rng.uniform(0.92, 1.08, len(per_fund))
                for j, (fname, avg) in enumerate(per_fund):
                    if m not in avg:
                        continue
                    pa["Period Start"].append(s)
                    pa["Period End"].append(e)
                    pa["Provider ID"].append(ids[i])
                    pa["Fund"].append(fname)
                    pa["Average Net Assets"].append(round(avg[m] * shares[i] * noise[j], 2))
    tables["ProviderAssets"] = Table("ProviderAssets", list(TABLES["ProviderAssets"].headers), pa,
                                     dict(TABLES["ProviderAssets"].columns))
    tables["Expenses"] = Table("Expenses", list(TABLES["Expenses"].headers),
                               {h: [] for h in TABLES["Expenses"].headers}, dict(TABLES["Expenses"].columns))
    order = ("Settings", "ScheduleA", "ScheduleB", "FundNames", "PlanEvents", "NAV", "Providers",
             "ProviderAssets", "Expenses")
    return {k: tables[k] for k in order}


def fund_starts(fund_copies: int = 1) -> list[dict]:
    return plan_tables(2001, 2001, fund_copies)[1]


# --------------------------------------------------------------------------- fast writer
_SSML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       f'<Override PartName="/xl/workbook.xml" ContentType="{_SSML}.sheet.main+xml"/>'
       f'<Override PartName="/xl/styles.xml" ContentType="{_SSML}.styles+xml"/>'
       f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SSML}.sharedStrings+xml"/>'
       '{sheets}{tables}</Types>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
           '<numFmt numFmtId="165" formatCode="#,##0.00;[Red]-#,##0.00"/></numFmts>'
           '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           '</styleSheet>')
_STYLE_OF = {"date": 1, "rate": 2, "money": 3}


def _col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


class _Strings:
    def __init__(self):
        self.index: dict[str, int] = {}
        self.count = 0

    def __call__(self, s: str) -> int:
        self.count += 1
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.index)
        return i

    def xml(self) -> bytes:
        parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
                 f'schemas.openxmlformats.org/spreadsheetml/2006/main" count="{self.count}" '
                 f'uniqueCount="{len(self.index)}">']
        for s in self.index:
            sp = ' xml:space="preserve"' if s != s.strip() else ""
            parts.append(f"<si><t{sp}>{escape(s)}</t></si>")
        parts.append("</sst>")
        return "".join(parts).encode("utf-8")


def _sheet_xml(t: Table, sst: _Strings, out) -> str:
    """Write the sheet XML of one table (header in row 1) to the binary stream ``out``;
    return the table ref."""
    ncol = len(t.headers)
    letters = [_col_letter(j + 1) for j in range(ncol)]
    n = max(t.n_rows, 1)
    ref = f"A1:{letters[-1]}{n + 1}"
    out.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
               'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
               'openxmlformats.org/officeDocument/2006/relationships">'
               f'<dimension ref="{ref}"/><sheetData>').encode())
    head = "".join(f'<c r="{letters[j]}1" t="s"><v>{sst(str(h))}</v></c>' for j, h in enumerate(t.headers))
    out.write(f'<row r="1">{head}</row>'.encode())
    # per column: a function value -> cell xml body (or None)
    encoders = []
    for j, h in enumerate(t.headers):
        kind = t.kinds.get(h, "text")
        style = _STYLE_OF.get(kind, 0)
        col = t.columns[h]
        cells: list[str | None] = [None] * len(col)
        L = letters[j]
        for i, v in enumerate(col):
            if v is None:
                continue
            r = i + 2
            if isinstance(v, (date, datetime)):
                serial = (v - EPOCH_1900).days if not isinstance(v, datetime) else \
                    (v - datetime(1899, 12, 30)).total_seconds() / 86400
                cells[i] = f'<c r="{L}{r}" s="1"><v>{serial}</v></c>'
            elif isinstance(v, str):
                cells[i] = f'<c r="{L}{r}" t="s"><v>{sst(v)}</v></c>'
            elif isinstance(v, bool):
                cells[i] = f'<c r="{L}{r}" t="b"><v>{int(v)}</v></c>'
            else:
                s = f' s="{style}"' if style else ""
                cells[i] = f'<c r="{L}{r}"{s}><v>{float(v)!r}</v></c>'
        encoders.append(cells)
    buf = []
    for i in range(t.n_rows):
        row = [cell for c in encoders if (cell := c[i]) is not None]
        buf.append(f'<row r="{i + 2}">' + "".join(row) + "</row>")
        if len(buf) >= 20000:
            out.write("".join(buf).encode("utf-8"))
            buf = []
    out.write("".join(buf).encode("utf-8"))
    out.write(b'</sheetData><tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>')
    return ref


def write_fast(path, tables: dict[str, Table], compresslevel: int = 1) -> None:
    """Write ``tables`` as an .xlsx: one sheet per table (the contract's sheet name), each an
    Excel table at A1 (an empty table gets one blank data row, as Excel needs)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    sst = _Strings()
    sheets, ct_sheets, ct_tables = [], [], []
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        for k, (name, t) in enumerate(tables.items(), start=1):
            sheet = TABLES[name].sheet if name in TABLES else name
            with z.open(f"xl/worksheets/sheet{k}.xml", "w", force_zip64=True) as out:
                ref = _sheet_xml(t, sst, out)
            cols = "".join(f'<tableColumn id="{j + 1}" name="{escape(str(h), {chr(34): "&quot;"})}"/>'
                           for j, h in enumerate(t.headers))
            z.writestr(f"xl/tables/table{k}.xml",
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f'<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                       f'id="{k}" name="{name}" displayName="{name}" ref="{ref}" headerRowCount="1">'
                       f'<autoFilter ref="{ref}"/><tableColumns count="{len(t.headers)}">{cols}'
                       '</tableColumns><tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" '
                       'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>')
            z.writestr(f"xl/worksheets/_rels/sheet{k}.xml.rels",
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                       'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                       f'officeDocument/2006/relationships/table" Target="../tables/table{k}.xml"/>'
                       '</Relationships>')
            sheets.append((k, sheet))
            ct_sheets.append(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
                             'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
            ct_tables.append(f'<Override PartName="/xl/tables/table{k}.xml" ContentType="application/'
                             'vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/>')
        z.writestr("xl/sharedStrings.xml", sst.xml())
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr("[Content_Types].xml", _CT.format(sheets="".join(ct_sheets), tables="".join(ct_tables)))
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
                   'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                   'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://'
                   'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   + "".join(f'<sheet name="{escape(s)}" sheetId="{k}" r:id="rId{k}"/>' for k, s in sheets)
                   + "</sheets></workbook>")
        n = len(sheets)
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
                   'http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/'
                             'officeDocument/2006/relationships/worksheet" '
                             f'Target="worksheets/sheet{k}.xml"/>'
                             for k, _ in sheets)
                   + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                   + f'<Relationship Id="rId{n + 2}" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                   + "</Relationships>")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- cache
def cache_dir() -> Path:
    d = Path(os.environ.get("FEE12B1_BENCH_CACHE", Path.home() / ".cache" / "fee12b1-bench"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def workbook(**params) -> Path:
    """The benchmark workbook for ``make_tables(**params)``, built once and cached on disk
    (keyed by the parameters and the generator's version)."""
    key = json.dumps({"v": CACHE_VERSION, **params}, sort_keys=True)
    h = hashlib.sha1(key.encode()).hexdigest()[:12]
    name = "bench-" + "-".join(f"{k}{v}" for k, v in sorted(params.items())) + f"-{h}.xlsx"
    path = cache_dir() / name
    if not path.exists():
        write_fast(path, make_tables(**params))
    return path
