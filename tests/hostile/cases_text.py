"""Text from the workbook on its way to the terminal and to CSV (SPEC §5): control characters
(``_x001B_`` escapes in the sheet XML, CR, LF, bidirectional overrides) escaped so that no
screen can be redrawn and no "0 error(s)" line forged; names that a spreadsheet would run as a
formula kept as text in every CSV field."""
from __future__ import annotations

import re

from tests.hostile.build import patch_cells, sample, write
from tests.hostile.case import Case

FORGED = "_x000D__x000A_0 error(s), 0 warning(s)_x000D_"


def _inline(path, sheet, ref, xml_text):
    patch_cells(path, {(sheet, ref): f't="inlineStr"><is><t xml:space="preserve">{xml_text}</t></is>'})


def _nav_header_escape(path):
    write(path, sample())
    _inline(path, "NAV", "B1", "High Yield_x001B_[2J_x001B_[H Fund")


def _fund_name_forged_line(path):
    write(path, sample())
    _inline(path, "Schedule B", "A2", "Balanced Fund" + FORGED)


def _above_cap_p002():
    """The sample with P002's agreed rate above the service-fee cap: its name is then quoted
    in a warning."""
    t = sample()
    t["Providers"][1]["Service Fee Rate"] = 0.003
    return t


def _provider_name_forged_line(path):
    write(path, _above_cap_p002())
    _inline(path, "Providers", "B3", "Lakeshore" + FORGED)      # P002, its rate is above the cap


def _raw_controls_in_name(path):
    t = _above_cap_p002()
    t["Providers"][1]["Provider Name"] = "Lakeshore\u202eevil\u2028x\x85y"
    write(path, t)


def _rename_everywhere(old, new):
    def build(path):
        t = sample()
        for table in ("ScheduleA", "ScheduleB", "PlanEvents", "FundNames", "ProviderAssets", "Expenses"):
            for r in t[table]:
                if r.get("Fund") and re.sub(r"^INVESCO ", "", r["Fund"]) == old:
                    r["Fund"] = new
        for r in t["NAV"]:
            r[new] = r.pop(old)
        write(path, t)
    return build


def _provider_id(new):
    def build(path):
        t = sample()
        old = t["Providers"][0]["Provider ID"]
        t["Providers"][0]["Provider ID"] = new
        for r in t["ProviderAssets"]:
            if r["Provider ID"] == old:
                r["Provider ID"] = new
        write(path, t)
    return build


def _category(text):
    def build(path):
        t = sample()
        t["Expenses"][0]["Category"] = text
        write(path, t)
    return build


CASES = [
    Case("nav_header_with_escape_sequences", _nav_header_escape, "name.unknown", "NAV"),
    Case("fund_name_forging_a_count_line", _fund_name_forged_line, "name.unknown", "'Schedule B'!A2"),
    Case("provider_name_forging_a_count_line", _provider_name_forged_line, "provider.rate_above_cap",
         "Providers!D3", exit=0, severity="warning"),
    Case("provider_name_with_bidi_override", _raw_controls_in_name, "provider.rate_above_cap",
         "Providers!D3", exit=0, severity="warning"),
    Case("fund_named_like_a_hyperlink_formula",
         _rename_everywhere("Balanced Fund", '=HYPERLINK("http://example.invalid","Balanced Fund")'),
         None, None, exit=0),
    Case("fund_named_like_a_dde_formula", _rename_everywhere("Energy Fund", "@SUM(1+1)*cmd|' /C calc'!A0"),
         None, None, exit=0),
    Case("fund_named_with_leading_minus", _rename_everywhere("Leisure Fund", "-Leisure Fund"),
         None, None, exit=0),
    Case("provider_id_like_a_formula", _provider_id("+P001"), None, None, exit=0),
    Case("expense_category_like_a_formula", _category("=cmd|' /C calc'!A0"), "expense.bad_category",
         "Expenses!C2"),
]
COMMANDS = {
    "fund_named_like_a_hyperlink_formula": [(("publish", "{book}", "{out}/published.xlsx"), 0, None)],
    "fund_named_like_a_dde_formula": [
        (("publish", "{book}", "{out}/published.xlsx"), 0, None),
        (("report", "{book}", "--quarter", "2001Q2", "{out}/report.xlsx"), 0, None)],
}
PENDING: dict[str, str] = {}
