"""fee12b1 publish and write_computed, without a spreadsheet engine: what the file holds,
what it must never hold, and the refusals with their exit codes.  Files are inspected with
openpyxl and as zip/XML, not through the project's reader (except where said)."""
from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from fee_core.cli import main
from fee_core.engine import load, run
from fee_core.errors import OutputExists, WouldOverwriteInput
from fee_core.write.publish import TIME_ENV, publish, write_computed
from templates.builder import build_template, template_bytes

NOW = datetime(2002, 1, 15, 9, 30, tzinfo=UTC)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _xml(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    p = tmp_path_factory.mktemp("pub") / "sample-2001.xlsx"
    build_template(p, 2001, sample=True)
    return p


@pytest.fixture(scope="module")
def published(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("pubout") / "published.xlsx"
    ok, findings = publish(sample, out, now=NOW)
    assert ok and not any(f.is_error for f in findings)
    return out


@pytest.fixture(scope="module")
def engine(sample):
    book, findings = load(sample)
    return run(book, findings)


# ----------------------------------------------------------------------------- contents

def test_published_is_plain_xlsx_without_macros_conf_or_addin(published):
    parts = _xml(published)
    assert not any("vbaProject" in n for n in parts)
    assert b"macroEnabled" not in parts["[Content_Types].xml"]
    assert b"spreadsheetml.sheet.main+xml" in parts["[Content_Types].xml"]
    wb = openpyxl.load_workbook(published)
    assert "xlwings.conf" not in wb.sheetnames
    for name, body in parts.items():
        assert b"FEE_" not in body.upper() or not name.startswith("xl/worksheets"), name
        assert b"_xludf" not in body
    formulas = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas, "native totals must be formulas"
    for f in formulas:
        assert "FEE_" not in str(f).upper()
        assert "[" not in str(f), f"no external or structured reference in {f}"


def test_published_sheets_and_cover(published, sample):
    wb = openpyxl.load_workbook(published)
    assert wb.sheetnames[0] == "Cover"
    for name in ("Settings", "Schedule A", "Schedule B", "NAV", "Providers", "Provider Assets",
                 "Accruals", "Payouts", "Payments", "Checks", "Summary", "Tie-out"):
        assert name in wb.sheetnames
    cover = {r[0].value: r[1].value for r in wb["Cover"].iter_rows(min_col=1, max_col=2)
             if r[0].value}
    assert cover["Source workbook"] == "sample-2001.xlsx"
    assert cover["Source SHA-256"] == _sha(sample)
    from fee_core import __version__
    assert cover["Tool"] == f"fee12b1 {__version__}"
    assert cover["Published (UTC)"] == "2002-01-15 09:30:00Z"
    assert cover["Period Start"].date().isoformat() == "2001-01-01"
    assert cover["Period End"].date().isoformat() == "2001-12-31"
    assert cover["Day Count"] == "Actual/Actual" and cover["Rounding"] == "Period"
    assert "0 errors" in cover["Findings"]


def test_computed_values_are_the_engines(published, engine):
    ws = openpyxl.load_workbook(published)["Accruals"]
    header = [c.value for c in ws[1]]
    assert tuple(header) == tuple(engine.accruals.columns)
    n = len(engine.accruals)
    col = header.index("plan_fee") + 1
    got = [Decimal(str(ws.cell(r, col).value)).quantize(Decimal("0.01")) for r in range(2, n + 2)]
    assert got == list(engine.accruals["plan_fee"])
    total = ws.cell(n + 2, col)
    assert ws.cell(n + 2, 1).value == "Total"
    assert total.value == f"=SUM(F2:F{n + 1})"
    pay = openpyxl.load_workbook(published)["Payouts"]
    assert {pay.cell(r, 7).value for r in range(2, len(engine.payouts) + 2)} <= {"true", "false"}


def test_published_copy_reads_back_as_the_same_input(published, engine):
    """The copy's input tables are the input's: the engine computes the same figures."""
    book, findings = load(published)
    res = run(book, findings)
    assert res.ok
    assert res.accruals.equals(engine.accruals)
    assert res.payouts.equals(engine.payouts)
    assert res.payments.equals(engine.payments)


def test_same_time_gives_identical_bytes(sample, tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    publish(sample, a, now=NOW)
    publish(sample, b, now=NOW)
    assert a.read_bytes() == b.read_bytes()


def test_time_from_environment(sample, tmp_path, monkeypatch):
    monkeypatch.setenv(TIME_ENV, "2003-04-05T06:07:08+00:00")
    out = tmp_path / "p.xlsx"
    assert main(["publish", str(sample), str(out)]) == 0
    cover = openpyxl.load_workbook(out)["Cover"]
    assert "2003-04-05 06:07:08Z" in [c.value for c in cover["B"]]


# ----------------------------------------------------------------------------- hostile text

def test_formula_like_text_is_written_as_text(tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(2001, sample=True, outputs=False)))
    ws = wb["Providers"]
    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1)", "\tTAB", "\rCR"]
    for i, text in enumerate(evil, start=2):
        c = ws.cell(i, 2)
        c.value = text
        c.data_type = "s"
    src = tmp_path / "evil.xlsx"
    wb.save(src)
    out = tmp_path / "evil-published.xlsx"
    ok, findings = publish(src, out, now=NOW)
    assert ok, [str(f) for f in findings if f.is_error]
    pub = openpyxl.load_workbook(out)["Providers"]
    names = [pub.cell(i, 2) for i in range(2, 2 + len(evil))]
    # XML turns a lone CR into LF on reading; what matters is that it stays text
    assert [c.value for c in names][:5] == evil[:5] and names[5].value.endswith("CR")
    assert all(c.data_type == "s" for c in names)
    assert all(c.quotePrefix for c in names[:4])
    sheet_xml = b"".join(v for k, v in _xml(out).items() if k.startswith("xl/worksheets/"))
    parts = b"".join(v for k, v in _xml(out).items() if k.startswith("xl/"))
    assert b"HYPERLINK" in parts                    # kept, as text (XlsxWriter: shared strings)
    assert not re.search(rb"<f>[^<]*HYPERLINK", sheet_xml)


# ----------------------------------------------------------------------------- refusals

def test_input_unchanged_by_publish(sample, tmp_path):
    before, mtime = _sha(sample), sample.stat().st_mtime_ns
    assert main(["publish", str(sample), str(tmp_path / "o.xlsx")]) == 0
    assert _sha(sample) == before and sample.stat().st_mtime_ns == mtime


def test_refuses_input_with_errors(tmp_path, capsys):
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(2001, sample=True, outputs=False)))
    wb["NAV"]["B5"] = -5.0   # negative net assets: an error
    src = tmp_path / "bad.xlsx"
    wb.save(src)
    out = tmp_path / "bad-published.xlsx"
    assert main(["publish", str(src), str(out)]) == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx"]   # no temp file left
    text = capsys.readouterr().out
    assert "error" in text and "not written" in text
    ok, findings = publish(src, out)
    assert not ok and any(f.is_error for f in findings) and not out.exists()


def test_existing_output_needs_force(sample, tmp_path, capsys):
    out = tmp_path / "o.xlsx"
    out.write_bytes(b"keep me")
    assert main(["publish", str(sample), str(out)]) == 2
    assert out.read_bytes() == b"keep me"
    assert "--force" in capsys.readouterr().err
    with pytest.raises(OutputExists):
        publish(sample, out)
    assert main(["publish", str(sample), str(out), "--force"]) == 0
    assert zipfile.is_zipfile(out)


@pytest.mark.parametrize("how", ["same", "dotdot", "symlink", "hardlink"])
def test_never_overwrites_input(sample, tmp_path, how, capsys):
    src = tmp_path / "in" / "book.xlsx"
    src.parent.mkdir()
    src.write_bytes(sample.read_bytes())
    before = _sha(src)
    if how == "same":
        out = src
    elif how == "dotdot":
        out = tmp_path / "in" / ".." / "in" / "book.xlsx"
    elif how == "symlink":
        out = tmp_path / "link.xlsx"
        out.symlink_to(src)
    else:
        out = tmp_path / "hard.xlsx"
        os.link(src, out)
    for force in ([], ["--force"]):
        assert main(["publish", str(src), str(out), *force]) == 2
    assert _sha(src) == before
    assert "input" in capsys.readouterr().err
    with pytest.raises(WouldOverwriteInput):
        publish(src, out, force=True)


def test_usage_errors(sample, tmp_path):
    assert main(["publish", str(tmp_path / "missing.xlsx"), str(tmp_path / "o.xlsx")]) == 2
    assert main(["publish", str(sample), str(tmp_path / "o.xlsm")]) == 2
    assert main(["publish", str(sample), str(tmp_path)]) == 2
    assert not (tmp_path / "o.xlsx").exists() and not (tmp_path / "o.xlsm").exists()


# ----------------------------------------------------------------------------- computed workbook

def test_computed_workbook_keeps_addin_sheets(sample, engine, tmp_path):
    out = tmp_path / "computed.xlsx"
    write_computed(engine, out, now=NOW)
    wb = openpyxl.load_workbook(out)
    for name in ("Accruals (computed)", "Payouts (computed)", "Payments (computed)",
                 "Checks (computed)", "Summary (computed)", "Tie-out", "Summary", "Accruals",
                 "Payouts", "Checks", "xlwings.conf"):
        assert name in wb.sheetnames
    assert wb["xlwings.conf"]["B1"].value == "addin.udfs"
    assert "FEE_ACCRUALS(" in wb["Accruals"]["A5"].value.text
    parts = _xml(out)
    assert "xl/metadata.xml" in parts and not any("vbaProject" in n for n in parts)
    with pytest.raises(OutputExists):
        write_computed(engine, out)
    write_computed(engine, out, force=True, now=NOW)
    with pytest.raises(WouldOverwriteInput):
        write_computed(engine, sample, force=True)
