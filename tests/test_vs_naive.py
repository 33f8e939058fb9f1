"""The engine against the deliberately naive day-by-day Decimal reference
(tests/naive_reference.py, which reads the workbook with openpyxl on its own): a full sample
year, byte for byte, in every output period and every settings variant."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fee_core.contract import ACCRUAL_COLUMNS, PAYMENT_COLUMNS, PAYOUT_COLUMNS
from fee_core.engine import load, run
from fee_core.write.csv import csv_text
from fee_core.write.inputs import write_input_workbook
from templates.builder import build_template
from templates.sample import sample_tables
from tests.naive_reference import compute_naive
from tests.naive_reference import csv_text as naive_csv
from tests.test_properties import books


@pytest.fixture(scope="module")
def sample_2001(tmp_path_factory):
    path = tmp_path_factory.mktemp("naive") / "sample2001.xlsx"
    build_template(path, year=2001, sample=True)
    return path


def compare(path, by):
    book, findings = load(path)
    res = run(book, findings, by=by)
    assert res.ok, [str(f) for f in res.findings if f.is_error]
    naive = compute_naive(path, by=by)
    for name, df, cols in (("accruals", res.accruals, ACCRUAL_COLUMNS),
                           ("payouts", res.payouts, PAYOUT_COLUMNS),
                           ("payments", res.payments, PAYMENT_COLUMNS)):
        assert csv_text(df, cols) == naive_csv(naive[name], cols), f"{name} by {by} differs"
    return res


@pytest.mark.parametrize("by", ["month", "quarter", "period"])
def test_full_year_matches_naive(sample_2001, by):
    res = compare(sample_2001, by)
    assert len(res.accruals) > 0 and len(res.payouts) > 0 and len(res.payments) > 0


@pytest.mark.parametrize("variant", [
    {"Rounding": "Daily"},
    {"Day Count": "Actual/365", "Payment Frequency": "Quarterly"},
    {"Rounding": "Daily", "Service Fee Cap": 0.002},
])
def test_settings_variants_match_naive(tmp_path, variant):
    # a leap year with a fund joining mid-year (Mid-Cap Growth, 2002-01-15) in 2004's data
    tables = sample_tables(2004, 7)
    rows = [r for r in tables["Settings"] if r["Setting"] not in variant]
    tables["Settings"] = rows + [{"Setting": k, "Value": v} for k, v in variant.items()]
    path = tmp_path / "v.xlsx"
    write_input_workbook(path, tables)
    compare(path, "month")


# ---------------------------------------------------------------- random books against naive


@st.composite
def eventful_books(draw):
    """The property-test books plus what makes rules interesting: a mid-month rate
    amendment, a fund termination, a late continuance approval, providers leaving."""
    t = draw(books())
    if draw(st.booleans()):
        r = t["ScheduleB"][0]
        cut = draw(st.dates(date(2003, 1, 2), date(2004, 12, 30)))
        new_rate = draw(st.sampled_from([0.002, 0.0035, 0.0045]))
        new_from = max(cut, r["Effective Date"] + timedelta(days=1))
        t["ScheduleB"].append(dict(r, **{"Annual Rate": new_rate, "Effective Date": new_from}))
        r["End Date"] = t["ScheduleB"][-1]["Effective Date"] - timedelta(days=1)
    if draw(st.booleans()):
        t["PlanEvents"].append({"Date": draw(st.dates(date(2003, 1, 1), date(2004, 12, 31))),
                                "Event": "Termination", "Fund": t["ScheduleA"][-1]["Fund"], "Notes": ""})
    for p in t["Providers"]:
        if draw(st.booleans()):
            p["End Date"] = draw(st.dates(date(2003, 1, 1), date(2004, 12, 31)))
            if p["Start Date"] and p["End Date"] < p["Start Date"]:
                p["Start Date"], p["End Date"] = p["End Date"], p["Start Date"]
    return t


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(eventful_books(), st.sampled_from(["month", "quarter", "period"]))
def test_random_books_match_naive(tmp_path_factory, t, by):
    path = tmp_path_factory.mktemp("rnd") / "r.xlsx"
    t["Settings"] += [{"Setting": "Period Start", "Value": date(2003, 1, 1)},
                      {"Setting": "Period End", "Value": date(2004, 12, 31)}]
    write_input_workbook(path, t)
    compare(path, by)


def test_trillion_scale_whole_period_matches_naive(tmp_path):
    """ADNA over two years of ~$900 billion: the sums pass int64's safe range, so the engine
    takes its Python-integer path; the figures still equal the naive reference's."""
    from tests.books import sessions
    from tests.test_properties import END, FUNDS, base_tables
    t = base_tables(funds=((FUNDS[0], date(2002, 12, 1)),))
    t["Settings"] = [{"Setting": "Period Start", "Value": date(2003, 1, 1)},
                     {"Setting": "Period End", "Value": date(2004, 12, 31)}]
    t["NAV"] = [{"Date": d, FUNDS[0]: 900_000_000_000.0 + k * 12_345.67}
                for k, d in enumerate(sessions(date(2002, 11, 20), END))]
    t["Providers"], t["ProviderAssets"] = [], []
    path = tmp_path / "big.xlsx"
    write_input_workbook(path, t)
    book, _ = load(path)
    assert int(book.nav.values.max()) * 731 >= 2 ** 62      # the case this test is for
    res = compare(path, "period")
    assert res.accruals["days"].tolist() == [731]
