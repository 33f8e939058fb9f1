"""``fee12b1 pay`` against the naive day-by-day Decimal reference (tests/naive_reference.py,
``naive_payrun``: its own openpyxl read, its own NYSE sessions from exchange_calendars): random
eventful books -- amendments, terminations, providers joining and leaving, minimum payments,
both payment frequencies, both rounding rules, both day counts -- and a random payment period.
The remittance equals the naive payments, the journal equals the naive journal line for line,
the statements' lines equal the naive lines; the journal balances, each fund-month's accrual
entries add up to its plan fee, and they fall only on NYSE sessions of the month."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fee_core.cli import main
from fee_core.engine import load
from fee_core.payrun import make_payrun
from fee_core.write.inputs import write_input_workbook
from tests.naive_reference import csv_text, month_end, naive_payrun, naive_sessions
from tests.test_vs_naive import eventful_books

REMITTANCE = ["provider_id", "provider_name", "agreement_type", "period_start", "period_end",
              "service_fees", "carried_in", "payable", "carried_out", "reference"]
START, END = date(2003, 1, 1), date(2004, 12, 31)


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def check_against_naive(book_path, out, label):
    assert main(["pay", str(book_path), "--period", label, "--out", str(out)]) == 0
    naive = naive_payrun(book_path, label)
    # remittance: byte for byte
    assert (out / "remittance.csv").read_text("utf-8") == csv_text(naive["remittance"], REMITTANCE)
    # journal: line for line (the memo is words, not figures)
    journal = rows(out / "journal.csv")
    assert [{k: v for k, v in r.items() if k != "memo"} for r in journal] == naive["journal"]
    debit = sum(Decimal(r["debit"]) for r in journal)
    credit = sum(Decimal(r["credit"]) for r in journal)
    assert debit == credit
    # each fund-month's accrual entries add up to its plan fee, on sessions of the month
    by_fm = defaultdict(Decimal)
    for r in journal:
        if r["entity"] == "fund" and r["account"] == "12b-1 Fee Expense":
            d = date.fromisoformat(r["date"])
            by_fm[(r["fund"], d.year, d.month)] += Decimal(r["debit"]) - Decimal(r["credit"])
            assert d in set(naive_sessions(d.replace(day=1), d)), f"{d} is not an NYSE session"
    assert dict(by_fm) == {(f, m.year, m.month): v
                           for (f, m), v in naive["plan_fees"].items() if v}
    # the statements' lines
    book, findings = load(book_path)
    pr = make_payrun(book, findings, label)
    assert pr.ok
    got = {s.provider.id: [{"fund": ln.fund, "average_net_assets": f"{Decimal(ln.assets_cents) / 100:.2f}",
                            "days": ln.days, "by_cap": ln.by_cap, "by_fund_rate": ln.by_fund_rate,
                            "service_fee": f"{Decimal(ln.fee_cents) / 100:.2f}"}
                           for ln in s.lines] for s in pr.statements}
    want = {pid: [{k: v for k, v in ln.items() if k != "rate"} for ln in lines]
            for pid, lines in naive["lines"].items()}
    assert got == want
    return naive


@st.composite
def pay_books(draw):
    """The eventful books of test_vs_naive with both payment frequencies drawn evenly and at
    least one provider (a dealer with a minimum payment joining on a random day)."""
    t = draw(eventful_books())
    freq = draw(st.sampled_from(["Monthly", "Quarterly"]))
    t["Settings"] = [r for r in t["Settings"] if r["Setting"] != "Payment Frequency"]
    t["Settings"] += [{"Setting": "Payment Frequency", "Value": freq},
                      {"Setting": "Period Start", "Value": START},
                      {"Setting": "Period End", "Value": END}]
    if not t["Providers"]:
        fund = t["ScheduleA"][0]["Fund"]
        t["Providers"].append({"Provider ID": "D-1", "Provider Name": "Dealer One",
                               "Agreement Type": "Service",
                               "Service Fee Rate": draw(st.sampled_from([0.0025, 0.003, 0.001])),
                               "Start Date": draw(st.dates(START, END)), "End Date": None,
                               "Minimum Payment": float(draw(st.sampled_from([0, 50, 400])))})
        level = int(t["NAV"][0][fund])
        for y in (2003, 2004):
            for m in range(1, 13):
                s = date(y, m, 1)
                t["ProviderAssets"].append({
                    "Period Start": s, "Period End": month_end(s), "Provider ID": "D-1",
                    "Fund": fund, "Average Net Assets": float(draw(st.integers(0, level // 4)))})
    return t, freq


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(pay_books(), st.data())
def test_random_books_pay_like_naive(tmp_path_factory, tf, data):
    t, freq = tf
    year = data.draw(st.sampled_from([2003, 2004]))
    if freq == "Monthly":
        label = f"{year}-{data.draw(st.integers(1, 12)):02d}"
    else:
        label = f"{year}Q{data.draw(st.integers(1, 4))}"
    d = tmp_path_factory.mktemp("pay")
    path = d / "book.xlsx"
    write_input_workbook(path, t)
    naive = check_against_naive(path, d / "out", label)
    event(f"{freq}, {len(naive['remittance'])} remittance row(s)")
    if any(Decimal(r["carried_out"]) or Decimal(r["carried_in"]) for r in naive["remittance"]):
        event("a carried amount")
