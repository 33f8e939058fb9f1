"""Hypothesis properties of the payment run over random books (tests/test_properties.books:
both rounding rules, day counts and payment frequencies, minimum payments, providers joining):
over every payment period of the book, every cent is accounted (Σ payable + the carried
amounts left = Σ service fees, each period's carried in = the previous carried out); every
journal balances; the funds' entries of a fund-month add up to its plan fee and fall on NYSE
sessions of that month; the distributor's receivable of a fund equals the fund's payable."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings

from fee_core.calendar import sessions
from fee_core.engine import load_raw, run
from fee_core.payrun import make_payrun
from tests.books import raw_book
from tests.test_properties import END, START, books


def cents(d: Decimal) -> int:
    return int(d.scaleb(2))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_every_cent_accounted_and_every_journal_balances(t):
    t["Settings"] += [{"Setting": "Period Start", "Value": START},
                      {"Setting": "Period End", "Value": END}]
    book, findings = load_raw(raw_book(t))
    monthly = book.settings.payment_frequency == "Monthly"
    labels = ([f"{y}-{m:02d}" for y in (2003, 2004) for m in range(1, 13)] if monthly
              else [f"{y}Q{q}" for y in (2003, 2004) for q in range(1, 5)])
    plan = run(book, findings, START, END, by="month")
    assert plan.ok
    acc = plan.tables["accruals"]
    plan_fee = {(f, s.year, s.month): cents(v)
                for f, s, v in zip(acc["fund"], acc["period_start"], acc["plan_fee"]) if v}
    open_sessions = {d.astype(object) for d in sessions(START, END)}
    service = payable = 0
    carried: dict[str, int] = {}
    seen_fm: dict = {}
    for label in labels:
        pr = make_payrun(book, findings, label)
        assert pr.ok, [str(f) for f in pr.findings if f.is_error]
        rem = pr.remittance
        for pid, svc, c_in, pay, c_out in zip(rem["provider_id"], rem["service_fees"],
                                              rem["carried_in"], rem["payable"], rem["carried_out"]):
            assert cents(c_in) == carried.get(pid, 0)
            assert cents(svc) + cents(c_in) == cents(pay) + cents(c_out)
            assert (pay == 0) != (c_out == 0) or (pay == 0 and c_out == 0 and svc + c_in == 0)
            service += cents(svc)
            payable += cents(pay)
            carried[pid] = cents(c_out)
        for pid in set(carried) - set(rem["provider_id"]):
            assert carried[pid] == 0          # a provider off the remittance carries nothing
        j = pr.journal
        assert sum(cents(x) for x in j["debit"]) == sum(cents(x) for x in j["credit"])
        assert all((d == 0) != (c == 0) for d, c in zip(j["debit"], j["credit"]))
        fund_fm = defaultdict(int)
        receivable = defaultdict(int)
        fund_payable = defaultdict(int)
        svc_by_provider = defaultdict(int)
        for when, entity, fund, pid, account, dr, cr in zip(
                j["date"], j["entity"], j["fund"], j["provider_id"], j["account"], j["debit"],
                j["credit"]):
            if entity == "fund":
                assert when in open_sessions and pr.start <= when.replace(day=1) <= pr.end
                if account == "12b-1 Fee Expense":
                    fund_fm[(fund, when.year, when.month)] += cents(dr) - cents(cr)
                else:
                    fund_payable[fund] += cents(cr) - cents(dr)
            elif account == "12b-1 Fees Receivable":
                receivable[fund] += cents(dr) - cents(cr)
            elif account == "Service Fee Expense":
                svc_by_provider[pid] += cents(dr) - cents(cr)
        for fm, v in fund_fm.items():
            assert v == plan_fee[fm]
            seen_fm[fm] = v
        assert {f: v for f, v in receivable.items() if v} == \
            {f: v for f, v in fund_payable.items() if v}
        assert dict(svc_by_provider) == {p: cents(s) for p, s in
                                         zip(rem["provider_id"], rem["service_fees"]) if s}
        assert pr.totals["plan_fee"] == sum(fund_fm.values())
        assert pr.totals["asset_based_sales_charge"] + pr.totals["service_fees"] == \
            pr.totals["plan_fee"]
    # every fund-month of the two years was journalled, once
    assert seen_fm == plan_fee
    # every cent: paid, or still carried at the end (SPEC §4 rule 7)
    assert payable + sum(carried.values()) == service
    pmt = plan.tables["payments"]
    assert service == sum(cents(v) for v in pmt["service_fees"])
    assert np.all(np.array([cents(v) for v in pmt["payable"]]) >= 0)
