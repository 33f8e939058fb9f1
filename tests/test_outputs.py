"""The fast CSV writer: it reads back cell for cell and equals the csv module's output."""
import csv
import io
from datetime import date
from decimal import Decimal

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from fee_core.write.csv import csv_cell, csv_text
from fee_core.write.text import csv_safe

TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\n\r=+-@\t\'x')), max_size=8)


@given(st.lists(st.tuples(TEXT, st.decimals(min_value=-10**9, max_value=10**9, places=2),
                          st.dates(), st.booleans(), st.integers(0, 366)), min_size=1, max_size=20))
def test_csv_text_equals_csv_module(rows):
    cols = ["t", "m", "d", "b", "n"]
    df = pd.DataFrame(rows, columns=cols)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([csv_cell(v) for v in r])
    ours = csv_text(df, cols)
    # read back, every cell is what csv_cell made of it
    assert list(csv.reader(io.StringIO(ours, newline=""))) == \
        [cols] + [[csv_cell(v) for v in r] for r in rows]
    if not any("\r" in r[0] for r in rows):
        assert ours == buf.getvalue()      # byte-identical to the csv module
    # (a bare CR is quoted here, per RFC 4180; the csv module leaves it bare)


def test_formula_text_is_prefixed_but_numbers_are_not():
    assert [csv_safe(s) for s in ("=1+1", "+1", "-x", "@A", "ok")] == \
        ["'=1+1", "'+1", "'-x", "'@A", "ok"]
    # a leading tab or CR is a control character: shown as an escape, which cannot start a formula
    assert [csv_safe(s) for s in ("\tx", "\rx", "a\x1b[2Jb")] == ["\\x09x", "\\x0dx", "a\\x1b[2Jb"]
    assert csv_cell(Decimal("-5.00")) == "-5.00" and csv_cell(date(2001, 1, 2)) == "2001-01-02"
