"""The LibreOffice harness itself: formulas written by openpyxl (no cached values)
come back computed by Calc, stale cached values are replaced, charts print, and
files that are not workbooks are reported as such."""
from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from tests.libreoffice import (
    LibreOffice,
    LibreOfficeError,
    LibreOfficeNotFound,
    find_soffice,
    pdf_info,
    pdf_text,
)


def _fee_workbook(path):
    """Four share classes: average net assets and annual 12b-1 rates."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Classes"
    ws.append(["Class", "Assets", "Rate", "Units"])
    rows = [
        ("A", 1_000_000, 0.0025, 3),
        ("C", 2_500_000, 0.0075, 5),
        ("R", 400_000, 0.01, 7),
        ("I", 100_000, 0.0025, 11),
    ]
    for row in rows:
        ws.append(row)
    ws["F1"] = "=SUM(B2:B5)"
    ws["F2"] = "=SUMPRODUCT(B2:B5,C2:C5)"
    ws["F3"] = "=AVERAGE(C2:C5)"
    ws["F4"] = "=SUMPRODUCT(D2:D5,D2:D5)"
    ws["F5"] = "=AVERAGE(D2:D5)"
    ws["F6"] = "=ROUND(F2/12,2)"
    summary = wb.create_sheet("Summary")
    summary["A1"] = "Annual fee"
    summary["B1"] = "=Classes!F2"
    summary["B2"] = '=IF(Classes!F1>3000000,"large","small")'
    summary["B3"] = "=COUNTIF(Classes!C2:C5,0.0025)"
    wb.save(path)
    return path


pytestmark = pytest.mark.libreoffice


def test_find_soffice():
    assert find_soffice(), "soffice must be installed (apt-get install libreoffice-calc-nogui)"


def test_missing_soffice_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SOFFICE", str(tmp_path / "no-such-soffice"))
    assert find_soffice() is None
    with pytest.raises(LibreOfficeNotFound, match="libreoffice-calc-nogui"):
        LibreOffice(tmp_path / "profile")


def test_profile_recalculates_on_load(libreoffice):
    xcu = (libreoffice.profile_dir / "user" / "registrymodifications.xcu").read_text()
    assert 'oor:name="OOXMLRecalcMode"' in xcu
    assert 'oor:name="ODFRecalcMode"' in xcu


def test_formulas_without_cached_values_are_computed(libreoffice, tmp_path):
    src = _fee_workbook(tmp_path / "fees.xlsx")
    # openpyxl stores formulas only: nothing cached before LibreOffice sees it
    assert openpyxl.load_workbook(src, data_only=True)["Classes"]["F1"].value is None

    (out,) = libreoffice.recalculate([src], tmp_path / "lo")
    assert out == (tmp_path / "lo" / "fees.xlsx").resolve()
    values = libreoffice.cell_values(out)
    c, s = values["Classes"], values["Summary"]

    assert c["F1"] == 4_000_000                       # 1,000,000 + 2,500,000 + 400,000 + 100,000
    assert c["F2"] == pytest.approx(25_500, rel=1e-12)  # 2,500 + 18,750 + 4,000 + 250
    assert c["F3"] == pytest.approx(0.005625, rel=1e-12)  # 0.0225 / 4
    assert c["F4"] == 204                              # 9 + 25 + 49 + 121
    assert c["F5"] == 6.5                              # 26 / 4
    assert c["F6"] == 2125                             # 25,500 / 12
    assert s["B1"] == pytest.approx(25_500, rel=1e-12)
    assert s["B2"] == "large"
    assert s["B3"] == 2
    # inputs survive the round trip
    assert c["A2"] == "A" and c["B3"] == 2_500_000 and c["C4"] == 0.01


def test_stale_cached_values_are_replaced(libreoffice, tmp_path):
    """Calc's default for .xlsx is to trust cached values; the profile forces recalculation."""
    src = _fee_workbook(tmp_path / "fees.xlsx")
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes an empty cached value: <v/>, <v /> or <v></v>
                text, n = re.subn(r"(<f>SUM\(B2:B5\)</f>)<v\s*(?:/>|>\s*</v>)",
                                  r"\1<v>999</v>", data.decode())
                assert n == 1
                data = text.encode()
            zout.writestr(item, data)
    assert openpyxl.load_workbook(stale, data_only=True)["Classes"]["F1"].value == 999

    values = libreoffice.recalculated_values(stale, tmp_path / "lo")
    assert values["Classes"]["F1"] == 4_000_000


def test_date_arithmetic(libreoffice, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Dates"
    ws["A1"] = dt.date(2024, 1, 31)
    formulas = {
        "B1": "=A1+30",                       # leap year: 2024-03-01
        "B2": "=EDATE(A1,1)",                 # 2024-02-29
        "B3": "=EOMONTH(A1,12)",              # 2025-01-31
        "B4": "=DATE(YEAR(A1),MONTH(A1)+1,1)",  # 2024-02-01
    }
    for ref, formula in formulas.items():
        ws[ref] = formula
        ws[ref].number_format = "yyyy-mm-dd"
    ws["C1"] = "=DATE(2024,12,31)-A1"         # 335 days
    ws["C2"] = "=NETWORKDAYS(A1,EOMONTH(A1,1))"  # Wed 31 Jan + 21 weekdays in Feb 2024
    ws["C3"] = "=DAY(EOMONTH(A1,1))"          # 29
    ws["C4"] = "=WEEKDAY(A1,2)"               # Wednesday = 3
    ws["C5"] = "=A1-DATE(1899,12,30)"         # serial number (date - date is a number)
    wb.save(tmp_path / "dates.xlsx")

    values = libreoffice.recalculated_values(tmp_path / "dates.xlsx", tmp_path / "lo")["Dates"]
    assert values["B1"] == dt.datetime(2024, 3, 1)
    assert values["B2"] == dt.datetime(2024, 2, 29)
    assert values["B3"] == dt.datetime(2025, 1, 31)
    assert values["B4"] == dt.datetime(2024, 2, 1)
    assert values["C1"] == 335
    assert values["C2"] == 22
    assert values["C3"] == 29
    assert values["C4"] == 3
    assert values["C5"] == 45322  # 1900 date system serial of 2024-01-31


def test_many_files_in_one_call(libreoffice, tmp_path):
    sources = []
    for n in range(1, 6):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws["A1"] = n
        ws["A2"] = "=A1*A1+1"
        path = tmp_path / "in" / f"book{n}.xlsx"
        path.parent.mkdir(exist_ok=True)
        wb.save(path)
        sources.append(path)
    calls_before = len(libreoffice.calls)
    outputs = libreoffice.recalculate(sources, tmp_path / "out")
    assert len(libreoffice.calls) == calls_before + 1
    assert [p.name for p in outputs] == [f"book{n}.xlsx" for n in range(1, 6)]
    assert [libreoffice.cell_values(p)["Sheet"]["A2"] for p in outputs] == [2, 5, 10, 17, 26]


def test_chart_prints_to_pdf(libreoffice, tmp_path):
    src = _fee_workbook(tmp_path / "chart.xlsx")
    wb = openpyxl.load_workbook(src)
    ws = wb["Classes"]
    chart = BarChart()
    chart.title = "Distribution fees by class"
    chart.y_axis.title = "Assets"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=5), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=5))
    ws.add_chart(chart, "H2")
    wb.save(src)

    (pdf,) = libreoffice.to_pdf([src], tmp_path / "pdf")
    assert pdf.suffix == ".pdf" and pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")
    assert int(pdf_info(pdf)["Pages"]) >= 1
    text = pdf_text(pdf)
    assert "Distribution fees by class" in text  # the chart was drawn
    assert "4000000" in text.replace(",", "")     # and the sheet printed recalculated


def test_not_a_workbook_does_not_open(libreoffice, tmp_path):
    good = _fee_workbook(tmp_path / "good.xlsx")
    text = tmp_path / "text.xlsx"
    text.write_text("this is not a spreadsheet\n1,2,3\n")
    noise = tmp_path / "noise.xlsx"
    noise.write_bytes(bytes(range(256)) * 20)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:1500])
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")

    assert libreoffice.opens_cleanly(good)
    assert not libreoffice.opens_cleanly(text)
    assert not libreoffice.opens_cleanly(noise)
    assert not libreoffice.opens_cleanly(truncated)
    assert not libreoffice.opens_cleanly(empty)
    assert not libreoffice.opens_cleanly(tmp_path / "missing.xlsx")


def test_conversion_errors_carry_stderr(libreoffice, tmp_path):
    good = _fee_workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LibreOfficeError) as info:
        libreoffice.recalculate([good, bad], tmp_path / "out")
    assert "bad.xlsx" in str(info.value)
    assert "could not be loaded" in info.value.stderr
    assert (tmp_path / "out" / "good.xlsx").is_file()


def test_refuses_to_overwrite_input_or_merge_outputs(libreoffice, tmp_path):
    a = _fee_workbook(tmp_path / "fees.xlsx")
    (tmp_path / "other").mkdir()
    b = _fee_workbook(tmp_path / "other" / "fees.xlsx")
    with pytest.raises(ValueError, match="overwrite"):
        libreoffice.recalculate([a], tmp_path)
    with pytest.raises(ValueError, match="both"):
        libreoffice.recalculate([a, b], tmp_path / "out")
    with pytest.raises(FileNotFoundError):
        libreoffice.recalculate([tmp_path / "missing.xlsx"], tmp_path / "out")


def test_timeout_kills_soffice_and_profile_stays_usable(tmp_path):
    lo = LibreOffice(tmp_path / "profile")
    src = _fee_workbook(tmp_path / "fees.xlsx")
    with pytest.raises(LibreOfficeError, match="did not finish"):
        lo.convert([src], tmp_path / "out", "ods", timeout=0.05)
    (out,) = lo.recalculate([src], tmp_path / "out")
    assert lo.cell_values(out)["Classes"]["F1"] == 4_000_000
