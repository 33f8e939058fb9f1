"""NAV coverage and requests outside the data (SPEC §4 rule 1 "NAV coverage", SPEC §5): every
NYSE session from the first day that needs net assets through the last day computed has its
own NAV row -- inside the table, after its last row, before its first -- or the first missing
one is named; a period before the plan or past the data is an error, never a smaller, staler
or all-zero figure."""
from __future__ import annotations

from datetime import date

from tests.hostile.build import sample, setting, write
from tests.hostile.case import Case


def _nav_where(keep):
    def build(path):
        t = sample()
        t["NAV"] = [r for r in t["NAV"] if keep(r["Date"])]
        write(path, t)
    return build


def _sound(path):
    write(path, sample())


def _period(start, end):
    def build(path):
        t = sample()
        setting(t, "Period Start", start)
        setting(t, "Period End", end)
        write(path, t)
    return build


def _friday_as_saturday(path):
    t = sample()
    for r in t["NAV"]:
        if r["Date"] == date(2001, 3, 16):
            r["Date"] = date(2001, 3, 17)
    write(path, t)


def _empty_nav(path):
    t = sample()
    t["NAV"] = []
    write(path, t, headers={"NAV": ["Date", *[k for k in sample()["NAV"][0] if k != "Date"]]})


def _far_ends(path):
    """9999-12-31 as the "open" end of every Schedule B row, agreement and last Provider Assets
    row, and a whole-plan termination then: a sound book."""
    t = sample()
    for r in t["ScheduleB"]:
        r["End Date"] = date(9999, 12, 31)
    for r in t["Providers"]:
        r["End Date"] = date(9999, 12, 31)
    last = {(r["Provider ID"], r["Fund"]): r for r in t["ProviderAssets"]}
    for r in last.values():
        r["Period End"] = date(9999, 12, 31)
    t["PlanEvents"].append({"Date": date(9999, 12, 31), "Event": "Termination", "Fund": None,
                            "Notes": ""})
    write(path, t)


CASES = [
    # the example: January 2002 accrued on the 2001-12-31 net assets
    Case("stale_nav_past_the_data", _sound, "nav.missing_session", "NAV!",
         args=("--start", "2002-01-01", "--end", "2002-01-14")),
    # NAV rows after 2001-11-30 deleted: December must not run on the November 30 figure
    Case("nav_rows_after_november_deleted", _nav_where(lambda d: d <= date(2001, 11, 30)),
         "nav.missing_session", "NAV!"),
    Case("nav_starts_late", _nav_where(lambda d: d >= date(2001, 1, 10)), "nav.missing_session", "NAV!"),
    Case("nav_one_session_missing_inside", _nav_where(lambda d: d != date(2001, 6, 15)),
         "nav.missing_session", "NAV"),
    Case("nav_september_2001_closures_kept", _nav_where(lambda d: True), None, None, exit=0),
    Case("nav_table_without_rows", _empty_nav, "nav.missing_session", "NAV"),
    Case("settings_period_past_the_data", _period(date(2001, 1, 1), date(2002, 3, 31)),
         "nav.missing_session", "NAV!"),
    Case("nav_friday_typed_as_saturday", _friday_as_saturday, "nav.missing_session", "NAV"),
    Case("compute_end_past_the_data", _sound, "nav.missing_session", "NAV!",
         args=("--end", "2002-06-30")),
    Case("compute_start_before_the_data", _sound, "nav.missing_session", "NAV!",
         args=("--start", "2000-12-01", "--end", "2000-12-31")),
    Case("compute_before_the_plan", _sound, "period.before_plan", "Plan Events",
         args=("--start", "1999-01-01", "--end", "1999-12-31")),
    Case("settings_period_before_the_plan", _period(date(1999, 1, 1), date(1999, 12, 31)),
         "period.before_plan", "Plan Events"),
    Case("report_quarter_before_the_plan", _sound, None, None, exit=0),
    Case("report_quarter_past_the_data", _sound, None, None, exit=0),
    Case("publish_with_nav_cut_short", _nav_where(lambda d: d <= date(2001, 11, 30)),
         "nav.missing_session", "NAV!"),
    Case("nav_last_week_missing", _nav_where(lambda d: d < date(2001, 12, 24)),
         "nav.missing_session", "NAV!"),
    # absurd periods are refused before any day-by-day array is made (9999-12-31 once cost 5.7 GB)
    Case("compute_end_in_year_9999", _sound, "setting.bad_period", "Settings",
         args=("--end", "9999-12-31")),
    Case("settings_period_end_in_year_9000", _period(date(2001, 1, 1), date(9000, 1, 1)),
         "setting.bad_period", "Settings"),
    Case("compute_sixty_years", _sound, "setting.bad_period", "Settings",
         args=("--start", "1990-01-01", "--end", "2049-12-31")),
    Case("end_dates_in_year_9999_are_open_ended", _far_ends, None, None, exit=0),
    Case("lapse_for_decades_is_one_finding", _sound, "plan.lapse", "Plan Events",
         args=("--end", "2030-01-01")),
]

MESSAGE = {
    "stale_nav_past_the_data": "2002-01-02",
    "nav_rows_after_november_deleted": "2001-12-03",
    "nav_starts_late": "2000-12-29",
    "nav_one_session_missing_inside": "2001-06-15",
    "settings_period_past_the_data": "2002-01-02",
    "nav_friday_typed_as_saturday": "2001-03-16",
    "compute_end_past_the_data": "2002-01-02",
    "nav_last_week_missing": "2001-12-24",
    "compute_end_in_year_9999": "at most 50 years",
    "lapse_for_decades_is_one_finding": "28 plan terms",
}
COMMANDS = {
    "report_quarter_before_the_plan": [
        (("report", "{book}", "--quarter", "1999Q1", "{out}/report.xlsx"), 1, "period.before_plan")],
    "report_quarter_past_the_data": [
        (("report", "{book}", "--quarter", "2002Q1", "{out}/report.xlsx"), 1, "nav.missing_session")],
    "publish_with_nav_cut_short": [
        (("publish", "{book}", "{out}/published.xlsx"), 1, "nav.missing_session")],
    "nav_rows_after_november_deleted": [
        (("report", "{book}", "--quarter", "2001Q4", "{out}/report.xlsx"), 1, "nav.missing_session")],
}
