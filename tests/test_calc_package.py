"""The Calc extension's package (addin/calc/oxt.py, idl.py, functions.py, environment.py) and the
``fee12b1 calc-addin`` command, without running LibreOffice (except the type-library rebuild,
which needs LibreOffice's SDK compiler)."""
import inspect
import json
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from addin import udfs
from addin.calc import environment as E
from addin.calc import idl, oxt
from addin.calc.functions import KINDS, function_specs
from fee_core import __version__
from fee_core.cli import main


@pytest.fixture(scope="module")
def specs():
    return function_specs()


@pytest.fixture(scope="module")
def package(specs):
    env = E.record(__version__)
    return zipfile.ZipFile(__import__("io").BytesIO(oxt.oxt_bytes(env, specs))), env


def test_functions_are_the_excel_functions(specs):
    names = [f.name for f in specs]
    excel = sorted(n for n in dir(udfs) if n.startswith("FEE_") and callable(getattr(udfs, n)))
    assert names == excel
    for f in specs:
        params = inspect.signature(getattr(udfs, f.name)).parameters
        assert [a.name for a in f.args] == list(params)
        assert [a.optional for a in f.args] == \
            [p.default is not inspect.Parameter.empty for p in params.values()]
        assert all(a.doc for a in f.args) and f.doc
    assert {f.name for f in specs if f.returns_table} == {"FEE_ACCRUALS", "FEE_PAYOUTS", "FEE_CHECKS"}
    assert {a.kind for f in specs for a in f.args} <= set(KINDS.values())


def test_committed_idl_declares_these_functions(specs):
    assert idl.IDL_PATH.read_text(encoding="utf-8") == idl.idl_text(specs)
    text = idl.idl_text(specs)
    assert "sequence< sequence< any > > FEE_ACCRUALS(" in text
    assert "any FEE_DAILY([in] com::sun::star::beans::XPropertySet options, [in] any rate, " \
        "[in] any netAssets, [in] any feeDate, [in] any dayCount);" in text


@pytest.mark.libreoffice
def test_committed_type_library_rebuilds_to_the_same_bytes(tmp_path, specs):
    idl.unoidl_write()  # says which packages to install when it is missing
    out = tmp_path / "fee12b1.rdb"
    idl.compile_rdb(idl.idl_text(specs), out)
    assert out.read_bytes() == idl.RDB_PATH.read_bytes()


def test_package_contents(package, specs):
    z, env = package
    names = set(z.namelist())
    manifest = ET.fromstring(z.read("META-INF/manifest.xml"))
    ns = "{http://openoffice.org/2001/manifest}"
    entries = {e.get(ns + "full-path"): e.get(ns + "media-type") for e in manifest}
    assert entries["fee12b1.rdb"] == "application/vnd.sun.star.uno-typelibrary;type=RDB"
    assert entries["fee12b1_calc.components"] == "application/vnd.sun.star.uno-components"
    assert set(entries) <= names
    for name in names:
        if name.endswith((".xml", ".xcu", ".components")):
            ET.fromstring(z.read(name))  # well-formed
    desc = z.read("description.xml").decode()
    assert f'<version value="{__version__}"/>' in desc and 'value="org.fee12b1.calc"' in desc
    comps = ET.fromstring(z.read("fee12b1_calc.components"))
    impls = {i.get("name"): [s.get("name") for s in i] for c in comps for i in c}
    assert "com.sun.star.sheet.AddIn" in impls["org.fee12b1.calc.Functions"]
    assert "com.sun.star.task.Job" in impls["org.fee12b1.calc.DocumentJob"]
    jobs = z.read("Jobs.xcu").decode()
    assert "org.fee12b1.calc.DocumentJob" in jobs
    for event in ("OnLoadFinished", "OnSaveDone", "OnSaveAsDone"):
        assert f'oor:name="{event}"' in jobs
    xcu = z.read("CalcAddIns.xcu").decode()
    assert xcu.count('<prop oor:name="CompatibilityName"><value xml:lang="en-US">FEE_') == len(specs)
    assert json.loads(z.read("functions.json")) == [f.as_json() for f in specs]
    assert json.loads(z.read("environment.json")) == env
    assert z.read("fee12b1.rdb") == idl.RDB_PATH.read_bytes()
    # the component is the one in the source tree; it compiles
    src = z.read("fee12b1_calc.py").decode()
    compile(src, "fee12b1_calc.py", "exec")
    here = Path(oxt.__file__).parent
    assert src == (here / "component.py").read_text(encoding="utf-8")
    assert z.read("pythonpath/fee12b1_calc_env.py").decode() == \
        (here / "environment.py").read_text(encoding="utf-8")
    assert z.read("pythonpath/fee12b1_calc_xlsx.py").decode() == \
        (here / "xlsx_names.py").read_text(encoding="utf-8")


def test_build_is_reproducible(specs):
    env = E.record(__version__)
    assert oxt.oxt_bytes(env, specs) == oxt.oxt_bytes(env, specs)


def test_environment_record_names_this_python():
    env = E.record("9.9")
    assert env["fee12b1"] == "9.9"
    assert env["prefix"] == sys.prefix
    assert env["python"]["version"][:2] == list(sys.version_info[:2])
    assert all(Path(p).is_dir() for p in env["site_packages"])
    E.compatible(env, E.current_python())  # this Python can use what it recorded


@pytest.mark.parametrize("change, words", [
    ({"version": [3, 12, 1]}, "is for Python 3.12.1"),
    ({"soabi": "cpython-311-aarch64-linux-gnu"}, "is for Python cpython-311-aarch64"),
    ({"implementation": "pypy"}, "is for Python pypy"),
])
def test_mismatched_python_is_refused_with_what_to_do(change, words):
    env = E.record("1.0")
    env["python"] = dict(env["python"], **change)
    with pytest.raises(E.Mismatch) as exc:
        E.compatible(env, E.current_python())
    text = str(exc.value)
    assert words in text and "-m venv" in text and "fee12b1 calc-addin" in text
    assert words in ("#fee12b1: " + text)[:254]  # what a cell shows (clipped at 255)


def test_a_later_micro_version_is_accepted():
    env = E.record("1.0")
    here = dict(E.current_python(), version=env["python"]["version"][:2] + [99])
    E.compatible(env, here)


def test_missing_environment_and_other_version_are_refused(tmp_path):
    env = dict(E.record("1.0"), site_packages=[str(tmp_path / "gone")], prefix=str(tmp_path))
    with pytest.raises(E.Mismatch, match="gone or unreadable"):
        E.activate(env)
    fake = type("fee_core", (), {"__version__": "0.0.1"})
    with pytest.raises(E.Mismatch, match="built for fee12b1 1.0 but .* now has fee12b1 0.0.1"):
        E.verify_import(E.record("1.0"), fake)


# --------------------------------------------------------------------------- the command
def test_command_writes_the_extension(tmp_path, capsys):
    out = tmp_path / "fee12b1.oxt"
    assert main(["calc-addin", "--out", str(out)]) == 0
    z = zipfile.ZipFile(out)
    assert json.loads(z.read("environment.json"))["prefix"] == sys.prefix
    said = capsys.readouterr().out
    assert str(out) in said and "unopkg add" in said
    # refuses to replace it without --force, and then replaces it
    assert main(["calc-addin", "--out", str(out)]) == 2
    assert "use --force" in capsys.readouterr().err
    assert main(["calc-addin", "--out", str(out), "--force"]) == 0


@pytest.mark.parametrize("name, words", [("x.zip", "must be an .oxt"), ("dir.oxt", "is a folder")])
def test_command_bad_usage(tmp_path, capsys, name, words):
    (tmp_path / "dir.oxt").mkdir()
    assert main(["calc-addin", "--out", str(tmp_path / name)]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_command_refuses_a_stale_type_library(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(oxt, "idl_text", lambda functions: "// another interface\n")
    assert main(["calc-addin", "--out", str(tmp_path / "f.oxt")]) == 2
    assert "python -m addin.calc.idl" in capsys.readouterr().err
    assert not (tmp_path / "f.oxt").exists()


def test_command_help(capsys):
    with pytest.raises(SystemExit):
        main(["calc-addin", "--help"])
    text = capsys.readouterr().out
    assert "LibreOffice Calc extension" in text and "--force" in text
