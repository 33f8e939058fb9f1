"""Values that are numbers but implausible or out of range (SPEC §5 "Plausibility warnings",
§5 checks): a x10 or /10 typo in net assets (``nav.jump``), a rate typed in percentage points
(``rate.percent_points``), negative, zero and absurd amounts, digits below a hundredth of a
cent."""
from __future__ import annotations

from datetime import date

from tests.hostile.build import mutated, nav_row, sample, setting, write
from tests.hostile.case import Case

DAY = date(2001, 3, 14)
FUND = "High Yield Fund"        # NAV column B


def _nav_times(factor):
    def fn(t):
        r = nav_row(t, DAY)
        r[FUND] = round(r[FUND] * factor, 2)
    return fn


def _nav_from(factor):
    def fn(t):
        for r in t["NAV"]:
            if r["Date"] >= DAY and r[FUND] is not None:
                r[FUND] = round(r[FUND] * factor, 2)
    return fn


def _nav_value(v):
    def fn(t):
        nav_row(t, DAY)[FUND] = v
    return fn


def _provider(field, v, i=0):
    def fn(t):
        t["Providers"][i][field] = v
    return fn


def _rate(v):
    def fn(t):
        t["ScheduleB"][0]["Annual Rate"] = v
    return fn


def _setting(name, v):
    def fn(t):
        setting(t, name, v)
    return fn


def _expense(v):
    def fn(t):
        t["Expenses"][0]["Amount"] = v
    return fn


def _assets(v):
    def fn(t):
        t["ProviderAssets"][1]["Average Net Assets"] = v
    return fn


def _numeric_ids(t):
    """Provider IDs typed as numbers (1001): read as the text Excel shows."""
    ids = {p["Provider ID"]: float(1000 + k) for k, p in enumerate(t["Providers"])}
    for p in t["Providers"]:
        p["Provider ID"] = ids[p["Provider ID"]]
    for r in t["ProviderAssets"]:
        r["Provider ID"] = ids[r["Provider ID"]]


def _both_names(t):
    """Net assets of Growth Fund also typed under its former name on the same days."""
    for r in t["NAV"]:
        r["Blue Chip Growth Fund"] = r["Growth Fund"]


def _fund_name_nan(path):
    write(path, sample(), cells={("Schedule A", "B2"): '><v>NaN</v>'})


CASES = [
    Case("nav_typed_ten_times", mutated(_nav_times(10)), "nav.jump", "NAV!B", exit=0, severity="warning"),
    Case("nav_typed_a_tenth", mutated(_nav_times(0.1)), "nav.jump", "NAV!B", exit=0, severity="warning"),
    Case("nav_drop_under_half_is_no_jump", mutated(_nav_from(0.55)), None, None, exit=0),
    Case("provider_rate_in_percent_points", mutated(_provider("Service Fee Rate", 0.25)),
         "rate.percent_points", "Providers!D2", exit=0, severity="warning"),
    Case("annual_rate_in_percent_points", mutated(_rate(0.45)), "rate.percent_points",
         "'Schedule B'!B2", severity="warning"),
    Case("annual_rate_as_whole_percent", mutated(_rate(45)), "schedule.rate_limit", "'Schedule B'!B2"),
    Case("service_cap_in_percent_points", mutated(_setting("Service Fee Cap", 0.25)),
         "rate.percent_points", "Settings!B", exit=0, severity="warning"),
    Case("absc_cap_in_percent_points", mutated(_setting("Asset-Based Sales Charge Cap", 0.75)),
         "rate.percent_points", "Settings!B", exit=0, severity="warning"),
    Case("cap_above_one", mutated(_setting("Service Fee Cap", 25)), "setting.bad_value", "Settings!B"),
    Case("nav_negative_five", mutated(_nav_value(-5.0)), "nav.not_positive", "NAV!B"),
    Case("nav_zero", mutated(_nav_value(0.0)), "nav.not_positive", "NAV!B"),
    Case("nav_over_a_trillion", mutated(_nav_value(2e12)), "nav.too_large", "NAV!B"),
    Case("nav_below_a_hundredth_cent", mutated(_nav_value(15007609.123456)), "nav.precision", "NAV!B",
         exit=0, severity="warning"),
    Case("assets_negative", mutated(_assets(-100.0)), "cell.negative", "'Provider Assets'!E3"),
    Case("assets_over_the_fund", mutated(_assets(9e9)), "provider.exceeds_fund", "'Provider Assets'!E3"),
    Case("provider_rate_absurd", mutated(_provider("Service Fee Rate", 1e15)), "provider.rate_limit",
         "Providers!D2"),
    Case("provider_rate_typed_as_whole_percent", mutated(_provider("Service Fee Rate", 25.0)),
         "provider.rate_limit", "Providers!D2"),
    Case("minimum_payment_absurd", mutated(_provider("Minimum Payment", 1e300)), "cell.too_large",
         "Providers!G2"),
    Case("expense_absurd", mutated(_expense(-1e17)), "cell.too_large", "Expenses!D2"),
    Case("provider_rate_negative", mutated(_provider("Service Fee Rate", -0.0025)), "cell.negative",
         "Providers!D2"),
    Case("minimum_negative", mutated(_provider("Minimum Payment", -1.0)), "cell.negative", "Providers!G2"),
    Case("day_count_unknown", mutated(_setting("Day Count", "30/360")), "setting.bad_value", "Settings!B"),
    Case("period_end_before_start", mutated(_setting("Period End", date(2000, 12, 1))),
         "setting.bad_period", "Settings"),
    Case("rounding_true", mutated(_setting("Rounding", True)), "setting.bad_value", "Settings!B"),
    Case("provider_ids_as_numbers", mutated(_numeric_ids), None, None, exit=0),
    Case("nav_under_former_and_current_name", mutated(_both_names), "name.both_names", "NAV!"),
    Case("fund_name_nan", _fund_name_nan, "cell.not_text", "'Schedule A'!B2"),
]

MESSAGE = {
    "provider_rate_in_percent_points": "0.25 is 25 %; for 0.25 % enter 0.0025 or 0.25%",
    "annual_rate_in_percent_points": "0.45 is 45 %; for 0.45 % enter 0.0045 or 0.45%",
    "nav_negative_five": "-5.00",
    "nav_typed_ten_times": "a change of more than half in one session",
}
ABSENT = {"nav_drop_under_half_is_no_jump": ("nav.jump",)}
