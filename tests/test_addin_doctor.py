"""`fee12b1 addin --check` (addin/doctor.py): the xlwings pin and the project add-in's set-up.

The add-in files are xlwings' own: the ``quickstart_addin.xlam`` that ``xlwings quickstart
fee12b1 --addin`` copies (as shipped, and with its configuration sheet filled in by editing the
sheet XML, as a user does in Excel).
"""
import re
import tomllib
import zipfile
from pathlib import Path

import xlwings

from addin import doctor, vba
from fee_core.cli import main

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = Path(xlwings.__file__).parent / "quickstart_addin.xlam"
PYTHONW = r"C:\Users\ann\fee12b1\.venv\Scripts\pythonw.exe"


def pin_in_pyproject() -> str:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (pin,) = [d for d in deps if d.replace(" ", "").startswith("xlwings")]
    assert re.fullmatch(r"xlwings==\d+\.\d+\.\d+", pin), "xlwings must be pinned exactly"
    return pin.split("==")[1]


def configured(tmp_path: Path, sheet="myaddin.conf", modules="addin.udfs",
               interpreter=PYTHONW) -> Path:
    """The quickstart add-in with its configuration sheet renamed and filled in."""
    out = tmp_path / "fee12b1.xlam"
    with zipfile.ZipFile(QUICKSTART) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'name="_myaddin.conf"', f'name="{sheet}"'.encode())
            elif item.filename == "xl/worksheets/sheet1.xml":
                for row, value in ((1, interpreter), (6, modules)):
                    cell = (f'<c r="B{row}" t="inlineStr"><is><t>{value}</t></is></c>'
                            if value else "")
                    data = re.sub(rf'(<row r="{row}"[^>]*>.*?)(</row>)'.encode(),
                                  lambda m, c=cell: m.group(1) + c.encode() + m.group(2), data,
                                  count=1, flags=re.DOTALL)
            dst.writestr(item, data)
    return out


# --------------------------------------------------------------------------- the pin
def test_pyproject_pins_the_installed_xlwings():
    pin = pin_in_pyproject()
    assert doctor.pinned_xlwings() == pin  # the installed fee12b1's metadata says the same
    assert doctor.installed_xlwings() == pin == xlwings.__version__


def test_version_lines():
    assert [x.status for x in doctor.version_lines("0.37.8", "0.37.8")] == ["ok"]
    (line,) = doctor.version_lines("0.38.0", "0.37.8")
    assert line.status == "FIX" and "pip install xlwings==0.37.8" in line.text
    assert "xlwings64-0.37.8.dll" in line.text
    assert doctor.version_lines(None, "0.37.8")[0].status == "FIX"
    assert doctor.version_lines("0.37.8", None)[0].status == "FIX"


def test_dll_lines(tmp_path):
    assert doctor.dll_lines("0.37.8", tmp_path, platform="linux")[0].status == "note"
    assert doctor.dll_lines("0.37.8", tmp_path, platform="win32")[0].status == "FIX"
    (tmp_path / "xlwings64-0.37.8.dll").write_bytes(b"MZ")
    assert doctor.dll_lines("0.37.8", tmp_path, platform="win32")[0].status == "ok"
    assert doctor.dll_lines("0.38.0", tmp_path, platform="win32")[0].status == "FIX"


def test_cli_check_matching_and_mismatching(monkeypatch, capsys):
    assert main(["addin", "--check"]) == 0
    out = capsys.readouterr().out
    assert f"ok  xlwings {xlwings.__version__} installed, as pinned" in out
    real = doctor.metadata.version
    monkeypatch.setattr(doctor.metadata, "version",
                        lambda name: "0.38.0" if name == "xlwings" else real(name))
    assert main(["addin", "--check"]) == 1
    out = capsys.readouterr().out
    assert f"FIX  xlwings 0.38.0 is installed, fee12b1 needs exactly {pin_in_pyproject()}" in out
    assert "1 thing(s) to fix" in out


# --------------------------------------------------------------------------- the add-in file
def test_quickstart_addin_as_shipped(capsys):
    assert main(["addin", "--check", "--addin", str(QUICKSTART)]) == 1
    out = capsys.readouterr().out
    assert f"ok  made with xlwings {xlwings.__version__} (xlwings64-{xlwings.__version__}.dll)" in out
    assert "rename the sheet _myaddin.conf to myaddin.conf" in out
    assert "the functions are not imported: run ImportPythonUDFsToAddin" in out


def test_configured_addin(tmp_path):
    path = configured(tmp_path)
    lines = doctor.check(path, installed="0.37.8", pin="0.37.8", platform="linux")
    text = "\n".join(map(str, lines))
    assert "ok  configuration sheet myaddin.conf" in text
    assert "ok  UDF Modules = addin.udfs" in text
    assert f"ok  Interpreter_Win = {PYTHONW}" in text
    # only the import of the functions is left (VBA cannot be written without Excel)
    assert [x.text for x in lines if x.status == "FIX"] == [
        ("the functions are not imported: run ImportPythonUDFsToAddin in the add-in's VBA "
         "editor (or import 'fee12b1 addin --out' .bas)")]


def test_addin_settings_wrong(tmp_path):
    lines = doctor.check(configured(tmp_path, modules="fee12b1", interpreter=""),
                         installed="0.37.8", pin="0.37.8", platform="linux")
    fixes = [x.text for x in lines if x.status == "FIX"]
    assert any(t.startswith("UDF Modules is fee12b1: set it to addin.udfs") for t in fixes)
    assert any(t.startswith("Interpreter_Win is empty") for t in fixes)
    lines = doctor.check(configured(tmp_path, interpreter="python"), installed="0.37.8",
                         pin="0.37.8", platform="linux")
    assert any("give the full path of pythonw.exe" in x.text for x in lines if x.status == "FIX")


def test_addin_made_with_another_xlwings(tmp_path):
    """An upgrade of xlwings breaks the add-in: the check says so and what to do."""
    lines = doctor.check(configured(tmp_path), installed="0.38.0", pin="0.37.8",
                         platform="linux")
    fixes = [x.text for x in lines if x.status == "FIX"]
    assert fixes[0].startswith("xlwings 0.38.0 is installed, fee12b1 needs exactly 0.37.8")
    assert any(t.startswith("the add-in was made with xlwings 0.37.8 (it calls "
                            "xlwings64-0.37.8.dll), xlwings 0.38.0 is installed") for t in fixes)


def test_not_an_addin(tmp_path, capsys):
    bad = tmp_path / "fee12b1.xlam"
    bad.write_text("not a zip")
    assert main(["addin", "--check", "--addin", str(bad)]) == 1
    assert "cannot read the add-in" in capsys.readouterr().out
    assert main(["addin", "--out", str(tmp_path / "x.bas"), "--check"]) == 2


def test_imported_functions_compared_with_todays():
    text = vba.module_text().replace("\r\n", "\n")
    have = doctor.imported_functions(text)
    assert have == doctor.expected_functions()
    assert have["FEE_PERIOD"] == ["rate", "nav_dates", "nav_values", "start", "end_date",
                                  "day_count", "rounding"]
