"""The payment run (SPEC §6, §8 ``fee12b1 pay``) on small books with figures worked by hand:
the journal's booking sessions and month-end rounding on the real NYSE calendar, the
remittance with a minimum payment, caps by the Service Fee Cap and by a fund's own rate, the
distributor's entries, the GL Accounts table, the period the command accepts, the output set
and run.json."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from decimal import Decimal as D

import pytest

from fee_core.cli import main
from fee_core.engine import load_raw
from fee_core.errors import UsageError
from fee_core.payrun import make_payrun, parse_period
from fee_core.read.raw import RawTable
from fee_core.write.statements import statement_files
from tests.books import base_tables, constant_nav, raw_book, write

BAL, CORE = "Balanced Fund", "Core Equity Fund"
JAN = [(date(2001, 1, 1), date(2001, 1, 31))]


def tables(freq="Monthly", rounding="Period", providers=(), assets=(), end=date(2001, 3, 31)):
    """Balanced Fund at 0.45 % and Core Equity Fund at 0.20 %, both $10,000,000 every day of
    the first quarter of 2001 (Core Equity from 2001-01-01), the providers given."""
    t = base_tables(funds=((BAL, date(2000, 12, 14)), (CORE, date(2000, 12, 14))),
                    settings={"Period Start": date(2001, 1, 1), "Period End": end,
                              "Payment Frequency": freq, "Rounding": rounding})
    t["ScheduleB"][1]["Annual Rate"] = 0.002
    t["NAV"] = constant_nav([BAL, CORE], date(2001, 1, 1), end)
    t["Providers"] = list(providers)
    t["ProviderAssets"] = list(assets)
    return t


def provider(pid, rate, minimum=0.0, start=date(2000, 12, 1), end=None, name=None, kind="Service"):
    return {"Provider ID": pid, "Provider Name": name or f"Dealer {pid}", "Agreement Type": kind,
            "Service Fee Rate": rate, "Start Date": start, "End Date": end,
            "Minimum Payment": minimum}


def assets(pid, fund, amount=2_000_000.0, months=(1, 2, 3)):
    out = []
    for m in months:
        s = date(2001, m, 1)
        e = date(2001, m + 1, 1).toordinal() - 1 if m < 12 else date(2001, 12, 31).toordinal()
        out.append({"Period Start": s, "Period End": date.fromordinal(e), "Provider ID": pid,
                    "Fund": fund, "Average Net Assets": amount})
    return out


def payrun(t, period, gl=None):
    raw = raw_book(t)
    if gl is not None:
        raw.tables["GLAccounts"] = RawTable("GLAccounts", "GL Accounts", "", ("Entry", "Account"),
                                            1, 1, {"Entry": [e for e, _ in gl],
                                                   "Account": [a for _, a in gl]})
    book, findings = load_raw(raw)
    return make_payrun(book, findings, period)


def journal(pr, entity=None, fund=None):
    j = pr.journal
    return [dict(zip(j.names, r)) for r in j.rows()
            if (entity is None or r[1] == entity) and (fund is None or r[2] == fund)]


def dealers():
    """D1: 0.25 %, minimum $500, $2,000,000 of Balanced; D2: an agreed 0.30 % (capped by the
    Service Fee Cap), the same assets; D3: 0.25 % on Core Equity, whose own rate is 0.20 %."""
    provs = [provider("D1", 0.0025, 500.0), provider("D2", 0.003), provider("D3", 0.0025)]
    pa = assets("D1", BAL) + assets("D2", BAL) + assets("D3", CORE)
    return provs, pa


# --------------------------------------------------------------------------- the journal
# January 2001, $10,000,000 at 0.45 %: 123.2876712... a day.  NYSE sessions: 2-5, 8-12,
# 16-19 (15th: Martin Luther King Jr. Day), 22-26, 29-31.  Jan 1 (closed) opens the month:
# booked on Jan 2.  Fridays carry the weekend; Jan 12 carries 13-15.
ONE, TWO, THREE, FOUR = D("123.29"), D("246.58"), D("369.86"), D("493.15")
JAN_ENTRIES = ([(2, TWO), (3, ONE), (4, ONE), (5, THREE)] + [(d, ONE) for d in (8, 9, 10, 11)]
               + [(12, FOUR)] + [(d, ONE) for d in (16, 17, 18)] + [(19, THREE)]
               + [(d, ONE) for d in (22, 23, 24, 25)] + [(26, THREE), (29, ONE), (30, ONE),
                                                          (31, D("123.26"))])


def test_fund_entries_on_sessions_last_absorbs_rounding():
    pr = payrun(tables(), "2001-01")
    assert pr.ok, [str(f) for f in pr.findings if f.is_error]
    lines = journal(pr, "fund", BAL)
    debits = [(r["date"].day, r["debit"]) for r in lines if r["account"] == "12b-1 Fee Expense"]
    assert debits == JAN_ENTRIES
    assert sum(d for _, d in debits) == D("3821.92")          # SPEC §4 worked figure
    assert "rounding difference of -0.03" in lines[-1]["memo"]
    assert lines[0]["memo"] == "12b-1 fee accrued 2001-01-01 to 2001-01-02"
    for dr, cr in zip(lines[::2], lines[1::2]):               # balanced pairs
        assert (dr["account"], cr["account"]) == ("12b-1 Fee Expense", "12b-1 Fees Payable")
        assert dr["debit"] == cr["credit"] and dr["credit"] == cr["debit"] == D("0.00")


def test_fund_entries_daily_rounding():
    pr = payrun(tables(rounding="Daily"), "2001-01")
    debits = [(r["date"].day, r["debit"]) for r in journal(pr, "fund", BAL)
              if r["account"] == "12b-1 Fee Expense"]
    want = [(d, {TWO: TWO, ONE: ONE, THREE: D("369.87"), FOUR: D("493.16")}.get(a, ONE))
            for d, a in JAN_ENTRIES]
    assert debits == want
    assert sum(d for _, d in debits) == D("3821.99")          # SPEC §4 worked figure


def test_a_month_opening_on_a_weekend_and_a_fund_joining_mid_month():
    """September 2001: the 1st is a Saturday, the 3rd Labor Day: Sep 1-3 are booked on the
    4th; the NYSE was closed 11-14 Sep after the attacks: Sep 10 carries 10-16."""
    t = tables(end=date(2001, 9, 30))
    t["ScheduleA"][1]["Effective Date"] = date(2001, 9, 12)
    t["ScheduleB"][1]["Effective Date"] = date(2001, 9, 12)
    pr = payrun(t, "2001-09")
    bal = [(r["date"].day, r["memo"]) for r in journal(pr, "fund", BAL)
           if r["account"] == "12b-1 Fee Expense"]
    assert bal[0] == (4, "12b-1 fee accrued 2001-09-01 to 2001-09-04")
    assert bal[4] == (10, "12b-1 fee accrued 2001-09-10 to 2001-09-16")
    assert [d for d, _ in bal] == [4, 5, 6, 7, 10, 17, 18, 19, 20, 21, 24, 25, 26, 27, 28]
    core = [r for r in journal(pr, "fund", CORE) if r["account"] == "12b-1 Fee Expense"]
    # Core Equity joins on the 12th, a closed day: its first entry is on the 10th's session,
    # the latest one on or before the 12th in September: 12-16, five days of 0.20 % on $10 M
    assert (core[0]["date"], core[0]["memo"]) == (date(2001, 9, 10),
                                                  "12b-1 fee accrued 2001-09-12 to 2001-09-16")
    assert core[0]["debit"] == D("273.97")                     # 10 M x 0.002 x 5 / 365


# --------------------------------------------------------------------------- remittance
def test_remittance_minimum_and_caps():
    provs, pa = dealers()
    jan = payrun(tables(providers=provs, assets=pa), "2001-01")
    assert jan.ok
    r = {row[0]: row for row in jan.remittance.rows()}
    # 2,000,000 x 0.25 % x 31 / 365 = 424.657... (SPEC §4 worked figure), below D1's $500
    assert r["D1"][5:] == (D("424.66"), D("0.00"), D("0.00"), D("424.66"), "12B1-2001-01-D1")
    assert r["D2"][5:9] == (D("424.66"), D("0.00"), D("424.66"), D("0.00"))
    # Core Equity's own rate 0.20 %: 2,000,000 x 0.002 x 31 / 365 = 339.726...
    assert r["D3"][5:9] == (D("339.73"), D("0.00"), D("339.73"), D("0.00"))
    assert r["D1"][1:5] == ("Dealer D1", "Service", date(2001, 1, 1), date(2001, 1, 31))
    st = {s.provider.id: s for s in jan.statements}
    (d1,), (d2,), (d3,) = st["D1"].lines, st["D2"].lines, st["D3"].lines
    assert (d1.capped, d2.by_cap, d2.by_fund_rate, d3.by_cap, d3.by_fund_rate) == \
        (False, True, False, False, True)
    assert (d2.rate_units, d3.rate_units, d1.days, d1.assets_cents) == (250_000, 200_000, 31,
                                                                        200_000_000)
    assert "below the minimum payment of $500.00" in st["D1"].reasons[0]
    # February: 2,000,000 x 0.25 % x 28 / 365 = 383.56; due 383.56 + 424.66 = 808.22 >= 500
    feb = payrun(tables(providers=provs, assets=pa), "2001-02")
    r = {row[0]: row for row in feb.remittance.rows()}
    assert r["D1"][5:9] == (D("383.56"), D("424.66"), D("808.22"), D("0.00"))
    assert "includes $424.66 carried in" in {s.provider.id: s for s in feb.statements}["D1"].reasons[0]
    # plan fees: 10 M x 0.45 % x 28 / 365 = 3,452.05 and 10 M x 0.20 % x 28 / 365 = 1,534.25;
    # D3: 2 M x 0.20 % x 28 / 365 = 306.85
    assert feb.totals == {"plan_fee": 345205 + 153425, "service_fees": 38356 * 2 + 30685,
                          "asset_based_sales_charge": 345205 + 153425 - 38356 * 2 - 30685,
                          "carried_in": 42466, "payable": 80822 + 38356 + 30685, "carried": 0}


def test_distributor_entries_and_totals():
    provs, pa = dealers()
    pr = payrun(tables(providers=provs, assets=pa), "2001-01")
    dist = journal(pr, "distributor")
    svc = [(r["provider_id"], r["fund"], r["account"], r["debit"], r["credit"]) for r in dist
           if r["provider_id"]]
    assert svc == [("D1", BAL, "Service Fee Expense", D("424.66"), D("0.00")),
                   ("D1", BAL, "Service Fees Payable", D("0.00"), D("424.66")),
                   ("D2", BAL, "Service Fee Expense", D("424.66"), D("0.00")),
                   ("D2", BAL, "Service Fees Payable", D("0.00"), D("424.66")),
                   ("D3", CORE, "Service Fee Expense", D("339.73"), D("0.00")),
                   ("D3", CORE, "Service Fees Payable", D("0.00"), D("339.73"))]
    # Core Equity: 10,000,000 x 0.20 % x 31 / 365 = 1,698.63; ABSC = 1,698.63 - 339.73
    fund = [(r["fund"], r["account"], r["debit"] + r["credit"]) for r in dist if not r["provider_id"]]
    assert fund == [(BAL, "12b-1 Fees Receivable", D("849.32")), (BAL, "Service Fee Revenue", D("849.32")),
                    (BAL, "12b-1 Fees Receivable", D("2972.60")),
                    (BAL, "Asset-Based Sales Charge Revenue", D("2972.60")),
                    (CORE, "12b-1 Fees Receivable", D("339.73")), (CORE, "Service Fee Revenue", D("339.73")),
                    (CORE, "12b-1 Fees Receivable", D("1358.90")),
                    (CORE, "Asset-Based Sales Charge Revenue", D("1358.90"))]
    assert all(r["date"] == date(2001, 1, 31) for r in dist)
    assert pr.totals == {"plan_fee": 382192 + 169863, "service_fees": 118905,
                         "asset_based_sales_charge": 382192 + 169863 - 118905, "carried_in": 0,
                         "payable": 76439, "carried": 42466}
    rows = journal(pr)
    assert sum(r["debit"] for r in rows) == sum(r["credit"] for r in rows)


def test_quarterly_payment_rounds_once_per_quarter():
    provs, pa = dealers()
    pr = payrun(tables("Quarterly", providers=provs, assets=pa), "2001Q1")
    r = {row[0]: row for row in pr.remittance.rows()}
    # 2,000,000 x 0.25 % x 90 / 365 = 1,232.876... (once for the quarter, not month by month)
    assert r["D1"][3:9] == (date(2001, 1, 1), date(2001, 3, 31), D("1232.88"), D("0.00"),
                            D("1232.88"), D("0.00"))
    assert r["D1"][9] == "12B1-2001Q1-D1"
    # the funds' entries cover the three months, each month adding up to its plan fee
    bal = journal(pr, "fund", BAL)
    by_month = {}
    for x in bal:
        by_month[x["date"].month] = by_month.get(x["date"].month, 0) + x["debit"]
    # Feb: 10 M x 0.45 % x 28 / 365 = 3,452.05; Mar: x 31 = 3,821.92
    assert by_month == {1: D("3821.92"), 2: D("3452.05"), 3: D("3821.92")}


def test_carried_only_and_an_ended_agreement():
    """D1 ends on 2001-01-31 with $424.66 carried (minimum $500): February has no fee, the
    amount stays carried (SPEC §4 rule 7 has no exception at termination); the statement
    says why and the run warns."""
    provs, pa = dealers()
    provs[0]["End Date"] = date(2001, 1, 31)
    pr = payrun(tables(providers=provs, assets=pa), "2001-02")
    st = {s.provider.id: s for s in pr.statements}
    d1 = st["D1"]
    assert (d1.service_fees, d1.carried_in, d1.payable, d1.carried_out) == (0, 42466, 0, 42466)
    assert [ln.fee_cents for ln in d1.lines] == [0]          # covered, but after the agreement
    assert "ended on 2001-01-31" in " ".join(d1.reasons)
    assert [f.code for f in pr.findings if f.code.startswith("pay.")] == ["pay.carried_after_end"]


# --------------------------------------------------------------------------- GL accounts
def test_gl_accounts_table():
    provs, pa = dealers()
    gl = [("12b-1 fee expense", "6100 Distribution fees"), ("Service Fees Payable", "2100 Dealers")]
    pr = payrun(tables(providers=provs, assets=pa), "2001-01", gl=gl)
    accounts = {r["account"] for r in journal(pr)}
    assert {"6100 Distribution fees", "2100 Dealers", "12b-1 Fees Payable"} <= accounts
    assert "12b-1 Fee Expense" not in accounts and "Service Fees Payable" not in accounts


@pytest.mark.parametrize("gl, code", [
    ([("12b-1 Fee Expenses", "6100")], "gl.unknown_entry"),
    ([("Service Fee Expense", "6200"), ("service fee expense", "6300")], "gl.duplicate_entry"),
    ([("Service Fee Expense", "")], "cell.blank"),
])
def test_gl_accounts_errors(gl, code):
    pr = payrun(tables(), "2001-01", gl=gl)
    assert not pr.ok
    assert code in {f.code for f in pr.findings if f.is_error}
    if code == "gl.unknown_entry":
        assert "Did you mean '12b-1 Fee Expense'" in next(f.message for f in pr.findings
                                                          if f.code == code)


def test_gl_accounts_same_account_warns():
    pr = payrun(tables(), "2001-01", gl=[("12b-1 Fees Payable", "12b-1 Fee Expense")])
    assert pr.ok
    assert "gl.same_account" in {f.code for f in pr.findings}


# --------------------------------------------------------------------------- the period
def test_parse_period():
    p = parse_period("2001-07")
    assert (p.label, p.start, p.end, p.frequency) == ("2001-07", date(2001, 7, 1),
                                                      date(2001, 7, 31), "Monthly")
    p = parse_period(" 2001q3 ")
    assert (p.label, p.start, p.end, p.frequency) == ("2001Q3", date(2001, 7, 1),
                                                      date(2001, 9, 30), "Quarterly")
    assert parse_period("2004-02").end == date(2004, 2, 29)
    for bad in ("2001-13", "July", "2001Q5", "", "2001-7-1"):
        with pytest.raises(ValueError):
            parse_period(bad)


@pytest.mark.parametrize("period, words", [
    ("2001Q1", "this workbook pays monthly"),
    ("2000-12", "before the book's period (Settings Period Start 2001-01-01)"),
    ("2001-04", "after the book's period (Settings Period End 2001-03-31)"),
])
def test_period_refused(period, words):
    with pytest.raises(UsageError) as e:
        payrun(tables(), period)
    assert words in str(e.value)
    assert "valid: 2001-01 to 2001-03" in str(e.value)


def test_period_before_the_plan_and_past_the_data():
    t = tables(end=date(2001, 12, 31))
    t["NAV"] = constant_nav([BAL, CORE], date(2000, 11, 1), date(2001, 3, 14))
    t["Settings"] = [r for r in t["Settings"] if r["Setting"] != "Period Start"] + \
        [{"Setting": "Period Start", "Value": date(2000, 10, 1)}]
    with pytest.raises(UsageError) as e:
        payrun(t, "2000-10")
    assert "before the plan (effective 2000-11-30)" in str(e.value)
    assert "valid: 2000-11 to 2001-02" in str(e.value)
    with pytest.raises(UsageError) as e:
        payrun(t, "2001-03")
    assert "past the NAV data (it covers the days through 2001-03-14)" in str(e.value)


# --------------------------------------------------------------------------- statements' files
def test_statement_file_names_are_safe_and_distinct():
    ids = ["P001", "../../etc/passwd", "a/b", "CON", "p1", "P1", "dealer one", "x" * 80, ".hidden"]
    names = statement_files(ids)
    assert names["P001"] == "P001.xlsx"
    assert len(set(n.lower() for n in names.values())) == len(ids)
    for pid, n in names.items():
        assert "/" not in n and "\\" not in n and not n.startswith(".") and n.endswith(".xlsx")
        if pid != "P001":
            assert n != f"{pid}.xlsx"


# --------------------------------------------------------------------------- the command
def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def test_command_writes_the_set_and_run_json(tmp_path, capsys):
    provs, pa = dealers()
    provs[1]["Provider Name"] = "=HYPERLINK(\"http://x\")\tD2"
    book = write(tmp_path / "book.xlsx", tables(providers=provs, assets=pa))
    out = tmp_path / "run"
    assert main(["pay", str(book), "--period", "2001-01", "--out", str(out)]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "journal.csv", "remittance.csv", "run.json", "statements", "statements/D1.xlsx",
        "statements/D2.xlsx", "statements/D3.xlsx"]
    rem = read_csv(out / "remittance.csv")
    assert [r["provider_id"] for r in rem] == ["D1", "D2", "D3"]
    assert rem[1]["provider_name"].startswith("'=HYPERLINK")          # never a formula
    assert "\t" not in (out / "remittance.csv").read_text("utf-8")
    rec = json.loads((out / "run.json").read_text("utf-8"), parse_float=D)
    assert rec["command"] == "pay" and rec["input"]["file"] == "book.xlsx"
    assert rec["input"]["sha256"] == hashlib.sha256(book.read_bytes()).hexdigest()
    assert rec["settings"]["Payment Frequency"] == "Monthly"
    assert rec["settings"]["Service Fee Cap"] == "0.0025"
    assert rec["period"]["payment_period"] == "2001-01"
    assert rec["totals"]["payable"] == D("764.39") == sum(D(r["payable"]) for r in rem)
    assert rec["totals"]["carried"] == D("424.66")
    assert str(rec["totals"]["plan_fee"]) == "5520.55"
    for f in rec["files"]:
        assert hashlib.sha256((out / f["name"]).read_bytes()).hexdigest() == f["sha256"]
    assert {f["name"] for f in rec["files"]} == {"remittance.csv", "journal.csv",
                                                 "statements/D1.xlsx", "statements/D2.xlsx",
                                                 "statements/D3.xlsx"}
    # the same input gives the same bytes
    again = tmp_path / "again"
    assert main(["pay", str(book), "--period", "2001-01", "--out", str(again)]) == 0
    for p in out.rglob("*.*"):
        assert (again / p.relative_to(out)).read_bytes() == p.read_bytes()
    # no clobber without --force; with it, replaced
    capsys.readouterr()
    assert main(["pay", str(book), "--period", "2001-02", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["pay", str(book), "--period", "2001-02", "--out", str(out), "--force"]) == 0
    assert read_csv(out / "remittance.csv")[0]["carried_in"] == "424.66"


def test_command_errors_write_only_checks(tmp_path, capsys):
    provs, pa = dealers()
    book = write(tmp_path / "book.xlsx", tables(providers=provs, assets=pa))
    out = tmp_path / "run"
    assert main(["pay", str(book), "--period", "2001-01", "--out", str(out)]) == 0
    bad = tables(providers=provs, assets=pa)
    bad["ProviderAssets"][0]["Average Net Assets"] = -5.0
    bad_book = write(tmp_path / "bad.xlsx", bad)
    assert main(["pay", str(bad_book), "--period", "2001-01", "--out", str(out), "--force"]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["checks.csv"]   # the earlier set is gone
    assert "cell.negative" in (out / "checks.csv").read_text("utf-8")
    assert "no payment run" in capsys.readouterr().out


def test_command_usage(tmp_path, capsys):
    book = write(tmp_path / "book.xlsx", tables())
    assert main(["pay", str(book), "--period", "2001Q1", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "this workbook pays monthly" in err and "valid: 2001-01 to 2001-03" in err
    assert not (tmp_path / "o").exists()
    assert main(["pay", str(book), "--period", "soon", "--out", str(tmp_path / "o")]) == 2
    assert book.exists()


def test_compute_writes_run_json(tmp_path):
    provs, pa = dealers()
    book = write(tmp_path / "book.xlsx", tables(providers=provs, assets=pa))
    out = tmp_path / "csv"
    assert main(["compute", str(book), "--csv", str(out)]) == 0
    rec = json.loads((out / "run.json").read_text("utf-8"), parse_float=D)
    assert rec["command"] == "compute"
    assert [f["name"] for f in rec["files"]] == ["accruals.csv", "payouts.csv", "payments.csv",
                                                 "checks.csv"]
    acc = read_csv(out / "accruals.csv")
    assert rec["totals"]["plan_fee"] == sum(D(r["plan_fee"]) for r in acc)
    pmt = read_csv(out / "payments.csv")
    assert rec["totals"]["payable"] == sum(D(r["payable"]) for r in pmt)
    # D1 is paid in February (808.22); March's 424.66 is below its minimum and stays carried
    assert rec["totals"]["carried"] == D("424.66")
    assert rec["period"] == {"start": "2001-01-01", "end": "2001-03-31", "by": "month",
                             "payment_frequency": "Monthly"}


def test_no_book_period_is_an_error_in_the_data(tmp_path, capsys):
    t = tables()
    t["Settings"] = [r for r in t["Settings"] if r["Setting"] != "Period End"] + \
        [{"Setting": "Period End", "Value": date(2000, 12, 31)}]
    pr = payrun(t, "2001-01")
    assert not pr.ok and "setting.bad_period" in {f.code for f in pr.findings}
    book = write(tmp_path / "book.xlsx", t)
    assert main(["pay", str(book), "--period", "2001-01", "--out", str(tmp_path / "o")]) == 1
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["checks.csv"]


def test_no_providers_no_statements(tmp_path):
    book = write(tmp_path / "book.xlsx", tables())
    out = tmp_path / "o"
    assert main(["pay", str(book), "--period", "2001-02", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["journal.csv", "remittance.csv", "run.json"]
    assert (out / "remittance.csv").read_text("utf-8").count("\n") == 1
    rec = json.loads((out / "run.json").read_text("utf-8"), parse_float=D)
    # February 2001: 10 M x 0.45 % x 28 / 365 = 3,452.05 and 10 M x 0.20 % x 28 / 365 = 1,534.25
    assert rec["totals"]["plan_fee"] == D("4986.30") == rec["totals"]["asset_based_sales_charge"]
    assert rec["totals"]["payable"] == D("0.00")


def test_demo_hook_and_the_cover_rows(tmp_path):
    """What the demo and the published copy's cover use: run_payment_period writes a run into
    a folder of another command's output set; read_run_record/cover_rows give the cover its
    lines, and refuse a run made from another workbook."""
    from fee_core.commands.pay import run_payment_period
    from fee_core.engine import load
    from fee_core.write.files import OutputSet, sha256_file
    from fee_core.write.runrecord import cover_rows, read_run_record
    provs, pa = dealers()
    book_path = write(tmp_path / "book.xlsx", tables(providers=provs, assets=pa))
    book, findings = load(book_path)
    with OutputSet(tmp_path / "demo", ["payment-run-2001-02"]) as out:
        pr = run_payment_period(out, "payment-run-2001-02", book, findings, book_path, "2001-02")
    folder = tmp_path / "demo" / "payment-run-2001-02"
    assert sorted(p.name for p in folder.iterdir()) == ["journal.csv", "remittance.csv",
                                                        "run.json", "statements"]
    assert pr.totals["payable"] == 80822 + 38356 + 30685
    rec = read_run_record(folder, sha256_file(book_path))
    rows = dict(cover_rows(rec))
    assert rows["Payment run"] == "2001-02 (2001-02-01 to 2001-02-28, Monthly)"
    assert rows["  Payable"] == D("1498.63") and rows["  Carried in"] == D("424.66")
    assert rows["  Payment run record"] == "run.json, 3 statement(s)"
    with pytest.raises(UsageError, match="made from another workbook"):
        read_run_record(folder, "0" * 64)


def test_publish_with_a_payment_run_names_it_on_the_cover(tmp_path):
    """`fee12b1 publish BOOK OUT --payrun DIR`: the Cover names the payment period and its
    totals (the run record's, which equal remittance.csv); a run of another workbook is bad
    usage and nothing is written."""
    import csv

    import openpyxl
    provs, pa = dealers()
    book_path = write(tmp_path / "book.xlsx", tables(providers=provs, assets=pa))
    assert main(["pay", str(book_path), "--period", "2001-02", "--out", str(tmp_path / "run")]) == 0
    out = tmp_path / "pub.xlsx"
    assert main(["publish", str(book_path), str(out), "--payrun", str(tmp_path / "run")]) == 0
    cover = {r[0]: r[1] for r in openpyxl.load_workbook(out)["Cover"].iter_rows(values_only=True)
             if r[0]}
    remit = list(csv.DictReader(open(tmp_path / "run" / "remittance.csv", encoding="utf-8")))
    assert cover["Payment run"] == "2001-02 (2001-02-01 to 2001-02-28, Monthly)"
    assert D(str(cover["  Payable"])) == sum(D(r["payable"]) for r in remit) == D("1498.63")
    other = write(tmp_path / "other.xlsx", tables())
    assert main(["publish", str(other), str(tmp_path / "pub2.xlsx"), "--payrun",
                 str(tmp_path / "run")]) == 2
    assert not (tmp_path / "pub2.xlsx").exists()


def test_the_published_copy_keeps_the_gl_accounts(tmp_path):
    """A book with a GL Accounts table: the published copy carries it, and a payment run of the
    copy books to the same accounts as one of the book (the copy is itself a book)."""
    provs, pa = dealers()
    t = tables(providers=provs, assets=pa)
    t["GLAccounts"] = [{"Entry": "12b-1 Fee Expense", "Account": "6100 12b-1 expense"},
                       {"Entry": "Service Fees Payable", "Account": "2150 Service fees payable"}]
    book_path = write(tmp_path / "book.xlsx", t)
    out = tmp_path / "pub.xlsx"
    assert main(["publish", str(book_path), str(out)]) == 0
    for book, run in ((book_path, "run-book"), (out, "run-copy")):
        assert main(["pay", str(book), "--period", "2001-02", "--out", str(tmp_path / run)]) == 0
    accounts = [{r["account"] for r in csv.DictReader(open(tmp_path / run / "journal.csv",
                                                            encoding="utf-8"))}
                for run in ("run-book", "run-copy")]
    assert accounts[0] == accounts[1]
    assert {"6100 12b-1 expense", "2150 Service fees payable"} <= accounts[0]


def test_a_negative_month_end_difference_is_a_reversal():
    """A fund of $486.67 at 0.45 %: 0.0060 a day.  January 2001's entries round up (0.01 a
    day, 0.02 for three or four days: 0.01 + 15 x 0.01 + 3 x 0.02 + 0.02) to 0.24 before the
    31st, but the month's plan fee is 31 x 0.0060 = 0.186 -> 0.19: the last entry is -0.05,
    booked as a reversal
    (Dr 12b-1 Fees Payable, Cr 12b-1 Fee Expense), and the month still adds up to 0.19."""
    t = tables()
    for r in t["NAV"]:
        r[BAL] = 486.67
    pr = payrun(t, "2001-01")
    lines = journal(pr, "fund", BAL)
    assert (lines[-2]["account"], lines[-2]["debit"]) == ("12b-1 Fees Payable", D("0.05"))
    assert (lines[-1]["account"], lines[-1]["credit"]) == ("12b-1 Fee Expense", D("0.05"))
    assert lines[-1]["memo"].endswith("(reversal)")
    net = sum(r["debit"] - r["credit"] for r in lines if r["account"] == "12b-1 Fee Expense")
    assert net == D("0.19")
