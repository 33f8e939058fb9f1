"""The optional GL Accounts table (SPEC §3, §6): the account names the payment run's journal
uses, as a mapping journal role -> account name, every role present (the defaults of
``contract.GL_ENTRIES`` where the table says nothing).

A workbook without the table is normal: no finding, the defaults.  A row whose Entry is not one
of the default account names, an Entry given twice, or an entry pair whose debit and credit
would post to one account are findings located at their cells; nothing is guessed.
"""
from __future__ import annotations

from ..contract import GL_ACCOUNTS, GL_ENTRIES
from ..findings import Location, error, warning
from ..read.raw import RawBook
from .names import did_you_mean
from .sink import Sink
from .table import Table, open_table

# the pairs of one journal entry: (debit role, credit role)
PAIRS = (("fund_expense", "fund_payable"), ("service_expense", "service_payable"),
         ("receivable", "service_revenue"), ("receivable", "absc_revenue"))


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def default_accounts() -> dict[str, str]:
    """Journal role -> account name with no GL Accounts table."""
    return dict(GL_ENTRIES)


def parse_gl_accounts(raw: RawBook, date1904: bool, sink: Sink) -> dict[str, str]:
    """The GL Accounts table -> journal role -> account name (SPEC §3 "a missing table or row
    takes the default account name")."""
    spec = GL_ACCOUNTS
    accounts = default_accounts()
    t = raw.tables.get(spec.name)
    if t is None:
        near = [k for k in raw.tables if _key(k).replace("_", "").replace(" ", "") == "glaccounts"]
        if near:
            sink.add(warning("table.missing", Location(spec.sheet, spec.name),
                             f"A table named '{near[0]}' exists but the journal reads a "
                             f"table named '{spec.name}': rename it, or the default "
                             f"account names are used."))
        return accounts
    t, _ = open_table(raw, spec.name, sink, spec)   # its columns; data just beside it
    if t is None:
        return accounts
    by_name = {_key(v): k for k, v in GL_ENTRIES.items()}
    seen: dict[str, Location] = {}
    r = Table(t, date1904, sink, dict(spec.columns))
    r.required("Entry")
    r.required("Account")
    for i in r.rows():
        entry = r.value(i, "Entry")
        account = r.value(i, "Account")
        if not entry or not account:
            continue
        role = by_name.get(_key(entry))
        if role is None:
            from difflib import get_close_matches  # only when a name is unknown
            near = get_close_matches(entry, list(GL_ENTRIES.values()), n=2, cutoff=0.6)
            sink.add(error("gl.unknown_entry", r.loc(i, "Entry"),
                           f"Entry '{entry}' is not a journal entry the payment run "
                           f"writes ({'; '.join(GL_ENTRIES.values())}).{did_you_mean(near)}"))
        elif role in seen:
            sink.add(error("gl.duplicate_entry", r.loc(i, "Entry"),
                           f"Entry '{GL_ENTRIES[role]}' is given twice (first at "
                           f"{seen[role]}); keep one row."))
        else:
            seen[role] = r.loc(i, "Entry")
            accounts[role] = account
    for dr, cr in PAIRS:
        if _key(accounts[dr]) == _key(accounts[cr]) and (dr in seen or cr in seen):
            sink.add(warning("gl.same_account", seen.get(cr) or seen[dr],
                             f"'{GL_ENTRIES[dr]}' and '{GL_ENTRIES[cr]}' both post to "
                             f"'{accounts[dr]}': the journal's debit and credit of that "
                             f"entry cancel out in one account. Give them different "
                             f"accounts."))
    return accounts
