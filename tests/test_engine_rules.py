"""SPEC §4 worked figures and rules, through the whole pipeline (workbook -> CSV rows).

Every expected figure is worked by hand in the comment beside it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from fee_core import single_figures as cells
from fee_core.engine import load, load_raw, run
from tests.books import base_tables, constant_nav, raw_book, write

JAN = (date(2001, 1, 1), date(2001, 1, 31))


def compute(tables, start=None, end=None, by="month", path=None):
    """Run the engine on tables (through an .xlsx file when ``path`` is given)."""
    if path is not None:
        write(path, tables)
        book, findings = load(path)
    else:
        book, findings = load_raw(raw_book(tables))
    return run(book, findings, start, end, by)


def codes(res, severity=None):
    return [f.code for f in res.findings if severity is None or f.severity == severity]


def one_fund(rate=0.0045, settings=None, fund="Balanced Fund", eff=date(2000, 12, 14), **kw):
    t = base_tables(funds=((fund, eff),), rate=rate, settings=settings, **kw)
    t["NAV"] = constant_nav([fund], date(2001, 1, 1), date(2001, 12, 31))
    return t


def row(df, **match):
    sel = df
    for k, v in match.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, f"expected one row for {match}, got {len(sel)}"
    return sel.iloc[0]


def test_january_2001_plan_fee(tmp_path):
    # 10,000,000 × 0.0045 / 365 = 123.2876712…/day; × 31 = 3,821.917808 -> 3,821.92
    res = compute(one_fund(), *JAN, path=tmp_path / "b.xlsx")
    assert res.ok, [str(f) for f in res.findings]
    r = row(res.accruals, period_start=date(2001, 1, 1))
    assert r.plan_fee == D("3821.92") and r.days == 31
    assert r.average_daily_net_assets == D("10000000.00")


def test_january_2001_daily_rounding():
    # each day 123.2876712… -> 123.29; × 31 = 3,821.99
    res = compute(one_fund(settings={"Rounding": "Daily"}), *JAN)
    assert row(res.accruals, period_start=date(2001, 1, 1)).plan_fee == D("3821.99")


def test_leap_year_daily_fee():
    # 10,000,000 × 0.0045 / 366 = 122.9508196…
    fee = cells.daily_fee(D("0.0045"), D(10_000_000), date(2004, 2, 10))
    assert abs(float(fee) - 122.9508196) < 1e-7
    assert str(fee) == "7500/61"   # exactly 45,000 / 366


def test_leap_year_february_through_engine():
    # Feb 2004: 29 days × 122.9508196… = 3,565.5737… -> 3,565.57; Actual/365: 29 × 123.28767 = 3,575.34
    t = one_fund()
    t["NAV"] = constant_nav(["Balanced Fund"], date(2004, 2, 1), date(2004, 2, 29))
    assert row(compute(t, date(2004, 2, 1), date(2004, 2, 29)).accruals,
               fund="Balanced Fund").plan_fee == D("3565.57")
    t["Settings"] = [{"Setting": "Day Count", "Value": "Actual/365"}]
    assert row(compute(t, date(2004, 2, 1), date(2004, 2, 29)).accruals,
               fund="Balanced Fund").plan_fee == D("3575.34")


def test_mid_cap_growth_starts_mid_month():
    # effective 2002-01-15: Jan 15..31 = 17 days × 123.2876712 = 2,095.890 -> 2,095.89
    t = base_tables(funds=(("Mid-Cap Growth Fund", date(2002, 1, 15)),),
                    company="INVESCO COUNSELOR SERIES FUNDS, INC.")
    t["NAV"] = constant_nav(["Mid-Cap Growth Fund"], date(2002, 1, 15), date(2002, 1, 31))
    res = compute(t, date(2002, 1, 1), date(2002, 1, 31))
    assert res.ok, [str(f) for f in res.findings]
    r = row(res.accruals, fund="Mid-Cap Growth Fund")
    assert (r.days, r.plan_fee) == (17, D("2095.89"))


def dealer(rate, minimum=0.0, start=None, end=None, pid="D1", kind="Service"):
    return {"Provider ID": pid, "Provider Name": "Summit Securities LLC", "Agreement Type": kind,
            "Service Fee Rate": rate, "Start Date": start, "End Date": end, "Minimum Payment": minimum}


def assets(pid, fund, start, end, amount):
    return {"Period Start": start, "Period End": end, "Provider ID": pid, "Fund": fund,
            "Average Net Assets": amount}


@pytest.mark.parametrize("agreed,capped", [(0.0025, False), (0.0030, True)])
def test_service_dealer_january_2001(agreed, capped):
    # 2,000,000 × 0.0025 / 365 × 31 = 424.6575 -> 424.66, whether 0.25% or an asked 0.30%
    t = one_fund()
    t["Providers"] = [dealer(agreed)]
    t["ProviderAssets"] = [assets("D1", "Balanced Fund", *JAN, 2_000_000.0)]
    res = compute(t, *JAN)
    assert res.ok, [str(f) for f in res.findings]
    p = row(res.payouts, provider_id="D1")
    assert p.service_fee == D("424.66") and p.rate == D("0.0025") and bool(p.capped) is capped
    assert p.average_net_assets == D("2000000.00")
    assert ("provider.rate_above_cap" in codes(res, "warning")) is capped
    a = row(res.accruals, fund="Balanced Fund")
    # SIXTH: 3,821.92 - 424.66 = 3,397.26
    assert (a.service_fees, a.asset_based_sales_charge) == (D("424.66"), D("3397.26"))


def test_rate_amendment_mid_month():
    # 0.45% Jan 1-15 and 0.25% Jan 16-31: 10,000,000 × (0.0045 × 15 + 0.0025 × 16) / 365
    # = 10,000,000 × 0.1075 / 365 = 2,945.2055 -> 2,945.21
    t = one_fund()
    t["ScheduleB"] = [
        {"Fund": "Balanced Fund", "Annual Rate": 0.0045, "Effective Date": date(2000, 12, 14),
         "End Date": date(2001, 1, 15), "Notes": ""},
        {"Fund": "Balanced Fund", "Annual Rate": 0.0025, "Effective Date": date(2001, 1, 16),
         "End Date": None, "Notes": "Amendment"}]
    res = compute(t, *JAN)
    assert res.ok
    assert row(res.accruals, fund="Balanced Fund").plan_fee == D("2945.21")


def test_overlapping_schedule_b_rows_are_an_error():
    t = one_fund()
    t["ScheduleB"].append({"Fund": "Balanced Fund", "Annual Rate": 0.0025,
                           "Effective Date": date(2001, 1, 16), "End Date": None, "Notes": ""})
    res = compute(t, *JAN)
    assert "schedule.overlap" in codes(res, "error") and res.accruals is None


def test_fund_terminated_mid_month():
    # Termination 2001-01-20: Jan 1..19 = 19 days × 123.2876712 = 2,342.4658 -> 2,342.47
    t = one_fund()
    t["PlanEvents"].append({"Date": date(2001, 1, 20), "Event": "Termination",
                            "Fund": "Balanced Fund", "Notes": "board vote"})
    res = compute(t, date(2001, 1, 1), date(2001, 2, 28))
    assert res.ok
    r = row(res.accruals, fund="Balanced Fund")    # February has no row
    assert (r.days, r.plan_fee) == (19, D("2342.47"))


def test_whole_plan_termination_stops_every_fund():
    t = base_tables(funds=(("Balanced Fund", date(2000, 12, 14)), ("Core Equity Fund", date(2000, 12, 14))))
    t["NAV"] = constant_nav(["Balanced Fund", "Core Equity Fund"], *JAN)
    t["PlanEvents"].append({"Date": date(2001, 1, 11), "Event": "Termination", "Fund": None, "Notes": ""})
    res = compute(t, *JAN)
    # 10 days × 123.2876712 = 1,232.88 each
    assert list(res.accruals.plan_fee) == [D("1232.88"), D("1232.88")]


def test_continuance_approved_late():
    # term 2001-05-31..2002-05-30 approved only on 2001-06-15: May 1-30 = 30 days = 3,698.63;
    # June 15-30 = 16 days = 1,972.60; lapse finding names 2001-05-31
    t = one_fund(approvals=(date(2001, 6, 15),))
    res = compute(t, date(2001, 5, 1), date(2001, 6, 30))
    lapses = [f for f in res.findings if f.code == "plan.lapse"]
    assert len(lapses) == 1 and "2001-05-31" in lapses[0].message and "2001-06-14" in lapses[0].message
    assert lapses[0].severity == "error" and res.accruals is None
    # the figures on either side of the lapse: May 1-30 in the initial term, June 15-30 in force
    may = compute(t, date(2001, 5, 1), date(2001, 5, 30)).accruals
    june = compute(t, date(2001, 6, 15), date(2001, 6, 30)).accruals
    assert list(may["days"]) == [30] and list(june["days"]) == [16]
    assert list(may["plan_fee"]) == [D("3698.63")] and list(june["plan_fee"]) == [D("1972.60")]


def test_no_approval_lapse_names_first_unapproved_day():
    t = one_fund(approvals=(date(2001, 4, 26),))   # approves 2001-05-31..2002-05-30 only
    res = compute(t, date(2002, 5, 1), date(2002, 6, 30))
    msgs = [f.message for f in res.findings if f.code == "plan.lapse"]
    assert len(msgs) == 1 and "lapsed on 2002-05-31" in msgs[0]


def test_date1904_workbook_reads_like_1900_twin(tmp_path):
    t = one_fund()
    t["Providers"] = [dealer(0.0025)]
    t["ProviderAssets"] = [assets("D1", "Balanced Fund", *JAN, 2_000_000.0)]
    write(tmp_path / "a.xlsx", t)
    write(tmp_path / "b.xlsx", t, date1904=True)
    ra = run(*load(tmp_path / "a.xlsx"), *JAN)
    rb = run(*load(tmp_path / "b.xlsx"), *JAN)
    assert rb.book.nav.dates.tolist() == ra.book.nav.dates.tolist()
    assert ra.accruals.equals(rb.accruals) and ra.payouts.equals(rb.payouts)
    assert row(rb.accruals, fund="Balanced Fund").plan_fee == D("3821.92")


def test_data_under_former_name():
    # NAV and Provider Assets under "Blue Chip Growth Fund" count for Growth Fund
    t = base_tables(funds=(("Growth Fund", date(2000, 11, 29)),), company="INVESCO STOCK FUNDS, INC.")
    t["FundNames"] = [{"Former Name": "Blue Chip Growth Fund", "Fund": "Growth Fund",
                       "Changed On": date(2001, 10, 19), "Source": "Schedule A footnote (2)"}]
    t["NAV"] = constant_nav(["Blue Chip Growth Fund"], *JAN)
    t["Providers"] = [dealer(0.0025)]
    t["ProviderAssets"] = [assets("D1", "Blue Chip Growth Fund", *JAN, 2_000_000.0)]
    res = compute(t, *JAN)
    assert res.ok, [str(f) for f in res.findings]
    assert row(res.accruals, fund="Growth Fund").plan_fee == D("3821.92")
    assert row(res.payouts, fund="Growth Fund").service_fee == D("424.66")


def test_former_and_current_name_on_same_day_is_an_error():
    t = base_tables(funds=(("Growth Fund", date(2000, 11, 29)),), company="INVESCO STOCK FUNDS, INC.")
    t["FundNames"] = [{"Former Name": "Blue Chip Growth Fund", "Fund": "Growth Fund",
                       "Changed On": date(2001, 10, 19), "Source": ""}]
    nav = constant_nav(["Blue Chip Growth Fund", "Growth Fund"], *JAN)
    t["NAV"] = nav
    res = compute(t, *JAN)
    assert "name.both_names" in codes(res, "error")


def test_schedule_b_later_effective_date_wins():
    # A: 2000-12-14, B: 2001-01-10 -> accrual from Jan 10: 22 days × 123.2876712 = 2,712.33
    t = one_fund()
    t["ScheduleB"][0]["Effective Date"] = date(2001, 1, 10)
    res = compute(t, *JAN)
    assert res.ok and "schedule.disagreement" in codes(res, "warning")
    assert row(res.accruals, fund="Balanced Fund").plan_fee == D("2712.33")


def test_payments_minimum_carry_forward():
    # 2,000,000 at 0.25%: Jan 424.66, Feb 383.56 (28 days), Mar 424.66; minimum 1,000:
    # Jan due 424.66 carried; Feb due 808.22 carried; Mar due 1,232.88 paid
    t = one_fund()
    t["Providers"] = [dealer(0.0025, minimum=1000.0)]
    t["ProviderAssets"] = [assets("D1", "Balanced Fund", date(2001, m, 1), e, 2_000_000.0)
                           for m, e in ((1, date(2001, 1, 31)), (2, date(2001, 2, 28)),
                                        (3, date(2001, 3, 31)))]
    res = compute(t, date(2001, 1, 1), date(2001, 4, 30))
    p = res.payments
    assert list(p.service_fees) == [D("424.66"), D("383.56"), D("424.66"), D("0.00")]
    assert list(p.carried_in) == [D("0.00"), D("424.66"), D("808.22"), D("0.00")]
    assert list(p.payable) == [D("0.00"), D("0.00"), D("1232.88"), D("0.00")]
    assert list(p.carried_out) == [D("424.66"), D("808.22"), D("0.00"), D("0.00")]
    assert p.payable.sum() + p.carried_out.iloc[-1] == p.service_fees.sum()


def test_provider_outside_agreement_earns_nothing_but_warns():
    # provider starts Jan 16: 16 days × 2,000,000 × 0.0025 / 365 = 219.178 -> 219.18
    t = one_fund()
    t["Providers"] = [dealer(0.0025, start=date(2001, 1, 16))]
    t["ProviderAssets"] = [assets("D1", "Balanced Fund", *JAN, 2_000_000.0)]
    res = compute(t, *JAN)
    assert res.ok and "provider_assets.outside_agreement" in codes(res, "warning")
    assert row(res.payouts, provider_id="D1").service_fee == D("219.18")


def test_provider_assets_above_fund_is_an_error():
    t = one_fund()
    t["Providers"] = [dealer(0.0025)]
    t["ProviderAssets"] = [assets("D1", "Balanced Fund", *JAN, 12_000_000.0)]
    res = compute(t, *JAN)
    f = [f for f in res.findings if f.code == "provider.exceeds_fund"]
    assert f and "D1" in f[0].message and "Balanced Fund" in f[0].message and "2001-01-01" in f[0].message


def test_unknown_fund_has_did_you_mean():
    t = one_fund()
    t["NAV"] = constant_nav(["Balanced Fnd"], *JAN)
    res = compute(t, *JAN)
    msgs = [f.message for f in res.findings if f.code == "name.unknown"]
    assert msgs and "Did you mean 'Balanced Fund'" in msgs[0]


def test_no_nav_for_needed_day_is_an_error():
    t = one_fund()
    t["NAV"] = constant_nav(["Balanced Fund"], date(2001, 1, 10), date(2001, 1, 31))
    res = compute(t, *JAN)
    assert "nav.no_prior" in codes(res, "error") and res.accruals is None


def test_exact_half_cent_rounds_up():
    # found by the random comparison with the naive reference: 510,509 × 0.1% × 30 / 366 is
    # exactly 41.845 (366 × 41.845 = 15,315.27), so half up gives 41.85 — summing 30 daily
    # quotients in 50-digit Decimal gives 41.84499…, which is why the engine sums exactly.
    t = one_fund(rate=0.001)
    t["NAV"] = constant_nav(["Balanced Fund"], date(2004, 6, 1), date(2004, 6, 30), amount=3_000_000.0)
    t["Providers"] = [dealer(0.0025)]
    t["ProviderAssets"] = [assets("D1", "Balanced Fund", date(2004, 6, 1), date(2004, 6, 30), 510_509.0)]
    res = compute(t, date(2004, 6, 1), date(2004, 6, 30))
    p = row(res.payouts, provider_id="D1")
    assert (p.service_fee, p.rate, bool(p.capped)) == (D("41.85"), D("0.001"), True)


def test_cents_of_terms_exact_near_ties_and_for_huge_amounts():
    # random terms against exact Fractions, including amounts beyond 2**53 units and exact
    # half cents built on purpose
    from fractions import Fraction

    import numpy as np

    from fee_core.money import CENT_DIVISOR, cents_of_terms, div_half_up
    rng = np.random.default_rng(5)
    n = 4000
    g = rng.integers(0, 500, n)
    a = rng.integers(0, 10 ** 16, n, dtype=np.int64)           # up to a trillion dollars
    w = rng.integers(0, 10 ** 7, n, dtype=np.int64) * rng.integers(1, 31, n)
    y = rng.choice([365, 366], n)
    # exact ties: a·w/y/CENT_DIVISOR = m + 1/2 with w = 1 and y = 365
    a[:50] = (2 * rng.integers(0, 10 ** 5, 50) + 1) * 365 * CENT_DIVISOR // 2
    w[:50], y[:50], g[:50] = 1, 365, np.arange(1000, 1050)
    got = cents_of_terms(g, a, w, y, 1050)
    exact = [Fraction(0)] * 1050
    for gi, ai, wi, yi in zip(g.tolist(), a.tolist(), w.tolist(), y.tolist()):
        exact[gi] += Fraction(ai * wi, yi)
    want = [div_half_up(f.numerator, f.denominator * CENT_DIVISOR) for f in exact]
    assert got.tolist() == want
    assert all((exact[i] / CENT_DIVISOR).denominator == 2 for i in range(1000, 1050))
