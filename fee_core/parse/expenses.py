"""Expenses (the distributor's spending by FIFTH purpose) -> Columns (date, fund, category,
amount, row)."""
from __future__ import annotations

from .. import contract
from ..columns import Columns
from ..findings import error
from .funds import Names
from .names import did_you_mean
from .nav import MAX_AMOUNT, too_large
from .table import Table


def parse_expenses(t: Table | None, names: Names) -> Columns:
    """A Category outside FIFTH's purposes is an error (with a did-you-mean); a blank Fund is
    an expense of all funds ('')."""
    cols: dict[str, list] = {"date": [], "fund": [], "category": [], "amount": [], "row": []}
    if t is not None:
        for h in ("Date", "Category", "Amount"):
            t.required(h)
        for i in t.rows():
            d, written = t.value(i, "Date"), t.value(i, "Fund") or ""
            cat, amt = t.value(i, "Category"), t.value(i, "Amount")
            if d is None or not cat or amt is None:
                continue
            if abs(amt) >= MAX_AMOUNT:
                t.sink.add(too_large(t.loc(i, "Amount"), "Amount", amt))
                continue
            if cat not in contract.EXPENSE_CATEGORIES:
                from difflib import get_close_matches  # only when a name is unknown
                near = get_close_matches(cat, contract.EXPENSE_CATEGORIES, n=2, cutoff=0.5)
                t.sink.add(error("expense.bad_category", t.loc(i, "Category"),
                                 f"Category '{cat}' is not a purpose listed in plan FIFTH "
                                 f"({'; '.join(contract.EXPENSE_CATEGORIES)}).{did_you_mean(near)}"))
                continue
            fund: str | None = ""
            if written:
                fund = names.resolve(written, t.loc(i, "Fund"), "Expenses fund")
                if fund is None:
                    continue
            cols["date"].append(d)
            cols["fund"].append(fund)
            cols["category"].append(cat)
            cols["amount"].append(amt)
            cols["row"].append(t.raw.excel_row(i))
    return Columns(cols)
