"""Hypothesis property tests of the invariants: every cent accounted, sums of periods equal
the whole within the rounding rule, caps never exceeded, SIXTH split adds up."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fee_core.engine import load_raw, run
from tests.books import base_tables, raw_book

FUNDS = ("Balanced Fund", "Core Equity Fund", "European Fund")
KINDS = ("Service", "Third Party", "Variable Contract", "Bank Trust")
START, END = date(2003, 1, 1), date(2004, 12, 31)   # a common and a leap year


@st.composite
def books(draw):
    nf = draw(st.integers(1, 3))
    funds = FUNDS[:nf]
    effs = [draw(st.dates(date(2002, 12, 1), date(2004, 6, 30))) for _ in funds]
    rates = [draw(st.sampled_from([0.0045, 0.0025, 0.001, 0.0075, 0.0035])) for _ in funds]
    t = base_tables(funds=tuple(zip(funds, effs)))
    for r, rate in zip(t["ScheduleB"], rates):
        r["Annual Rate"] = rate
    rounding = draw(st.sampled_from(["Period", "Daily"]))
    day_count = draw(st.sampled_from(["Actual/Actual", "Actual/365"]))
    freq = draw(st.sampled_from(["Monthly", "Quarterly"]))
    t["Settings"] = [{"Setting": "Rounding", "Value": rounding},
                     {"Setting": "Day Count", "Value": day_count},
                     {"Setting": "Payment Frequency", "Value": freq}]
    # NAV on every weekday (holidays carried as if sessions; checks warn, not error)
    from tests.books import sessions
    days = sessions(date(2002, 11, 20), END)
    levels = [draw(st.integers(1_000_000, 500_000_000)) for _ in funds]
    step = draw(st.integers(1, 97))
    nav = []
    for k, d in enumerate(days):
        nav.append({"Date": d, **{f: float(levels[j] + ((k * step * (j + 1)) % 1000) * 1000 + k % 7 * 0.01)
                                  for j, f in enumerate(funds)}})
    t["NAV"] = nav
    np_ = draw(st.integers(0, 4))
    provs, pa = [], []
    for i in range(np_):
        pid = f"P{i:03d}"
        s = draw(st.one_of(st.none(), st.dates(START, END)))
        provs.append({"Provider ID": pid, "Provider Name": f"Provider {i}",
                      "Agreement Type": KINDS[i % 4],
                      "Service Fee Rate": draw(st.sampled_from([0.0025, 0.003, 0.002, 0.001])),
                      "Start Date": s, "End Date": None,
                      "Minimum Payment": float(draw(st.sampled_from([0, 25, 100, 500, 5000])))})
        f = funds[i % nf]
        lvl = levels[i % nf]
        m = START
        while m <= END:
            nxt = (m.replace(day=28) + timedelta(days=4)).replace(day=1)
            pa.append({"Period Start": m, "Period End": nxt - timedelta(days=1), "Provider ID": pid,
                       "Fund": f, "Average Net Assets": float(draw(st.integers(0, lvl // 5)))})
            m = nxt
    t["Providers"], t["ProviderAssets"] = provs, pa
    return t


def compute(t, by):
    book, findings = load_raw(raw_book(t))
    return run(book, findings, START, END, by)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(books())
def test_invariants(t):
    res = {by: compute(t, by) for by in ("month", "quarter", "year", "period")}
    for r in res.values():
        assert r.ok, [str(f) for f in r.findings if f.is_error]
    m, q, y, p = (res[k].accruals for k in ("month", "quarter", "year", "period"))
    daily = t["Settings"][0]["Value"] == "Daily"
    for fund in set(p.fund):
        tot = p[p.fund == fund].plan_fee.sum()
        for df in (m, q, y):
            sub = df[df.fund == fund]
            # within the rounding rule: each period rounds once, half a cent at most
            bound = D(0) if daily else D("0.005") * len(sub)
            assert abs(sub.plan_fee.sum() - tot) <= bound
            assert sub.days.sum() == p[p.fund == fund].days.sum()
    for r in res.values():
        a = r.accruals
        # SIXTH: service fees + asset-based sales charge = plan fee, neither negative
        assert (a.service_fees + a.asset_based_sales_charge == a.plan_fee).all()
        assert (a.asset_based_sales_charge >= 0).all()
        pay = r.payouts
        # caps: the rate applied never exceeds the cap, the provider's rate or the fund rate
        if len(pay):
            assert (pay.rate <= D("0.0025")).all()
            provs = {x["Provider ID"]: D(str(x["Service Fee Rate"])) for x in t["Providers"]}
            assert all(rt <= provs[pid] for pid, rt in zip(pay.provider_id, pay.rate))
            # service fee never above cap × ANA × days / 365 (+ half a cent per day for Daily)
            for row in pay.itertuples():
                n = (row.period_end - row.period_start).days + 1
                bound = (D("0.0025") * row.average_net_assets * n / 365 + D("0.01")
                         + (D("0.005") * n if daily else 0))
                assert row.service_fee <= bound
        # every cent accounted: Σ payable + final carried out = Σ service fees, per provider
        pm = r.payments
        for pid in set(pm.provider_id):
            s = pm[pm.provider_id == pid]
            assert s.payable.sum() + s.carried_out.iloc[-1] == s.service_fees.sum()
            assert (s.carried_in.iloc[1:].values == s.carried_out.iloc[:-1].values).all()
        # payouts and payments agree on the total service fees when periods coincide
    freq = t["Settings"][2]["Value"]
    by = "month" if freq == "Monthly" else "quarter"
    r = res[by]
    assert r.payouts.service_fee.sum() == r.payments.service_fees.sum()
    assert r.accruals.service_fees.sum() == r.payouts.service_fee.sum()
    # Σ payouts + carry-forward + asset-based sales charge = plan fee (rule 8)
    pm = r.payments
    carried = sum(pm[pm.provider_id == pid].carried_out.iloc[-1] for pid in set(pm.provider_id))
    assert pm.payable.sum() + carried + r.accruals.asset_based_sales_charge.sum() == r.accruals.plan_fee.sum()
