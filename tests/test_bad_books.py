"""A corpus of bad workbooks, one per kind of problem, built by code (SPEC §5, issue 4).

Each case takes a small valid plan workbook, breaks one thing, and asserts through the real
command line: ``check`` and ``compute`` exit 1, the finding's stable code and its location,
and that ``compute`` leaves no result file behind (only ``checks.csv``)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from fee_core.cli import main
from fee_core.write.inputs import write_input_workbook
from tests.books import base_tables, constant_nav

FUND = "Balanced Fund"
JAN = (date(2001, 1, 1), date(2001, 1, 31))


def good_tables():
    t = base_tables(funds=((FUND, date(2000, 12, 14)), ("Telecommunications Fund", date(2000, 11, 29))),
                    settings={"Period Start": date(2001, 1, 1), "Period End": date(2001, 3, 31)})
    t["NAV"] = constant_nav([FUND, "Telecommunications Fund"], date(2001, 1, 1), date(2001, 3, 31))
    t["Providers"] = [{"Provider ID": "D1", "Provider Name": "Summit Securities LLC",
                       "Agreement Type": "Service", "Service Fee Rate": 0.0025, "Start Date": None,
                       "End Date": None, "Minimum Payment": 0.0}]
    t["ProviderAssets"] = [{"Period Start": date(2001, m, 1), "Period End": e, "Provider ID": "D1",
                            "Fund": FUND, "Average Net Assets": 2_000_000.0}
                           for m, e in ((1, date(2001, 1, 31)), (2, date(2001, 2, 28)),
                                        (3, date(2001, 3, 31)))]
    t["Expenses"] = [{"Date": date(2001, 2, 1), "Fund": FUND, "Category": "Advertising", "Amount": 1200.0}]
    return t


@dataclass
class Case:
    name: str
    mutate: Callable            # tables -> None (edit in place)
    code: str
    where: str                  # a substring of the location
    message: str = ""           # a substring of the message
    cells: Callable | None = None   # openpyxl Workbook -> None, after the tables are written
    raw: Callable | None = None     # path -> None: write the file by hand instead


def nav_row(t, d):
    return next(r for r in t["NAV"] if r["Date"] == d)


def set_rate(v):
    def f(t):
        t["ScheduleB"][0]["Annual Rate"] = v
    return f


def drop_column(table, col):
    def f(t):
        for r in t[table]:
            r.pop(col, None)
    return f


def headers_without(table, col):
    from fee_core.contract import TABLES
    return {table: [h for h in TABLES[table].headers if h != col]}


def cell_error(sheet, ref, code):
    def f(wb):
        c = wb[sheet][ref]
        c.value = code
        c.data_type = "e"
    return f


def formula_no_value(sheet, ref):
    def f(wb):
        wb[sheet][ref] = "=1+1"      # openpyxl saves formulas without a cached value
    return f


def lapse(t):
    t["PlanEvents"] = [e for e in t["PlanEvents"] if e["Event"] != "Continuance Approved"]
    t["Settings"] = [{"Setting": "Period Start", "Value": date(2001, 5, 1)},
                     {"Setting": "Period End", "Value": date(2001, 6, 30)}]
    t["NAV"] = constant_nav([FUND, "Telecommunications Fund"], date(2001, 5, 1), date(2001, 6, 30))
    t["ProviderAssets"] = []


def missing_session(t):
    t["Settings"] = [{"Setting": "Period Start", "Value": date(2001, 9, 1)},
                     {"Setting": "Period End", "Value": date(2001, 10, 31)}]
    t["NAV"] = [r for r in constant_nav([FUND, "Telecommunications Fund"], date(2001, 9, 1),
                                        date(2001, 10, 31)) if r["Date"] != date(2001, 10, 3)]
    t["ProviderAssets"] = []


def service_exceeds(t):
    set_rate(0.0025)(t)
    t["Providers"].append(dict(t["Providers"][0], **{"Provider ID": "D2"}))
    for r in list(t["ProviderAssets"]):
        t["ProviderAssets"].append(dict(r, **{"Provider ID": "D2", "Average Net Assets": 6_000_000.0}))
        r["Average Net Assets"] = 6_000_000.0


CASES = [
    Case("missing_table", lambda t: t.pop("ScheduleB"), "table.missing", "ScheduleB"),
    Case("missing_column", lambda t: None, "table.missing_column", "Annual Rate"),
    Case("text_in_nav", lambda t: nav_row(t, date(2001, 1, 5)).update({FUND: "ten million"}),
         "cell.not_a_number", "NAV!B6"),
    Case("blank_nav_needed", lambda t: nav_row(t, date(2001, 1, 5)).update({FUND: None}),
         "nav.blank", "NAV!B6"),
    Case("na_error_in_nav", lambda t: None, "cell.error", "NAV!B6", "#N/A",
         cells=cell_error("NAV", "B6", "#N/A")),
    Case("value_error_in_rate", lambda t: None, "cell.error", "'Schedule B'!B2", "#VALUE!",
         cells=cell_error("Schedule B", "B2", "#VALUE!")),
    Case("formula_without_value", lambda t: None, "cell.no_value", "NAV!C7",
         cells=formula_no_value("NAV", "C7")),
    Case("negative_nav", lambda t: nav_row(t, date(2001, 1, 8)).update({FUND: -5.0}),
         "nav.not_positive", "NAV!B7"),
    Case("zero_nav", lambda t: nav_row(t, date(2001, 1, 8)).update({FUND: 0.0}),
         "nav.not_positive", "NAV!B7"),
    Case("duplicate_date", lambda t: t["NAV"].insert(3, dict(t["NAV"][3])),
         "nav.duplicate_date", "NAV!A"),
    Case("out_of_order", lambda t: t["NAV"].insert(1, t["NAV"].pop(4)), "nav.out_of_order", "NAV!A"),
    Case("missing_session", missing_session, "nav.missing_session", "NAV", "2001-10-03"),
    Case("no_prior_nav", lambda t: t.update(NAV=t["NAV"][5:]), "nav.no_prior", "NAV", "2001-01-01"),
    Case("no_nav_column", lambda t: [r.pop("Telecommunications Fund") for r in t["NAV"]],
         "nav.no_column", "NAV", "Telecommunications Fund"),
    Case("nav_too_large", lambda t: nav_row(t, date(2001, 1, 8)).update({FUND: 5e12}),
         "nav.too_large", "NAV!B7"),
    Case("unknown_fund_name",
         lambda t: [r.update({"Telecomunications Fund": r.pop("Telecommunications Fund")})
                    for r in t["NAV"]],
         "name.unknown", "NAV", "Did you mean 'Telecommunications Fund'"),
    Case("unknown_provider", lambda t: t["ProviderAssets"][1].update({"Provider ID": "DI"}),
         "provider.unknown", "'Provider Assets'!C3", "Did you mean 'D1'"),
    Case("unknown_fund_in_provider_assets", lambda t: t["ProviderAssets"][0].update({"Fund": "Balanced Fnd"}),
         "name.unknown", "'Provider Assets'!D2", "Balanced Fund"),
    Case("overlapping_schedule_b", lambda t: t["ScheduleB"].append(
        {"Fund": FUND, "Annual Rate": 0.0025, "Effective Date": date(2001, 2, 1), "End Date": None,
         "Notes": ""}),
        "schedule.overlap", "'Schedule B'!4:4"),
    Case("rate_beyond_limits", set_rate(0.015), "schedule.rate_limit", "'Schedule B'", "1.00%"),
    Case("rate_typed_as_percent", set_rate(45), "schedule.rate_limit", "'Schedule B'!B2"),
    Case("provider_exceeds_fund", lambda t: t["ProviderAssets"][0].update({"Average Net Assets": 2e7}),
         "provider.exceeds_fund", "'Provider Assets'!E2", "D1"),
    Case("service_exceeds_plan_fee", service_exceeds, "split.service_exceeds_plan", "Schedule B"),
    Case("absc_above_cap", set_rate(0.009), "split.absc_cap", "Schedule B", "0.75%"),
    Case("plan_lapse", lapse, "plan.lapse", "Plan Events", "2001-05-31"),
    Case("no_plan_effective", lambda t: t.update(PlanEvents=[e for e in t["PlanEvents"]
                                                             if e["Event"] != "Plan Effective"]),
         "plan.no_effective", "Plan Events"),
    Case("text_date", lambda t: t["ScheduleA"][0].update({"Effective Date": "Dec 14, 2000"}),
         "cell.not_a_date", "'Schedule A'!C2"),
    Case("blank_required", lambda t: t["ScheduleA"][0].update({"Effective Date": None}),
         "cell.blank", "'Schedule A'!C2"),
    Case("bad_agreement_type", lambda t: t["Providers"][0].update({"Agreement Type": "Dealer"}),
         "provider.bad_type", "Providers!C2"),
    Case("duplicate_provider", lambda t: t["Providers"].append(dict(t["Providers"][0])),
         "provider.duplicate_id", "Providers!A3"),
    Case("overlapping_provider_assets",
         lambda t: t["ProviderAssets"][1].update({"Period Start": date(2001, 1, 20)}),
         "provider_assets.overlap", "'Provider Assets'!A3"),
    Case("provider_assets_end_before_start",
         lambda t: t["ProviderAssets"][0].update({"Period End": date(2000, 12, 1)}),
         "provider_assets.end_before_start", "'Provider Assets'!B2"),
    Case("negative_provider_rate", lambda t: t["Providers"][0].update({"Service Fee Rate": -0.0025}),
         "cell.negative", "Providers!D2"),
    Case("unknown_event", lambda t: t["PlanEvents"].append(
        {"Date": date(2001, 2, 1), "Event": "Continuance", "Fund": None, "Notes": ""}),
        "event.unknown", "'Plan Events'!B"),
    Case("bad_day_count", lambda t: t["Settings"].append({"Setting": "Day Count", "Value": "30/360"}),
         "setting.bad_value", "Settings!B"),
    Case("bad_period", lambda t: t.update(Settings=[{"Setting": "Period Start", "Value": date(2001, 3, 1)},
                                                    {"Setting": "Period End", "Value": date(2001, 1, 1)}]),
         "setting.bad_period", "Settings"),
    Case("bad_expense_category", lambda t: t["Expenses"][0].update({"Category": "Advertisng"}),
         "expense.bad_category", "Expenses!C2", "Advertising"),
    Case("schedule_b_end_before_start", lambda t: t["ScheduleB"][0].update({"End Date": date(2000, 1, 1)}),
         "schedule.end_before_start", "'Schedule B'!D2"),
    Case("rename_to_unknown_fund", lambda t: t["FundNames"].append(
        {"Former Name": "Old Fund", "Fund": "Nowhere Fund", "Changed On": date(2001, 1, 1), "Source": ""}),
        "name.unknown", "Fund Names"),
    Case("not_a_workbook", lambda t: None, "book.not_workbook", "",
         raw=lambda p: p.write_bytes(b"Fund,NAV\nBalanced Fund,1\n")),
    Case("encrypted", lambda t: None, "book.encrypted", "",
         raw=lambda p: p.write_bytes(_cfb_with("EncryptionInfo"))),
]
HEADERS = {"missing_column": headers_without("ScheduleB", "Annual Rate")}


def _cfb_with(stream: str) -> bytes:
    """A minimal OLE2 compound-file header followed by a directory entry name, enough for
    the reader's magic-number sniffing (it names the stream in UTF-16)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + stream.encode("utf-16-le") + b"\0" * 1024


def build(case: Case, path):
    if case.raw:
        case.raw(path)
        return
    t = good_tables()
    case.mutate(t)
    wb = write_input_workbook(None, t, headers=HEADERS.get(case.name))
    if case.cells:
        case.cells(wb)
    wb.save(path)


def test_good_book_is_clean(tmp_path, capsys):
    p = tmp_path / "good.xlsx"
    write_input_workbook(p, good_tables())
    assert main(["check", str(p)]) == 0
    assert main(["compute", str(p), "--csv", str(tmp_path / "out")]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_corpus_is_large_enough():
    assert len(CASES) >= 30 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_book(case, tmp_path, capsys):
    p = tmp_path / f"{case.name}.xlsx"
    build(case, p)
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    assert main(["check", str(p), "--format", "json"]) == 1
    import json
    found = json.loads(capsys.readouterr().out)
    hits = [f for f in found if f["code"] == case.code and f["severity"] == "error"]
    assert hits, f"no {case.code} among {[(f['code'], f['location']) for f in found]}"
    assert any(case.where in f["location"] and case.message in f["message"] for f in hits), hits
    out = tmp_path / "out"
    assert main(["compute", str(p), "--csv", str(out)]) == 1
    assert sorted(x.name for x in out.iterdir()) == ["checks.csv"]
    assert case.code in (out / "checks.csv").read_text()
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before
