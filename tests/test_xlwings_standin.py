"""The toy UDF module run through xlwings' real UDF machinery (see tests/xlwings_standin.py)."""

import datetime as dt
import importlib.util
import re
import sys
import types

import pytest
import xlwings

from tests import xlwings_standin as standin

FUNCS = ["toy_accrual", "toy_boom", "toy_fee_table", "toy_schedule", "toy_types"]


@pytest.fixture(scope="module")
def toy():
    return standin.load_udf_module("tests.toy_udfs")


# ---------------------------------------------------------------- metadata (real udfs.xlfunc)
def test_xlfunc_metadata(toy):
    for name in FUNCS:
        info = getattr(toy, name).__xlfunc__
        assert info["name"] == name
        assert info["category"] == "fee12b1"
        assert info["sub"] is False and info["async_mode"] is None

    info = toy.toy_accrual.__xlfunc__
    assert [a["name"] for a in info["args"]] == ["start", "finish", "basis"]
    assert "optional" not in info["argmap"]["start"]
    assert info["argmap"]["finish"]["optional"] is None
    assert info["argmap"]["basis"]["optional"] == 365
    assert info["argmap"]["start"]["options"] == {"dates": dt.date}
    assert info["argmap"]["finish"]["options"] == {"dates": dt.date, "empty": None}
    assert info["argmap"]["basis"]["options"] == {"numbers": int}
    assert info["argmap"]["start"]["doc"] == "First day (a date cell)."
    assert info["ret"]["doc"] == "Days from start to finish inclusive, divided by basis."

    assert toy.toy_types.__xlfunc__["argmap"]["x"]["options"] == {"ndim": 2, "empty": None}
    assert toy.toy_fee_table.__xlfunc__["ret"]["options"] == {"index": False, "header": True}
    assert toy.toy_schedule.__xlfunc__["ret"]["options"] == {"expand": "table"}
    # an undocumented argument gets xlwings' placeholder doc
    assert toy.toy_boom.__xlfunc__["args"][0]["doc"] == "Positional argument 1"


def test_reload_is_fresh_and_usable(toy):
    again = standin.load_udf_module("tests.toy_udfs")
    assert again is not toy and again is sys.modules["tests.toy_udfs"]
    assert again.toy_accrual.__xlfunc__["category"] == "fee12b1"
    assert standin.call(again, "toy_accrual", dt.datetime(2024, 1, 1)) == pytest.approx(1 / 365)
    # the earlier module object still works too (call re-registers it)
    assert standin.call(toy, "toy_accrual", dt.datetime(2024, 1, 1)) == pytest.approx(1 / 365)


# ---------------------------------------------------------------- VBA (real generate_vba_wrapper)
def test_vba_wrapper_text(toy):
    vba = standin.vba_wrapper_text(toy)
    for name in FUNCS:
        assert re.search(rf"^Function {name}\(", vba, re.M)
        assert f'XLPy.CallUDF("tests.toy_udfs", "{name}", ' in vba
        assert f"{name} = Err.Description" in vba
        assert re.search(r"^End Function$", vba, re.M)
    assert "Function toy_accrual(start, Optional finish, Optional basis)" in vba
    assert "Array(start, finish, basis), ActiveWorkbook, Application.Caller)" in vba
    assert "Function toy_types(x)\n" in vba
    assert "On Error GoTo failed" in vba
    # the category is not part of the VBA text: it goes to Application.MacroOptions
    assert "fee12b1" not in vba.replace("tests.toy_udfs", "")
    # a workbook that is not an add-in gets ThisWorkbook
    assert "ThisWorkbook" in standin.vba_wrapper_text(toy, workbook_name="Book1.xlsm")


def test_import_functions_macro_options(toy):
    imported = standin.import_functions(toy)
    assert imported.vba.startswith('Attribute VB_Name = "xlwings_udfs"\n')
    assert '#Const App = "Microsoft Excel"' in imported.vba
    assert standin.vba_wrapper_text(toy) in imported.vba
    by_macro = {o["Macro"]: o for o in imported.macro_options}
    assert set(by_macro) == {f"'fee12b1.xlam'!{name}" for name in FUNCS}
    acc = by_macro["'fee12b1.xlam'!toy_accrual"]
    assert acc["Category"] == "fee12b1"
    assert acc["Description"] == "Days from start to finish inclusive, divided by basis."
    assert acc["ArgumentDescriptions"] == [
        "First day (a date cell).",
        "Last day; empty = start.",
        "Day-count basis, default 365.",
    ]


def test_vba_names(toy):
    assert standin.vba_name_problems(toy) == []

    def end(end, _x, X, x):  # noqa: E741 - deliberately bad names
        pass

    end.__xlfunc__ = {
        "name": "end",
        "args": [{"name": n, "vba": None} for n in ("end", "_x", "X", "x")],
    }
    problems = standin.vba_name_problems(types.SimpleNamespace(end=end))
    assert "end: function 'end' is a VBA keyword" in problems
    assert "end: argument 'end' is a VBA keyword" in problems
    assert "end: argument 'end' clashes with 'end' (VBA ignores case)" in problems
    assert "end: argument '_x' is not a VBA identifier" in problems
    assert "end: argument 'x' clashes with 'X' (VBA ignores case)" in problems


# ---------------------------------------------------------------- calls (real call_udf)
def test_array_value_arrives_as_list_of_lists(toy):
    # 1xN results come back flat (XLPython.CallUDF squeezes 1-row results)
    assert standin.call(toy, "toy_types", ((1.0, 2.0), (3.0, None))) == ["list", "list", "float"]


def test_range_reference_arrives_as_list_of_lists(toy):
    rng = standin.ExcelRange(((1.0, "a"), (None, 2.0)), address="$C$3")
    assert standin.call(toy, "toy_types", rng) == ["list", "list", "float"]
    # a single cell's COM Value is a scalar; ndim=2 still gives [[v]]
    assert standin.call(toy, "toy_types", standin.ExcelRange(7.0)) == ["list", "list", "float"]
    assert standin.call(toy, "toy_types", standin.ExcelRange(None)) == ["list", "list", "NoneType"]


def test_number_arrives_as_float(toy):
    assert standin.call(toy, "toy_types", 5.0) == ["list", "list", "float"]
    # numbers=int converts (round) -- range(2.0) would raise inside toy_schedule
    out = standin.call(toy, "toy_schedule", dt.datetime(2024, 1, 1), 2.0, caller_shape=(3, 3))
    assert [row[0] for row in out] == ["day", 1, 2]


def test_dates_converted_per_dates_option(toy):
    start, finish = dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 31)
    assert standin.call(toy, "toy_accrual", start, finish) == pytest.approx(31 / 365)
    assert standin.call(toy, "toy_accrual", start, finish, 360.0) == pytest.approx(31 / 360)
    # omitted optionals arrive as MISSING and get the Python defaults (unconverted)
    assert standin.call(toy, "toy_accrual", start) == pytest.approx(1 / 365)
    assert standin.call(toy, "toy_accrual", start, standin.MISSING, 360.0) == pytest.approx(1 / 360)
    # an empty cell with empty=None
    assert standin.call(toy, "toy_accrual", start, None) == pytest.approx(1 / 365)
    # a date cell referenced as a range
    rng = standin.ExcelRange(dt.datetime(2024, 1, 10))
    assert standin.call(toy, "toy_accrual", start, rng) == pytest.approx(10 / 365)
    # a number that is not date-formatted stays a float: dates= does not touch it
    assert standin.call(toy, "toy_accrual", 45292.0) == "#start: not a date"
    assert standin.call(toy, "toy_accrual", start, "x") == "#finish: not a date"


def test_returns_converted_back(toy):
    out = standin.call(toy, "toy_fee_table", ((1_000_000.0,), (2_000_000.0,)), 36.5)
    assert out == [["balance", "fee"], [1_000_000.0, 10.0], [2_000_000.0, 20.0]]
    assert isinstance(out, list) and all(isinstance(r, list) for r in out)

    out = standin.call(toy, "toy_schedule", dt.datetime(2024, 1, 1), caller_shape=(4, 3))
    utc = dt.UTC
    assert out == [
        ["day", "date", "note"],
        [1, dt.datetime(2024, 1, 1, tzinfo=utc), ""],  # date -> tz-aware for pywin32; None -> ""
        [2, dt.datetime(2024, 1, 2, tzinfo=utc), ""],
        [3, dt.datetime(2024, 1, 3, tzinfo=utc), ""],
    ]


def test_expand_from_single_cell_needs_resize(toy):
    with pytest.raises(NotImplementedError, match="caller_shape"):
        standin.call(toy, "toy_schedule", dt.datetime(2024, 1, 1))
    with standin.installed() as udfs:
        assert udfs.cache == {}


def test_exception_propagates(toy):
    with pytest.raises(ValueError, match="boom: 1.0"):
        standin.call(toy, "toy_boom", 1.0)


# ---------------------------------------------------------------- state is restored
def test_plain_xlwings_untouched_afterwards(toy):
    standin.call(toy, "toy_types", 1.0)
    standin.vba_wrapper_text(toy)
    for name in standin._STANDINS:
        assert name not in sys.modules
    assert "xlwings.udfs" not in sys.modules and "xlwings.com_server" not in sys.modules
    assert not hasattr(xlwings, "udfs") and not hasattr(xlwings, "_xlwindows")
    assert "excel" not in [e.name for e in xlwings.engines]
    with pytest.raises(ImportError):
        import pythoncom  # noqa: F401

    # the Linux no-op decorators are back: a plain import of the toy gets no metadata
    spec = importlib.util.spec_from_file_location("toy_plain", toy.__file__)
    plain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plain)
    assert not hasattr(plain.toy_accrual, "__xlfunc__")
    assert plain.toy_accrual(dt.date(2024, 1, 1), dt.date(2024, 1, 2)) == pytest.approx(2 / 365)
    # ...while the loaded module keeps its real metadata
    assert toy.toy_accrual.__xlfunc__["category"] == "fee12b1"


# ---------------------------------------------------------------- checkout paths
def test_udf_module_under_a_path_with_capitals_and_a_space(tmp_path, monkeypatch):
    """xlwings lowercases a UDF module's path (right on Windows, whose file system ignores
    case); the stand-in keeps the case, so a checkout like 'C:/Users/Ann/Fee Work' works."""
    root = tmp_path / "Check Out" / "My Work"
    pkg = root / "CapsPkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "Funcs.py").write_text(
        "import xlwings as xw\n\n\n@xw.func\ndef twice(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(root))
    module = standin.load_udf_module("CapsPkg.Funcs")
    assert standin.call(module, "twice", 2.0) == 4.0
    assert standin.call(module, "twice", 3.0) == 6.0  # get_udf_module's getmtime check
    sys.modules.pop("CapsPkg.Funcs", None)
    sys.modules.pop("CapsPkg", None)
