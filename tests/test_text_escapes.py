"""Text from the input on its way out (SPEC §5): control characters escaped in everything
printed and in every CSV, so that a cell cannot redraw the terminal or forge a line."""
from __future__ import annotations

import csv
import io
import re

from fee_core.console import print_findings
from fee_core.findings import Location, error
from fee_core.write.csv import csv_text
from fee_core.write.text import escape_controls

FORGED = "Balanced Fund\x1b[2J\x1b[H\r\n0 error(s), 0 warning(s)\r\u2028\x85\u202eevil"
RAW = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def test_escape_controls():
    assert escape_controls("a\x1bb\rc\nd\x85e\u2028f\u202eg\tz") == \
        "a\\x1bb\\x0dc\\x0ad\\x85e\\u2028f\\u202eg\\x09z"
    assert escape_controls("Growth & Income Fund — 0.45 %") == "Growth & Income Fund — 0.45 %"


def test_a_forged_count_line_cannot_be_drawn():
    f = error("name.unknown", Location("Schedule B", "ScheduleB", 2, "Fund", "A2"),
              f"Schedule B fund '{FORGED}' is not a Schedule A fund.")
    for fmt in ("text", "csv", "json"):
        out = io.StringIO()
        print_findings([f], fmt, out)
        text = out.getvalue()
        assert not RAW.search(text), (fmt, text)
        if fmt == "text":
            counts = [x for x in text.splitlines() if re.fullmatch(r"\d+ error\(s\), \d+ warning\(s\)", x)]
            assert counts == ["1 error(s), 0 warning(s)"]


def test_csv_fields_hold_no_raw_control():
    from fee_core.columns import Columns
    text = csv_text(Columns({"fund": [FORGED, "=HYPERLINK(\"x\")"]}), ["fund"])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 3 and not RAW.search(text)
    assert rows[2] == ["'=HYPERLINK(\"x\")"]
