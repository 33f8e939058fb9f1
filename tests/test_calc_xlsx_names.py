"""addin/calc/xlsx_names.py: the Excel names back in an .xlsx saved by LibreOffice Calc."""
import io
import os
import zipfile

from addin.calc import xlsx_names as X

SHEET = (b'<worksheet><sheetData><row r="5"><c r="A5" t="str"><f aca="false" t="array" '
         b'ref="A5:F189">ORG.FEE12B1.CALC.FUNCTIONS.FEE_ACCRUALS(ScheduleA[[#All]],'
         b'NAV[[#Headers],[#Data]],Settings[[#All]],$B$2)</f><v>fund</v></c>'
         b'<c r="G5"><f aca="false">ORG.FEE12B1.CALC.FUNCTIONS.FEE_ADNA(NAV[Date],NAV[Fund],$B5,$C5)'
         b'</f><v>1</v></c><c r="H5"><f>SUM(A1:A3)</f><v>3</v></c></row></sheetData></worksheet>')
STRINGS = b"<sst><si><t>ORG.FEE12B1.CALC.FUNCTIONS.FEE_ADNA( is what Calc writes</t></si></sst>"


NAMES = (b'<workbook><definedNames><definedName name="x">ORG.FEE12B1.CALC.FUNCTIONS.FEE_DAILY(1,2,3)'
         b'</definedName></definedNames></workbook>')


def package(sheet=SHEET, workbook=NAMES) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", STRINGS)
        z.writestr("xl/workbook.xml", workbook)
    return buf.getvalue()


def test_formulas_get_the_excel_names():
    out = zipfile.ZipFile(io.BytesIO(X.restore(package())))
    sheet = out.read("xl/worksheets/sheet1.xml")
    assert b"ORG.FEE12B1" not in sheet
    assert (b'<f aca="false" t="array" ref="A5:F189">FEE_ACCRUALS(ScheduleA[#All],'
            b'NAV[[#Headers],[#Data]],Settings[#All],$B$2)</f>') in sheet
    assert b"<f aca=\"false\">FEE_ADNA(NAV[Date],NAV[Fund],$B5,$C5)</f>" in sheet
    assert b"<f>SUM(A1:A3)</f>" in sheet
    assert b"<definedName name=\"x\">FEE_DAILY(1,2,3)</definedName>" in out.read("xl/workbook.xml")
    # text is not a formula: left alone, as is every other part
    assert out.read("xl/sharedStrings.xml") == STRINGS
    assert out.namelist() == zipfile.ZipFile(io.BytesIO(package())).namelist()


def test_nothing_to_change():
    assert X.restore(package(b"<worksheet><f>SUM(A1)</f></worksheet>", b"<workbook/>")) is None


def test_restore_file_in_place_keeps_the_mode(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(package())
    os.chmod(path, 0o640)
    assert X.restore_file(str(path)) is True
    assert b"ORG.FEE12B1" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert X.restore_file(str(path)) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]
