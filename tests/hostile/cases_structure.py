"""Tables missing, renamed, turned into plain ranges, with a column renamed, rows cleared inside
them or typed beside them (SPEC §5 "Root cause first", "Data next to a table"): one finding
for the root cause, the checks that depend on it skipped in one line, never dozens of
follow-on errors; rows in and around a table named, never silently in or out."""
from __future__ import annotations

from datetime import date

from fee_core.contract import TABLES
from tests.hostile.build import drop_table, mutated, sample, write
from tests.hostile.case import Case

FOLLOW_ON = ("provider.unknown", "name.unknown", "split.service_exceeds_plan", "split.absc_cap",
             "nav.no_column", "nav.no_prior", "nav.blank", "schedule.no_rate", "plan.no_effective",
             "setting.no_period", "provider.exceeds_fund", "internal.error")


def _rename_header(table, old, new):
    def build(path):
        t = sample()
        for r in t[table]:
            r[new] = r.pop(old)
        headers = [new if h == old else h for h in TABLES[table].headers]
        write(path, t, headers={table: headers})
    return build


def _drop(table):
    def build(path):
        t = sample()
        t.pop(table)
        write(path, t)
    return build


def _plain_range(table):
    def build(path):
        write(path, sample(), edit=lambda wb: drop_table(wb, TABLES[table].sheet, table))
    return build


def _rename_table(table, new):
    def edit(wb):
        ws = wb[TABLES[table].sheet]
        t = ws.tables[table]
        del ws.tables[table]
        t.displayName = new
        t.name = new
        ws.add_table(t)

    def build(path):
        write(path, sample(), edit=edit)
    return build


def _clear_row(table, i):
    def build(path):
        t = sample()
        t[table][i] = {k: None for k in t[table][i]}
        write(path, t)
    return build


def _row_below(table, row):
    def edit(wb):
        ws = wb[TABLES[table].sheet]
        last = ws.tables[table].ref.split(":")[1]
        n = int("".join(ch for ch in last if ch.isdigit()))
        for j, v in enumerate(row, start=1):
            ws.cell(row=n + 1, column=j, value=v)

    def build(path):
        write(path, sample(), edit=edit)
    return build


def _column_beside(path):
    def edit(wb):
        ws = wb["NAV"]
        last = ws.tables["NAV"].ref.split(":")[1]
        col = sum((ord(ch) - 64) * 26 ** k for k, ch in enumerate(reversed(last.rstrip("0123456789"))))
        ws.cell(row=1, column=col + 1, value="Small Cap Fund")
        for r in range(2, 30):
            ws.cell(row=r, column=col + 1, value=1_000_000.0)
    write(path, sample(), edit=edit)


def _bad_effective_date(t):
    t["ScheduleA"][0]["Effective Date"] = "Dec 14, 2000"     # High Yield Fund


def _bad_provider_type(t):
    t["Providers"][0]["Agreement Type"] = "Dealer"           # P001, which has Provider Assets rows


def _duplicate_setting(t):
    t["Settings"].append({"Setting": "Rounding", "Value": "Daily"})


def _unknown_setting(t):
    t["Settings"].append({"Setting": "Roundng", "Value": "Daily"})


CASES = [
    Case("providers_rate_header_renamed", _rename_header("Providers", "Service Fee Rate", "Service Fee"),
         "table.missing_column", "Providers"),
    Case("providers_id_header_renamed", _rename_header("Providers", "Provider ID", "ID"),
         "table.missing_column", "Providers"),
    Case("nav_sheet_deleted", _drop("NAV"), "table.missing", "NAV"),
    Case("schedule_a_deleted", _drop("ScheduleA"), "table.missing", "Schedule A"),
    Case("schedule_b_deleted", _drop("ScheduleB"), "table.missing", "Schedule B"),
    Case("plan_events_deleted", _drop("PlanEvents"), "table.missing", "Plan Events"),
    Case("settings_deleted", _drop("Settings"), "table.missing", "Settings"),
    Case("providers_deleted_assets_kept", _drop("Providers"), "table.missing", "Providers"),
    Case("schedule_a_fund_header_renamed", _rename_header("ScheduleA", "Fund", "Fund Name"),
         "table.missing_column", "Schedule A"),
    Case("nav_date_header_renamed", _rename_header("NAV", "Date", "Day"), "table.missing_column", "NAV"),
    Case("fund_names_header_renamed", _rename_header("FundNames", "Former Name", "Old Name"),
         "table.missing_column", "Fund Names"),
    Case("assets_amount_header_renamed",
         _rename_header("ProviderAssets", "Average Net Assets", "Avg Net Assets"),
         "table.missing_column", "Provider Assets"),
    Case("provider_assets_plain_range", _plain_range("ProviderAssets"), "table.plain_range",
         "Provider Assets"),
    Case("nav_plain_range", _plain_range("NAV"), "table.plain_range", "NAV"),
    Case("expenses_plain_range", _plain_range("Expenses"), "table.plain_range", "Expenses"),
    Case("providers_plain_range", _plain_range("Providers"), "table.plain_range", "Providers"),
    Case("nav_table_renamed_lowercase", _rename_table("NAV", "nav"), "table.missing", "NAV"),
    Case("schedule_b_table_renamed", _rename_table("ScheduleB", "Schedule_B"), "table.missing",
         "Schedule B"),
    Case("provider_assets_row_cleared", _clear_row("ProviderAssets", 40), "table.blank_row",
         "'Provider Assets'!42", exit=0, severity="warning"),
    Case("schedule_b_row_cleared", _clear_row("ScheduleB", 5), "table.blank_row", "'Schedule B'!7",
         exit=0, severity="warning"),
    Case("nav_row_cleared", _clear_row("NAV", 30), "table.blank_row", "NAV!32", severity="warning"),
    Case("expenses_row_cleared", _clear_row("Expenses", 3), "table.blank_row", "Expenses!5", exit=0,
         severity="warning"),
    Case("provider_assets_row_typed_below",
         _row_below("ProviderAssets", [date(2001, 12, 1), date(2001, 12, 31), "P001", "Balanced Fund",
                                       5_000_000.0]),
         "table.data_below", "Provider Assets", exit=0, severity="warning"),
    Case("nav_column_typed_beside", _column_beside, "table.data_beside", "NAV", exit=0,
         severity="warning"),
    Case("schedule_a_bad_date_no_follow_on", mutated(_bad_effective_date), "cell.not_a_date",
         "'Schedule A'!C2"),
    Case("provider_bad_type_no_follow_on", mutated(_bad_provider_type), "provider.bad_type",
         "Providers!C2"),
    Case("setting_given_twice", mutated(_duplicate_setting), "setting.duplicate", "Settings!A"),
    Case("setting_misspelt", mutated(_unknown_setting), "setting.unknown", "Settings!A", exit=0,
         severity="warning"),
]

ABSENT = {c.name: FOLLOW_ON for c in CASES if c.code.startswith("table.") and c.exit == 1}
ABSENT["providers_rate_header_renamed"] = FOLLOW_ON
ABSENT["schedule_a_bad_date_no_follow_on"] = ("name.unknown",)
ABSENT["provider_bad_type_no_follow_on"] = ("provider.unknown",)
ABSENT["nav_row_cleared"] = ("nav.blank",)
