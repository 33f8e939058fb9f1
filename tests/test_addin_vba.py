"""The add-in's wiring: xlwings metadata of every UDF, the VBA wrapper xlwings generates for
them, and the `fee12b1 addin` command that writes it."""
import re
import sys

import pytest
import xlwings

from addin import vba
from fee_core.cli import main
from tests import xlwings_standin as standin

# SPEC §9: name -> (required args, optional args), with SPEC's `end`/`date` spelled for VBA
FUNCTIONS = {
    "FEE_DAILY": (["rate", "net_assets", "fee_date"], ["day_count"]),
    "FEE_ADNA": (["nav_dates", "nav_values", "start", "end_date"], []),
    "FEE_PERIOD": (["rate", "nav_dates", "nav_values", "start", "end_date"],
                   ["day_count", "rounding"]),
    "FEE_SERVICE_RATE": (["provider_rate", "fund_rate"], ["cap"]),
    "FEE_SERVICE": (["provider_rate", "fund_rate", "attributable_assets", "start", "end_date"],
                    ["cap", "day_count", "rounding"]),
    "FEE_ACCRUALS": (["schedule_a", "schedule_b", "plan_events", "nav", "settings"],
                     ["by", "fund_names"]),
    "FEE_PAYOUTS": (["providers", "provider_assets", "schedule_a", "schedule_b", "plan_events",
                     "settings"], ["by", "fund_names"]),
    "FEE_CHECKS": (["schedule_a", "schedule_b", "plan_events", "nav", "settings"],
                   ["providers", "provider_assets", "fund_names"]),
}


@pytest.fixture(scope="module")
def udfs():
    return standin.load_udf_module("addin.udfs")


def signature(required, optional):
    return ", ".join(required + [f"Optional {a}" for a in optional])


def test_xlfunc_metadata(udfs):
    found = {a for a in dir(udfs) if hasattr(getattr(udfs, a), "__xlfunc__")}
    assert found == set(FUNCTIONS)
    for name, (required, optional) in FUNCTIONS.items():
        info = getattr(udfs, name).__xlfunc__
        assert info["name"] == name and info["category"] == "fee12b1"
        assert [a["name"] for a in info["args"]] == required + optional
        for a in required:
            assert "optional" not in info["argmap"][a], (name, a)
        for a in optional:
            assert info["argmap"][a]["optional"] is None, (name, a)  # blank = the default
        for a in required + optional:
            # COM's values untouched (no per-cell cleaning in xlwings): addin.convert cleans
            assert info["argmap"][a]["options"] == {"convert": "raw"}, (name, a)
            doc = info["argmap"][a]["doc"]
            assert doc and not doc.startswith("Positional argument") and len(doc) <= 255
        desc = info["ret"]["doc"]
        assert desc and "\n" not in desc and len(desc) <= 255
        assert "expand" not in info["ret"]["options"]  # dynamic arrays spill by themselves


def test_vba_wrapper_has_every_function(udfs):
    assert standin.vba_name_problems(udfs) == []
    text = standin.vba_wrapper_text(udfs)
    for name, (required, optional) in FUNCTIONS.items():
        assert f"Function {name}({signature(required, optional)})\n" in text
        args = ", ".join(required + optional)
        assert (f'{name} = XLPy.CallUDF("addin.udfs", "{name}", Array({args}), '
                f"ActiveWorkbook, Application.Caller)") in text


def test_import_functions_macro_options(udfs):
    imported = standin.import_functions(udfs)
    by_macro = {o["Macro"]: o for o in imported.macro_options}
    assert set(by_macro) == {f"'fee12b1.xlam'!{n}" for n in FUNCTIONS}
    for name, (required, optional) in FUNCTIONS.items():
        o = by_macro[f"'fee12b1.xlam'!{name}"]
        assert o["Category"] == "fee12b1"
        assert len(o["ArgumentDescriptions"]) == len(required + optional)


def test_module_text_is_xlwings_wrapper(udfs):
    text = vba.module_text()
    assert text.startswith('Attribute VB_Name = "xlwings_udfs"\r\n')
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert text.isascii()
    plain = text.replace("\r\n", "\n")
    assert standin.vba_wrapper_text(udfs) in plain  # the same generate_vba_wrapper output
    # the register macro: category and descriptions, as Import Functions would set them
    assert f"Sub {vba.REGISTER_MACRO}()" in plain
    # the macro named as xlwings' import_udfs names it: "'<workbook>'!FEE_..." (udfs.py l. 803)
    assert """    book = "'" & ThisWorkbook.Name & "'!"\n""" in plain
    for name in FUNCTIONS:
        assert re.search(rf'MacroOptions Macro:=book & "{name}", Description:="[^"]+", '
                         rf'Category:="fee12b1", ArgumentDescriptions:=Array\(', plain)
    # the restart macro stops this add-in's server (not the xlwings ribbon's) and starts it
    assert (f"Sub {vba.RESTART_MACRO}()\n" in plain and "    KillPy\n    XLPy.Exec \"\"\n"
            "    Application.CalculateFull\nEnd Sub\n" in plain)
    assert "ThisWorkbook, Application.Caller" in vba.module_text("Fees 2001.xlsm")


def test_module_text_leaves_process_as_it_was():
    import addin.udfs as before
    vba.module_text()
    import addin.udfs as after
    assert after is before and sys.modules["addin.udfs"] is before
    if sys.platform != "win32":
        for name in ("pythoncom", "pywintypes", "win32com", "win32com.client", "xlwings.udfs"):
            assert name not in sys.modules
        assert not hasattr(xlwings, "udfs")
        assert xlwings.func.__module__ == "xlwings"


def test_cli_prints_module(capsys):
    assert main(["addin"]) == 0
    out = capsys.readouterr().out
    for name, (required, optional) in FUNCTIONS.items():
        assert f"Function {name}({signature(required, optional)})" in out
    assert out.startswith('Attribute VB_Name = "xlwings_udfs"\n')


def test_cli_writes_file_no_clobber(tmp_path, capsys):
    out = tmp_path / "fee12b1_udfs.bas"
    assert main(["addin", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b'Attribute VB_Name = "xlwings_udfs"\r\n')
    assert all(f"Function {n}(".encode() in data for n in FUNCTIONS)
    capsys.readouterr()
    out.write_text("mine")
    assert main(["addin", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text() == "mine"
    assert main(["addin", "--out", str(out), "--force"]) == 0
    assert out.read_bytes() == data
    assert main(["addin", "--out", str(tmp_path)]) == 2
    assert main(["addin", "--workbook", "Fees.xlsm", "--out", str(tmp_path / "b.bas")]) == 0
    assert b"ThisWorkbook" in (tmp_path / "b.bas").read_bytes()
