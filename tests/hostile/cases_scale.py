"""Many bad rows (SPEC §5 bounds): a problem repeated on thousands of rows gives a bounded
number of located findings and a count of the rest, in bounded time and memory."""
from __future__ import annotations

from datetime import date

from tests.hostile.build import sample, write
from tests.hostile.case import Case

N = 20_000


def _assets_rows(amount, pid=lambda k: "P001"):
    def build(path):
        t = sample()
        t["ProviderAssets"] = [{"Period Start": date(2001, 1, 1), "Period End": date(2001, 1, 31),
                                "Provider ID": pid(k), "Fund": "Balanced Fund",
                                "Average Net Assets": amount} for k in range(N)]
        write(path, t)
    return build


def _nav_text(path):
    t = sample()
    for r in t["NAV"]:
        r["High Yield Fund"] = f"{r['High Yield Fund']:,.2f}" if r["High Yield Fund"] else None
    write(path, t)


def _blank_rows_inside(path):
    t = sample()
    blank = {k: None for k in t["ProviderAssets"][0]}
    rows = t["ProviderAssets"]
    t["ProviderAssets"] = rows[:10] + [dict(blank) for _ in range(N)] + rows[10:]
    write(path, t)


CASES = [
    Case("assets_twenty_thousand_booleans", _assets_rows(True), "cell.not_a_number",
         "'Provider Assets'!E"),
    Case("assets_twenty_thousand_texts", _assets_rows("2,000,000"), "cell.not_a_number",
         "'Provider Assets'!E"),
    Case("assets_twenty_thousand_unknown_ids", _assets_rows(1_000.0, pid=lambda k: f"X{k:05d}"),
         "provider.unknown", "'Provider Assets'!C"),
    Case("nav_column_of_texts", _nav_text, "cell.not_a_number", "NAV!B"),
    Case("assets_twenty_thousand_blank_rows_inside", _blank_rows_inside, "table.blank_row",
         "'Provider Assets'!12", exit=0, severity="warning"),
]
MESSAGE = {
    "assets_twenty_thousand_booleans": "more rows",
    "assets_twenty_thousand_texts": "more rows",
    "assets_twenty_thousand_unknown_ids": "more rows",
    "nav_column_of_texts": "more rows",
}
