"""The workbook contract of SPEC §3: every input table, its sheet and its columns.

One place names them; the reader, the parser, the template builder and the tests all use it.
Column kinds: ``date``, ``rate`` (a fraction shown as percent), ``money`` (USD), ``text``.
The NAV table is special: a ``Date`` column, then one money column per fund.  The Settings
table's rows are declared once, as the fields of ``Settings``; the output tables' columns (the CSV
formats of SPEC §8) are here too.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class TableSpec:
    """One input table: its Excel table name, its sheet, its columns (header -> kind), which
    columns must be filled on every row, and whether the table must be present."""

    name: str
    sheet: str
    columns: tuple[tuple[str, str], ...]
    required: tuple[str, ...]
    must_exist: bool = True

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(h for h, _ in self.columns)

    def kind(self, header: str) -> str:
        return dict(self.columns)[header]


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec("ScheduleA", "Schedule A",
                  (("Company", "text"), ("Fund", "text"), ("Effective Date", "date"), ("Notes", "text")),
                  ("Company", "Fund", "Effective Date")),
        TableSpec("ScheduleB", "Schedule B",
                  (("Fund", "text"), ("Annual Rate", "rate"), ("Effective Date", "date"),
                   ("End Date", "date"), ("Notes", "text")),
                  ("Fund", "Annual Rate", "Effective Date")),
        TableSpec("FundNames", "Fund Names",
                  (("Former Name", "text"), ("Fund", "text"), ("Changed On", "date"), ("Source", "text")),
                  ("Former Name", "Fund"), must_exist=False),
        TableSpec("PlanEvents", "Plan Events",
                  (("Date", "date"), ("Event", "text"), ("Fund", "text"), ("Notes", "text")),
                  ("Date", "Event")),
        TableSpec("NAV", "NAV", (("Date", "date"),), ("Date",)),
        TableSpec("Providers", "Providers",
                  (("Provider ID", "text"), ("Provider Name", "text"), ("Agreement Type", "text"),
                   ("Service Fee Rate", "rate"), ("Start Date", "date"), ("End Date", "date"),
                   ("Minimum Payment", "money")),
                  ("Provider ID", "Agreement Type", "Service Fee Rate"), must_exist=False),
        TableSpec("ProviderAssets", "Provider Assets",
                  (("Period Start", "date"), ("Period End", "date"), ("Provider ID", "text"),
                   ("Fund", "text"), ("Average Net Assets", "money")),
                  ("Period Start", "Period End", "Provider ID", "Fund", "Average Net Assets"),
                  must_exist=False),
        TableSpec("Expenses", "Expenses",
                  (("Date", "date"), ("Fund", "text"), ("Category", "text"), ("Amount", "money")),
                  ("Date", "Category", "Amount"), must_exist=False),
        TableSpec("Settings", "Settings", (("Setting", "text"), ("Value", "text")), ("Setting",)),
    )
}

# The optional GL Accounts table (SPEC §3, §6): the account names the payment run's journal
# uses.  It is not in TABLES: a workbook without it is normal (the defaults below apply, with
# no finding), and the template does not carry it.  ``Entry`` names one of the GL_ENTRIES
# (the default account name), ``Account`` the name (or number) to use instead.
GL_ACCOUNTS = TableSpec("GLAccounts", "GL Accounts", (("Entry", "text"), ("Account", "text")),
                        ("Entry", "Account"), must_exist=False)

# journal role -> default account name (SPEC §6); the GL Accounts table's Entry column names
# the default account name
GL_ENTRIES = {
    "fund_expense": "12b-1 Fee Expense",              # the funds' daily accrual, debit
    "fund_payable": "12b-1 Fees Payable",             # the funds' daily accrual, credit
    "service_expense": "Service Fee Expense",         # the distributor, per provider and fund
    "service_payable": "Service Fees Payable",
    "receivable": "12b-1 Fees Receivable",            # the distributor, per fund
    "service_revenue": "Service Fee Revenue",         # the service-fee part of the plan fee
    "absc_revenue": "Asset-Based Sales Charge Revenue",  # the part the distributor keeps
}


def headers_of(name: str, rows) -> list[str]:
    """The headers of table ``name`` written from row dicts: the contract's columns in order,
    then any other key found in the rows, in order of appearance."""
    spec = TABLES.get(name)
    headers = list(spec.headers) if spec else []
    seen = set(headers)
    for row in rows:
        for k in row:
            if k not in seen:
                seen.add(k)
                headers.append(k)
    return headers


EVENTS = ("Plan Effective", "Continuance Approved", "Termination", "Amendment")

# SEVENTH (A)-(D): agreement type -> (letter, what the plan calls it)
AGREEMENT_TYPES = {
    "Service": ("A", "Dealers under Service Agreements"),
    "Third Party": ("B", "Third Parties under Third Party Agreements"),
    "Variable Contract": ("C", "Insurance Companies under Variable Contract Agreements"),
    "Bank Trust": ("D", "Bank Trust Departments and Brokers for Bank Trust Departments"),
}

# FIFTH: purposes of spending, for the Expenses table and the board report
EXPENSE_CATEGORIES = (
    "Sales Seminars",
    "Advertising",
    "Finders' Fees",
    "Printing of Prospectuses and SAIs for Non-Shareholders",
    "Sales Literature",
    "Supplemental Dealer Payments",
    "Other Agreed Services",
)

DAY_COUNTS = ("Actual/Actual", "Actual/365")
ROUNDINGS = ("Period", "Daily")
PAYMENT_FREQUENCIES = ("Monthly", "Quarterly")


# --------------------------------------------------------------------------- settings
def _setting(label: str, kind: str, default: Any, choices: tuple[str, ...] = ()) -> Any:
    """A Settings field: its row label in the Settings table, its kind (date, rate, choice),
    its default (SPEC §3) and, for a choice, the allowed values."""
    return field(default=default, metadata={"label": label, "kind": kind, "choices": choices})


@dataclass(frozen=True)
class Settings:
    """The Settings table (SPEC §3), typed, with the spec's defaults.  The one declaration of
    the settings: ``SETTINGS`` (label -> ``SettingSpec``) and every reader and writer of the
    table are derived from these fields."""

    period_start: date | None = _setting("Period Start", "date", None)
    period_end: date | None = _setting("Period End", "date", None)
    day_count: str = _setting("Day Count", "choice", "Actual/Actual", DAY_COUNTS)
    rounding: str = _setting("Rounding", "choice", "Period", ROUNDINGS)
    service_fee_cap: Decimal = _setting("Service Fee Cap", "rate", Decimal("0.0025"))
    absc_cap: Decimal = _setting("Asset-Based Sales Charge Cap", "rate", Decimal("0.0075"))
    payment_frequency: str = _setting("Payment Frequency", "choice", "Monthly",
                                      PAYMENT_FREQUENCIES)
    initial_term_end: date = _setting("Initial Term End", "date", date(2001, 5, 30))


@dataclass(frozen=True)
class SettingSpec:
    """One setting as the Settings table holds it: label, ``Settings`` attribute, kind,
    default, choices."""

    label: str
    attr: str
    kind: str
    default: Any
    choices: tuple[str, ...]


SETTINGS: dict[str, SettingSpec] = {
    f.metadata["label"]: SettingSpec(f.metadata["label"], f.name, f.metadata["kind"], f.default,
                                     f.metadata["choices"])
    for f in fields(Settings)
}


# --------------------------------------------------------------------------- outputs (SPEC §8)
ACCRUAL_COLUMNS = ("fund", "period_start", "period_end", "days", "average_daily_net_assets",
                   "plan_fee", "service_fees", "asset_based_sales_charge")
PAYOUT_COLUMNS = ("provider_id", "fund", "period_start", "period_end", "average_net_assets",
                  "rate", "capped", "service_fee")
PAYMENT_COLUMNS = ("provider_id", "period_start", "period_end", "service_fees", "carried_in",
                   "payable", "carried_out")
CHECK_COLUMNS = ("severity", "code", "location", "message")
# the output periods a user asks for (SPEC §8 `--by`, the add-in's `by`): calendar months,
# calendar quarters, or the whole period asked for (the engine also knows calendar years, for
# the board report's trend; a user would read "year" as the plan year)
OUTPUT_PERIODS = ("month", "quarter", "period")
REMITTANCE_COLUMNS = ("provider_id", "provider_name", "agreement_type", "period_start",
                      "period_end", "service_fees", "carried_in", "payable", "carried_out",
                      "reference")
JOURNAL_COLUMNS = ("date", "entity", "fund", "provider_id", "account", "debit", "credit", "memo")
